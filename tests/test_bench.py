"The benchmark scripts run end to end (tiny sizes) and write their records: a broken benchmark is caught here, not when it is needed"
import json, os, subprocess, sys
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

def test_scaling_bench_writes_both_scans(archives, tmp_path):
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
