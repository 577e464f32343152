import pytest
import os, sys, json, subprocess
from conftest import SUPERCONV, ROOT

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

@pytest.mark.slow
def test_paper_scale_dry_run(archives, tmp_path):
    ("GPU readiness, checked on a CPU: the paper-scale Table 1 suite end to end through the CLI, a few iterations of each "
     "run (slow: the default suite dry-runs the same suite in process, in `bench/gpu_slice.sh --dry-run`, test_bench.py)")
    r = subprocess.run([SUPERCONV, 'run', 'table1', '--scale', 'paper', '--seeds', '1', '--dry-run', '--device', 'cpu', '--quiet', '--out', str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'dry run step seed 0: ok, 12 iterations' in r.stdout and 'dry run clr seed 0: ok, 12 iterations' in r.stdout
    assert [p.name for p in tmp_path.glob('*.jsonl')] == ['table1-paper-dryrun.jsonl']   # the real store is untouched

def test_speed_switches_reach_every_run(archives, tmp_path):
    "--channels-last/--bf16/--compile are passed to every run of a suite and stored in its record"
    # the MNIST suite: LeNet's three runs take seconds in bf16 on a CPU, where a ResNet's took minutes (CI 2026-12-02)
    r = subprocess.run([SUPERCONV, 'run', 'mnist', '--seeds', '1', '--dry-run', '--device', 'cpu', '--quiet', '--out', str(tmp_path),
                        '--channels-last', 'off', '--bf16', 'on', '--compile', 'eager'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    recs = [json.loads(l) for l in (tmp_path/'mnist-cpu-dryrun.jsonl').read_text().splitlines()]
    assert len(recs) == 3 and all(x['exec'] == dict(channels_last=False, bf16=True, compile='eager') for x in recs)
    bad = subprocess.run([SUPERCONV, 'run', 'dropout', '--bf16', 'maybe', '--out', str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 2 and 'invalid choice' in bad.stderr

def test_help_and_argument_errors_load_no_torch():
    "`--help` and argparse's errors answer before torch and fastai load (they take seconds to import)"
    code = ("import sys; from superconv.cli import get_parser\n"
            "try: get_parser().parse_args(sys.argv[1:])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('torch', 'fastai', 'matplotlib') if m in sys.modules))")
    for args in (['--help'], ['run', '--help'], ['run', 'table1', '--seeds', '0'], ['tune', '--grid']):
        r = subprocess.run([sys.executable, '-c', code, *args], capture_output=True, text=True)
        assert r.stdout.strip().splitlines()[-1] == '[]', (args, r.stdout[-300:])

def test_unknown_suite_answers_before_torch_loads():
    "`superconv run nosuch` and `superconv report nosuch`: one line, exit 2, without importing torch (seconds)"
    code = ("import sys; from superconv.cli import main\nrc = main(sys.argv[1:])\n"
            "print(rc, sorted(m for m in ('torch', 'fastai') if m in sys.modules))")
    for args in (['run', 'nosuch'], ['report', 'nosuch']):
        r = subprocess.run([sys.executable, '-c', code, *args], capture_output=True, text=True)
        assert r.stdout.strip() == '2 []' and r.stderr.startswith("superconv: error: Unknown suite 'nosuch'"), (args, r)

def test_python_m_superconv_is_the_command():
    r = subprocess.run([sys.executable, '-m', 'superconv', 'map', '--help'], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith('usage: superconv map')

def test_every_option_has_help_text():
    import argparse
    from superconv.cli import get_parser
    def walk(p, path):
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for name,sp in a.choices.items(): yield from walk(sp, path+[name])
            elif not isinstance(a, argparse._HelpAction): yield path, a
    missing = [f"{' '.join(path)} {'/'.join(a.option_strings) or a.dest}" for path,a in walk(get_parser(), ['superconv']) if not a.help]
    assert not missing, missing

def test_dry_run_stores_are_ignored_by_git():
    from conftest import ROOT
    r = subprocess.run(['git', 'check-ignore', '-q', 'results/table1-paper-dryrun.jsonl'], cwd=ROOT)
    assert r.returncode == 0, "a dry run's store in results/ would show up as an untracked file"

def test_docs_execute_refuses_a_missing_notebook(tmp_path):
    "`superconv docs --execute` names a path that is not a notebook in one line, exit 2, and runs nothing"
    (tmp_path/'a.ipynb').write_text('{}')
    r = run('docs', '--execute', str(tmp_path/'a.ipynb'), str(tmp_path/'b.ipynb'))
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].endswith(f"no notebook at {tmp_path/'b.ipynb'}"), r.stderr

def test_lr_range_over_seeds(archives, tmp_path):
    "`lr-range --seeds K`: K stored range tests, one reading of their band, and its plot"
    r = run('lr-range', '--model', 'resnet8', '--n-train', '1000', '--num-it', '4', '--val-every', '2', '--n-val', '500',
            '--seeds', '2', '--seed', '3', '--device', 'cpu', '--quiet', '--out', str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    recs = [json.loads(l) for l in (tmp_path/'lr_range-adhoc.jsonl').read_text().splitlines()]
    assert sorted(x['seed'] for x in recs) == [3, 4]
    lines = r.stdout.strip().splitlines()
    assert any(s in lines[-2] for s in ('lr_max in [', 'was still rising', 'not bracketed')), lines
    assert lines[-1].startswith('plot: ') and len(list(tmp_path.glob('lr_range-*-2seeds.png'))) == 1

def test_report_ablations_lists_every_claim():
    "`superconv report ablations`: each ablation with its cells and CPU hours, then each claim with its verdict"
    from superconv.ablations import ABLATIONS
    r = run('report', 'ablations', '--out', str(ROOT/'results'))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert [l.split(' (')[0] for l in lines if not l.startswith('  ')][:-1] == list(ABLATIONS)
    n = sum(len(c) for _,c in ABLATIONS.values())
    assert sum(l.startswith('  ') for l in lines) == n and lines[-1].split(' claims decided')[0].endswith(f'of {n}')
