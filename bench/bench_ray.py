"""Does a sweep finish sooner with runs side by side on Ray? Eight short runs, sequential with two threads against
two Ray workers with one thread each, timed end to end in one benchmark run (Ray's start-up included).

On a machine with C cores, a sweep of independent runs can either give every run all C threads or run several at
once; the second wins when one run cannot keep all cores busy (small convolutions, evaluation, Python overhead).
Run it on an otherwise idle machine. Writes `bench/results/ray.json`.

    python bench/bench_ray.py [--runs 8] [--n-iter 24] [--out bench/results]
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
from superconv.store import provenance

SWEEP = """
import sys
from superconv.experiments import RunSpec, run_specs
from superconv.store import ResultStore
specs = [RunSpec('step', 'step', n_iter={n_iter}, lr_max=0.2, eval_every={n_iter}, n_train=2_500, bs=512, n_val=1_000,
                 seed=k) for k in range({runs})]
ex = None
if sys.argv[2] == 'ray':
    from superconv.cluster import RayExecutor
    ex = RayExecutor(workers=2, threads=1)
run_specs(specs, ResultStore(sys.argv[1]), device='cpu', verbose=False, executor=ex)
"""

def timed(code:str, store:Path, how:str, threads:int)->float:
    "Wall seconds of one sweep in a fresh process with `threads` torch threads"
    t = time.time()
    subprocess.run([sys.executable, '-c', code, str(store), how], check=True,
                   env={**os.environ, 'OMP_NUM_THREADS': str(threads)})
    return time.time() - t

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--runs', type=int, default=8)
    p.add_argument('--n-iter', type=int, default=24)
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args(argv)
    code = SWEEP.format(n_iter=a.n_iter, runs=a.runs)
    with tempfile.TemporaryDirectory() as tmp:
        seq = timed(code, Path(tmp)/'seq.jsonl', 'seq', threads=2)
        ray = timed(code, Path(tmp)/'ray.jsonl', 'ray', threads=1)
    res = dict(runs=a.runs, n_iter=a.n_iter, spec="ResNet-8, CIFAR-10, 2,500 images, batch 512, step schedule",
               sequential_2_threads_s=round(seq, 1), ray_2_workers_1_thread_s=round(ray, 1), ratio=round(ray/seq, 3),
               provenance=provenance('cpu'))
    Path(a.out, 'ray.json').write_text(json.dumps(res, indent=1) + '\n')
    print(f"{a.runs} runs of {a.n_iter} iterations: sequential, 2 threads {seq:.0f}s; Ray, 2 workers x 1 thread "
          f"{ray:.0f}s: {ray/seq:.2f}x the wall time")

if __name__ == '__main__': main()
