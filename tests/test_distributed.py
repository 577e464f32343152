"Multi-process training through `Learner.ddp_ctx` (fastai's `distrib_ctx`): two CPU processes under `torchrun`, on superconv's tensor loaders"
import json, subprocess, sys, textwrap
import pytest

SCRIPT = textwrap.dedent('''
    import json, sys, torch
    from fastai.learner import Learner
    from fastai.torch_core import rank_distrib, num_distrib
    from superconv.data import get_dls
    from superconv.models import get_model
    from superconv.instruments import ddp_ctx   # patches Learner
    torch.manual_seed(0)
    dls = get_dls('cifar10', bs=32, n_train=256, device='cpu')   # 8 training batches
    learn = Learner(dls, get_model('resnet8'))
    before = sum(p.double().sum().item() for p in learn.model.parameters())
    with learn.no_bar(), learn.no_logging(), learn.ddp_ctx():
        wrapped = type(learn.model).__name__
        learn.fit_one_cycle(1, 0.05)
    after = [p.detach().double().sum().item() for p in learn.model.parameters()]
    with open(f'result-{rank_distrib()}.json', 'w') as f:   # one file per process: their stdout lines can interleave
        json.dump(dict(rank=rank_distrib(), world=num_distrib(), iters=learn.train_iter, before=before, after=after, model=type(learn.model).__name__), f)
    if torch.distributed.is_initialized(): torch.distributed.destroy_process_group()
    # torch 2.14 on CPU aborts now and then at interpreter shutdown ("terminate called without an active exception",
    # after the results are written, also with the group destroyed): leave without running C++ static destructors
    import os; sys.stdout.flush(); os._exit(0)
''')

def _results(folder):
    return sorted((json.loads(p.read_text()) for p in folder.glob('result-*.json')), key=lambda r: r['rank'])

def test_two_cpu_processes_share_the_batches_and_end_with_the_same_weights(archives, tmp_path):
    (tmp_path/'fit.py').write_text(SCRIPT)
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2', '--master_port=29531', str(tmp_path/'fit.py')],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    res = _results(tmp_path)
    assert [x['rank'] for x in res] == [0, 1] and all(x['world'] == 2 for x in res)
    assert all(x['iters'] == 4 for x in res)                      # each process trained half of the 8 batches
    assert all(x['model'] == 'CifarResNet' for x in res)          # unwrapped again after the fit
    assert res[0]['after'] == pytest.approx(res[1]['after'], rel=1e-5, abs=1e-6)   # DDP kept the replicas in step
    assert res[0]['after'] != pytest.approx([res[0]['before']]*len(res[0]['after']))

def test_one_process_is_a_plain_fit(archives, tmp_path):
    (tmp_path/'fit.py').write_text(SCRIPT)
    r = subprocess.run([sys.executable, str(tmp_path/'fit.py')], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    [res] = _results(tmp_path)
    assert res['world'] == 0 and res['iters'] == 8
