"The README's two set-up commands, and CI running the second"
import re
from conftest import ROOT

def readme_commands():
    setup = (ROOT/'README.md').read_text().split('## Set up and run')[1].split('\n## ')[0]
    return [c.strip() for c in re.findall(r'```sh\n(.*?)```', setup, re.S)]

def test_exactly_two_commands():
    cmds = readme_commands()
    assert len(cmds) == 2 and all('\n' not in c for c in cmds)
    assert 'superconv data check' in cmds[0] or 'superconv demo' in cmds[0]
    assert 'nbdev-test' in cmds[1] and 'pytest' in cmds[1]

def test_ci_runs_readme_command_2():
    ci = [l for l in (ROOT/'.ci'/'run').read_text().splitlines() if l.strip() and not l.startswith(('#', 'set ', 'cd '))]
    assert ci == [readme_commands()[1]]

def test_promised_demo_time_is_the_measured_one():
    "README command 1, `superconv demo`'s banner and its help promise the time bench/bench_demo.py measured"
    import json
    m = round(json.loads((ROOT/'bench'/'results'/'demo.json').read_text())['minutes'])
    readme, cli = (ROOT/'README.md').read_text(), (ROOT/'superconv'/'cli.py').read_text()
    assert f"`superconv demo` (about {m} minutes on two idle CPU cores" in readme
    assert f"about {m} minutes on a CPU" in readme and f"about {m} minutes on two idle CPU cores." in cli
    assert f"about {m} minutes on a CPU\")" in cli   # `superconv demo --help`
