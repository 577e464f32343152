import pytest, torch
from fastcore.xtras import modified_env
from fastai.torch_core import TensorImage
from superconv.data import *
from conftest import make_archive

def test_cifar10_loads(archives):
    d = load_tensors('cifar10')
    assert d['x_train'].shape == (50_000, 3, 32, 32) and d['x_valid'].shape == (10_000, 3, 32, 32)
    assert d['y_train'].bincount().tolist() == [5_000]*10 and d['y_valid'].bincount().tolist() == [1_000]*10

@pytest.mark.parametrize('kw,msg', [
    (dict(name='cifar11'), "Unknown data set 'cifar11'"),
    (dict(bs=0), 'bs must be a positive integer'),
    (dict(bs=-3), 'bs must be a positive integer'),
    (dict(bs=2.5), 'bs must be a positive integer'),
    (dict(n_train=50_001), 'larger than the training set'),
    (dict(n_train=9), 'smaller than the number of classes'),
    (dict(n_train=1_000, bs=1_024), 'larger than the training set'),
    (dict(pad=-1), 'pad must be >= 0'),
    (dict(pad_mode='wrap'), "pad_mode must be 'zeros' or 'reflection'"),
])
def test_bad_input_one_clear_error(archives, kw, msg):
    with pytest.raises((ValueError, TypeError), match=msg): get_dls(**{'name':'cifar10', **kw})

def test_missing_archive_offline(home, tmp_path):
    empty = tmp_path/'archives'; empty.mkdir()
    with pytest.raises(DataNotFoundError, match=r'cifar10.tgz is not in the archive folder .*SUPERCONV_ARCHIVES'):
        with modified_env(SUPERCONV_ARCHIVES=str(empty)): get_data_path('cifar10')
    assert not (home/'data'/'cifar10').exists()

