"The package's shape: modules talk to each other through public names only"
import ast
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
