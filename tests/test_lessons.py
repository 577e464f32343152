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
