"""The checks of notebook 02 accept the reference solutions and name each typical mistake."""

import math
import sys

import numpy as np
import pytest

from coursekit.checks import initialization as ci
from coursekit.solutions import initialization as ref


def _not_attempted(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", [ci.check_he_std, ci.check_conv_fans, ci.check_he_normal,
                                   ci.check_predict_std])
def test_unattempted_exercise_says_todo(check, capsys):
    result = check(_not_attempted)
    assert result.passed is False and "[TODO]" in result.message
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize("check", [ci.check_he_std, ci.check_conv_fans, ci.check_he_normal,
                                   ci.check_predict_std])
def test_checks_reject_non_callables(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(42)


# ---------------------------------------------------------------- he_std

def test_he_std_accepts_reference():
    result = ci.check_he_std(ref.he_std)
    assert result.passed is True and "[PASS]" in result.message


def test_he_std_reference_matches_torch_gain_for_leaky_relu():
    torch = pytest.importorskip("torch")
    for slope in (0.0, 0.01, 0.2, 1.0):
        gain = torch.nn.init.calculate_gain("leaky_relu", slope)
        assert ref.he_std(300, 7, slope=slope) == pytest.approx(gain / math.sqrt(300), rel=1e-12)


def test_he_std_check_rejects_pytorchs_gain_directly_or_through_kaiming():
    # the exercise is the derivation: calculate_gain answers it, also inside kaiming_normal_
    torch = pytest.importorskip("torch")

    def through_kaiming(fan_in, fan_out, slope=0.0):
        torch.nn.init.kaiming_normal_(torch.empty(2, fan_in), a=slope)   # called, not used
        return math.sqrt(2 / ((1 + slope**2) * fan_in))

    def direct(fan_in, fan_out, slope=0.0):
        return torch.nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(fan_in)

    profile_before = sys.getprofile()
    for fn in (direct, through_kaiming):
        result = ci.check_he_std(fn)
        assert result.passed is False and result.mistake == "called calculate_gain"
        assert "E[f(z)²]" in result.message
    assert ci.check_he_std(ref.he_std).passed
    assert sys.getprofile() is profile_before


@pytest.mark.parametrize("wrong,phrase", [
    (lambda fi, fo, slope=0.0: math.sqrt(2 / fi), "you ignored the slope"),
    (lambda fi, fo, slope=0.0: math.sqrt(2 / ((1 + slope) * fi)), "enters squared"),
    (lambda fi, fo, slope=0.0: 2 / ((1 + slope**2) * fi) if slope else math.sqrt(2 / fi),
     "take the square root"),
    (lambda fi, fo: math.sqrt(2 / fi), "TypeError"),
    (lambda fi, fo, slope=0.0: math.sqrt(2 / fi) / (1 + slope**2),
     "divided the standard deviation by 1 + a²"),
    (lambda fi, fo, slope=0.0: math.sqrt(1 / (fi * ((1 + slope**2) / 2
                                                    - (1 - slope) ** 2 / (2 * math.pi)))),
     "second moment E[f(z)²]"),
    (lambda fi, fo, slope=0.0: None if slope else math.sqrt(2 / fi), "returned None"),
])
def test_he_std_slope_mistakes(wrong, phrase):
    result = ci.check_he_std(wrong)
    assert result.passed is False
    assert phrase in result.message, result.message


@pytest.mark.parametrize("wrong,phrase", [
    (lambda fi, fo: math.sqrt(2 / fo), "you used fan_out"),
    (lambda fi, fo: 2 / fi, "that is the variance 2/fan_in"),
    (lambda fi, fo: 2 / fo, "variance computed with fan_out"),
    (lambda fi, fo: math.sqrt(1 / fi), "LeCun"),
    (lambda fi, fo: math.sqrt(2 / (fi + fo)), "Xavier/Glorot"),
    (lambda fi, fo: math.sqrt(2) / fi, "square root must cover the whole fraction"),
    (lambda fi, fo: 0.1, "wrong values"),
    (lambda fi, fo: (0.1, 0.2), "return one number"),
    (lambda fi, fo: 1 / 0, "ZeroDivisionError"),
])
def test_he_std_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_he_std(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_he_std_names_a_missing_return():
    def he_std(fan_in, fan_out, slope=0.0):
        math.sqrt(2 / ((1 + slope**2) * fan_in))  # computed, never returned

    result = ci.check_he_std(he_std)
    assert result.passed is False and result.mistake == "none", result.message
    assert "return` statement missing" in result.message and "NaN" not in result.message


# ---------------------------------------------------------------- conv_fans

def test_conv_fans_accepts_reference():
    assert ci.check_conv_fans(ref.conv_fans).passed is True
    assert ci.check_conv_fans(lambda s: list(ref.conv_fans(s))).passed is True


def test_conv_fans_accepts_a_numpy_array_that_works_downstream():
    def as_array(shape):
        return np.array(ref.conv_fans(shape))

    assert ci.check_conv_fans(as_array).passed is True
    fan_in, fan_out = as_array((3, 3, 1, 6))  # the CNN cell unpacks the pair
    assert (fan_in + fan_out) / fan_in == 7


def test_conv_fans_accepts_a_torch_tensor_that_works_downstream():
    torch = pytest.importorskip("torch")

    def as_tensor(shape):
        return torch.tensor(ref.conv_fans(shape))

    assert ci.check_conv_fans(as_tensor).passed is True
    fan_in, fan_out = as_tensor((3, 3, 1, 6))  # the CNN cell unpacks the pair and prints
    assert f"{(fan_in + fan_out) / fan_in:.2g}" == "7"


def test_conv_fans_names_fan_out_without_the_kernel_size():
    result = ci.check_conv_fans(lambda s: (s[0] * s[1] * s[2], s[3]))
    assert result.passed is False and "fan_out is not c_out" in result.message


@pytest.mark.parametrize("wrong,phrase", [
    (lambda s: (s[2], s[3]), "forgot the kernel's receptive field"),
    (lambda s: (s[0] * s[1] * s[3], s[0] * s[1] * s[2]), "swapped"),
    (lambda s: (s[1] * s[2] * s[3], s[0] * s[2] * s[3]), "PyTorch's (out, in, kh, kw) order"),
    (lambda s: (math.prod(s), math.prod(s)), "total number of weights"),
    (lambda s: s[0] * s[1] * s[2], "tuple of two integers"),
    (lambda s: (s[0] * s[2], s[0] * s[3]), "wrong values"),
])
def test_conv_fans_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_conv_fans(wrong)
    assert result.passed is False
    assert phrase in result.message


# ---------------------------------------------------------------- he_normal

def test_he_normal_accepts_reference():
    assert ci.check_he_normal(ref.he_normal).passed is True


def _fan_in(shape):
    return shape[-2] * math.prod(shape[:-2])


def _fan_out(shape):
    return shape[-1] * math.prod(shape[:-2])


@pytest.mark.parametrize("wrong,phrase", [
    (lambda s, rng: rng.normal(0, 2 / _fan_in(s), size=s), "used the variance 2/fan_in"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / _fan_out(s)), size=s), "sqrt(2/fan_out)"),
    (lambda s, rng: rng.normal(0, math.sqrt(1 / _fan_in(s)), size=s), "LeCun"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / s[-2]), size=s), "receptive field"),
    (lambda s, rng: rng.normal(size=s), "look like N(0, 1)"),
    (lambda s, rng: rng.uniform(-1, 1, size=s) * math.sqrt(6 / _fan_in(s)), "uniform"),
    (lambda s, rng: np.random.default_rng().normal(0, math.sqrt(2 / _fan_in(s)), size=s),
     "draw the numbers with the rng you are given"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / _fan_in(s)), size=s[::-1]), "requested shape"),
    (lambda s, rng: rng.integers(0, 2, size=s), "must be floats"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / _fan_in(s)), size=s).tolist(), "NumPy array"),
    (lambda s, rng: 1 + rng.normal(0, math.sqrt(2 / _fan_in(s)), size=s), "mean 0"),
    (lambda s, rng: rng.normal(0, 0.3, size=s), "same std (0.299) for every shape"),
    (lambda s, rng: rng.normal(0, math.sqrt(3 / _fan_in(s)), size=s), "expected sqrt(2/fan_in)"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / s[0]), size=s), "not shape[0]"),
])
def test_he_normal_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_he_normal(wrong)
    assert result.passed is False
    assert phrase in result.message, result.message


