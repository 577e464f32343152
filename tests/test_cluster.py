"`superconv run --workers/--ray`: a suite's runs as Ray tasks, the store written by the driver alone"
import json, os, signal, subprocess, sys, time
import pytest
from pathlib import Path
from conftest import SUPERCONV

ONE_THREAD = {**os.environ, 'OMP_NUM_THREADS': '1'}   # a run's numbers depend on its threads: Ray's runs use one

def _records(path:Path)->list: return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]

def _task_pids()->list:
    "Ray worker processes running a run right now (Ray titles them after the task)"
    r = subprocess.run(['pgrep', '-f', '^ray::train_task'], capture_output=True, text=True)
    return [int(p) for p in r.stdout.split()]

def test_a_suite_on_ray_equals_the_sequential_sweep_with_a_worker_killed(archives, tmp_path):
    "Two local workers run a suite's dry run; one is SIGKILLed mid-task; Ray reruns it: 0 runs lost, 0 stored twice"
    seq = subprocess.run([SUPERCONV, 'run', 'hessian', '--dry-run', '--device', 'cpu', '--quiet', '--out',
                          str(tmp_path/'seq')], capture_output=True, text=True, env=ONE_THREAD, timeout=900)
    assert seq.returncode == 0, seq.stderr[-2000:]
    store = tmp_path/'ray'/'hessian-cpu-dryrun.jsonl'
    p = subprocess.Popen([SUPERCONV, 'run', 'hessian', '--dry-run', '--device', 'cpu', '--quiet', '--workers', '2',
                          '--out', str(tmp_path/'ray')], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed,t = None,time.time()
    while killed is None and p.poll() is None and time.time()-t < 600:
        if store.exists() and len(_records(store)) >= 2 and (pids := _task_pids()):   # the range test is in: runs go
            os.kill(pids[0], signal.SIGKILL); killed = pids[0]
        time.sleep(0.1)
    out,err = p.communicate(timeout=900)
    assert p.returncode == 0, err[-3000:]
    assert killed is not None, "no running task was found to kill"
    a,b = _records(tmp_path/'seq'/'hessian-cpu-dryrun.jsonl'),_records(store)
    assert len(b) == len({r['run_id'] for r in b}) == len(a) == 7      # nothing lost, nothing twice
    same = lambda r: (r['status'], r['iterations'], r['final'], r['evals'], r.get('weights_sha'), r['lr_max'])
    assert {r['run_id']: same(r) for r in b} == {r['run_id']: same(r) for r in a}
    assert {r['provenance']['threads'] for r in b} == {1}

def test_bad_cluster_input_is_one_line_and_writes_nothing(tmp_path):
    def cli(*args, timeout=120):
        r = subprocess.run([SUPERCONV, 'run', 'hessian', '--dry-run', '--device', 'cpu', '--out', str(tmp_path/'r'),
                            *args], capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stderr.strip().splitlines()
    rc,err = cli('--workers', '0')
    assert rc == 2 and err[-1].endswith("argument --workers: expected a positive integer, got '0'"), err
    t = time.time(); rc,err = cli('--ray', '127.0.0.1:9')
    assert rc == 2 and err == ["superconv: error: No Ray cluster answers at 127.0.0.1:9 (waited up to 10 s: "
                               "Connection refused)"] and time.time()-t < 60, err
    rc,err = cli('--workers', '2', '--minutes', '5')
    assert rc == 2 and err == ["superconv: error: --minutes runs one run at a time; it cannot be combined with "
                               "--workers or --ray"], err
    rc,err = cli('--threads', '2')
    assert rc == 2 and err == ["superconv: error: --threads and --gpus go with --workers or --ray"], err
    assert not (tmp_path/'r').exists()

def test_workers_on_a_store_another_sweep_writes_are_refused(tmp_path):
    from superconv.store import ResultStore
    st = ResultStore(tmp_path/'hessian-cpu-dryrun.jsonl')
    with st.writer():
        t = time.time()
        r = subprocess.run([SUPERCONV, 'run', 'hessian', '--dry-run', '--device', 'cpu', '--workers', '2', '--out',
                            str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.startswith('superconv: error: ') and 'Another sweep' in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and time.time()-t < 120
    assert not st.path.exists() or st.path.read_text() == ''

def test_ray_is_not_imported_without_workers(tmp_path):
    code = ("import sys\nfrom superconv.cli import main\nfrom superconv.cluster import RayExecutor\n"
            "RayExecutor(workers=2)\nmain(['run', 'hessian', '--out', sys.argv[1]])\nprint('ray' in sys.modules)")
    r = subprocess.run([sys.executable, '-c', code, str(tmp_path)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, 'SUPERCONV_QUICK': '1'})
    assert r.stdout.strip().splitlines()[-1] == 'False', r.stdout + r.stderr

@pytest.mark.slow
def test_a_suite_on_an_existing_ray_cluster(archives, tmp_path):
    "`--ray HOST:PORT` sends the runs to a cluster started apart (`ray start --head`), not to a new local instance"
    import socket
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    ray = str(Path(sys.executable).parent/'ray')
    up = subprocess.run([ray, 'start', '--head', f'--port={port}', '--num-cpus=2', '--include-dashboard=false'],
                        capture_output=True, text=True, timeout=300)
    assert up.returncode == 0, up.stderr[-2000:]
    try:
        r = subprocess.run([SUPERCONV, 'run', 'hessian', '--dry-run', '--device', 'cpu', '--quiet', '--ray',
                            f'127.0.0.1:{port}', '--out', str(tmp_path)], capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stderr[-3000:]
        recs = _records(tmp_path/'hessian-cpu-dryrun.jsonl')
        assert len(recs) == len({r['run_id'] for r in recs}) == 7 and all(r['status'] == 'ok' for r in recs)
    finally: subprocess.run([ray, 'stop', '--force'], capture_output=True, timeout=300)
