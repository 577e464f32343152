import contextlib, io, os, sys, tarfile
from pathlib import Path
import numpy as np, pytest
from PIL import Image
import matplotlib
matplotlib.use('Agg')

ROOT = Path(__file__).resolve().parents[1]
SUPERCONV = str(Path(sys.executable).parent/'superconv')  # the console script installed beside this Python

@pytest.fixture(scope='session')
def archives():
    "The offline archive folder the test run was pointed at (README command 2 sets it)"
    a = os.environ.get('SUPERCONV_ARCHIVES')
    if not a: pytest.fail("Set SUPERCONV_ARCHIVES to a folder with cifar10.tgz and mnist_png.tgz (README, command 2)")
    return Path(a)

@pytest.fixture
def home(tmp_path):
    "A fresh, empty fastai home folder for the test"
    from superconv.data import fastai_home
    with fastai_home(tmp_path/'fastai') as h: yield h

def make_archive(dest:Path, top:str, files:dict, size=(32,32), mode='RGB'):
    "A `.tgz` with folder `top` holding a small random PNG at each relative path in `files`"
    src = dest.parent/f'src-{top}'
    rng = np.random.default_rng(0)
    for rel in files:
        f = src/top/rel
        f.parent.mkdir(parents=True, exist_ok=True)
        shape = (size[1], size[0], 3) if mode=='RGB' else (size[1], size[0])
        Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(f)
    with tarfile.open(dest, 'w:gz') as t: t.add(src/top, arcname=top)
    return dest

def cli(args:list)->tuple:
    "(exit status, stderr) of `superconv ARGS` run in this process: the command line's checks without a new interpreter"
    from superconv.cli import main
    out,err = io.StringIO(),io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: rc = main(args)
        except SystemExit as e: rc = e.code
    return rc,err.getvalue()