def test_corrupt_archive_leaves_nothing(home, tmp_path):
    arch = tmp_path/'archives'; arch.mkdir()
    good = make_archive(tmp_path/'good.tgz', 'cifar100', {f'train/c{i}/{j}.png': 0 for i in range(2) for j in range(3)})
    (arch/'cifar100.tgz').write_bytes(good.read_bytes()[:len(good.read_bytes())//2])
    with pytest.raises(ArchiveError, match='corrupt or truncated'): get_data_path('cifar100', archives=arch)
    assert [p.name for p in (home/'data').iterdir() if not p.name.endswith('.lock')] == []

def test_cifar100_layout_from_archive(home, tmp_path):
    "fastai's cifar100 folders nest fine classes under superclasses; labels are the fine classes"
    arch = tmp_path/'archives'; arch.mkdir()
    files = {f'{s}/{sup}/{fine}/{j}.png': 0 for s,n in (('train',4),('test',2))
             for sup,fines in (('fish',('shark','trout')),('trees',('oak','pine','maple'))) for fine in fines for j in range(n)}
    make_archive(arch/'cifar100.tgz', 'cifar100', files)
    d = load_tensors('cifar100', archives=arch)
    assert d['vocab'] == ['maple', 'oak', 'pine', 'shark', 'trout']
    assert d['x_train'].shape == (20, 3, 32, 32) and d['y_valid'].bincount().tolist() == [2]*5
    dls = get_dls('cifar100', bs=5, n_train=10, archives=arch, device='cpu')
    xb, yb = dls.one_batch()
    assert xb.shape == (5, 3, 32, 32) and dls.c == 5

def test_imagenette_resized_to_square(home, tmp_path):
    arch = tmp_path/'archives'; arch.mkdir()
    files = {f'{s}/n0{c}/{j}.JPEG': 0 for s in ('train','val') for c in range(2) for j in range(2)}
    src = make_archive(tmp_path/'x.tgz', 'imagenette2-160', {k.replace('JPEG','png'):0 for k in files}, size=(213,160))
    (arch/'imagenette2-160.tgz').write_bytes(src.read_bytes())
    d = load_tensors('imagenette', archives=arch)
    assert d['x_train'].shape == (4, 3, 160, 160)

def test_stratified_subset_exact_and_balanced(archives):
    y = load_tensors('cifar10')['y_train']
    for n in (50_000, 40_000, 30_000, 20_000, 10_000, 1_234):
        s = stratified_subset(y, n, seed=3)
        counts = y[s].bincount(minlength=10)
        assert len(s) == n and len(s.unique()) == n and counts.max() - counts.min() <= 1
    assert torch.equal(stratified_subset(y, 10_000, 5), stratified_subset(y, 10_000, 5))

def test_stratified_subset_unbalanced_mnist(archives):
    y = load_tensors('mnist')['y_train']
    s = stratified_subset(y, 54_300)   # more than 10 × the smallest class (5,421)
    c = y[s].bincount()
    assert len(s) == 54_300 and c[5] == 5_421 and (c[c != 5_421].max() - c[c != 5_421].min()) <= 1

def test_pad_crop_flip_matches_reference():
    torch.manual_seed(0)
    x = TensorImage(torch.randint(0, 256, (256, 3, 8, 8), dtype=torch.uint8))
    p = torch.nn.functional.pad(x.as_subclass(torch.Tensor), (4,)*4)
    pr = torch.nn.functional.pad(x.as_subclass(torch.Tensor).float(), (4,)*4, mode='reflect').to(torch.uint8)
    for mode, padded in (('zeros', p), ('reflection', pr)):
        out = PadCropFlip(4, pad_mode=mode)(x, split_idx=0)
        crops = lambda i: [c for dy in range(9) for dx in range(9) for c in (padded[i,:,dy:dy+8,dx:dx+8],)]
        n_flipped = 0
        for i in range(len(x)):
            cs = crops(i)
            plain = any(torch.equal(out[i], c) for c in cs)
            flipped = any(torch.equal(out[i], c.flip(-1)) for c in cs)
            assert plain or flipped
            n_flipped += flipped and not plain
        if mode == 'zeros': assert 88 < n_flipped < 168   # about half (with reflection, a mirrored crop is often another crop)

def test_dls_work_with_fastai(archives):
    from fastai.vision.all import Learner, accuracy, SGD
    from superconv.models import get_model
    dls = get_dls('cifar10', bs=512, n_train=2_048, device='cpu')
    assert len(dls.train) == 4 and dls.train.drop_last and len(dls.valid.dataset) == 10_000
    learn = Learner(dls, get_model('resnet8'), opt_func=SGD, metrics=accuracy)
    r = learn.lr_find(num_it=6, show_plot=False)
    assert len(learn.recorder.lrs) == 6 and r.valley > 0
    preds, targs = learn.get_preds()
    assert preds.shape == (10_000, 10) and torch.equal(targs, dls.valid.dataset.y.as_subclass(torch.Tensor))
    dls.show_batch(max_n=4)
    learn.show_results(max_n=4)

def test_channels_last_and_no_augment(archives):
    dls = get_dls('cifar10', bs=512, n_train=1_024, channels_last=True, augment=False, device='cpu')
    xb, _ = dls.one_batch()
    assert xb.is_contiguous(memory_format=torch.channels_last)
    assert not any(isinstance(t, PadCropFlip) for t in dls.train.after_batch.fs)

def test_stock_pipeline_same_data(archives):
    fast = get_dls('cifar10', bs=256, n_train=512, augment=False, device='cpu')
    stock = get_dls('cifar10', bs=256, n_train=512, augment=False, fast=False, num_workers=0, device='cpu')
    xf = torch.cat([x for x, _ in fast.valid])[:256]
    xs = torch.cat([x for x, _ in stock.valid])[:256]
    assert torch.allclose(xf, xs, atol=1e-5), "same images, same normalisation, same order"
    assert sorted(fast.train_ds.y.tolist()) == sorted(int(stock.train_ds[i][1]) for i in range(512))
