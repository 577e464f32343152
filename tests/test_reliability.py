"Interrupted data work: SIGKILL an archive extraction and a tensor-cache build at random moments, then finish: same data, nothing half-done left"
import os, random, shutil, signal, subprocess, sys, time
import torch
from conftest import make_archive

LOAD = "import sys; from superconv.data import load_tensors; d = load_tensors('cifar10', archives=sys.argv[1]); print('loaded', len(d['y_train']))"

class Loader:
    "A fresh process loading a synthetic cifar10 archive into fastai home `home`, timing its phases from its own messages"
    def __init__(self, home, arch):
        self.p = subprocess.Popen([sys.executable, '-u', '-c', LOAD, str(arch)], env={**os.environ, 'FASTAI_HOME': str(home)},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    def wait_for(self, word):
        "Block until a stdout line holding `word` (returns its time) or the end of the output (returns None)"
        for line in iter(self.p.stdout.readline, b''):
            if word.encode() in line: return time.time()   # progress bars share the line (\r, no newline)
        return None
    def finish(self):
        assert self.p.wait(300) == 0, self.p.stderr.read().decode()

def test_killed_extraction_and_cache_build_recover(tmp_path):
    arch = tmp_path/'archives'; arch.mkdir()
    files = {f'{s}/{c}/{j}.png': 0 for s,n in (('train', 600), ('test', 100)) for c in ('cat', 'dog', 'frog', 'ship') for j in range(n)}
    make_archive(arch/'cifar10.tgz', 'cifar10', files)
    ref = Loader(tmp_path/'ref', arch)           # an uninterrupted load, to time each phase and compare with
    t_ext = ref.wait_for('Extracting'); t_dec = ref.wait_for('Decoding'); t_end = ref.wait_for('loaded'); ref.finish()
    phases = {'Extracting': t_dec - t_ext, 'Decoding': t_end - t_dec}
    rng, home, kills = random.Random(0), tmp_path/'home', []
    extracted = lambda: (home/'data'/'cifar10').is_dir()
    caches = lambda: list((home/'data').glob('cifar10.superconv-v*.pt')) if (home/'data').is_dir() else []
    for _ in range(12):                          # until two kills in each phase
        e,d = kills.count('Extracting'),kills.count('Decoding')
        if e >= 2 and d >= 2: break
        # a load that outran its kill finished a phase for good: undo it, so that phase can be interrupted again
        if e < 2 and extracted(): shutil.rmtree(home/'data'/'cifar10')
        for f in caches(): f.unlink()
        phase = 'Extracting' if e < 2 else 'Decoding'
        ld = Loader(home, arch)
        if ld.wait_for(phase) is None: ld.finish(); continue
        time.sleep(rng.uniform(0.05, 0.7)*phases[phase])
        if ld.p.poll() is None:
            ld.p.send_signal(signal.SIGKILL); ld.p.wait()
            # the phase the kill hit, read from disk: a load faster than the reference may have moved on
            kills.append('Extracting' if not extracted() else 'Decoding' if not caches() else 'after')
        else: ld.p.wait()
    ld = Loader(home, arch); assert ld.wait_for('loaded'); ld.finish()
    cache = lambda h: next((h/'data').glob('cifar10.superconv-v*.pt'))
    a,b = torch.load(cache(tmp_path/'ref')),torch.load(cache(home))
    assert all(torch.equal(a[k], b[k]) for k in ('x_train', 'y_train', 'x_valid', 'y_valid', 'mean', 'std')) and a['vocab'] == b['vocab']
    left = [f.name for f in (home/'data').iterdir() if f.name.startswith('.cifar10-') or f.name.endswith('.tmp')]
    assert left == [] and kills.count('Extracting') >= 2 and kills.count('Decoding') >= 2, (left, kills, phases)
