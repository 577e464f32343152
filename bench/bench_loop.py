"""Training-loop overhead: images/s of fastai's `fit_one_cycle` on superconv's loader vs a bare PyTorch loop.

Same model, batch, optimizer (SGD, momentum 0.9, L2 weight decay 1e-4) and data tensors; both timed in this
one process, interleaved, so their ratio is meaningful on a shared machine. For each model (default ResNet-8,
-20 and -56) it compares channels_last on and off and measures peak memory: on CUDA the allocator's peak, on a
CPU the peak resident-set growth during the timed run (sampled every 5 ms from /proc/self/statm). At the memory
format `superconv run` picks, it also times `fit_one_cycle` on fastai's stock pipeline (image files, PIL transforms,
worker processes; for `--stock` models, ResNet-8 by default), so the three loops are measured in one run. Writes
`bench/results/loop.json` (with provenance) and `bench/results/loop.md`.

    python bench/bench_loop.py [--models resnet8 resnet20 resnet56] [--iters N] [--repeats 3] [--device cuda] [--stock resnet8 ...]
"""
import argparse, json, os, threading, time
from pathlib import Path
import torch, torch.nn.functional as F
from fastai.vision.all import Learner, accuracy
from superconv.schedules import paper_sgd
from superconv.data import get_dls
from superconv.models import get_model
from superconv.store import provenance
from superconv.instruments import SkipEpochValidation, exec_options

ITERS = {'resnet8': 10, 'resnet20': 6, 'resnet56': 3}   # timed iterations per fit: about 5 s each on 2 CPU cores
CUDA_X = 8                                              # ×8 on a GPU (≤ 96 batches of 512: within CIFAR-10's 50k images)
WARMUP = 1                                              # iterations before each timing (allocator, first-call overheads)

class PeakMemory:
    "Peak memory (MB) used while the block runs: CUDA's allocator peak, or on a CPU the growth of the resident set"
    def __init__(self, device):
        self.device,self.mb = torch.device(device),None
        if self.device.type not in ('cpu', 'cuda'): raise ValueError(f"This benchmark times cpu or cuda devices, got {device!r}")
    def _rss(self):
        with open('/proc/self/statm') as f: return int(f.read().split()[1])*os.sysconf('SC_PAGE_SIZE')
    def _sample(self):
        while not self._stop.wait(0.005): self._peak = max(self._peak, self._rss())
    def __enter__(self):
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device); torch.cuda.reset_peak_memory_stats(self.device); self._base = torch.cuda.memory_allocated(self.device)
        elif os.path.exists('/proc/self/statm'):
            self._base = self._peak = self._rss(); self._stop = threading.Event()
            self._t = threading.Thread(target=self._sample, daemon=True); self._t.start()
        return self
    def __exit__(self, *exc):
        if self.device.type == 'cuda': torch.cuda.synchronize(self.device); self.mb = (torch.cuda.max_memory_allocated(self.device)-self._base)/2**20
        elif hasattr(self, '_t'): self._stop.set(); self._t.join(); self.mb = (max(self._peak, self._rss())-self._base)/2**20

def sync(device):
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(torch.device(device))

def fastai_run(dls, model, iters, device, lr=0.1):
    "Images/s and peak memory of `learn.fit_one_cycle` over one epoch of `iters` iterations (validation skipped), after a short warm-up"
    learn = Learner(dls, model, opt_func=paper_sgd(), wd=1e-4, metrics=accuracy, cbs=SkipEpochValidation())   # time training only
    with learn.no_bar(), learn.no_logging():
        learn.fit_iters(WARMUP, {'lr': lambda pos: lr})
        with PeakMemory(device) as mem:
            sync(device); t = time.perf_counter(); learn.fit_one_cycle(1, lr); sync(device); dt = time.perf_counter()-t
    return iters*dls.train.bs/dt, mem.mb

def bare_run(dls, model, iters, device, lr=0.1):
    "Images/s and peak memory of a plain PyTorch loop over the same device tensors (same crop/flip/normalise transforms)"
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    tfms = dls.train.after_batch
    tfms.split_idx = 0   # training transforms (crop/flip on), as fastai sets before each epoch
    ds = dls.train.dataset
    def run(n):
        model.train()
        idx = torch.randperm(len(ds))[:n*dls.train.bs].view(n, -1)
        for b in idx:
            xb,yb = (t.as_subclass(torch.Tensor) for t in tfms((ds.x[b], ds.y[b])))   # plain tensors from here on
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(); loss.backward(); opt.step()
    run(WARMUP)
    with PeakMemory(device) as mem:
        sync(device); t = time.perf_counter(); run(iters); sync(device); dt = time.perf_counter()-t
    return iters*dls.train.bs/dt, mem.mb

def footer(rec:dict)->str:
    "The provenance sentence that ends each benchmark's markdown table"
    return f"{rec['device']}, torch {rec['torch']}, fastai {rec['fastai']}, git {str(rec['git_sha'])[:8]}, {rec['date']}, {rec['wall_s']:.0f} s in all."

