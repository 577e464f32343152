"""One slice of GPU time (about 10 minutes): environment check, a throughput probe, the time-to-94% benchmark against
airbench94, then a time-boxed slice of the paper-scale Table 1 suite, everything written under one folder to commit.

Stages (run in this order; each is timed, and one that fails is recorded and the next one runs):
  env     device, driver, CUDA, torch, fastai and package versions, git commit, CPU count;
  probe   images/s of a training step (forward, backward, SGD) of ResNet-56 at batch 1,000 on random data, for
          fp32, channels_last, bf16 autocast, both, and both under `torch.compile` (its compile time stated);
          each configuration timed for --probe-s seconds after warm-up;
  tta     bench/bench_time_to_acc.py (airbench94 vs superconv's 1cycle recipe, same tensors);
  slice   `run_suite('table1', 'paper', seeds=1, minutes=…)`: shortest runs first (CLR 0.1-3 for 10k iterations,
          then step 0.35 for 80k), stopping at a checkpoint before the deadline; the store lands in
          OUT/table1-paper.jsonl, mid-run checkpoints in OUT/table1-paper.ckpt/ (about 7 MiB a ResNet-56 run).
          `--resume DIR` continues an earlier slice's store and checkpoints (with the commit that wrote them).

    python bench/gpu_slice.py --out OUT [--minutes 9] [--stages env probe tta slice]
    python bench/gpu_slice.py --out OUT --dry-run     # on a CPU: every stage at toy size (the test suite runs this)

`--minutes` is the whole slice's wall-clock budget: the slice stage gets what the earlier stages left, less a margin.
bench/gpu_slice.sh wraps this for the device machine (wheels, data, environment).
"""
import argparse, json, os, platform, subprocess, sys, time, traceback
from functools import partial
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'bench'))

def env_stage(a, out):
    from superconv.store import provenance
    import fastai, fastcore
    r = dict(python=platform.python_version(), torch=torch.__version__, cuda=torch.version.cuda,
             fastai=fastai.__version__, fastcore=fastcore.__version__, cpus=os.cpu_count(),
             cuda_available=torch.cuda.is_available(), provenance=provenance(a.device))
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        r.update(device_name=p.name, memory_gib=round(p.total_memory/2**30, 1), sms=p.multi_processor_count,
                 capability=f'{p.major}.{p.minor}')
        q = ['nvidia-smi', '--query-gpu=name,driver_version,clocks.max.sm,power.limit', '--format=csv']
        try: r['nvidia_smi'] = subprocess.run(q, capture_output=True, text=True, timeout=20).stdout.strip()
        except Exception as e: r['nvidia_smi'] = f'unavailable: {e}'
    for m in ('airbench', 'schedulefree'):
        try: r[m] = __import__(m).__dict__.get('__version__', 'installed')
        except Exception as e: r[m] = f'missing: {e}'
    return r

