"What a reader of the lessons meets in JupyterLab: cells that Run All on any machine"
import json
from conftest import ROOT

def code_cells(nb):
    return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']

def test_gpu_cells_go_on_without_a_gpu():
    "nbdev's `#| gpu` flag only guides nbdev-test; Jupyter runs every cell, so a GPU cell must say 'no GPU here' and go on"
    bad = [f"{nb.name}: {s[:80]!r}" for nb in sorted(ROOT.glob('nbs/[123]*.ipynb')) for s in code_cells(nb)
           if s.startswith('#| gpu') and ("device='cuda'" in s or 'run_on_gpu(' not in s)]
    assert not bad, bad

def test_saved_outputs_are_clean():
    "Saved outputs (what the docs site shows) carry no library warnings, no frozen progress bars and no machine paths"
    import re
    path = re.compile(r'(/tmp/|/work/|/root/|/home/|/Users/)')
    bad = []
    for nb in sorted(ROOT.glob('nbs/*.ipynb')):
        for c in json.loads(nb.read_text())['cells']:
            for o in c.get('outputs', []):
                text = ''.join(o.get('text', [])) + ''.join(o.get('data', {}).get('text/plain', [])) + ''.join(o.get('data', {}).get('text/markdown', []))
                if o.get('name') == 'stderr' and 'Warning' in text: bad.append(f"{nb.name} {c.get('id')}: a warning")
                if '\u2588' in text or re.search(r'\|-{10,}\|', text): bad.append(f"{nb.name} {c.get('id')}: a progress bar")
                if path.search(text): bad.append(f"{nb.name} {c.get('id')}: a machine path {path.search(text).group()}")
    assert not bad, bad

def test_docs_build_runs_only_imports_and_exports():
    ("Rendering a library page, nbdev runs its exports, `show_doc`s and every cell holding an import, in a kernel of "
     "its own: an import cell that also computes runs without the cells it needs (the CI failure of 2026-12-02)")
    import ast, warnings
    from nbdev.process import NBProcessor
    from nbdev.processors import _do_eval, add_show_docs
    shown = lambda t: (isinstance(t, ast.Expr) and isinstance(t.value, ast.Call)
                       and getattr(t.value.func, 'id', '') == 'show_doc')
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for nb in sorted(ROOT.glob('nbs/*.ipynb')):
            p = NBProcessor(nb, procs=[add_show_docs]); p.process()
            fm = getattr(p.nb, 'frontmatter_', {}) or {}
            if not p.nb.has_docs_ or str(fm.get('skip_showdoc', '')).lower() == 'true': continue   # nbdev runs none
            for c in p.nb.cells:
                own = {'export', 'exports', 'exporti', 'exec_doc'}   # cells meant to run at doc build
                if c.cell_type != 'code' or not _do_eval(c) or c.directives_.keys() & own: continue
                if not all(isinstance(t, (ast.Import, ast.ImportFrom)) or shown(t) for t in c.parsed_()):
                    bad.append(f"{nb.name} cell {c.idx_}: {c.source[:60]!r}")
    assert not bad, bad

def tree_hashes(*dirs):
    import hashlib
    return {str(f.relative_to(ROOT)): hashlib.sha256(f.read_bytes()).hexdigest() for d in dirs for f in sorted(d.rglob('*'))
            if f.is_file()}

def _run_lesson(f):
    "Run lesson `f` as `execute_nb` does, outputs not saved: (its wall time in seconds, the error's text or `None`)"
    import time
    from superconv.docs import execute_nb
    t = time.time()
    try: execute_nb(f, save=False)
    except Exception as e: return round(time.time() - t), f"{f.name}: {type(e).__name__}: {e}"
    return round(time.time() - t), None

def test_every_lesson_runs_all_as_jupyter_does(monkeypatch):
    """Every lesson top to bottom as JupyterLab's "Run All" runs it (nbclient: nbdev's flags ignored, so `#| slow` and
    `#| gpu` cells run too), with the committed results, no GPU and `SUPERCONV_QUICK` set: no cell fails, nothing is
    written. Lessons only read the stores, so they run side by side, one kernel per core (at most four)"""
    import multiprocessing, os
    from concurrent.futures import ProcessPoolExecutor
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '')
    dirs = ROOT/'results', ROOT/'bench'/'results'
    before, lessons = tree_hashes(*dirs), sorted(ROOT.glob('nbs/[123]*.ipynb'))
    with ProcessPoolExecutor(min(4, os.cpu_count() or 1), mp_context=multiprocessing.get_context('spawn')) as ex:
        runs = dict(zip((f.stem for f in lessons), ex.map(_run_lesson, lessons)))
    print({k: s for k,(s,_) in runs.items()})
    failed = [e for _,e in runs.values() if e]
    assert not failed, '\n\n'.join(failed)
    after = tree_hashes(*dirs)
    assert after == before, f"lessons wrote into {[str(d.relative_to(ROOT)) for d in dirs]}: " \
        f"{sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))}"

def test_prose_figures_are_computed():
    "Each percentage, ± figure or points gap in a lesson's prose is printed by a cell or checked by a hidden one"
    from superconv.docs import untraced_figures
    got = {nb.stem: sorted(x for _,x in untraced_figures(nb)) for nb in sorted(ROOT.glob('nbs/[123]*.ipynb'))}
    untraced = {k: v for k,v in got.items() if v}
    assert not untraced, untraced
