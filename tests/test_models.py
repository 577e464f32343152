import pytest, torch
from superconv.models import *

PUBLISHED = {'resnet20': 269_722, 'resnet32': 464_154, 'resnet44': 658_586, 'resnet56': 853_018, 'resnet110': 1_727_962,
             'wrn_28_10': 36_479_194, 'lenet': 431_080}

@pytest.mark.parametrize('name,n', PUBLISHED.items())
def test_published_parameter_counts(name, n): assert n_params(get_model(name)) == n

def test_densenet_bc_100_is_08m(): assert round(n_params(get_model('densenet_bc_100'))/1e6, 1) == 0.8

@pytest.mark.parametrize('name', list(MODELS))
@pytest.mark.parametrize('channels_last', [False, True])
def test_forward_backward(name, channels_last):
    x = torch.randn(2, 1, 28, 28) if name == 'lenet' else torch.randn(2, 3, 32, 32)
    out = check_model(get_model(name, n_out=7, dropout=0.2), x, channels_last=channels_last)
    assert out.shape == (2, 7)

def test_bad_names_and_depths():
    with pytest.raises(ValueError, match="Unknown model 'resnet50'"): get_model('resnet50')
    with pytest.raises(ValueError, match='6n\\+2'): CifarResNet(21)
    with pytest.raises(ValueError, match='6n\\+4'): WideResNet(27, 2)

def test_bn_momentum_reaches_every_bn():
    m = get_model('resnet56', bn_mom=0.05)
    bns = [o for o in m.modules() if isinstance(o, torch.nn.BatchNorm2d)]
    assert len(bns) == 55 and all(b.momentum == 0.05 for b in bns)
