"""How long README command 1's main job takes: `superconv demo`, timed end to end on this machine.

The README and the command's own banner promise a time; this measures it, with the machine it ran on, so the
promise is a measurement (tests/test_readme.py keeps the README's number within a minute of it). Run it on an
otherwise idle machine, from the repository's root (the demo reads the committed regime map in `results/`).
Writes `bench/results/demo.json`.

    python bench/bench_demo.py [--out bench/results]
"""
import argparse, json, subprocess, sys, tempfile, time
from pathlib import Path
from superconv.store import ResultStore, provenance

def summarize(store_dir, wall_s:float)->dict:
    "The demo's measured time: the whole command, and each run's own wall time and accuracy"
    recs = ResultStore(Path(store_dir)/'demo-cpu.jsonl').records()
    runs = [dict(label=r['label'], iterations=r['iterations'], lr_max=r['lr_max'], wall_s=round(r['wall_s'], 1),
                 test_acc=r['final']['test_acc'],
                 test_acc_recalibrated=(r.get('bn') or {}).get('test_acc_recalibrated'))
            for r in recs]
    return dict(command='superconv demo', wall_s=round(wall_s, 1), minutes=round(wall_s/60, 1), runs=runs,
                provenance=provenance('cpu'))

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', default=str(Path(__file__).parent/'results'))
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.time()
        subprocess.run([sys.executable, '-m', 'superconv', 'demo', '--out', tmp, '--quiet', '--device', 'cpu'],
                       check=True, stdout=subprocess.DEVNULL)
        res = summarize(tmp, time.time() - t)
    Path(a.out, 'demo.json').write_text(json.dumps(res, indent=1) + '\n')
    print(f"superconv demo: {res['minutes']} minutes on {res['provenance']['device']}")

if __name__ == '__main__': main()
