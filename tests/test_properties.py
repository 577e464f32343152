"Bad input, generated: every numeric CLI option and RunSpec field refuses what makes no sense, in one line, writing nothing"
import math
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from conftest import cli

# (command, option, domain) for every numeric option of the CLI
OPTIONS = [(c, o, 'posint') for c,o in [('run', '--seeds'), ('lr-range', '--seeds'), ('lr-range', '--n-train'), ('lr-range', '--bs'), ('lr-range', '--num-it'),
                                         ('lr-range', '--val-every'), ('lr-range', '--n-val'), ('tune', '--n-iter'), ('tune', '--n-train'),
                                         ('tune', '--n-valid'), ('tune', '--bs')]] + \
          [(c, o, 'nonneg_int') for c,o in [('lr-range', '--seed'), ('tune', '--max-widen')]] + \
          [(c, o, 'posfloat') for c,o in [('lr-range', '--end-lr'), ('tune', '--div'), ('tune', '--grid')]] + \
          [(c, o, 'nonneg_float') for c,o in [('lr-range', '--start-lr'), ('lr-range', '--wd'), ('tune', '--wd')]] + \
          [(c, o, 'fraction') for c,o in [('tune', '--mom')]] + [(c, o, 'bn_mom') for c,o in [('lr-range', '--bn-mom'), ('tune', '--bn-mom')]]
POSITIONAL = {'run': ['table1']}

NONFINITE = st.sampled_from(['nan', 'inf', '-inf', 'NaN', 'Infinity', '-Infinity'])
TEXT = st.text(min_size=0, max_size=8).filter(lambda s: not _is_number(s))
def _is_number(s):
    try: float(s); return True
    except ValueError: return False

def bad_values(domain):
    "Strings that must be refused for an option of `domain`: non-finite, negative, zero where it makes no sense, wrong type, empty"
    neg = st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False).map(repr)
    neg_int = st.integers(max_value=-1).map(str)
    common = [NONFINITE, TEXT]
    if domain == 'posint': return st.one_of(*common, neg_int, st.just('0'), st.floats(0.1, 1e6).filter(lambda x: x != int(x)).map(repr))
    if domain == 'nonneg_int': return st.one_of(*common, neg_int, st.just('1.5'))
    if domain == 'posfloat': return st.one_of(*common, neg, st.just('0'), st.just('-0.0'))
    if domain == 'nonneg_float': return st.one_of(*common, neg)
    if domain == 'fraction': return st.one_of(*common, neg, st.floats(1, 1e300).map(repr))
    if domain == 'bn_mom': return st.one_of(*common, neg, st.just('0'), st.floats(1.0001, 1e300).map(repr))


@pytest.mark.parametrize('cmd,opt,domain', OPTIONS, ids=[f'{c} {o}' for c,o,_ in OPTIONS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_option_refuses_bad_values(cmd, opt, domain, data, tmp_path):
    v = data.draw(bad_values(domain))
    rc,err = cli([cmd, *POSITIONAL.get(cmd, []), f'{opt}={v}', '--out', str(tmp_path/'out')])
    errs = [l for l in err.splitlines() if 'error:' in l]
    assert rc == 2 and len(errs) == 1 and opt in errs[0] and 'Traceback' not in err, (v, err[-500:])
    assert not (tmp_path/'out').exists()

RUNSPEC = {'n_iter': 'posint', 'bs': 'posint', 'n_train': 'posint', 'eval_every': 'posint', 'n_val': 'posint', 'n_valid': 'posint',
           'clr_step': 'posint', 'hessian_every': 'posint', 'seed': 'nonneg_int', 'pad': 'nonneg_int', 'lr_max': 'posfloat',
           'final_div': 'posfloat', 'wd': 'nonneg_float', 'lr_min': 'nonneg_float', 'mom': 'fraction', 'dropout': 'fraction',
           'pct_ann': 'fraction', 'bn_mom': 'bn_mom'}

def as_value(s):
    "The generated string as the Python value an API user would pass: a number where it parses as one, else the string"
    try: x = float(s)
    except ValueError: return s
    return int(x) if math.isfinite(x) and x == int(x) and 'e' not in s.lower() and '.' not in s else x

@pytest.mark.parametrize('field,domain', list(RUNSPEC.items()))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_runspec_refuses_bad_values(field, domain, data):
    from superconv.experiments import RunSpec
    v = as_value(data.draw(bad_values(domain)))
    kw = dict(n_train=2_000) if field == 'n_valid' else {}
    with pytest.raises((ValueError, TypeError)) as e: RunSpec('x', **{**kw, field: v})
    assert '\n' not in str(e.value) and field in str(e.value), (v, str(e.value))