@pytest.mark.parametrize("fn,args,expected", [
    (ref.he_std, (200, 50), math.sqrt(0.01)),
    (ref.conv_fans, ((3, 3, 16, 32),), (144, 288)),
])
def test_reference_solutions_values(fn, args, expected):
    assert fn(*args) == pytest.approx(expected)


def test_he_normal_accepts_a_truncated_normal_with_the_right_variance():
    def truncated(shape, rng):  # Keras' HeNormal: N(0, 1) cut at ±2, rescaled to std sqrt(2/fan_in)
        x = rng.normal(size=4 * math.prod(shape))
        x = x[np.abs(x) < 2][:math.prod(shape)]
        return (x / 0.87962566 * math.sqrt(2 / _fan_in(shape))).reshape(shape)

    assert ci.check_he_normal(truncated).passed is True


def test_he_normal_wide_conv_mistake_is_not_reported_as_a_nonzero_mean():
    result = ci.check_he_normal(lambda s, rng: rng.normal(0, math.sqrt(2 / s[0]), size=s))
    assert "mean" not in result.message, result.message


def test_reference_he_normal_std():
    w = ref.he_normal((3, 3, 64, 128), np.random.default_rng(0))
    assert w.shape == (3, 3, 64, 128)
    assert w.std() == pytest.approx(math.sqrt(2 / 576), rel=0.02)