def probe_config(model_name, bs, device, cl, bf16, compile, seconds, n_warm):
    "Images/s of forward+backward+SGD steps on random data, timed for `seconds` after `n_warm` warm-up steps"
    from superconv.models import get_model
    torch.manual_seed(0)
    m = get_model(model_name).to(device)
    if cl: m = m.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(bs, 3, 32, 32, device=device); y = torch.randint(0, 10, (bs,), device=device)
    if cl: x = x.contiguous(memory_format=torch.channels_last)
    f = torch.compile(m) if compile else m
    dt = torch.device(device).type
    def step():
        with torch.autocast(dt, torch.bfloat16, enabled=bf16):
            loss = torch.nn.functional.cross_entropy(f(x), y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    sync = (lambda: torch.cuda.synchronize()) if dt == 'cuda' else (lambda: None)
    t = time.perf_counter()
    for _ in range(n_warm): step()
    sync(); warm_s = time.perf_counter()-t
    n,t = 0,time.perf_counter()
    while time.perf_counter()-t < seconds or n < 2:
        step(); n += 1
        if n % 5 == 0: sync()
    sync(); el = time.perf_counter()-t
    return dict(channels_last=cl, bf16=bf16, compile=compile, img_s=n*bs/el, steps=n, warmup_s=warm_s)

def probe_stage(a, out):
    configs = [(False, False, False), (True, False, False), (False, True, False), (True, True, False),
               (True, True, True)]   # (channels_last, bf16, compile)
    res = dict(model=a.probe_model, bs=a.probe_bs, seconds=a.probe_s, configs=[])
    for cl,bf,co in configs:
        try: c = probe_config(a.probe_model, a.probe_bs, a.device, cl, bf, co, a.probe_s, 3 if co else 2)
        except Exception as e:
            c = dict(channels_last=cl, bf16=bf, compile=co, error=f'{e.__class__.__name__}: {e}'[:500])
        res['configs'].append(c); print(f"  probe {c}", flush=True)
    ok = [c for c in res['configs'] if 'img_s' in c]
    res['best'] = max(ok, key=lambda c: c['img_s']) if ok else None
    return res

def tta_stage(a, out):
    import bench_time_to_acc as b
    size = ['--tiny'] if a.dry_run else ['--seeds', str(a.tta_seeds)]
    return b.main(['--device', a.device, '--out', str(out)] + size)

def slice_stage(a, out, minutes):
    "A time-boxed slice of the paper's Table 1 (shortest runs first), resumed from `--resume`'s store and checkpoints"
    import shutil
    from superconv.suites import run_suite, suite_store
    if minutes <= 0: return dict(skipped=f"no time left for the slice ({minutes:.2f} min)")
    st = suite_store('table1', 'paper', out)
    if a.resume:   # an earlier slice's store and mid-run checkpoints (resuming needs the code that wrote them)
        src = suite_store('table1', 'paper', a.resume)
        if src.path.exists(): shutil.copy(src.path, st.path)
        ck = src.path.with_name(f'{src.path.stem}.ckpt')
        if ck.is_dir(): shutil.copytree(ck, st.path.with_name(ck.name), dirs_exist_ok=True)
    recs = run_suite('table1', 'paper', seeds=1, out=out, device=a.device, dry_run=a.dry_run, minutes=minutes,
                     show=False)
    row = lambda r: dict(label=r['label'], status=r['status'], iterations=r['iterations'],
                         test_acc=r['final']['test_acc'],
                         bn_recal=(r.get('bn') or {}).get('test_acc_recalibrated'), img_s=r.get('img_s'),
                         train_s=r.get('train_s'), wall_s=r['wall_s'], resumed_at=r.get('resumed_at'))
    return dict(minutes=minutes, stored=[row(r) for r in recs],
                store=st.path.name if not a.dry_run else 'table1-paper-dryrun.jsonl')

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--out', required=True, help='folder for every result of the slice')
    p.add_argument('--minutes', type=float, default=9., help='wall-clock budget of the whole slice')
    stages = ['env', 'probe', 'tta', 'slice']
    p.add_argument('--stages', nargs='+', default=stages, choices=stages)
    p.add_argument('--resume', default=None,
                   help="folder of an earlier slice: its Table 1 store and checkpoints continue")
    p.add_argument('--dry-run', action='store_true', help='on a CPU: every stage at toy size')
    p.add_argument('--device', default=None)
    p.add_argument('--probe-model', default='resnet56'); p.add_argument('--probe-bs', type=int, default=1000)
    p.add_argument('--probe-s', type=float, default=4.); p.add_argument('--tta-seeds', type=int, default=3)
    p.add_argument('--margin-s', type=float, default=45., help='seconds kept free at the end of the slice')
    a = p.parse_args(argv)
    t0 = time.time()
    if a.minutes <= 0: p.error(f"--minutes must be positive, got {a.minutes}")
    a.device = a.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    if a.dry_run: a.probe_model,a.probe_bs,a.probe_s = 'resnet8',16,0.5
    elif a.device == 'cpu': p.error("a full slice needs a GPU; on a CPU use --dry-run")
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    started = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t0))
    summary = dict(started=started, minutes=a.minutes, dry_run=a.dry_run, stages={})
    for s in a.stages:
        t = time.time(); print(f"== {s} ({t-t0:.0f}s into the slice)", flush=True)
        try:
            left = a.minutes - (t-t0+a.margin_s)/60
            stage = dict(env=env_stage, probe=probe_stage, tta=tta_stage, slice=partial(slice_stage, minutes=left))[s]
            r = stage(a, out)
            summary['stages'][s] = dict(ok=True, seconds=time.time()-t)
            if s in ('env', 'probe', 'slice'): (out/f'{s}.json').write_text(json.dumps(r, indent=1, default=str))
        except Exception as e:
            traceback.print_exc()
            summary['stages'][s] = dict(ok=False, seconds=time.time()-t, error=f'{e.__class__.__name__}: {e}'[:2000])
        (out/'slice.json').write_text(json.dumps(summary, indent=1))
    summary['wall_s'] = time.time()-t0
    (out/'slice.json').write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))
    return summary

if __name__ == '__main__': main()
