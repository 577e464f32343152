"""Scaling: how images/s and wall time of superconv's training loop grow with batch size and training-set size.

Model depth is the third axis; `bench_loop.py` measures it (ResNet-8/-20/-56 in one run). Here, in one process:
- batch size 512 / 1,024 / 2,048 (ResNet-8, the same number of images per fit): images/s and peak memory;
- training-set size 5k / 10k / 20k images (at the first batch size, 512): time to build the `DataLoaders` from the cached tensors, one
  training epoch, and one pass over the 10k test images; images/s.
Writes `bench/results/scaling.json` (with provenance) and `bench/results/scaling.md`.

    python bench/bench_scaling.py [--model resnet8] [--bss 512 1024 2048] [--n-trains 5000 10000 20000] [--device cuda]
"""
import argparse, sys, time
from pathlib import Path
import torch
from fastai.vision.all import Learner, accuracy
sys.path.insert(0, str(Path(__file__).parent))
from bench_loop import PeakMemory, sync, WARMUP, CUDA_X, footer, write_outputs
from superconv.schedules import paper_sgd
from superconv.data import get_dls
from superconv.models import get_model
from superconv.store import provenance
from superconv.instruments import SkipEpochValidation, exec_options

def learner(dls, model_name, device, cl):
    model = get_model(model_name).to(device)
    if cl: model = model.to(memory_format=torch.channels_last)
    return Learner(dls, model, opt_func=paper_sgd(), wd=1e-4, metrics=accuracy, cbs=SkipEpochValidation())

def timed(f, device):
    sync(device); t = time.perf_counter(); f(); sync(device); return time.perf_counter()-t

def by_batch(a, cl):
    "Images/s (median of `a.repeats`) and peak memory of one `fit_one_cycle` epoch of `a.images` images at each batch size"
    rows = []
    for bs in a.bss:
        dls = get_dls('cifar10', bs=bs, n_train=a.images, channels_last=cl, device=a.device)
        img_s, mbs = [], []
        for r in range(a.repeats):
            torch.manual_seed(r); learn = learner(dls, a.model, a.device, cl)
            with learn.no_bar(), learn.no_logging():
                learn.fit_iters(WARMUP, {'lr': lambda pos: 0.1})
                with PeakMemory(a.device) as mem: dt = timed(lambda: learn.fit_one_cycle(1, 0.1), a.device)
            img_s.append(len(dls.train)*bs/dt); mbs.append(mem.mb)
        rows.append(dict(bs=bs, iters=len(dls.train), img_s=sorted(img_s)[len(img_s)//2], runs=img_s, peak_mb=None if None in mbs else round(max(mbs), 1)))
        print(f"batch {bs}: {rows[-1]['img_s']:.0f} img/s over {rows[-1]['iters']} iterations, peak {rows[-1]['peak_mb']} MB", flush=True)
    return rows

def by_size(a, cl):
    "Seconds to build the loaders, train one epoch and validate once, at each training-set size (at the first batch size)"
    rows, bs = [], a.bss[0]
    for n in a.n_trains:
        t = time.perf_counter(); dls = get_dls('cifar10', bs=bs, n_train=n, channels_last=cl, device=a.device); build = time.perf_counter()-t
        torch.manual_seed(0); learn = learner(dls, a.model, a.device, cl)
        with learn.no_bar(), learn.no_logging():
            learn.fit_iters(WARMUP, {'lr': lambda pos: 0.1})
            train = timed(lambda: learn.fit_one_cycle(1, 0.1), a.device)
            learn.remove_cb(SkipEpochValidation)   # now time fastai's own validation pass
            valid = timed(lambda: learn.validate(), a.device)
        rows.append(dict(n_train=n, iters=len(dls.train), build_s=build, train_s=train, valid_s=valid, img_s=len(dls.train)*bs/train))
        print(f"{n} images: loaders {build:.2f} s, epoch {train:.1f} s ({rows[-1]['img_s']:.0f} img/s), validation {valid:.1f} s", flush=True)
    return rows

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', default='resnet8')
    p.add_argument('--bss', nargs='+', type=int, default=[512, 1024, 2048])
    p.add_argument('--images', type=int, default=None, help=f"images per timed fit in the batch-size scan (default 6,144; ×{CUDA_X} on CUDA)")
    p.add_argument('--n-trains', nargs='+', type=int, default=[5000, 10000, 20000])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args(argv)
    a.images = a.images or 6144*(CUDA_X if torch.device(a.device).type == 'cuda' else 1)
    if a.images < max(a.bss): p.error(f"--images ({a.images}) must be at least the largest batch size ({max(a.bss)})")
    cl = exec_options(a.device, a.model)['channels_last']
    t0 = time.time()
    rec = dict(bench='scaling', dataset='cifar10', model=a.model, channels_last=cl, warmup=WARMUP, repeats=a.repeats, images=a.images,
               batch=by_batch(a, cl), size=by_size(a, cl))
    rec.update(wall_s=round(time.time()-t0, 1), **provenance(a.device))
    b0, s0 = rec['batch'][0], rec['size'][0]
    fmt = lambda v: '–' if v is None else f"{v:.0f}"
    md = ["| batch | iterations | img/s | vs first | peak MB above start |", "|---|---|---|---|---|"]
    md += [f"| {r['bs']} | {r['iters']} | {r['img_s']:.0f} | {r['img_s']/b0['img_s']:.2f} | {fmt(r['peak_mb'])} |" for r in rec['batch']]
    md += ["", "| training images | iterations / epoch | build loaders s | epoch s | img/s | validation s | epoch time vs first |", "|---|---|---|---|---|---|---|"]
    md += [f"| {r['n_train']:,} | {r['iters']} | {r['build_s']:.2f} | {r['train_s']:.1f} | {r['img_s']:.0f} | {r['valid_s']:.1f} | {r['train_s']/s0['train_s']:.2f} |" for r in rec['size']]
    md.append(f"\nCIFAR-10, {a.model}, channels_last {cl}, {WARMUP} warm-up iterations before each timing; batch scan: {a.images:,} images per fit, "
              f"median of {a.repeats}; " + footer(rec))
    write_outputs(a.out, 'scaling', rec, md)
    return rec

if __name__ == '__main__': main()