# ---------------------------------------------------------------- predict_std

def test_predict_std_accepts_reference_and_a_list():
    assert ci.check_predict_std(ref.predict_std).passed is True
    assert ci.check_predict_std(lambda w, v: list(ref.predict_std(w, v))).passed is True


def test_predict_std_reference_values():
    # He on square layers keeps Var(z) = 2; Xavier on 100/400 layers loses 0.64 per pair
    assert np.allclose(ref.predict_std([64] * 6, [2 / 64] * 5), math.sqrt(2))
    got = ref.predict_std([100, 400, 100], [4 / 500, 4 / 500])
    assert np.allclose(got ** 2, [0.8, 0.8 * 400 * 4 / 500 / 2])


def _stack(widths, variances, *, fan="in", half=0.5, half_first=False, root=True):
    q, m, out = 0.0, 1.0, []
    for k, var in enumerate(variances):
        n = widths[k] if fan == "in" else widths[k + 1]
        q = n * var * m * (half if (k == 0 and half_first) else 1.0)
        out.append(q)
        m = q * half
    out = np.array(out)
    return np.sqrt(out) if root else out


def _std_halved(widths, variances):
    out = [math.sqrt(widths[0] * variances[0])]
    for k in range(1, len(variances)):
        out.append(out[-1] * math.sqrt(widths[k] * variances[k]) / 2)
    return np.array(out)


