"""The performance benchmark in one process and one run: (a) the loader ratio (`bench_data.py`) and (b) the loop ratios (`bench_loop.py`).

Runs both with their defaults on real CIFAR-10, writes their records (`data.*`, `loop.*`) and `bench/results/summary.md`:
each headline ratio against its target (loader ≥ 20×, fastai loop ≥ 0.9× a bare PyTorch loop) and the total wall time.
`--scaling` also runs `bench_scaling.py` (batch size and training-set size; a few more minutes).

    python bench/bench.py [--device cuda] [--scaling]
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import bench_data, bench_loop, bench_scaling

TARGETS = dict(loader=20., loop=0.9)

def summary_md(data:dict, loop:dict, wall:float, scaling:bool=False)->str:
    "Markdown: each headline ratio of the `data` and `loop` records against its target, and the benchmark's wall time"
    worst = min(loop['rows'], key=lambda r: r['ratio'])
    ok = lambda v, t: 'met' if v >= t else 'NOT met'
    md = ["| measure | ratio | target | |", "|---|---|---|---|",
          f"| (a) superconv loader / fastai stock `ImageDataLoaders`, images/s | {data['ratio']:.1f}× | ≥ {TARGETS['loader']:.0f}× | {ok(data['ratio'], TARGETS['loader'])} |"]
    md += [f"| (b) fastai `fit_one_cycle` / bare PyTorch loop, {r['model']}, channels_last {r['channels_last']} | {r['ratio']:.3f}× | ≥ {TARGETS['loop']}× | {ok(r['ratio'], TARGETS['loop'])} |"
           for r in loop['rows']]
    md.append(f"\nLowest loop ratio {worst['ratio']:.3f} ({worst['model']}, channels_last {worst['channels_last']}); each ratio is a median of "
              f"{loop['repeats']} interleaved repeats; {loop['device']}, git {str(loop['git_sha'])[:8]}, {loop['date']}; "
              f"{wall:.0f} s for the whole benchmark{' (with the scaling scans)' if scaling else ''}.")
    return '\n'.join(md) + '\n'

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default=None, help='training device of the loop benchmark (default: the GPU if there is one)')
    p.add_argument('--scaling', action='store_true', help='also run the batch-size and training-set-size scans')
    p.add_argument('--smoke', action='store_true', help='tiny sizes, to check the benchmark end to end (the ratios mean nothing)')
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args(argv)
    t0 = time.time()
    dev = [] if a.device is None else ['--device', a.device]
    tiny = lambda *xs: list(xs) if a.smoke else []
    data = bench_data.main(['--out', a.out] + tiny('--stock-batches', '2', '--fast-batches', '4', '--repeats', '1'))
    loop = bench_loop.main(['--out', a.out] + dev + tiny('--models', 'resnet8', '--iters', '1', '--repeats', '1'))
    if a.scaling: bench_scaling.main(['--out', a.out] + dev + tiny('--bss', '32', '64', '--images', '128', '--n-trains', '256', '--repeats', '1'))
    wall = time.time() - t0
    md = summary_md(data, loop, wall, a.scaling)
    Path(a.out, 'summary.md').write_text(md)
    print(md)
    return dict(data=data, loop=loop, wall_s=wall)

if __name__ == '__main__': main()
