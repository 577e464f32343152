"""Loader speed: images/s of superconv's tensor `DataLoaders` vs fastai's stock `ImageDataLoaders` pipeline.

Both deliver the same thing: normalised CIFAR-10 training batches with a 4-px-padded random crop and a
horizontal flip. Both are timed in this one process, on this machine, so their ratio is meaningful even where
absolute times are noisy. Writes `bench/results/data.json` (with provenance) and `bench/results/data.md`.

    python bench/bench_data.py [--bs 512] [--stock-batches 30] [--repeats 3]
"""
import argparse, time
from pathlib import Path
from bench_loop import footer, write_outputs
from superconv.data import get_dls
from superconv.store import provenance

def images_per_s(dl, n_batches, warmup=2):
    "Images/s over `n_batches` batches of `dl` (after `warmup` batches), restarting the epoch when it ends"
    it, seen, t0 = iter(dl), 0, None
    for i in range(n_batches + warmup):
        try: xb, yb = next(it)
        except StopIteration: it = iter(dl); xb, yb = next(it)
        if i == warmup - 1: t0 = time.perf_counter()
        elif i >= warmup: seen += len(xb)
    return seen / (time.perf_counter() - t0)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--bs', type=int, default=512)
    p.add_argument('--stock-batches', type=int, default=30, help='batches timed from the stock pipeline (it is slow)')
    p.add_argument('--fast-batches', type=int, default=300, help='batches timed from the tensor pipeline')
    p.add_argument('--repeats', type=int, default=3, help='timings of each; the median is reported')
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args(argv)
    t0 = time.time()
    fast = get_dls('cifar10', bs=a.bs).train
    stock = get_dls('cifar10', bs=a.bs, fast=False).train
    med = lambda xs: sorted(xs)[len(xs)//2]
    runs = {'fast': [], 'stock': []}
    for r in range(a.repeats):  # interleaved, so both see the same machine state
        runs['fast'].append(images_per_s(fast, a.fast_batches))
        runs['stock'].append(images_per_s(stock, a.stock_batches))
        print(f"repeat {r+1}/{a.repeats}: fast {runs['fast'][-1]:,.0f} img/s, stock {runs['stock'][-1]:,.0f} img/s", flush=True)
    f, s = med(runs['fast']), med(runs['stock'])
    rec = dict(bench='data_loader', dataset='cifar10', split='train', bs=a.bs, augmentation='pad 4 + random 32px crop + flip, normalise',
               stock_num_workers=stock.fake_l.num_workers, fast_img_s=f, stock_img_s=s, ratio=f/s, runs=runs,
               fast_batches=a.fast_batches, stock_batches=a.stock_batches, wall_s=round(time.time()-t0, 1), **provenance())
    write_outputs(a.out, 'data', rec, [f"| loader | images/s (median of {a.repeats}) | ratio |", "|---|---|---|",
                                       f"| fastai stock `ImageDataLoaders` ({rec['stock_num_workers']} workers) | {s:,.0f} | 1.0× |",
                                       f"| superconv tensor `DataLoaders` | {f:,.0f} | {f/s:,.1f}× |", "",
                                       f"CIFAR-10 training batches of {a.bs}, {rec['augmentation']}; {footer(rec)}"])
    print(f"loader ratio: {f/s:.1f}x")
    return rec

if __name__ == '__main__': main()