@pytest.mark.parametrize("wrong,phrase", [
    (lambda w, v: _stack(w, v, fan="out"), "you used fan_out"),
    (lambda w, v: _stack(w, v, half=1.0), "you forgot the ReLU"),
    (lambda w, v: _stack(w, v, half_first=True), "the first layer gets no factor 1/2"),
    (lambda w, v: _stack(w, v, root=False), "those are variances"),
    (_std_halved, "you halved the standard deviation"),
    (lambda w, v: _stack(w, v, half=0.5 - 1 / (2 * math.pi)), "you used Var(relu(z))"),
    (lambda w, v: np.r_[1.0, ref.predict_std(w, v)], "leave out the input's std"),
    (lambda w, v: ref.predict_std(w, v)[-1], "not only one number"),
    (lambda w, v: ref.predict_std(w, v) * 1.3, "wrong values"),
    (lambda w, v: "big", "return an array"),
])
def test_predict_std_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_predict_std(wrong)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_he_fan_out_is_named_as_the_backward_variant():
    result = ci.check_he_std(lambda fi, fo: math.sqrt(2 / fo))
    assert 'mode="fan_out"' in result.message and "backward" in result.message
    w = ci.check_he_normal(
        lambda s, rng: rng.normal(0, math.sqrt(2 / (s[-1] * math.prod(s[:-2]))), size=s))
    assert 'mode="fan_out"' in w.message


def test_check_predict_std_rejects_a_non_function():
    with pytest.raises(TypeError, match="student_fn"):
        ci.check_predict_std([1.0, 2.0])


# ---------------------------------------------------------------- init_he_ (model.apply)

def test_unattempted_model_apply_and_prediction_say_todo(capsys):
    assert "[TODO]" in ci.check_init_he(_not_attempted).message
    assert "[TODO]" in ci.check_prediction(None, None).message
    assert "[TODO]" in ci.check_prediction(2.83, None).message  # half done: still to do
    assert capsys.readouterr().out.count("[TODO]") == 3


def test_init_he_accepts_the_reference_and_every_natural_form():
    import corpus_initialization as corpus

    for fn in (ref.init_he_, corpus.init_he_no_grad, corpus.init_he_new_parameter,
               corpus.init_he_gain_1_last):
        result = ci.check_init_he(fn)
        assert result.passed, (fn.__name__, result.message)
    for fn in (corpus.init_he_kaiming, corpus.init_he_kaiming_uniform):   # the shortcut
        result = ci.check_init_he(fn)
        assert not result.passed and result.mistake == "called kaiming", fn.__name__


def test_init_he_gain_1_only_on_the_last_layer():
    # the output layer feeds no ReLU: gain 1 passes there, not on a hidden layer
    torch = pytest.importorskip("torch")
    nn = torch.nn

    def gain_1_on(pick):
        def rule(module):
            ref.init_he_(module)
            if isinstance(module, nn.Sequential):
                layer = pick([m for m in module if isinstance(m, nn.Linear)])
                nn.init.normal_(layer.weight, 0.0, layer.in_features ** -0.5)
        return rule

    assert ci.check_init_he(gain_1_on(lambda linears: linears[-1])).passed
    result = ci.check_init_he(gain_1_on(lambda linears: linears[0]))
    assert result.passed is False and result.mistake == "values", result.message


@pytest.mark.parametrize("name,mistake,phrase", [
    ("init_he_fan_out", "fan_out", "weight.shape[1]"),
    ("init_he_shape0", "fan_out", "(out_features, in_features)"),
    ("init_he_no_relu_factor", "no ReLU factor", "ReLU's factor 2"),
    ("init_he_variance_as_std", "variance as std", "takes the std"),
    ("init_he_bias_with_weight_rule", "bias rule", "biases with the weight rule"),
    ("init_he_bias_left", "bias unchanged", "biases still have PyTorch's default"),
    ("init_he_every_module", "non-linear module", "failed on a ReLU"),
    ("init_he_hasattr", "non-linear module", "failed on a LayerNorm"),
    ("init_he_without_no_grad", "no_grad", "torch.no_grad()"),
    ("init_he_assign_tensor", "assigned tensor", "must stay an nn.Parameter"),
    ("init_he_float32_data", "dtype", "float32 in a torch.float64 network"),
    ("init_he_transposed", "layout", "(500, 90)"),
    ("init_he_uniform_bound", "uniform bound", "a/sqrt(3)"),
    ("init_he_xavier", "xavier", "Xavier"),
    ("init_he_wrong_class", "unchanged", "isinstance(module, nn.Linear)"),
    ("init_he_last_reset", "last layer default", "the last one still has PyTorch's default"),
])
def test_init_he_names_each_typical_mistake(name, mistake, phrase):
    import corpus_initialization as corpus

    result = ci.check_init_he(getattr(corpus, name))
    assert result.passed is False
    assert result.mistake == mistake, result.message
    assert phrase in result.message, result.message