def write_outputs(out, name:str, rec:dict, md:list):
    "Write the record as `out/name.json` and the table lines `md` as `out/name.md`, and print the table"
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    (out/f'{name}.json').write_text(json.dumps(rec, indent=1) + '\n')
    (out/f'{name}.md').write_text('\n'.join(md) + '\n')
    print('\n'.join(md))

def auto_cl(model): return exec_options('cpu', model)['channels_last']   # the memory format `superconv run` picks on CPU (always on for CUDA)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='+', default=list(ITERS))
    p.add_argument('--bs', type=int, default=512)
    p.add_argument('--iters', type=int, default=None, help=f"timed iterations per fit (default per model on a CPU: {ITERS}, 4 for others; ×{CUDA_X} on CUDA)")
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--stock', nargs='*', default=['resnet8'], help="models also timed on fastai's stock image pipeline (PIL + worker processes); none: `--stock`")
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args(argv)
    t0, rows = time.time(), []
    med = lambda xs: sorted(xs)[len(xs)//2]
    for m in a.models:
        iters = a.iters or ITERS.get(m, 4) * (CUDA_X if torch.device(a.device).type == 'cuda' else 1)
        for cl in (False, True):
            dls = get_dls('cifar10', bs=a.bs, n_train=a.bs*iters, channels_last=cl, device=a.device)
            stock = cl == auto_cl(m) and m in a.stock   # fastai's stock pipeline too, at the automatic memory format
            sdls = get_dls('cifar10', bs=a.bs, n_train=a.bs*iters, fast=False, device=a.device) if stock else None
            loops = [('fastai', fastai_run, dls), ('bare', bare_run, dls)] + ([('stock', fastai_run, sdls)] if stock else [])
            runs, mems = {k: [] for k,*_ in loops}, {k: [] for k,*_ in loops}
            for r in range(a.repeats):
                for k, f, d in loops:
                    torch.manual_seed(r)
                    model = get_model(m).to(a.device)
                    if cl: model = model.to(memory_format=torch.channels_last)
                    img_s, mb = f(d, model, iters, a.device)
                    runs[k].append(img_s); mems[k].append(mb)
            peak = lambda k: None if None in mems[k] else round(max(mems[k]), 1)
            row = dict(model=m, channels_last=cl, iters=iters, fastai_img_s=med(runs['fastai']), bare_img_s=med(runs['bare']), runs=runs,
                       fastai_peak_mb=peak('fastai'), bare_peak_mb=peak('bare'))
            row['ratio'] = row['fastai_img_s']/row['bare_img_s']
            row['stock_img_s'] = med(runs['stock']) if stock else None
            row['stock_ratio'] = row['stock_img_s']/row['bare_img_s'] if stock else None
            rows.append(row)
            print(f"{m} channels_last={cl}: fastai {row['fastai_img_s']:.0f} img/s, bare {row['bare_img_s']:.0f} img/s, ratio {row['ratio']:.2f}; "
                  f"peak memory fastai {row['fastai_peak_mb']} MB, bare {row['bare_peak_mb']} MB"
                  + (f"; fastai on its stock pipeline {row['stock_img_s']:.0f} img/s ({row['stock_ratio']:.2f} of bare)" if stock else ''), flush=True)
    for r in rows:   # channels_last speed-up, per model and loop
        base = next(b for b in rows if b['model'] == r['model'] and not b['channels_last'])
        r['channels_last_speedup'] = r['fastai_img_s']/base['fastai_img_s']
    rec = dict(bench='training_loop', dataset='cifar10', bs=a.bs, warmup=WARMUP, repeats=a.repeats, rows=rows,
               memory=('CUDA allocator peak above the memory in use before the timed run' if torch.device(a.device).type == 'cuda' else
                       'peak resident-set growth above its level before the timed run, sampled every 5 ms by a thread that runs during the timing'),
               wall_s=round(time.time()-t0, 1), **provenance(a.device))
    fmt = lambda v: '–' if v is None else f"{v:.0f}"
    stock_col = lambda r: '–' if r['stock_img_s'] is None else f"{r['stock_img_s']:.0f} ({r['stock_ratio']:.2f})"
    md = ["| model | channels_last | iterations | fastai `fit_one_cycle` img/s | bare PyTorch loop img/s | fastai / bare | channels_last speed-up (fastai) | fastai on its stock pipeline img/s (/ bare) | peak MB above start, fastai / bare |",
          "|---|---|---|---|---|---|---|---|---|"]
    md += [f"| {r['model']} | {r['channels_last']} | {r['iters']} | {r['fastai_img_s']:.0f} | {r['bare_img_s']:.0f} | {r['ratio']:.2f} | "
           f"{r['channels_last_speedup']:.2f} | {stock_col(r)} | "
           f"{fmt(r['fastai_peak_mb'])} / {fmt(r['bare_peak_mb'])} |" for r in rows]
    md.append(f"\nCIFAR-10, batch {a.bs}, median of {a.repeats} (fastai and bare interleaved) after {WARMUP} warm-up iterations; memory: {rec['memory']}; "
              + footer(rec))
    write_outputs(a.out, 'loop', rec, md)
    return rec

if __name__ == '__main__': main()
