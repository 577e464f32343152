"The package's shape: modules talk to each other through public names only"
import ast, subprocess, sys
from conftest import ROOT

def test_no_private_name_crosses_a_module():
    bad = []
    for f in sorted((ROOT/'superconv').glob('*.py')):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or '').startswith('superconv')):
                bad += [f"{f.name}: from {'.'*node.level}{node.module or ''} import {a.name}" for a in node.names
                        if a.name.startswith('_') and not a.name.startswith('__')]
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith('_') \
               and not node.attr.startswith('__') and node.value.id in {p.stem for p in (ROOT/'superconv').glob('*.py')}:
                bad.append(f"{f.name}: {node.value.id}.{node.attr}")
    assert not bad, bad

def test_runtime_needs_no_course_or_dev_tools():
    "`pip install superconv` (no extras) brings no JupyterLab, nbdev or test tools, and the library imports without them"
    import tomllib
    deps = ' '.join(tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['dependencies']).lower()
    for tool in ('jupyterlab', 'nbdev', 'ipywidgets', 'pytest', 'playwright', 'airbench'): assert tool not in deps, tool
    block = "import sys\nfor m in ('nbdev', 'nbformat', 'jupyterlab', 'ipywidgets', 'IPython', 'airbench'): sys.modules[m] = None\n"
    code = block + "import superconv.schedules, superconv.lr_range, superconv.experiments, superconv.suites, superconv.cli\nprint('ok')"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == 'ok', r.stderr[-2000:]

def test_no_docstring_split_into_a_stray_string():
    "A docstring wrapped over two lines without brackets leaves its tail as a no-op string statement: none in the package"
    stray = []
    for f in sorted((ROOT/'superconv').glob('*.py')):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
                stray += [f"{f.name}:{s.lineno}" for s in node.body[1:]
                          if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)]
    assert not stray, stray

def test_run_fields_load_no_torch():
    "`superconv.spec` (the run's fields and presets the CLI builds its options from) imports neither torch nor fastai"
    code = "import sys, superconv.spec\nprint(sorted(m for m in ('torch', 'fastai') if m in sys.modules))"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == '[]', (r.stdout, r.stderr[-2000:])
