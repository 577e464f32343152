"The runner and its store: resuming after a kill, reproducibility, schema checks, the CLI"
import os, signal, subprocess, sys, time
import pytest
from dataclasses import replace
from superconv.experiments import *
from superconv.store import *
from superconv.instruments import *
from conftest import SUPERCONV, cli

TINY = dict(model='resnet8', n_train=1_024, n_val=500, bs=512, bn_mom=0.2)
SPECS = [RunSpec(f'step-{i}', 'step', n_iter=5, lr_max=0.1*(i+1), eval_every=5, **TINY) for i in range(4)]
SWEEP = f"""
from superconv.experiments import *
from superconv.store import *
from superconv.instruments import *
specs = [RunSpec(f'step-{{i}}', 'step', n_iter=5, lr_max=0.1*(i+1), eval_every=5, **{TINY!r}) for i in range(4)]
run_specs(specs, ResultStore(__import__('sys').argv[1]), device='cpu', verbose=False)
"""

def sweep(path): return subprocess.Popen([sys.executable, '-c', SWEEP, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

def n_lines(p): return len(p.read_text().splitlines()) if p.exists() else 0

def test_kill_and_resume_loses_and_repeats_nothing(archives, tmp_path):
    "SIGKILL a real sweep at random moments (in imports, in training, between runs), resume it each time, compare with an uninterrupted sweep"
    import random
    ref = sweep(tmp_path/'ref.jsonl'); assert ref.wait(timeout=600) == 0, ref.stderr.read().decode()
    p, rng, kills, counts = tmp_path/'sweep.jsonl', random.Random(0), 0, []
    for target in (0, 1, 1, 2, 3):   # wait for that many stored runs, then kill at a random moment (imports, training or a write)
        proc = sweep(p); t = time.time()
        while n_lines(p) < target and proc.poll() is None and time.time()-t < 300: time.sleep(0.02)
        time.sleep(rng.uniform(0, 1.5))
        if proc.poll() is None: proc.send_signal(signal.SIGKILL); kills += 1
        proc.wait(); counts.append(n_lines(p))
    proc = sweep(p); assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    got,want = ResultStore(p).records(),ResultStore(tmp_path/'ref.jsonl').records()
    assert kills >= 3, (kills, counts)
    assert sorted(r['run_id'] for r in got) == sorted(s.run_id for s in SPECS)    # each run once: none lost, none repeated
    assert {r['run_id']: r['final'] for r in got} == {r['run_id']: r['final'] for r in want}   # and the same results as without kills

def test_same_seed_same_metrics_other_seed_differs(archives):
    s = RunSpec('det', 'paper_1cycle', n_iter=5, lr_max=1.0, eval_every=5, **TINY)
    a,b,c = run_spec(s, device='cpu'), run_spec(s, device='cpu'), run_spec(replace(s, seed=1), device='cpu')
    assert a['final'] == b['final'] and a['evals'] == b['evals'] and a['epochs'] == b['epochs']
    assert a['final'] != c['final']

def test_record_provenance_and_shape(archives):
    r = run_spec(RunSpec('p', 'clr', n_iter=2, lr_min=0.1, lr_max=0.5, **TINY), device='cpu')
    check_record(r)
    assert r['iterations'] == 2 and r['status'] == 'ok' and r['img_s'] > 0
    assert r['provenance']['git_sha'] and r['provenance']['device'].startswith('cpu') and r['provenance']['torch']

def test_diverged_run_is_recorded_and_the_sweep_goes_on(archives, tmp_path):
    "A NaN/inf loss ends that run as 'diverged' (with the iteration), is stored, and the next run of the sweep still trains"
    st = ResultStore(tmp_path/'s.jsonl')
    boom,ok = run_specs([RunSpec('boom', 'step', n_iter=6, lr_max=1e6, **TINY), SPECS[0]], st, device='cpu', verbose=False)
    assert boom['status'] == 'diverged' and 0 <= boom['diverged_at'] < 6 and boom['iterations'] == boom['diverged_at']
    assert ok['status'] == 'ok' and ok['iterations'] == 5
    assert [r['label'] for r in st.records()] == ['boom', 'step-0']

@pytest.mark.parametrize('bad,msg', [({'schema': 2}, 'schema 2'), ({'final': {}}, "final.test_acc"), ({'seed': 'x'}, "'seed'"), ({'status': 'meh'}, 'status')])
def test_store_rejects_wrong_schema(tmp_path, bad, msg):
    good = dict(schema=1, run_id='x', label='x', seed=0, spec={}, status='ok', final={'test_acc': 0.5}, iterations=1,
                evals={}, wall_s=1.0, provenance={})
    st = ResultStore(tmp_path/'s.jsonl')
    with pytest.raises(SchemaError, match=msg): st.append({**good, **bad})
    assert not st.path.exists() or st.path.read_text() == ''

def test_second_sweep_refused(tmp_path):
    st = ResultStore(tmp_path/'s.jsonl')
    with st.writer():
        with pytest.raises(StoreLockedError, match='Another sweep'):
            with ResultStore(tmp_path/'s.jsonl').writer(): pass

@pytest.mark.parametrize('args,msg', [
    (['run', 'nope'], "Unknown suite 'nope'"),
    (['run', 'table1', '--scale', 'huge'], "no scale 'huge'"),
    (['run', 'table1', '--seeds', '0'], 'expected a positive integer'),
    (['lr-range', '--model', 'vgg'], "Unknown model 'vgg'"),
    (['lr-range', '--num-it', '-5'], 'expected a positive integer'),
    (['lr-range', '--start-lr', '2', '--end-lr', '1'], "start LR must be smaller than its end LR"),
    (['lr-range', '--end-lr', '0'], 'expected a positive finite number'),
    (['lr-range', '--end-lr', 'nan'], 'expected a positive finite number'),
    (['lr-range', '--end-lr', 'inf'], 'expected a positive finite number'),
    (['tune', '--grid', '0.1'], 'at least two distinct LRs'),
    (['tune', '--grid', '0.1', '-1'], 'positive finite number'),
    (['tune', '--grid', '0.1', 'inf'], 'positive finite number'),
    (['tune', '--schedule', 'lr_range'], 'has no peak LR to tune'),
    (['tune', '--n-valid', '5000', '--n-train', '2500'], 'larger than the training subset'),
    (['tune', '--n-valid', '5'], 'smaller than one image a class'),
    (['tune', '--schedule', 'step', '--n-iter', '3'], 'too short for the step schedule'),
    (['map', 'nope'], "Unknown regime map 'nope'"),
    (['range-check', 'nope'], "Unknown range check 'nope'"),
    (['lr-range', '--dataset', 'svhn'], "Unknown data set 'svhn'"),
    (['lr-range', '--n-train', '60000'], 'larger than the training set'),
    (['lr-range', '--n-train', '5'], 'smaller than the number of classes'),
    (['lr-range', '--bs', '0'], 'expected a positive integer'),
    (['lr-range', '--n-train', '1000', '--bs', '2048'], 'larger than the training set'),
    (['lr-range', '--bn-mom', '1.5'], 'expected a BatchNorm momentum in (0, 1]'),
    (['lr-range', '--wd', '-1'], 'expected a finite number >= 0'),
    (['lr-range', '--seed', '-1'], 'expected an integer >= 0'),
    (['rerun', 'missing.jsonl', 'abc'], 'No results store at missing.jsonl'),
])
def test_cli_bad_input_one_line(tmp_path, args, msg):
    rc,err = cli([*args, '--out', str(tmp_path)])   # in this process: a new interpreter a case cost 8 s
    errs = [l for l in err.splitlines() if 'error:' in l]
    assert rc == 2 and len(errs) == 1 and msg in errs[0]   # argparse also prints its usage
    assert list(tmp_path.iterdir()) == []   # refused: no store, no lock, nothing

def test_cli_rerun_of_a_folder_one_line(tmp_path):
    r = subprocess.run([SUPERCONV, 'rerun', str(tmp_path), 'abc'], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [f"superconv: error: {tmp_path} is a folder, not a results store: name a .jsonl file in it"]

def test_report_plots_sweep_with_paper_panel_and_gaps(archives, tmp_path):
    from superconv.suites import suite_store
    from superconv.report import report_suite
    specs = [RunSpec(f'{k}-{n//512}', 'step', n_iter=5, lr_max=lr, eval_every=5, seed=s, **{**TINY, 'n_train': n})
             for n in (1_024, 1_536) for k,lr in (('step', 0.1), ('1cycle', 0.3)) for s in (0, 1)]
    run_specs(specs, suite_store('data_size', out=tmp_path), device='cpu', verbose=False)
    text = report_suite('data_size', out=tmp_path)
    assert "1cycle − step, mean final test accuracy at each n_train: 1024: " in text and ", 1536: " in text
    png = tmp_path/'data_size-cpu-sweep.png'
    assert f"Plot: {png}" in text and png.stat().st_size > 10_000
    from PIL import Image
    assert Image.open(png).size[0] > Image.open(tmp_path/'data_size-cpu-curves.png').size[0]   # ours beside the paper's panel

def test_cli_rerun_reproduces_a_stored_record(archives, tmp_path):
    import json
    st = ResultStore(tmp_path/'s.jsonl')
    run_specs(SPECS[:1], st, device='cpu', verbose=False)
    rid = SPECS[0].run_id
    r = subprocess.run([SUPERCONV, 'rerun', str(st.path), rid, '--device', 'cpu', '--quiet'], capture_output=True, text=True)
    assert r.returncode == 0 and 'identical' in r.stdout, r.stdout + r.stderr
    assert len(st.records()) == 1                                     # a rerun writes nothing
    rec = st.records()[0]; rec['final']['test_acc'] += 0.1            # a record that does not match its spec any more
    (tmp_path/'t.jsonl').write_text(json.dumps(rec) + '\n')
    r = subprocess.run([SUPERCONV, 'rerun', str(tmp_path/'t.jsonl'), rid, '--device', 'cpu', '--quiet'], capture_output=True, text=True)
    assert r.returncode == 1 and 'differs in: final' in r.stdout, r.stdout + r.stderr
    r = subprocess.run([SUPERCONV, 'rerun', str(st.path), 'nope'], capture_output=True, text=True)
    assert r.returncode == 2 and "superconv: error: No run 'nope'" in r.stderr and rid in r.stderr

def test_unwritable_results_folder_fails_before_training(tmp_path):
    blocker = tmp_path/'file'; blocker.write_text('not a folder')
    t = time.time()
    r = subprocess.run([SUPERCONV, 'run', 'hessian', '--out', str(blocker/'results')], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip().startswith(f"superconv: error: Cannot write results to {blocker/'results'}") and 'Traceback' not in r.stderr
    assert time.time() - t < 60 and blocker.read_text() == 'not a folder'

def test_rerun_at_commit_is_bit_for_bit(archives, tmp_path):
    "A short run recorded by an older commit (the test's own) reruns with that commit's code and matches exactly"
    import json
    from conftest import ROOT
    clone = tmp_path/'clone'
    git = lambda *a, cwd=clone: subprocess.run(['git', *a], cwd=cwd, capture_output=True, text=True, check=True)
    git('clone', '-q', str(ROOT), str(clone), cwd=tmp_path)
    (clone/'README.md').write_text((clone/'README.md').read_text() + '\n')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'an older commit of the test')
    sha = git('rev-parse', 'HEAD').stdout.strip()
    store = tmp_path/'s.jsonl'
    code = ("import sys; from superconv.experiments import *; from superconv.store import ResultStore\n"
            f"run_specs([RunSpec('step', 'step', n_iter=5, lr_max=0.2, eval_every=5, **{TINY!r})], ResultStore(sys.argv[1]), device='cpu', verbose=False)")
    r = subprocess.run([sys.executable, '-c', code, str(store)], cwd=clone, env={**os.environ, 'PYTHONPATH': str(clone)}, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads(store.read_text())
    assert rec['provenance']['git_sha'] == sha and rec['provenance']['git_dirty'] is False
    r = subprocess.run([SUPERCONV, 'rerun', str(store), rec['run_id'], '--at-commit', '--repo', str(clone), '--device', 'cpu'], capture_output=True, text=True)
    assert r.returncode == 0 and f"with the code of commit {sha[:7]}" in r.stdout and 'identical' in r.stdout, r.stdout + r.stderr[-2000:]
    assert git('worktree', 'list').stdout.count('\n') == 1   # the temporary worktree is gone
    dirty = {**rec, 'provenance': {**rec['provenance'], 'git_dirty': True}}
    store.write_text(json.dumps(dirty) + '\n')
    r = subprocess.run([SUPERCONV, 'rerun', str(store), rec['run_id'], '--at-commit', '--repo', str(clone)], capture_output=True, text=True)
    assert r.returncode == 2 and 'uncommitted changes' in r.stderr
