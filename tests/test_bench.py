"The benchmark scripts run end to end (tiny sizes) and write their records: a broken benchmark is caught here, not when it is needed"
import json, os, subprocess, sys
import pytest
from conftest import ROOT

def test_loop_bench_writes_ratio_and_memory(archives, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_loop.py'), '--models', 'resnet8', '--iters', '1', '--repeats', '1',
                        '--device', 'cpu', '--out', str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path/'loop.json').read_text())
    assert [(x['model'], x['channels_last']) for x in rec['rows']] == [('resnet8', False), ('resnet8', True)]
    for x in rec['rows']:
        assert x['fastai_img_s'] > 0 and x['bare_img_s'] > 0 and 0.2 < x['ratio'] < 5 and x['channels_last_speedup'] > 0
        if os.path.exists('/proc/self/statm'): assert x['fastai_peak_mb'] >= 0 and x['bare_peak_mb'] >= 0
    assert rec['rows'][0]['stock_img_s'] is None and rec['rows'][1]['stock_img_s'] > 0   # stock pipeline at the automatic format only
    md = (tmp_path/'loop.md').read_text().splitlines()
    assert rec['git_sha'] and rec['device'].startswith('cpu') and len(md[0].split('|')) == len(md[2].split('|')) == 11 and md[3].startswith('| resnet8 | True | 1 |')

def test_data_bench_writes_ratio(archives, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_data.py'), '--stock-batches', '2', '--fast-batches', '4', '--repeats', '1',
                        '--out', str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path/'data.json').read_text())
    assert rec['git_sha'] and rec['fast_img_s'] > 0 and rec['stock_img_s'] > 0 and rec['ratio'] > 1   # tensors beat PIL + workers even at 2 batches
    assert (tmp_path/'data.md').exists()

@pytest.mark.slow
def test_scaling_bench_writes_both_scans(archives, tmp_path):
    "Each scan's rows in detail (slow: `bench.py --smoke --scaling`, below, runs both scans end to end in the default suite)"
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_scaling.py'), '--bss', '32', '64', '--images', '128', '--n-trains', '256', '512',
                        '--repeats', '1', '--device', 'cpu', '--out', str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path/'scaling.json').read_text())
    assert [x['bs'] for x in rec['batch']] == [32, 64] and [x['iters'] for x in rec['batch']] == [4, 2]
    assert [x['n_train'] for x in rec['size']] == [256, 512] and [x['iters'] for x in rec['size']] == [8, 16]
    assert all(x['img_s'] > 0 for x in rec['batch'] + rec['size']) and all(x['valid_s'] > 0 and x['build_s'] > 0 for x in rec['size'])
    assert rec['git_sha'] and (tmp_path/'scaling.md').read_text().count('\n|') >= 6
    bad = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_scaling.py'), '--bss', '512', '--images', '128'], capture_output=True, text=True)
    assert bad.returncode == 2 and 'at least the largest batch size' in bad.stderr

def test_bench_runs_both_targets_in_one_process(archives, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench.py'), '--smoke', '--scaling', '--device', 'cpu', '--out', str(tmp_path)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    assert {p.name for p in tmp_path.iterdir()} == {f'{n}.{e}' for n in ('data', 'loop', 'scaling') for e in ('json', 'md')} | {'summary.md'}
    s = (tmp_path/'summary.md').read_text()
    assert '(a) superconv loader' in s and s.count("(b) fastai") == 2 and 's for the whole benchmark (with the scaling scans)' in s

def test_gpu_slice_dry_run_on_cpu(archives, tmp_path):
    "bench/gpu_slice.sh --dry-run: every stage of a GPU slice at toy size, on a CPU, writing what a slice commits"
    out = tmp_path/'slice'
    r = subprocess.run(['bash', str(ROOT/'bench'/'gpu_slice.sh'), str(out), '--dry-run'], env={**os.environ, 'PYTHON': sys.executable},
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    s = json.loads((out/'slice.json').read_text())
    assert list(s['stages']) == ['env', 'probe', 'tta', 'slice'] and all(v['ok'] for v in s['stages'].values()), s
    assert json.loads((out/'env.json').read_text())['torch']
    probe = json.loads((out/'probe.json').read_text())
    assert len(probe['configs']) == 5 and all(c['img_s'] > 0 for c in probe['configs']) and probe['configs'][-1]['compile']
    tta = json.loads((out/'time_to_acc.json').read_text())
    assert list(tta['superconv']) == ['6'] and tta['superconv']['6']['n'] == 1 and 'CUDA-only' in tta['airbench94']
    assert '| superconv, 6 epochs |' in (out/'time_to_acc.md').read_text()
    recs = [json.loads(l) for l in (out/'table1-paper-dryrun.jsonl').read_text().splitlines()]
    assert sorted(r['label'] for r in recs) == ['clr', 'step'] and all(r['status'] == 'ok' and r['weights_sha'] for r in recs)

def test_gpu_slice_results_are_committed():
    "The H200 slice of 2026-11-30: its README's figures are the ones its files hold"
    d = ROOT/'bench'/'results'/'gpu-slice-2026-11-30'
    readme,env = (d/'README.md').read_text(),json.loads((d/'env.json').read_text())
    assert env['device_name'] == 'NVIDIA H200' and env['device_name'] in readme
    ps = {(c['channels_last'], c['bf16'], c['compile']): c for c in json.loads((d/'probe.json').read_text())['configs']}
    k = lambda v: f"{v/1000:.1f}k"
    for key,what in [((False, False, False), 'fp32'), ((True, False, False), 'channels_last'), ((False, True, False), 'bf16'),
                     ((True, True, False), 'channels_last + bf16'), ((True, True, True), 'channels_last + bf16 + `torch.compile`')]:
        assert f"{what} {k(ps[key]['img_s'])}" in ' '.join(readme.split()), (what, k(ps[key]['img_s']))
    [clr] = [json.loads(l) for l in (d/'table1-paper.jsonl').read_text().splitlines()]
    assert clr['label'] == 'clr' and clr['iterations'] == 10_000 and clr['provenance']['device'] == 'NVIDIA H200'
    flat = ' '.join(readme.split())
    assert f"{clr['final']['test_acc']:.2%} test accuracy ({clr['bn']['test_acc_recalibrated']:.2%} with" in flat
    assert f"{clr['wall_s']:.0f} s wall, {k(clr['img_s'])} img/s" in flat
    t = json.loads((d/'time_to_acc.json').read_text())
    ab,sc = t['airbench94'],t['superconv']
    assert f"airbench94 {ab['acc']:.2%} ± {ab['acc_se']:.2%} in {ab['time_s']:.2f} ± {ab['time_se']:.2f} s" in flat
    for e,v in sc.items(): assert f"{v['acc']:.2%} ± {v['acc_se']:.2%} at {e} epochs ({v['time_s']:.2f} s" in flat
    assert t['superconv_time_to_target'] is None and 'did **not** reach 94%' in flat
    assert f"{sc['16']['time_s']/ab['time_s']:.1f}× airbench94's time" in flat

@pytest.mark.slow
def test_ray_bench_times_both_sweeps(archives, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_ray.py'), '--runs', '2', '--n-iter', '8', '--out', str(tmp_path)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path/'ray.json').read_text())
    assert rec['runs'] == 2 and rec['sequential_2_threads_s'] > 0 and rec['ray_2_workers_1_thread_s'] > 0
    assert rec['ratio'] == round(rec['ray_2_workers_1_thread_s']/rec['sequential_2_threads_s'], 3) and rec['provenance']['git_sha']