def test_init_he_leaves_layer_norm_alone():
    torch = pytest.importorskip("torch")
    nn = torch.nn

    def also_layer_norm(module):
        ref.init_he_(module)
        if isinstance(module, nn.LayerNorm):
            nn.init.normal_(module.weight)

    result = ci.check_init_he(also_layer_norm)
    assert result.mistake == "non-linear module" and "LayerNorm's parameters" in result.message


def test_init_he_names_an_unknown_error_with_the_students_line():
    def broken(module):
        raise KeyError("oops")

    result = ci.check_init_he(broken)
    assert result.passed is False and "KeyError" in result.message


def test_init_he_check_does_not_disturb_the_notebooks_random_numbers():
    torch = pytest.importorskip("torch")
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    ci.check_init_he(ref.init_he_)
    assert torch.equal(torch.rand(3), expected)


def test_accepted_init_rules_work_in_the_notebooks_later_cells():
    """What passes the check runs in the cells that use it: the 30-layer float64 network of
    sections 5-6 is built with model.apply(rule), measured and trained one SGD step."""
    torch = pytest.importorskip("torch")
    nn = torch.nn
    import corpus_initialization as corpus

    for rule in (ref.init_he_, corpus.init_he_kaiming, corpus.init_he_kaiming_uniform,
                 corpus.init_he_no_grad, corpus.init_he_new_parameter):
        sizes = [64] + [64] * 29 + [10]
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [nn.Linear(n_in, n_out, dtype=torch.float64), nn.ReLU()]
        net = nn.Sequential(*layers[:-1]).apply(rule)
        x = torch.randn(64, 64, dtype=torch.float64)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.003, momentum=0.9)
        loss = nn.functional.cross_entropy(net(x), torch.zeros(64, dtype=torch.long))
        loss.backward()
        optimizer.step()
        assert torch.isfinite(loss) and all(p.grad is not None for p in net.parameters())


# ---------------------------------------------------------------- prediction

def test_prediction_accepts_the_reference_and_rounded_numbers():
    assert ci.check_prediction(*ref.predicted_std_z20()).passed
    assert ci.check_prediction(2.83, 4.68e-8).passed
    assert ci.check_prediction(np.float64(2.8), 4.5e-8).passed
    assert ci.check_prediction(3, 5e-8).passed  # "about 3" and "about 5e-8"
    assert ci.check_prediction(np.array(2.9), np.float32(4.7e-8)).passed


def test_prediction_accepts_torch_scalars():
    torch = pytest.importorskip("torch")
    assert ci.check_prediction(torch.tensor(2.828), torch.tensor(4.7e-8,
                                                                 dtype=torch.float64)).passed
    assert ci.check_prediction(torch.tensor(1.0), 4.7e-8).mistake == "one"


def test_reference_prediction_matches_the_variance_recursion():
    # predict_std assumes E[x²] = 1; an input of std 2 scales every std by 2
    he, default = ref.predicted_std_z20()
    assert ref.INPUT_STD == 2.0
    widths = [64] + [64] * 19
    assert he == pytest.approx(2 * ref.predict_std(widths + [64], [2 / 64] * 20)[19])
    assert default == pytest.approx(2 * ref.predict_std(widths + [64], [1 / (3 * 64)] * 20)[19])


