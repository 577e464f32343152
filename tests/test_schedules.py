"Schedules, range tests and the Hessian-free estimate on the real data path (the notebooks test them on synthetic learners)"
import numpy as np, pytest, torch
from fastai.vision.all import Learner, accuracy, set_seed
from superconv.data import get_dls
from superconv.models import get_model
from superconv.schedules import *
from superconv.lr_range import *
from superconv.hessian import *

@pytest.fixture(scope='module')
def dls(archives): return get_dls('cifar10', bs=512, n_train=1_536, device='cpu')   # 3 batches an epoch

def learner(dls, name='resnet8'): return Learner(dls, get_model(name, bn_mom=0.2), opt_func=paper_sgd(), metrics=accuracy)

def test_partial_last_epoch_logs_every_column(dls):
    learn = learner(dls)
    learn.fit_step(n_iter=4, lr=0.1)
    assert learn.train_iter == 4 and len(learn.recorder.values) == 2
    assert all(len(v) == 3 for v in learn.recorder.values)   # train loss, valid loss, accuracy
    np.testing.assert_allclose(learn.recorder.hps['lr'], [0.1, 0.1, 0.1, 0.01])   # ×0.1 at iteration 3 (0.625·4 = 2.5, rounded up); the second drop, at 0.875·4 → 4, is past the end
    np.testing.assert_allclose(learn.recorder.hps['mom'], [0.9]*4)

def test_step_drops_at_paper_fractions():
    s = step_scheds(80_000)
    lr = [s['lr'](i/80_000) for i in (0, 49_999, 50_000, 69_999, 70_000, 79_999)]
    np.testing.assert_allclose(lr, [0.35, 0.35, 0.035, 0.035, 0.0035, 0.0035])

@pytest.mark.parametrize('kw,msg', [
    (dict(lr_max=0), 'lr_max must be a positive number'),
    (dict(lr_max=1.0, lr_min=2.0), 'lr_min must be smaller than lr_max'),
    (dict(lr_max=1.0, pct_ann=1.0), r'pct_ann must be a fraction in \[0, 1\)'),
    (dict(lr_max=1.0, final_div=0), 'final_div must be a positive number'),
])
def test_paper_one_cycle_rejects(kw, msg):
    with pytest.raises(ValueError, match=msg): paper_one_cycle_scheds(1_000, **kw)

def test_epochs_and_iterations_agree(dls):
    a = learner(dls); a.fit_paper_one_cycle(2, lr_max=1.0)
    b = learner(dls); b.fit_paper_one_cycle(n_iter=6, lr_max=1.0)
    np.testing.assert_allclose(a.recorder.hps['lr'], b.recorder.hps['lr'])

def test_clr_zero_iterations_rejected(dls):
    with pytest.raises(ValueError, match='positive integer'): learner(dls).fit_clr(n_iter=0)

def test_range_test_on_tensor_dls_restores_state(dls):
    set_seed(0)
    learn = learner(dls)
    before = {k: v.clone() for k, v in learn.model.state_dict().items()}
    r = learn.lr_range_test(0, 1.0, num_it=6, val_every=3, n_val=700, show_plot=False)
    assert r.val_iters == [3, 6] and len(r.lrs) == 6
    assert all(torch.equal(v, before[k]) for k, v in learn.model.state_dict().items())   # BN statistics included
    from superconv.lr_range import fixed_subset_dl
    sub = fixed_subset_dl(dls.valid, 700)
    ys = torch.cat([y for _, y in sub])
    assert len(ys) == 700 and len(ys.unique()) == 10   # a random subset of the class-sorted test set, not its first 700
    assert r.to_dict() == LRRangeResult.from_dict(r.to_dict()).to_dict()

def test_hessian_per_layer_on_resnet(dls):
    learn = learner(dls)
    learn.fit_paper_one_cycle(n_iter=6, lr_max=0.5, cbs=HessianFreeLR(every=2))
    h = learn.hessian_lr
    assert h.iters == [4] and np.isfinite(h.estimates).all()
    assert '0.0' in h.layers and str(len(learn.model)-1) in h.layers   # the stem conv and the classifier are layers of their own
