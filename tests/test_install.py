"What `pip install superconv` (no extras) brings, and that the library works with only that"
import json, subprocess, sys
from importlib.metadata import requires, distribution, packages_distributions, PackageNotFoundError
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from conftest import ROOT

def runtime_closure(name='superconv'):
    "Installed distributions that `pip install NAME` pulls in, without extras, found through their metadata"
    seen, todo = set(), [(name, ())]
    while todo:
        n, extras = todo.pop()
        if canonicalize_name(n) in seen: continue
        seen.add(canonicalize_name(n))
        for r in map(Requirement, requires(n) or []):
            if r.marker and not any(r.marker.evaluate({'extra': e}) for e in extras or ('',)): continue
            try: distribution(r.name)
            except PackageNotFoundError: continue   # a platform's own package (e.g. CUDA wheels elsewhere)
            todo.append((r.name, tuple(r.extras)))
    return seen

def test_runtime_install_leaves_out_the_course_and_the_tools():
    rt = runtime_closure()
    assert {'torch', 'fastai', 'matplotlib', 'schedulefree'} <= rt
    tools = {'jupyterlab', 'notebook', 'ipywidgets', 'ipykernel', 'ipython', 'nbdev', 'nbconvert', 'playwright', 'pytest',
             'hypothesis', 'airbench', 'lunr'}
    assert not rt & tools, f"runtime dependencies pull in {sorted(rt & tools)}: they belong in an extra"

def test_library_imports_with_only_the_runtime_dependencies():
    "In a process where every module of a distribution outside the runtime install fails to import"
    rt = runtime_closure()
    blocked = sorted(m for m,ds in packages_distributions().items()
                     if m.isidentifier() and not any(canonicalize_name(d) in rt for d in ds))
    assert 'nbdev' in blocked and 'IPython' in blocked and 'torch' not in blocked
    # None in sys.modules is what absence looks like: `import m` fails and importlib.util.find_spec(m) is None
    # (a finder that raised would break the availability probes of packages such as accelerate)
    code = f"""
import sys
for m in {json.dumps(blocked)}: sys.modules[m] = None
import superconv.schedules, superconv.lr_range, superconv.experiments, superconv.suites, superconv.report
print('ok')"""
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == 'ok', r.stderr[-2000:]
