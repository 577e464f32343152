import os, subprocess
from conftest import SUPERCONV

def run(*args, **kw): return subprocess.run([SUPERCONV, *args], capture_output=True, text=True, **kw)

def test_data_check_prints_real_cifar10(archives):
    r = run('data', 'check')
    assert r.returncode == 0, r.stderr
    assert 'train 50,000 images, test 10,000 images, each 3×32×32' in r.stdout
    assert r.stdout.count('  5,000    1,000') == 10

def test_unknown_dataset_one_line_exit_2():
    r = run('data', 'check', 'svhn')
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ["superconv: error: Unknown data set 'svhn'; choose one of: cifar10, cifar100, mnist, imagenette"]

def test_missing_archive_one_line(tmp_path):
    r = run('data', 'check', 'cifar100', '--archives', str(tmp_path), env={**os.environ, 'FASTAI_HOME': str(tmp_path/'home')})
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and 'cifar100.tgz' in r.stderr
