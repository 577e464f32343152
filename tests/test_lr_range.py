"The range test is a measurement: it leaves no trace in the learner, the random streams or the disk"
import os, torch
from fastai.vision.all import Learner, accuracy, set_seed
from superconv.schedules import paper_sgd
from superconv.data import get_dls
from superconv.models import get_model
from superconv.lr_range import *

def tiny():
    set_seed(0, reproducible=True)
    return Learner(get_dls('cifar10', bs=512, n_train=1_024, seed=0, device='cpu'), get_model('resnet8', bn_mom=0.1),
                   opt_func=paper_sgd(), metrics=accuracy, wd=1e-4)

def files(p): return sorted(str(f.relative_to(p)) for f in p.rglob('*'))

def test_range_test_then_fit_equals_fit_alone_and_writes_nothing(archives, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a = tiny(); a.path = tmp_path
    before = files(tmp_path)
    with a.no_bar(): r = a.lr_range_test(num_it=4, val_every=2, n_val=500, show_plot=False)
    assert files(tmp_path) == before and len(r.lrs) == 4      # nothing written: no _tmp.pth, unlike fastai's lr_find
    with a.no_bar(), a.no_logging(): a.fit_one_cycle(2, 0.5)
    b = tiny()
    with b.no_bar(), b.no_logging(): b.fit_one_cycle(2, 0.5)
    assert [list(map(float, v)) for v in a.recorder.values] == [list(map(float, v)) for v in b.recorder.values]   # bit for bit
    sa,sb = a.model.state_dict(),b.model.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)        # weights and BatchNorm statistics
