"Mid-run checkpoints survive SIGKILL at random moments: the resumed run's record equals an uninterrupted run's, weights included"
import json, os, random, signal, subprocess, sys, time
import pytest
from conftest import ROOT

RUN = """
import sys
from superconv.store import ResultStore
from superconv.experiments import RunSpec, run_specs
spec = RunSpec('killed', 'paper_1cycle', n_iter=64, lr_max=1., eval_every=8, model='resnet8', n_train=512, bs=64, n_val=500)
run_specs([spec], ResultStore(sys.argv[1]), device='cpu', checkpoint_iters=int(sys.argv[2]) or None,
          checkpoint_min=None, verbose=False)
"""
KEYS = ('weights_sha', 'evals', 'final', 'bn', 'iterations', 'epochs', 'lr_max', 'status')

def _start(store, every, env):
    return subprocess.Popen([sys.executable, '-c', RUN, str(store), str(every)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

def _mtime(p): return p.stat().st_mtime_ns if p.exists() else None

def _kill_after_save(p, ck, delay, timeout=300):
    "SIGKILL `p` `delay` seconds after it next writes checkpoint `ck` (mid-epoch, or mid-save); False if it finished first"
    t0,m0 = time.time(),_mtime(ck)
    while p.poll() is None and _mtime(ck) == m0 and time.time()-t0 < timeout: time.sleep(0.005)
    time.sleep(delay)
    if p.poll() is not None: return False
    p.send_signal(signal.SIGKILL); p.wait(); return True

def test_sigkill_at_random_moments_then_resume_equals_uninterrupted(archives, tmp_path):
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore'}
    p = _start(tmp_path/'whole.jsonl', 0, env); assert p.wait(timeout=600) == 0, p.stderr.read()[-2000:]
    rng,store = random.Random(0),tmp_path/'killed.jsonl'
    ck = tmp_path/'killed.ckpt'/f"{json.loads((tmp_path/'whole.jsonl').read_text())['run_id']}.pt"
    p = _start(store, 8, env); time.sleep(rng.uniform(0.5, 3.)); p.send_signal(signal.SIGKILL); p.wait()   # during start-up
    kills = [_kill_after_save(_start(store, 8, env), ck, rng.uniform(0., 0.4)) for _ in range(3)]        # during training/saving
    assert any(kills) and ck.exists()
    p = _start(store, 8, env); assert p.wait(timeout=600) == 0, p.stderr.read()[-2000:]
    [whole],[killed] = ([json.loads(l) for l in (tmp_path/n).read_text().splitlines()] for n in ('whole.jsonl', 'killed.jsonl'))
    assert killed['resumed_at'] > 0
    for k in KEYS: assert killed[k] == whole[k], k
    assert not ck.exists()   # a stored run's checkpoint is removed

@pytest.mark.slow
def test_time_box_stops_a_real_suite_at_a_checkpoint_and_the_next_call_finishes_it(archives, tmp_path, monkeypatch):
    "`run_suite(name, minutes=…)`: its shortest pending run stops at a saved epoch end before the deadline; the next call finishes it"
    from superconv.suites import SUITES, Suite, run_suite, suite_store, cpu_range, cpu_1cycle, cpu_step
    from superconv.store import ResultStore
    from superconv.experiments import run_specs, checkpoint_path
    runs = [cpu_range(n_iter=150, eval_every=15), cpu_1cycle('1cycle-150', 150, n_val=5_000), cpu_step('step-300', 300, n_val=5_000)]
    monkeypatch.setitem(SUITES, 'timebox', Suite('timebox', 'a time-boxed suite', '', {'cpu': lambda n: runs}, {}))
    rng_spec,one,_ = SUITES['timebox'].specs('cpu', 1)               # range test, 1cycle-150 (19 iterations a epoch), step-300
    a = ResultStore(tmp_path/'a'/'whole.jsonl'); rng_rec,whole = run_specs([rng_spec, one], a, device='cpu', checkpoint_min=None)
    st = suite_store('timebox', 'cpu', tmp_path/'b'); st.path.parent.mkdir(parents=True); st.path.write_text(a.path.read_text().splitlines()[0]+'\n')
    minutes = whole['wall_s']*0.6/60                                 # the box ends inside 1cycle-150
    t = time.time(); assert run_suite('timebox', 'cpu', seeds=1, out=tmp_path/'b', device='cpu', minutes=minutes) == []
    late,epoch_s = time.time()-(t+60*minutes),whole['train_s']*19/150
    assert -2*epoch_s-5 <= late <= 5, (late, epoch_s)                 # stopped before the deadline, within about an epoch of it
    ck = checkpoint_path(st, one.run_id); assert ck.exists() and len(st.records()) == 1
    [rec] = run_specs([one], st, device='cpu')
    assert rec['resumed_at'] % 19 == 0 and rec['resumed_at'] > 0 and not ck.exists()
    for k in KEYS: assert rec[k] == whole[k], k