@pytest.mark.parametrize("he,default,mistake,phrase", [
    (math.sqrt(2), 4.68e-8, "input ignored", "N(0, 1) input"),
    (1.0, 4.68e-8, "one", "Var(z_1) = n_0·Var(w)·E[x²]"),
    (2.0, 4.68e-8, "half", "E[x²] = 2 (the std of x) for the variance 4"),
    (8.0, 4.68e-8, "variance", "square root"),
    (4.0, 4.68e-8, "variance", "square root"),
    (1e-4, 4.68e-8, "vanishes", "does not shrink"),
    (2.83, 2.34e-8, "input ignored", "N(0, 1) input"),
    (2.83, 2 * 2 ** -9.5, "no /3", "a²/3"),
    (2.83, math.sqrt(4 / 3 * 3.0 ** -19), "no ReLU factor", "left out the ReLU"),
    (2.83, math.sqrt(2 / 3 * 6.0 ** -19), "half", "Or you took E[x²] = 2 (the std of x)"),
    (2.83, 2 * 6.0 ** -9.5, "first /3", "not 4"),
    (2.83, 4 / 3 * 6.0 ** -19, "variance", "square root"),
    (2.83, math.sqrt(4 / 3 * 6.0 ** -18), "layers", "count the layers"),
    (2.83, 1.9e-8, "layers", "count the layers"),  # one layer too many: sqrt(4/3·6^-20)
    (2.83, math.sqrt(4 / 3), "first layer", "std of z_1"),
    (2.83, math.sqrt(4 / 3) * 6.0 ** -19, "std factor", "on the variance"),  # 1.9e-15
    (2.83, 2.83, "he", "He's value"),
    (2.4, 4.68e-8, "values", "too small"),
    (0, 4.68e-8, "zero", "for He is 0"),
    (2.83, 0.0, "zero", "never reaches 0"),
])
def test_prediction_names_each_typical_mistake(he, default, mistake, phrase):
    result = ci.check_prediction(he, default)
    assert result.passed is False
    assert result.mistake == mistake, result.message
    assert phrase in result.message, result.message


@pytest.mark.parametrize("default", [
    6.0 ** -9.5,  # E[x²] = 1 and the first layer's 1/3 both forgotten: 13 % low
    4.2e-8, 5.2e-8, 1e-8, 4e-8,
])
def test_prediction_near_misses_get_no_mistake_name(default):
    # a named mistake needs a value within 8 % of it; every one is >= 29 % from the answer
    result = ci.check_prediction(2.83, default)
    assert result.passed is False and result.mistake == "values", result.message
    assert "too" in result.message


def test_prediction_tolerances_leave_no_named_mistake_near_the_answer():
    he, default = ref.predicted_std_z20()
    for value in [0.8, 0.85, 0.89, 0.91, 0.95, 1.0, 1.05, 1.09, 1.11, 1.15, 1.2]:
        for answer in [(he * value, default), (he, default * value)]:
            result = ci.check_prediction(*answer)
            assert result.passed == (abs(value - 1) < 0.1), (value, result.message)
            assert result.passed or result.mistake == "values", (value, result.message)
    assert ci.PREDICTION_RTOL == 0.10 and ci.MISTAKE_RTOL < ci.PREDICTION_RTOL


@pytest.mark.parametrize("he,default", [([2.83], 4.68e-8), (2.83, (4.68e-8,)),
                                        (np.array([2.83]), 4.68e-8)])
def test_prediction_in_a_list_is_told_to_be_one_number(he, default):
    result = ci.check_prediction(he, default)
    assert result.passed is False and result.mistake == "not a number"
    assert "one number" in result.message


def test_accepted_predict_std_and_conv_fans_forms_work_downstream():
    # the notebook converts predict_std's result with np.asarray and unpacks conv_fans' pair
    import corpus_initialization as corpus

    widths, variances = [64, 512, 128], [4 / 576, 4 / 640]
    for fn in (ref.predict_std, corpus.predict_std_right):
        assert ci.check_predict_std(fn).passed
        predicted = np.asarray(fn(widths, variances), float)
        assert predicted.shape == (2,) and np.all(predicted > 0)
    for fn in (ref.conv_fans, corpus.conv_fans_list):
        fan_in, fan_out = fn((3, 3, 1, 6))
        assert (fan_in + fan_out) / fan_in == 7
    for fn in (ref.he_std, corpus.he_std_numpy):
        assert ci.check_he_std(fn).passed
        assert f"{float(fn(512, 256, slope=0.2)):.5f}" == "0.06129"


