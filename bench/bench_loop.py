"""Training-loop overhead: images/s of fastai's `fit_one_cycle` on superconv's loader vs a bare PyTorch loop.

Same model, batch, optimizer (SGD, momentum 0.9, L2 weight decay 1e-4) and data tensors; both timed in this
one process, interleaved, so their ratio is meaningful on a shared machine. Also compares channels_last on
and off. Writes `bench/results/loop.json` (with provenance) and `bench/results/loop.md`.

    python bench/bench_loop.py [--models resnet8 resnet20] [--iters 12] [--repeats 3]
"""
import argparse, json, time
from pathlib import Path
import torch, torch.nn.functional as F
from fastai.vision.all import Learner, accuracy
from superconv.schedules import paper_sgd
from superconv.data import get_dls
from superconv.models import get_model
from superconv.experiments import provenance, SkipEpochValidation

def fastai_img_s(dls, model, iters, lr=0.1):
    "Images/s of `learn.fit_one_cycle` over `iters` training iterations (validation skipped), after one warm-up fit"
    learn = Learner(dls, model, opt_func=paper_sgd(), wd=1e-4, metrics=accuracy, cbs=SkipEpochValidation())   # time training only
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(1, lr)   # warm-up
        t = time.perf_counter(); learn.fit_one_cycle(1, lr); dt = time.perf_counter()-t
    return iters*dls.train.bs/dt

def bare_img_s(dls, model, iters, lr=0.1):
    "Images/s of a plain PyTorch loop over the same device tensors (same crop/flip/normalise transforms)"
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    tfms = dls.train.after_batch
    tfms.split_idx = 0   # training transforms (crop/flip on), as fastai sets before each epoch
    ds = dls.train.dataset
    def run():
        model.train()
        idx = torch.randperm(len(ds))[:iters*dls.train.bs].view(iters, -1)
        for b in idx:
            xb,yb = (t.as_subclass(torch.Tensor) for t in tfms((ds.x[b], ds.y[b])))   # plain tensors from here on
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(); loss.backward(); opt.step()
    run()   # warm-up
    t = time.perf_counter(); run(); dt = time.perf_counter()-t
    return iters*dls.train.bs/dt

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='+', default=['resnet8', 'resnet20'])
    p.add_argument('--bs', type=int, default=512)
    p.add_argument('--iters', type=int, default=12)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args()
    t0, rows = time.time(), []
    med = lambda xs: sorted(xs)[len(xs)//2]
    for m in a.models:
        for cl in (False, True):
            dls = get_dls('cifar10', bs=a.bs, n_train=a.bs*a.iters, channels_last=cl)
            runs = {'fastai': [], 'bare': []}
            for r in range(a.repeats):
                for k, f in (('fastai', fastai_img_s), ('bare', bare_img_s)):
                    torch.manual_seed(r)
                    model = get_model(m)
                    if cl: model = model.to(memory_format=torch.channels_last)
                    runs[k].append(f(dls, model, a.iters))
            row = dict(model=m, channels_last=cl, fastai_img_s=med(runs['fastai']), bare_img_s=med(runs['bare']), runs=runs)
            row['ratio'] = row['fastai_img_s']/row['bare_img_s']
            rows.append(row)
            print(f"{m} channels_last={cl}: fastai {row['fastai_img_s']:.0f} img/s, bare {row['bare_img_s']:.0f} img/s, ratio {row['ratio']:.2f}", flush=True)
    rec = dict(bench='training_loop', dataset='cifar10', bs=a.bs, iters=a.iters, repeats=a.repeats, rows=rows, wall_s=round(time.time()-t0, 1), **provenance())
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    (out/'loop.json').write_text(json.dumps(rec, indent=1) + '\n')
    md = ["| model | channels_last | fastai `fit_one_cycle` img/s | bare PyTorch loop img/s | fastai / bare |", "|---|---|---|---|---|"]
    md += [f"| {r['model']} | {r['channels_last']} | {r['fastai_img_s']:.0f} | {r['bare_img_s']:.0f} | {r['ratio']:.2f} |" for r in rows]
    md.append(f"\nCIFAR-10, batch {a.bs}, {a.iters} timed iterations, median of {a.repeats}; {rec['device']}, torch {rec['torch']}, "
              f"fastai {rec['fastai']}, git {str(rec['git_sha'])[:8]}, {rec['date']}.")
    (out/'loop.md').write_text('\n'.join(md) + '\n')
    print('\n'.join(md))

if __name__ == '__main__': main()
