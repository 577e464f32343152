"The benchmark scripts run end to end (tiny sizes) and write their records: a broken benchmark is caught here, not when it is needed"
import json, subprocess, sys
from conftest import ROOT

def test_loop_bench_writes_ratio_and_memory(archives, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_loop.py'), '--models', 'resnet8', '--iters', '1', '--repeats', '1',
                        '--device', 'cpu', '--out', str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path/'loop.json').read_text())
    assert [(x['model'], x['channels_last']) for x in rec['rows']] == [('resnet8', False), ('resnet8', True)]
    for x in rec['rows']:
        assert x['fastai_img_s'] > 0 and x['bare_img_s'] > 0 and x['ratio'] == x['fastai_img_s']/x['bare_img_s']
        assert x['fastai_peak_mb'] is not None and x['bare_peak_mb'] is not None
    assert rec['git_sha'] and rec['device'].startswith('cpu') and '| resnet8 | True | 1 |' in (tmp_path/'loop.md').read_text()

def test_data_bench_writes_ratio(archives, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'bench_data.py'), '--stock-batches', '2', '--fast-batches', '4', '--repeats', '1',
                        '--out', str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path/'data.json').read_text())
    assert rec['git_sha'] and rec['fast_img_s'] > 0 and rec['stock_img_s'] > 0 and rec['ratio'] == rec['fast_img_s']/rec['stock_img_s']
    assert (tmp_path/'data.md').exists()