@pytest.mark.parametrize("he,default", [(2.83, "5e-8"), (True, 4.68e-8), ("2.83", 5e-8)])
def test_prediction_that_is_not_a_number_is_a_type_error(he, default):
    with pytest.raises(TypeError, match="must be a number"):
        ci.check_prediction(he, default)


def test_init_he_names_a_network_the_rule_broke():
    torch = pytest.importorskip("torch")
    nn = torch.nn

    def breaks_the_bias(module):
        ref.init_he_(module)
        if isinstance(module, nn.Linear):
            module.bias = nn.Parameter(torch.zeros(3, dtype=module.weight.dtype))

    result = ci.check_init_he(breaks_the_bias)
    assert result.mistake == "broken network" and "no longer works" in result.message


# ------------------------------------------------------------------ classes revealed by real code
def _reseeded(shape, rng):  # deeplearning.ai's np.random.seed(3) inside the function
    np.random.seed(3)  # noqa: NPY002 - the mistake itself
    return np.random.randn(*shape) * math.sqrt(2 / _fan_in(shape))  # noqa: NPY002 - the mistake itself


def test_he_normal_names_a_function_that_ignores_its_rng():
    result = ci.check_he_normal(_reseeded)
    assert result.mistake == "global rng" and "ignores its rng" in result.message


def _linear_rule(weight, bias):
    def rule(module):
        import torch

        if isinstance(module, torch.nn.Linear):
            weight(module.weight)
            bias(module.bias)
    return rule


@pytest.mark.parametrize(("init", "mistake", "phrase"), [
    (("normal", 0.02), "fixed std", "same std (0.02) in every layer"),
    (("kaiming", 0.01), "bias constant", "biases are all 0.01"),
])
def test_init_he_names_a_fixed_std_and_a_constant_bias(init, mistake, phrase):
    torch = pytest.importorskip("torch")
    kind, value = init
    weight = ((lambda w: torch.nn.init.normal_(w, 0, value)) if kind == "normal"
              else torch.nn.init.kaiming_normal_)
    bias = torch.nn.init.zeros_ if kind == "normal" else (
        lambda b: torch.nn.init.constant_(b, value))
    result = ci.check_init_he(_linear_rule(weight, bias))
    assert result.mistake == mistake and phrase in result.message, result.message


def test_he_std_names_the_squared_sum(capsys):
    result = ci.check_he_std(lambda fi, fo, slope=0.0: math.sqrt(2 / ((1 + slope) ** 2 * fi)))
    assert not result.passed and "you squared the sum of the two halves" in result.message, \
        result.message
    capsys.readouterr()


def test_init_he_names_an_unrescaled_truncated_normal(capsys):
    import torch
    from torch import nn

    def truncated(module):
        if isinstance(module, nn.Linear):
            s = math.sqrt(2 / module.in_features)
            nn.init.trunc_normal_(module.weight, std=s, a=-2 * s, b=2 * s)
            nn.init.zeros_(module.bias)

    torch.manual_seed(0)
    result = ci.check_init_he(truncated)
    assert not result.passed and result.mistake == "truncated", result.message
    capsys.readouterr()


def test_init_he_with_pytorchs_own_a_sqrt5_is_told_what_a_means():
    torch = pytest.importorskip("torch")
    nn = torch.nn

    def init_he_sqrt5(module):  # copied from nn.Linear.reset_parameters
        if isinstance(module, nn.Linear):
            nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5))
            nn.init.zeros_(module.bias)

    result = ci.check_init_he(init_he_sqrt5)
    assert result.passed is False and result.mistake == "unchanged"
    assert "a=math.sqrt(5)" in result.message and "leaky-ReLU slope" in result.message
