"""The checks of notebook 03 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import regularization as checks
from coursekit.solutions import regularization as ref


def _message(check, fn, capsys):
    result = check(fn)
    capsys.readouterr()
    return result


ALL = [(checks.check_l2_update, ref.l2_update),
       (checks.check_l2_equilibrium, ref.l2_equilibrium),
       (checks.check_dropout_forward, ref.dropout_forward),
       (checks.check_dropout_backward, ref.dropout_backward),
       (checks.check_choose_and_test, ref.choose_and_test),
       (checks.check_mcnemar, ref.mcnemar),
       (checks.check_vanilla_dropout, ref.vanilla_dropout),
       (checks.check_decay_groups, ref.decay_groups)]


def test_checks_accept_the_reference_solutions(capsys):
    for check, fn in ALL:
        result = check(fn)
        assert result.passed is True, result.message
        assert "[PASS]" in capsys.readouterr().out


def test_checks_report_an_unattempted_exercise_as_todo(capsys):
    def todo(*args, **kwargs):
        raise NotImplementedError

    for check, _ in ALL:
        result = check(todo)
        assert result.passed is False and "[TODO]" in result.message and result.mistake == "todo"


@pytest.mark.parametrize("wrong, phrase, mistake", [
    (lambda w, g, lr, lam: (1 + lr * lam) * w - lr * g, "wrong sign", "decay sign"),
    (lambda w, g, lr, lam: (1 - lam) * w - lr * g, "missing the learning rate",
     "decay without lr"),
    (lambda w, g, lr, lam: (1 - 2 * lr * lam) * w - lr * g, "twice too strong", "2 lam"),
    (lambda w, g, lr, lam: (1 - lr * lam / 2) * w - lr * g, "half as strong", "lam/2"),
    (lambda w, g, lr, lam: (1 - lr * lam) * (w - lr * g), "data-gradient step too",
     "shrunk the step"),
    (lambda w, g, lr, lam: (1 - lr * lam) * w, "data-loss step is missing", "no data step"),
    (lambda w, g, lr, lam: w - lr * g, "decay is missing", "no decay"),
    (lambda w, g, lr, lam: (1 - lr * lam) * w + lr * g, "goes uphill", "uphill"),
    (lambda w, g, lr, lam: w - lr * lam * np.sign(w) - lr * g, "L1 update", "L1"),
    (lambda w, g, lr, lam: w - lr * (g + lam / 2 * w**2), "penalty (lam/2)·w² itself",
     "penalty instead of gradient"),
    (lambda w, g, lr, lam: w - lr * (g + lam / 2 * np.sum(w**2)), "the penalty's value",
     "penalty sum instead of gradient"),
    (lambda w, g, lr, lam: w.__isub__(lr * (g + lam * w)), "changed in place", "in place"),
    (lambda w, g, lr, lam: ((1 - lr * lam) * w - lr * g).astype(np.float32), "float64",
     "float32"),
    (lambda w, g, lr, lam: w - lr * (g + 3 * lam * w), "wrong values", "values"),
])
def test_l2_update_check_names_the_mistake(wrong, phrase, mistake, capsys):
    result = _message(checks.check_l2_update, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message and result.mistake == mistake


def _vanilla(keep_rule, train_scale, test_scale):
    def fn(x, keep_prob, rng, training=True):
        if not training:
            return x * test_scale(keep_prob)
        return x * keep_rule(rng.random(x.shape), keep_prob) * train_scale(keep_prob)
    return fn


def _np_random_mask(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    return x * (np.random.random(x.shape) < keep_prob)  # noqa: NPY002 - the mistake


def _in_place(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    x *= rng.random(x.shape) < keep_prob
    return x


one = lambda p: 1.0  # noqa: E731
keep = lambda u, p: u < p  # noqa: E731


@pytest.mark.parametrize("wrong, phrase", [
    (_vanilla(lambda u, p: u < 1 - p, one, lambda p: p), "probability to KEEP"),
    (_vanilla(keep, lambda p: 1 / p, lambda p: p), "that is inverted dropout"),
    (_vanilla(keep, lambda p: p, lambda p: p), "belongs to test time"),
    (_vanilla(keep, one, one), "multiply x by keep_prob"),
    (_vanilla(keep, one, lambda p: 1 / p), "do not divide"),
    (_vanilla(lambda u, p: u < 0.5, one, lambda p: p), "about 80% should"),
    (_np_random_mask, "rng argument"),
    (_in_place, "changed in place"),
])
def test_vanilla_dropout_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_vanilla_dropout, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message


def test_l2_update_check_names_a_torch_result(capsys):
    torch = pytest.importorskip("torch")
    result = _message(checks.check_l2_update,
                      lambda w, g, lr, lam: torch.as_tensor(w) - lr * torch.as_tensor(g + lam * w),
                      capsys)
    assert not result.passed and result.mistake == "torch" and "NumPy" in result.message


@pytest.mark.parametrize("right", [
    lambda a, h, lr, lam: h * a / (h + lam),
    lambda a, h, lr, lam: a / (1 + lam / h),
    lambda a, h, lr, lam: np.float32(h * a / (h + lam)),
    lambda a, h, lr, lam: np.array(a) * h / (h + lam),
])
def test_l2_equilibrium_check_accepts_natural_forms(right, capsys):
    assert _message(checks.check_l2_equilibrium, right, capsys).passed


@pytest.mark.parametrize("wrong, phrase, mistake", [
    (lambda a, h, lr, lam: a / (1 + lam), "does not depend on the curvature h", "no h"),
    (lambda a, h, lr, lam: a / (h + lam), "too small by the factor h", "h only on w"),
    (lambda a, h, lr, lam: a / (1 + h * lam), "not to the penalty", "h on the penalty"),
    (lambda a, h, lr, lam: h * a / (h + lr * lam), "lr cancels", "lr in the answer"),
    (lambda a, h, lr, lam: a / (1 + lr * lam), "two slips", "lr and no h"),
    (lambda a, h, lr, lam: (1 - lr * lam) * a, "maps to itself", "one step"),
    (lambda a, h, lr, lam: a * (1 - lam / h), "first-order approximation", "first order"),
    (lambda a, h, lr, lam: a, "data loss alone", "no penalty"),
    (lambda a, h, lr, lam: 0.0, "penalty alone", "zero"),
    (lambda a, h, lr, lam: h * a / (h - lam), "added to the data gradient", "decay sign"),
    (lambda a, h, lr, lam: h * a / (h + 2 * lam), "not 2·lam·w", "2 lam"),
    (lambda a, h, lr, lam: h * a / (h + lam / 2), "the ½ cancels", "lam/2"),
    (lambda a, h, lr, lam: a - np.sign(a) * lam / h, "L1 penalty", "L1 shift"),
    (lambda a, h, lr, lam: h * a / (h + lam) + 0.01, "is not right", "values"),
    (lambda a, h, lr, lam: h * a / (h + lr), "lr where lam belongs", "lr for lam"),
    (lambda a, h, lr, lam: h * a / lam, "which is not a constant", "data gradient without w"),
])
def test_l2_equilibrium_check_names_the_mistake(wrong, phrase, mistake, capsys):
    result = _message(checks.check_l2_equilibrium, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message and result.mistake == mistake, result.message


def _iterate(steps):
    def equilibrium(a, h, lr, lam):
        w = 0.0
        for _ in range(steps):
            w = (1 - lr * lam) * w - lr * h * (w - a)
        return w
    return equilibrium


@pytest.mark.parametrize("steps, phrase", [
    (200, "close to the fixed point but not on it"),      # a near miss, printed to 9 digits
    (20_000, "the steps do not converge"),                # the case with lr·(h + lam) > 2
])
def test_l2_equilibrium_check_asks_to_solve_not_iterate(steps, phrase, capsys):
    with np.errstate(all="ignore"):
        result = _message(checks.check_l2_equilibrium, _iterate(steps), capsys)
    assert not result.passed and result.mistake == "iterated", result.message
    assert phrase in result.message and "solve for w" in result.message.lower()


def test_l2_equilibrium_message_speaks_of_size_for_negative_weights(capsys):
    def small_for_negatives(a, h, lr, lam):               # right for a > 0, |w| too small else
        return h * a / (h + lam) * (1 if a > 0 else 0.9)

    result = _message(checks.check_l2_equilibrium, small_for_negatives, capsys)
    assert not result.passed and "a = -2.0" in result.message
    assert "its size |w| is too small" in result.message, result.message


def test_the_reference_equilibrium_is_where_the_step_stops():
    for a, h, lr, lam in [(3.0, 1.0, 0.1, 0.5), (-1.0, 4.0, 0.1, 2.0), (2.0, 0.1, 0.5, 0.3)]:
        w = 0.0
        for _ in range(5000):
            w = ref.l2_update(np.array(w), np.array(h * (w - a)), lr, lam)
        assert float(w) == pytest.approx(ref.l2_equilibrium(a, h, lr, lam), rel=1e-12)


@pytest.mark.parametrize("check", [checks.check_l2_update, checks.check_l2_equilibrium,
                                   checks.check_vanilla_dropout])
def test_checks_need_a_function(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(3.0)


# ---------------------------------------------------------------- dropout forward and backward

def _forward(keep_rule, scale, *, mask_out=lambda keep: keep, eval_same=True):
    def fn(x, rate, rng, training=True):
        if not training or rate == 0:
            return (x if eval_same else x * (1 - rate)), np.ones(x.shape, dtype=bool)
        keep = keep_rule(rng.random(x.shape), rate)
        return x * keep * scale(rate), mask_out(keep)
    return fn


def _binomial_without_rate0_branch(x, rate, rng, training=True):
    # an integer mask, and rate 0 goes through the training branch: float32 becomes float64
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.binomial(1, 1 - rate, size=x.shape)
    return x * keep / (1 - rate), keep


_drop = lambda u, r: u >= r  # noqa: E731
_inv = lambda r: 1 / (1 - r)  # noqa: E731


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x, rate, rng, training=True: x * (rng.random(x.shape) >= rate) / (1 - rate),
     "return a pair (out, keep)"),
    (_forward(lambda u, r: u < r, _inv), "dropped with the keep probability"),
    (_forward(_drop, lambda r: 1.0), "are not scaled"),
    (_forward(_drop, lambda r: 1 - r), "do not multiply"),
    (_forward(_drop, _inv, mask_out=lambda keep: ~keep), "keep is inverted"),
    (_forward(_drop, _inv, mask_out=lambda keep: keep / 0.7), "not the scaled factors"),
    (_forward(_drop, _inv, mask_out=lambda keep: np.roll(keep, 1)), "not the one you used"),
    (_forward(_drop, _inv, eval_same=False), "out must be x exactly"),
    (_binomial_without_rate0_branch, "float32 input came back as float64"),
])
def test_dropout_forward_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_dropout_forward, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_dropout_forward_check_accepts_integer_masks_that_keep_the_dtype(capsys):
    def binomial(x, rate, rng, training=True):
        if not training or rate == 0:
            return x, np.ones(x.shape, dtype=bool)
        keep = rng.binomial(1, 1 - rate, size=x.shape)
        return x * keep / (1 - rate), keep

    assert _message(checks.check_dropout_forward, binomial, capsys).passed


def test_dropout_checks_name_torch_results(capsys):
    torch = pytest.importorskip("torch")

    def forward(x, rate, rng, training=True):
        xt = torch.as_tensor(x)
        if not training or rate == 0:
            return xt, torch.ones(xt.shape, dtype=torch.bool)
        keep = torch.as_tensor(rng.random(x.shape) >= rate)
        return xt * keep / (1 - rate), keep

    for check, fn in [(checks.check_dropout_forward, forward),
                      (checks.check_dropout_backward,
                       lambda dout, keep, rate: torch.as_tensor(dout * keep / (1 - rate)))]:
        result = _message(check, fn, capsys)
        assert not result.passed and result.mistake == "torch", result.message


def _fresh_mask(dout, keep, rate):
    return dout * (np.random.default_rng().random(dout.shape) >= rate) / (1 - rate)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda dout, keep, rate: dout * keep, "not scaled"),
    (lambda dout, keep, rate: dout * keep * (1 - rate), "not by (1 - rate)"),
    (lambda dout, keep, rate: dout * keep / rate, "not by rate"),
    (lambda dout, keep, rate: dout * ~keep / (1 - rate), "where keep is False"),
    (lambda dout, keep, rate: dout / (1 - rate), "the mask is missing"),
    (lambda dout, keep, rate: dout, "returned dout unchanged"),
    (_fresh_mask, "never draw a new one"),
    (lambda dout, keep, rate: dout - dout * keep / rate, "not zero where keep is False"),
    (lambda dout, keep, rate: 2 * dout * keep / (1 - rate), "wrong values"),
])
def test_dropout_backward_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_dropout_backward, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_dropout_backward_is_the_gradient_with_a_fixed_mask():
    from coursekit.gradcheck import numerical_gradient, relative_error

    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    out, keep = ref.dropout_forward(x, 0.5, np.random.default_rng(1))
    assert np.array_equal(out != 0, keep)
    numeric = numerical_gradient(lambda x_: float(np.sum(dout * x_ * keep / 0.5)), x.copy())
    assert relative_error(ref.dropout_backward(dout, keep, 0.5), numeric) < 1e-9


def test_dropout_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="student_fn"):
        checks.check_dropout_forward(0.5)
    with pytest.raises(TypeError, match="student_fn"):
        checks.check_dropout_backward("dout * keep")


# ---------------------------------------------------------------- choosing on validation data
def _choose(score, *, report="test", looks="chosen"):
    """A choose_and_test variant: ``score`` ranks the seeds' accuracies; ``report`` what it
    returns as the test accuracy; ``looks`` which settings it opens the test set for."""
    def fn(val_acc, test_accuracy):
        best = max(val_acc, key=lambda name: score(np.asarray(val_acc[name])))
        opened = {name: test_accuracy(name) for name in
                  (val_acc if looks == "all" else ["none"] if looks == "other" else
                   [best] if looks == "chosen" else [])}
        if report == "validation":
            return best, float(np.mean(val_acc[best]))
        if report == "made up":
            return best, 0.5
        return best, opened.get(best, next(iter(opened.values()), None))
    return fn


@pytest.mark.parametrize("right", [_choose(np.mean), _choose(np.median), _choose(np.sum),
                                   _choose(np.min)])
def test_choose_and_test_accepts_natural_choices(right, capsys):
    assert _message(checks.check_choose_and_test, right, capsys).passed


def test_choose_and_test_accepts_a_float32_accuracy_and_names_a_rounded_one(capsys):
    def best(val_acc):
        return max(val_acc, key=lambda name: np.mean(val_acc[name]))

    assert _message(checks.check_choose_and_test,
                    lambda v, t: (best(v), np.float32(t(best(v)))), capsys).passed
    for digits in (2, 3):
        result = _message(checks.check_choose_and_test,
                          lambda v, t, digits=digits: (best(v), round(t(best(v)), digits)), capsys)
        assert not result.passed and result.mistake == "rounded", result.message
        assert "validation" not in result.message


def test_choose_and_test_accepts_a_list_and_looking_twice_at_the_chosen_setting(capsys):
    def twice(val_acc, test_accuracy):
        best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
        print("test accuracy", test_accuracy(best))
        return [best, test_accuracy(best)]
    assert _message(checks.check_choose_and_test, twice, capsys).passed


@pytest.mark.parametrize("wrong, phrase, mistake", [
    (_choose(np.mean, looks="all"), "looked at the test set 5 times", "chose on test"),
    (_choose(np.mean, report="validation"), "validation accuracy as the test accuracy",
     "val as test"),
    (_choose(np.mean, report="made up", looks="none"), "call test_accuracy(chosen) once",
     "no test"),
    (_choose(np.max), "for its best network", "best seed"),
    (_choose(lambda a: a[0]), "on a single network", "one seed"),
    (_choose(lambda a: -np.mean(a)), "the lowest validation accuracy", "lowest"),
    (_choose(np.mean, looks="other"), "looked up the test accuracy of 'none'", "tested another"),
    (lambda val_acc, test_accuracy: "none", "return a pair", "return type"),
    (lambda val_acc, test_accuracy: (3, 0.8), "the chosen setting's name", "return type"),
])
def test_choose_and_test_check_names_the_mistake(wrong, phrase, mistake, capsys):
    result = _message(checks.check_choose_and_test, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message and result.mistake == mistake, result.message


def test_choose_and_test_rejects_an_unknown_setting(capsys):
    result = _message(checks.check_choose_and_test,
                      lambda val_acc, test_accuracy: ("x", test_accuracy("x")), capsys)
    assert result.passed is False and "name of a setting" in result.message


# ---------------------------------------------------------------- McNemar's test
def _mcnemar(p_of, *, counts=None):
    """A mcnemar variant: ``p_of(b, c, y, pred_a, pred_b)`` gives p; ``counts`` the (b, c)."""
    def fn(pred_a, pred_b, y):
        right_a, right_b = pred_a == y, pred_b == y
        b, c = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
        if counts:
            b, c = counts(right_a, right_b, pred_a, pred_b)
        return b, c, p_of(b, c, y, pred_a, pred_b)
    return fn


def _binom():
    from scipy import stats
    return stats


def test_mcnemar_check_accepts_scipy_forms(capsys):
    stats = _binom()
    as_array = _mcnemar(lambda b, c, *_: stats.binomtest(b, b + c, 0.5).pvalue if b + c else 1.0)
    assert _message(checks.check_mcnemar, lambda pa, pb, y: np.array(as_array(pa, pb, y)),
                    capsys).passed
    for p_of in (lambda b, c, *_: stats.binomtest(b, b + c, 0.5).pvalue if b + c else 1.0,
                 lambda b, c, *_: min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5)),
                 lambda b, c, *_: min(1.0, 2 * stats.binom.sf(max(b, c) - 1, b + c, 0.5))):
        assert _message(checks.check_mcnemar, _mcnemar(p_of), capsys).passed


@pytest.mark.parametrize("name, phrase, mistake", [
    ("one-sided", "one-sided", "one-sided"),
    ("uncapped", "cap it", "uncapped"),
    ("sf", "off by one", "off by one"),
    ("max tail", "tail starts at the smaller count", "tail of the larger count"),
    ("all points", "not the number of test points", "n = all points"),
    ("differ", "leave it out of n", "n = different predictions"),
    ("pmf", "sums the whole tail", "point probability"),
    ("mid-p", "mid-p value", "mid-p"),
    ("chi2", "chi-square approximation", "chi-square"),
    ("chi2 corrected", "continuity correction", "chi-square corrected"),
    ("z", "unpaired two-proportion test", "unpaired z"),
    ("fisher", "independent samples", "unpaired Fisher"),
])
def test_mcnemar_check_names_the_p_value_mistake(name, phrase, mistake, capsys):
    stats = _binom()
    cdf = stats.binom.cdf

    def z_test(b, c, y, pa, pb):
        acc_a, acc_b = np.mean(pa == y), np.mean(pb == y)
        pooled = (acc_a + acc_b) / 2
        return 2 * stats.norm.sf(abs(acc_a - acc_b) / np.sqrt(pooled * (1 - pooled) * 2 / len(y)))

    def fisher(b, c, y, pa, pb):
        ra, rb = int(np.sum(pa == y)), int(np.sum(pb == y))
        return stats.fisher_exact([[ra, len(y) - ra], [rb, len(y) - rb]])[1]

    p_of = {
        "one-sided": lambda b, c, *_: cdf(min(b, c), b + c, 0.5),
        "uncapped": lambda b, c, *_: 2 * cdf(min(b, c), b + c, 0.5),
        "sf": lambda b, c, *_: min(1.0, 2 * stats.binom.sf(max(b, c), b + c, 0.5)),
        "max tail": lambda b, c, *_: min(1.0, 2 * cdf(max(b, c), b + c, 0.5)),
        "all points": lambda b, c, y, *_: min(1.0, 2 * cdf(min(b, c), len(y), 0.5)),
        "differ": lambda b, c, y, pa, pb: min(1.0, 2 * cdf(min(b, c), np.sum(pa != pb), 0.5)),
        "pmf": lambda b, c, *_: min(1.0, 2 * stats.binom.pmf(min(b, c), b + c, 0.5)),
        "mid-p": lambda b, c, *_: min(1.0, 2 * cdf(min(b, c), b + c, 0.5)
                                      - stats.binom.pmf(min(b, c), b + c, 0.5)),
        "chi2": lambda b, c, *_: stats.chi2.sf((b - c) ** 2 / (b + c), 1),
        "chi2 corrected": lambda b, c, *_: stats.chi2.sf((abs(b - c) - 1) ** 2 / (b + c), 1),
        "z": z_test,
        "fisher": fisher,
    }[name]
    result = _message(checks.check_mcnemar, _mcnemar(p_of), capsys)
    assert result.passed is False
    assert phrase in result.message and result.mistake == mistake, result.message


def _exact(b, c, *_):
    return _binom().binomtest(int(b), int(b + c), 0.5).pvalue


@pytest.mark.parametrize("counts, phrase, mistake", [
    (lambda ra, rb, pa, pb: (int(np.sum(~ra & rb)), int(np.sum(ra & ~rb))), "swapped",
     "swapped"),
    (lambda ra, rb, pa, pb: (int(np.sum(ra & rb)), int(np.sum(~ra & ~rb))), "where A and B agree",
     "agreements"),
    (lambda ra, rb, pa, pb: (int(np.sum(ra)), int(np.sum(rb))), "each classifier gets right",
     "accuracies"),
    (lambda ra, rb, pa, pb: (int(np.sum((pa != pb) & ra)), int(np.sum((pa != pb) & ~ra))),
     "both are wrong with different classes", "different predictions"),
    (lambda ra, rb, pa, pb: (int(np.sum(ra & ~rb)), 0), "exactly one of the two is right",
     "counts"),
])
def test_mcnemar_check_names_the_counting_mistake(counts, phrase, mistake, capsys):
    result = _message(checks.check_mcnemar, _mcnemar(_exact, counts=counts), capsys)
    assert result.passed is False
    assert phrase in result.message and result.mistake == mistake, result.message


def test_mcnemar_check_explains_the_return_value(capsys):
    stats = _binom()
    result = _message(checks.check_mcnemar,
                      _mcnemar(lambda b, c, *_: stats.binomtest(b, b + c, 0.5)), capsys)
    assert not result.passed and ".pvalue" in result.message
    result = _message(checks.check_mcnemar, lambda pa, pb, y: {"b": 1, "c": 2, "p": 0.5}, capsys)
    assert not result.passed and "(b, c, p)" in result.message


def test_mcnemar_reference_counts_the_disagreements():
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    a = np.array([0, 0, 1, 1, 2, 1, 2, 0])      # right on 0, 1, 3, 6
    b = np.array([0, 1, 0, 2, 2, 0, 2, 1])      # right on 0, 2, 6; both wrong, apart, at 5 and 7
    assert ref.mcnemar(a, b, y) == (2, 1, 1.0)
    b_, c_, p = ref.mcnemar(np.zeros(30, int), np.ones(30, int), np.zeros(30, int))
    assert (b_, c_) == (30, 0) and p == pytest.approx(2 * 0.5**30)
    same = np.array([0, 1, 2, 1])                       # identical classifiers: b + c = 0
    assert ref.mcnemar(same, same, np.array([0, 1, 1, 1])) == (0, 0, 1.0)


# ---------------------------------------------------------------- what passes works downstream
# The notebook's later cells use the student's functions (through CheckResult.use); every
# accepted corpus answer must work there. These mirror those cells.
def _accepted(check_name):
    import check_corpus
    answers = [a for a in check_corpus.corpus()["regularization"]
               if a.check == check_name and a.mistake == check_corpus.RIGHT]
    assert answers
    return [a.fn for a in answers]


def test_every_accepted_l2_update_matches_pytorch_and_keeps_its_steps():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 12))
    y = X[:, :3] @ np.array([3.0, -2.0, 1.5]) + 0.5 * rng.normal(size=40)
    for fn in _accepted("check_l2_update"):
        w_t = torch.zeros(12, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w_t], lr=0.05, weight_decay=0.3)
        w = np.zeros(12)
        for _ in range(200):
            opt.zero_grad()
            (0.5 * ((torch.tensor(X) @ w_t - torch.tensor(y)) ** 2).mean()).backward()
            opt.step()
            w = fn(w, X.T @ (X @ w - y) / 40, 0.05, 0.3)
        assert np.abs(w_t.detach().numpy() - w).max() < 1e-12, fn.__name__
        steps = [np.array([2.0, -2.0])]                  # the notebook stores every step
        for _ in range(3):
            steps.append(fn(steps[-1], np.zeros(2), 0.1, 0.5))
        assert np.allclose(np.array(steps)[:, 0], 2.0 * 0.95 ** np.arange(4)), fn.__name__


def test_every_accepted_l2_equilibrium_works_where_the_notebook_uses_it():
    for fn in _accepted("check_l2_equilibrium"):
        for a, h, lr, lam, w in [(3.0, 1.0, 0.1, 0.5, 2.0), (2.0, 4.0, 0.1, 0.5, 16 / 9),
                                 (1.0, 0.25, 0.05, 0.3, 0.25 / 0.55)]:
            assert float(fn(a, h, lr, lam)) == pytest.approx(w, rel=1e-6), fn.__name__


def test_every_accepted_dropout_layer_passes_the_notebooks_gradient_check():
    from coursekit.gradcheck import numerical_gradient, relative_error

    for fwd in _accepted("check_dropout_forward"):
        for bwd in _accepted("check_dropout_backward"):
            rng = np.random.default_rng(3)
            x, dout = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
            _, keep = fwd(x, 0.3, np.random.default_rng(4))
            numeric = numerical_gradient(    # the same seed at every call: the same mask
                lambda x_, fwd=fwd, dout=dout: np.sum(dout * fwd(x_, 0.3,
                                                                 np.random.default_rng(4))[0]),
                x.copy())
            assert relative_error(bwd(dout, keep, 0.3), numeric) < 1e-9
        x32 = np.random.default_rng(1).normal(size=(3, 5)).astype(np.float32)
        out = fwd(x32, 0.0, np.random.default_rng(0))[0]      # Going further's bit-for-bit table
        assert out.dtype == x32.dtype and out.tobytes() == x32.tobytes(), fwd.__name__


def test_every_accepted_choice_works_in_the_notebook():
    val = {"none": np.array([0.76, 0.75, 0.76]), "dropout 0.9": np.array([0.83, 0.84, 0.83])}
    for fn in _accepted("check_choose_and_test"):
        looked = []
        chosen, acc = fn(val, lambda name, looked=looked: looked.append(name) or 0.827)
        chosen, acc = str(chosen), float(acc)
        assert chosen == "dropout 0.9" and looked == ["dropout 0.9"]
        assert acc == pytest.approx(0.827, rel=1e-6)


def test_every_accepted_mcnemar_works_in_the_notebook():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 500)
    a = np.where(rng.random(500) < 0.83, y, (y + 1) % 3)
    b = np.where(rng.random(500) < 0.79, y, (y + 2) % 3)
    expected = ref.mcnemar(a, b, y)
    for fn in _accepted("check_mcnemar"):
        b_, c_, p = fn(a, b, y)
        b_, c_, p = int(b_), int(c_), float(p)
        assert (b_, c_) == expected[:2] and p == pytest.approx(expected[2], rel=1e-9)
        assert f"{p:.3f}"


@pytest.mark.parametrize("check", [checks.check_dropout_forward, checks.check_vanilla_dropout])
def test_dropout_checks_name_a_function_that_returns_none(check, capsys):
    # a real stub (a bare `return` under the docstring) used to read "return a pair (out, keep)"
    result = _message(check, lambda x, rate, rng, training=True: None, capsys)
    assert not result.passed and "returned None" in result.message, result.message


def test_l2_update_check_names_a_decay_computed_but_not_used(capsys):
    # reduced from a real answer that computed grad + lam·w and then stepped with grad alone
    def unused(w, grad, lr, lam):
        regularised = grad + lam * w  # noqa: F841
        return w - lr * grad

    result = _message(checks.check_l2_update, unused, capsys)
    assert not result.passed and result.mistake == "no decay", result.message


def test_mcnemar_check_names_a_crash_on_two_classifiers_that_never_disagree(capsys):
    # scipy's binomtest(0, 0) raises ValueError: right on every other case, it crashes at b = c = 0
    stats = _binom()
    result = _message(checks.check_mcnemar,
                      _mcnemar(lambda b, c, *_: stats.binomtest(b, b + c, 0.5).pvalue), capsys)
    assert not result.passed and result.mistake == "b + c = 0", result.message
    assert "binomtest(0, 0)" in result.message and "p = 1" in result.message


def test_mcnemar_check_wants_p_1_when_the_classifiers_never_disagree(capsys):
    def nan_at_zero(b, c, *_):                           # 0/0 at b = c = 0: NaN, not 1
        with np.errstate(invalid="ignore"):
            return _exact(b, c) if b + c else float(np.float64(0) / np.float64(0))

    result = _message(checks.check_mcnemar, _mcnemar(nan_at_zero), capsys)
    assert not result.passed and "never disagree: p should be 1" in result.message, result.message


def test_the_reference_mcnemar_gives_p_1_without_disagreements():
    same = np.array([0, 1, 2, 2, 1])
    assert ref.mcnemar(same, same, np.array([0, 1, 1, 2, 0])) == (0, 0, 1.0)


@pytest.mark.parametrize("draw", [lambda rng, x: rng.random(x.shape[1]),        # per column
                                  lambda rng, x: rng.random((x.shape[0], 1))])  # per row
def test_dropout_forward_check_rejects_a_mask_broadcast_over_the_batch(draw, capsys):
    def shared(x, rate, rng, training=True):
        if not training or rate == 0:
            return x, np.ones(x.shape, dtype=bool)
        keep = np.broadcast_to(draw(rng, x) >= rate, x.shape)
        return x * keep / (1 - rate), keep

    result = _message(checks.check_dropout_forward, shared, capsys)
    assert not result.passed and result.mistake == "shared mask", result.message
    assert "its own draw" in result.message


def test_vanilla_dropout_check_rejects_a_mask_broadcast_over_the_batch(capsys):
    def shared(x, keep_prob, rng, training=True):
        if not training:
            return x * keep_prob
        return x * (rng.random(x.shape[1]) < keep_prob)

    result = _message(checks.check_vanilla_dropout, shared, capsys)
    assert not result.passed and result.mistake == "shared mask", result.message


@pytest.mark.parametrize("wrong", [
    lambda a, h, lr, lam: a / (1 + lam), lambda a, h, lr, lam: a / (h + lam),
    lambda a, h, lr, lam: h * a / (h + lr * lam), lambda a, h, lr, lam: (1 - lam / h) * a,
    lambda a, h, lr, lam: a, lambda a, h, lr, lam: 0.0, lambda a, h, lr, lam: h * a / (h - lam),
    lambda a, h, lr, lam: a - np.sign(a) * lam / h, lambda a, h, lr, lam: h * a / (h + lr),
    lambda a, h, lr, lam: h * a / lam, lambda a, h, lr, lam: h * a / (h + lam) + 0.01,
    lambda a, h, lr, lam: h * a / (h + lam) * 1.3,
])
def test_l2_equilibrium_messages_do_not_give_the_equation_away(wrong, capsys):
    result = _message(checks.check_l2_equilibrium, wrong, capsys)
    assert not result.passed
    assert "h·a" not in result.message and "(h + lam)" not in result.message, result.message
    assert "lam·w = 0" not in result.message and "(w - a) +" not in result.message, result.message


def test_decay_groups_check_leaves_the_notebooks_random_state_alone(capsys):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    checks.check_decay_groups(ref.decay_groups)
    capsys.readouterr()
    assert torch.equal(torch.rand(3), expected)


def test_decay_groups_check_names_an_optimizer_and_frozen_biases(capsys):
    import torch

    def optimizer(model, weight_decay):
        return torch.optim.SGD(ref.decay_groups(model, weight_decay), lr=0.1)

    def freeze_biases(model, weight_decay):
        for name, p in model.named_parameters():
            p.requires_grad_(not name.endswith("bias"))
        return [{"params": list(model.parameters()), "weight_decay": weight_decay}]

    assert _message(checks.check_decay_groups, optimizer, capsys).mistake == "return type"
    result = _message(checks.check_decay_groups, freeze_biases, capsys)
    assert result.mistake == "froze" and "must still train" in result.message


def test_decay_groups_check_names_decayed_biases_and_a_parameter_in_two_groups(capsys):
    def biases_too(model, weight_decay):
        flat = [p for n, p in model.named_parameters() if p.ndim == 1 and "bias" not in n]
        rest = [p for n, p in model.named_parameters() if p.ndim > 1 or "bias" in n]
        return [{"params": rest, "weight_decay": weight_decay}, {"params": flat, "weight_decay": 0}]

    def twice(model, weight_decay):
        return [{"params": list(model.parameters()), "weight_decay": weight_decay},
                {"params": [p for p in model.parameters() if p.ndim == 1], "weight_decay": 0.0}]

    assert _message(checks.check_decay_groups, biases_too, capsys).mistake in ("bias decayed",
                                                                             "all decayed")
    assert _message(checks.check_decay_groups, twice, capsys).mistake == "twice"
