"One 1cycle vocabulary across the paper, fastai and PyTorch, and per-parameter-group LRs (issue 13, points 4 and 5)"
import numpy as np, pytest, torch
from fastai.callback.core import Callback
from fastai.test_utils import synth_learner
from superconv.schedules import *

def torch_hps(n, n_groups=1, **kw):
    "(steps × groups) LR and momentum of a momentum SGD under `OneCycleLR(**kw)`"
    opt = torch.optim.SGD([{'params': [torch.zeros(1, requires_grad=True)]} for _ in range(n_groups)], lr=1., momentum=0.9)
    s,lrs,moms = torch.optim.lr_scheduler.OneCycleLR(opt, **kw),[],[]
    for _ in range(n):
        lrs.append([g['lr'] for g in opt.param_groups]); moms.append([g['momentum'] for g in opt.param_groups]); opt.step(); s.step()
    return np.array(lrs),np.array(moms)

def recorded(fit, **kw):
    learn = synth_learner(**kw)
    with learn.no_logging(), learn.no_bar(): fit(learn)
    return np.array(learn.recorder.hps['lr']),np.array(learn.recorder.hps.get('mom', []))

@pytest.mark.parametrize('n_epoch,kw', [(3, dict(lr_max=1.0)), (5, dict(lr_max=0.3, pct_start=0.4, div=8., div_final=1e3, moms=(0.9, 0.85, 0.9)))])
def test_fastai_to_torch(n_epoch, kw):
    lr,mom = recorded(lambda l: l.fit_one_cycle(n_epoch, **kw))
    tl,tm = torch_hps(len(lr), **fastai_to_torch(len(lr), **kw))
    np.testing.assert_allclose(tl[:,0], lr, rtol=0, atol=1e-6); np.testing.assert_allclose(tm[:,0], mom, rtol=0, atol=1e-6)

def test_torch_to_fastai():
    tkw = dict(total_steps=51, max_lr=0.7, pct_start=0.35, div_factor=10., final_div_factor=50.)
    fkw = torch_to_fastai(**tkw); n = fkw.pop('n_iter')
    lr,mom = recorded(lambda l: l.fit_one_cycle(n//len(l.dls.train), **fkw))
    tl,tm = torch_hps(n, **tkw)
    np.testing.assert_allclose(tl[:,0], lr, rtol=0, atol=1e-6); np.testing.assert_allclose(tm[:,0], mom, rtol=0, atol=1e-6)

@pytest.mark.parametrize('kw', [dict(lr_max=3.0, lr_min=0.1, pct_ann=0.2), dict(lr_max=1.0, n_ann=9, final_lr=1e-4), dict(lr_max=1.0, pct_ann=0)])
def test_paper_to_torch_and_back(kw):
    lr,mom = recorded(lambda l: l.fit_paper_one_cycle(n_iter=60, **kw))
    tkw = paper_to_torch(60, **kw)
    tl,tm = torch_hps(60, **tkw)
    np.testing.assert_allclose(tl[:,0], lr, rtol=0, atol=1e-6); np.testing.assert_allclose(tm[:,0], mom, rtol=0, atol=1e-6)
    lr2,_ = recorded(lambda l: l.fit_paper_one_cycle(**torch_to_paper(**tkw)))
    np.testing.assert_allclose(lr2, lr, rtol=0, atol=1e-9)

@pytest.mark.parametrize('frm,to,kw,msg', [
    ('torch', 'fastai', dict(total_steps=41, max_lr=1., anneal_strategy='linear'), 'cosines only'),
    ('torch', 'fastai', dict(total_steps=41, max_lr=1., three_phase=True), 'two phases'),
    ('torch', 'paper', dict(total_steps=41, max_lr=1.), 'piecewise linear'),
    ('torch', 'paper', dict(total_steps=41, max_lr=1., anneal_strategy='linear', pct_start=0.3), 'three_phase=True'),
    ('fastai', 'torch', dict(n_iter=40, lr_max=1., moms=(0.95, 0.85, 0.9)), 'ends where it starts'),
    ('fastai', 'paper', dict(n_iter=40, lr_max=1.), 'straight lines'),
])
def test_impossible_conversions_say_why(frm, to, kw, msg):
    with pytest.raises(ValueError, match=msg): convert_one_cycle(frm, to, **kw)

class GroupLRs(Callback):
    run_valid = False
    def before_fit(self): self.lrs = []
    def after_batch(self): self.lrs.append([h['lr'] for h in self.opt.hypers])

@pytest.mark.parametrize('fit', [
    lambda l,cb: l.fit_paper_one_cycle(n_iter=30, lr_max=slice(0.1, 1.0), cbs=cb),
    lambda l,cb: l.fit_paper_one_cycle(n_iter=30, lr_max=[0.1, 1.0], lr_min=[0.01, 0.1], final_lr=slice(1e-5, 1e-4), cbs=cb),
    lambda l,cb: l.fit_step(n_iter=30, lr=slice(0.035, 0.35), cbs=cb),
    lambda l,cb: l.fit_clr(n_iter=30, lr_min=[0.01, 0.1], lr_max=[0.3, 3.0], step_size=5, cbs=cb),
    lambda l,cb: l.fit_inv(n_iter=30, lr=slice(0.001, 0.01), gamma=0.05, cbs=cb),
], ids=['paper', 'paper-all-per-group', 'step', 'clr', 'inv'])
def test_groups_keep_their_ratio(fit):
    learn,cb = synth_learner(splitter=lambda m: [[m.a], [m.b]]),GroupLRs()
    with learn.no_logging(), learn.no_bar(): fit(learn, cb)
    lrs = np.array(cb.lrs)
    assert lrs.shape == (30, 2)
    np.testing.assert_allclose(lrs[:,0]/lrs[:,1], 0.1, rtol=1e-12)
    np.testing.assert_array_equal(lrs[:,1], learn.recorder.hps['lr'])

def test_plain_number_gives_every_group_the_same_lr():
    learn,cb = synth_learner(splitter=lambda m: [[m.a], [m.b]]),GroupLRs()
    with learn.no_logging(), learn.no_bar(): learn.fit_paper_one_cycle(n_iter=30, lr_max=1.0, cbs=cb)
    np.testing.assert_array_equal(np.array(cb.lrs)[:,0], np.array(cb.lrs)[:,1])

@pytest.mark.parametrize('kw,msg', [
    (dict(lr_max=slice(0.1, 1.0), lr_min=0.01), 'must both be numbers, or both one per parameter group'),
    (dict(lr_max=slice(0.1, 1.0), lr_min=[0.001, 0.05]), 'same ratios'),
    (dict(lr_max=[0.1, -1.0]), 'lr_max must be a positive number'),
    (dict(lr_max=[0.1, 0.5, 1.0]), 'has 3 values for 2 parameter groups'),
    (dict(lr_max=slice(0.1, float('inf'))), r'lr_max\.stop must be a positive number'),
])
def test_group_lrs_rejected(kw, msg):
    learn = synth_learner(splitter=lambda m: [[m.a], [m.b]])
    with pytest.raises(ValueError, match=msg): learn.fit_paper_one_cycle(n_iter=30, **kw)
