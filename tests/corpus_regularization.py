"""Answers to the exercises of notebook 03 (L2, dropout, choosing on validation data, McNemar's
test), right and wrong; see check_corpus.py. The last ones are reduced from real, public
student code (CS231n's dropout layer, deeplearning.ai's L2 gradient, dropout layers of
from-scratch projects, Holberton School's L2 and dropout tasks in many student repositories,
McNemar implementations from course toolboxes, libraries and exam scripts, the weight-decay
parameter groups of nanoGPT, timm and the Hugging Face examples); the others are the
course's own variants, among them the answers two reviewers of the lesson tried (December 2026):
a 0/1 integer mask, a mask without a rate-0 branch (which turned a float32 input into float64),
an array (b, c, p), the mid-p value, a rounded or float32 test accuracy."""

import math

import numpy as np

from check_corpus import RIGHT, Answer

# ---------------------------------------------------------------- l2_update


def l2_reference_style(w, grad, lr, lam):
    return (1 - lr * lam) * w - lr * grad


def l2_gradient_form(w, grad, lr, lam):
    return w - lr * (grad + lam * w)


def l2_in_place(w, grad, lr, lam):
    w = w.copy()
    w *= 1 - lr * lam
    w -= lr * grad
    return w


def l2_float32(w, grad, lr, lam):
    return ((1 - lr * lam) * w - lr * grad).astype(np.float32)


def l2_decay_plus(w, grad, lr, lam):
    return (1 + lr * lam) * w - lr * grad


def l2_decay_no_lr(w, grad, lr, lam):
    return (1 - lam) * w - lr * grad


def l2_twice(w, grad, lr, lam):
    return w - lr * (grad + 2 * lam * w)


def l2_half(w, grad, lr, lam):
    return w - lr * (grad + 0.5 * lam * w)


def l2_shrinks_step(w, grad, lr, lam):
    return (1 - lr * lam) * (w - lr * grad)


def l2_forgot_data(w, grad, lr, lam):
    return (1 - lr * lam) * w


def l2_uphill(w, grad, lr, lam):
    return (1 - lr * lam) * w + lr * grad


def l2_as_l1(w, grad, lr, lam):
    return w - lr * (grad + lam * np.sign(w))


def l2_penalty_not_gradient(w, grad, lr, lam):
    return w - lr * (grad + lam / 2 * w**2)


def l2_penalty_sum_not_gradient(w, grad, lr, lam):
    return w - lr * (grad + 0.5 * lam * np.sum(w**2))


def l2_truly_in_place(w, grad, lr, lam):
    w -= lr * (grad + lam * w)
    return w


def l2_torch(w, grad, lr, lam):
    import torch

    w = torch.as_tensor(w)
    return w - lr * (torch.as_tensor(grad) + lam * w)


# ---------------------------------------------------------------- l2_equilibrium


def equilibrium_reference_style(a, h, lr, lam):
    return h * a / (h + lam)


def equilibrium_by_iterating(a, h, lr, lam):
    w = 0.0
    for _ in range(20_000):                  # run the step until it stops moving
        w = (1 - lr * lam) * w - lr * h * (w - a)
    return w


def equilibrium_numpy_float32(a, h, lr, lam):
    return np.float32(h * a) / np.float32(h + lam)


def equilibrium_without_h(a, h, lr, lam):
    return a / (1 + lam)


def equilibrium_h_only_on_w(a, h, lr, lam):
    return a / (h + lam)


def equilibrium_with_lr(a, h, lr, lam):
    return h * a / (h + lr * lam)


def equilibrium_with_lr_without_h(a, h, lr, lam):
    return a / (1 + lr * lam)


def equilibrium_one_step(a, h, lr, lam):
    return (1 - lr * lam) * a


def equilibrium_first_order(a, h, lr, lam):
    return a * (1 - lam / h)


def equilibrium_no_penalty(a, h, lr, lam):
    return a


def equilibrium_zero(a, h, lr, lam):
    return 0.0


def equilibrium_minus(a, h, lr, lam):
    return h * a / (h - lam)


# ---------------------------------------------------------------- dropout_forward / backward


def forward_reference_style(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate), keep


def forward_float_mask(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones_like(x)
    keep = (rng.random(x.shape) >= rate).astype(float)
    return x * keep / (1 - rate), keep


def forward_where(x, rate, rng, training=True):
    keep = np.ones(x.shape, dtype=bool)
    if training and rate > 0:
        keep = rng.random(x.shape) > rate
        return np.where(keep, x / (1 - rate), 0.0), keep
    return x, keep


def forward_keep_prob(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) < rate          # keeps with probability rate
    return x * keep / (1 - rate), keep


def forward_unscaled(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep, keep


def forward_times_keep(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep * (1 - rate), keep


def forward_by_rate(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep / rate, keep


def forward_scaled_mask(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    mask = (rng.random(x.shape) >= rate) / (1 - rate)
    return x * mask, mask


def forward_inverted_mask(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    drop = rng.random(x.shape) < rate
    return x * ~drop / (1 - rate), drop


def forward_scales_in_eval(x, rate, rng, training=True):
    if not training:
        return x * (1 - rate), np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate), keep


def forward_global_rng(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = np.random.rand(*x.shape) >= rate  # noqa: NPY002 - the mistake
    return x * keep / (1 - rate), keep


def forward_no_mask_returned(x, rate, rng, training=True):
    if not training or rate == 0:
        return x
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


def forward_binomial_mask(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.binomial(1, 1 - rate, size=x.shape)           # 0/1 integers
    return x * keep / (1 - rate), keep


def forward_below_keep_prob(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) < 1 - rate
    return x * keep / (1 - rate), keep


def forward_bool_mask_no_rate0_branch(x, rate, rng, training=True):
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate), keep


def forward_binomial_no_rate0_branch(x, rate, rng, training=True):
    # the variant that broke review 03's bit-for-bit cell: rate 0 turns float32 into float64
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.binomial(1, 1 - rate, size=x.shape)
    return x * keep / (1 - rate), keep


def forward_float_mask_no_rate0_branch(x, rate, rng, training=True):
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep = (rng.random(x.shape) >= rate).astype(float)
    return x * keep / (1 - rate), keep


def forward_torch(x, rate, rng, training=True):
    import torch

    xt = torch.as_tensor(x)
    if not training or rate == 0:
        return xt, torch.ones(xt.shape, dtype=torch.bool)
    keep = torch.as_tensor(rng.random(x.shape) >= rate)
    return xt * keep / (1 - rate), keep


def backward_reference_style(dout, keep, rate):
    return dout * keep / (1 - rate)


def backward_where(dout, keep, rate):
    return np.where(keep, dout / (1 - rate), 0.0)


def backward_unscaled(dout, keep, rate):
    return dout * keep


def backward_times_keep(dout, keep, rate):
    return dout * keep * (1 - rate)


def backward_by_rate(dout, keep, rate):
    return dout * keep / rate


def backward_inverted(dout, keep, rate):
    return dout * (1 - keep) / (1 - rate)


def backward_no_mask(dout, keep, rate):
    return dout / (1 - rate)


def backward_identity(dout, keep, rate):
    return dout


def backward_new_mask(dout, keep, rate):
    fresh = np.random.default_rng(0).random(dout.shape) >= rate
    return dout * fresh / (1 - rate)


def backward_int_mask(dout, keep, rate):
    return dout * np.asarray(keep, dtype=int) / (1 - rate)


def backward_torch(dout, keep, rate):
    import torch

    return torch.as_tensor(dout) * torch.as_tensor(keep) / (1 - rate)


# ---------------------------------------------------------------- choose_and_test


def choose_reference_style(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, test_accuracy(best)


def choose_median_as_list(val_acc, test_accuracy):
    names = list(val_acc)
    best = names[int(np.argmax([np.median(val_acc[name]) for name in names]))]
    return [best, test_accuracy(best)]


def choose_sorted(val_acc, test_accuracy):
    ranked = sorted(val_acc.items(), key=lambda item: sum(item[1]) / len(item[1]))
    best = ranked[-1][0]
    return best, float(test_accuracy(best))


def choose_on_test(val_acc, test_accuracy):
    tests = {name: test_accuracy(name) for name in val_acc}
    best = max(tests, key=tests.get)
    return best, tests[best]


def choose_peek_but_report_val_choice(val_acc, test_accuracy):
    tests = {name: test_accuracy(name) for name in val_acc}
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, tests[best]


def choose_report_validation(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, float(np.mean(val_acc[best]))


def choose_report_best_seed_validation(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, float(np.max(val_acc[best]))


def choose_best_seed(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.max(val_acc[name]))
    return best, test_accuracy(best)


def choose_first_seed(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: val_acc[name][0])
    return best, test_accuracy(best)


def choose_lowest(val_acc, test_accuracy):
    best = min(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, test_accuracy(best)


def choose_tests_another(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, test_accuracy("none")


def choose_name_only(val_acc, test_accuracy):
    return max(val_acc, key=lambda name: np.mean(val_acc[name]))


def choose_float32(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, np.float32(test_accuracy(best))


def choose_rounded_2(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, round(test_accuracy(best), 2)


def choose_rounded_3(val_acc, test_accuracy):
    best = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return best, round(test_accuracy(best), 3)


# ---------------------------------------------------------------- mcnemar


def _counts(pred_a, pred_b, y):
    right_a, right_b = pred_a == y, pred_b == y
    return int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))


def mcnemar_comb(pred_a, pred_b, y):
    b, c = _counts(pred_a, pred_b, y)
    n = b + c
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return b, c, min(1.0, 2 * tail)


def mcnemar_scipy_binomtest(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, stats.binomtest(b, b + c, 0.5).pvalue


def mcnemar_scipy_sf(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, min(1.0, 2 * stats.binom.sf(max(b, c) - 1, b + c, 0.5))


def mcnemar_numpy_counts(pred_a, pred_b, y):
    from scipy import stats

    a_right, b_right = (pred_a == y).astype(int), (pred_b == y).astype(int)
    b = np.sum(a_right * (1 - b_right))
    c = np.sum((1 - a_right) * b_right)
    return float(b), float(c), float(min(1, 2 * stats.binom.cdf(min(b, c), b + c, 0.5)))


def mcnemar_one_sided(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, stats.binom.cdf(min(b, c), b + c, 0.5)


def mcnemar_uncapped(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, 2 * stats.binom.cdf(min(b, c), b + c, 0.5)


def mcnemar_sf_off_by_one(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, min(1.0, 2 * stats.binom.sf(max(b, c), b + c, 0.5))


def mcnemar_larger_tail(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, min(1.0, 2 * stats.binom.cdf(max(b, c), b + c, 0.5))


def mcnemar_n_all_points(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, min(1.0, 2 * stats.binom.cdf(min(b, c), len(y), 0.5))


def mcnemar_n_different_predictions(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    n = int(np.sum(pred_a != pred_b))
    return b, c, min(1.0, 2 * stats.binom.cdf(min(b, c), n, 0.5))


def mcnemar_counts_different_predictions(pred_a, pred_b, y):
    from scipy import stats

    differ = pred_a != pred_b
    b, c = int(np.sum(differ & (pred_a == y))), int(np.sum(differ & (pred_a != y)))
    return b, c, min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5))


def mcnemar_point_probability(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, min(1.0, 2 * stats.binom.pmf(min(b, c), b + c, 0.5))


def mcnemar_chi2(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, stats.chi2.sf((b - c) ** 2 / (b + c), 1)


def mcnemar_chi2_corrected(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, stats.chi2.sf((abs(b - c) - 1) ** 2 / (b + c), 1)


def mcnemar_unpaired_z(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    acc_a, acc_b = np.mean(pred_a == y), np.mean(pred_b == y)
    pooled = (acc_a + acc_b) / 2
    z = (acc_a - acc_b) / np.sqrt(pooled * (1 - pooled) * 2 / len(y))
    return b, c, 2 * stats.norm.sf(abs(z))


def mcnemar_unpaired_fisher(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    ra, rb = int(np.sum(pred_a == y)), int(np.sum(pred_b == y))
    return b, c, stats.fisher_exact([[ra, len(y) - ra], [rb, len(y) - rb]])[1]


def mcnemar_agreements(pred_a, pred_b, y):
    from scipy import stats

    right_a, right_b = pred_a == y, pred_b == y
    b, c = int(np.sum(right_a & right_b)), int(np.sum(~right_a & ~right_b))
    return b, c, min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5))


def mcnemar_accuracies(pred_a, pred_b, y):
    from scipy import stats

    b, c = int(np.sum(pred_a == y)), int(np.sum(pred_b == y))
    return b, c, min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5))


def mcnemar_swapped(pred_a, pred_b, y):
    b, c, p = mcnemar_comb(pred_a, pred_b, y)
    return c, b, p


def mcnemar_result_object(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return b, c, stats.binomtest(b, b + c, 0.5)


def mcnemar_as_array(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    return np.array([b, c, stats.binomtest(b, b + c).pvalue if b + c else 1.0])


def mcnemar_mid_p(pred_a, pred_b, y):
    from scipy import stats

    b, c = _counts(pred_a, pred_b, y)
    low, n = min(b, c), b + c
    return b, c, min(1.0, 2 * stats.binom.cdf(low, n, 0.5) - stats.binom.pmf(low, n, 0.5))


# ---------------------------------------------------------------- vanilla_dropout


def vanilla_reference_style(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    return x * (rng.random(x.shape) < keep_prob)


def vanilla_keep_as_rate(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    return x * (rng.random(x.shape) >= keep_prob)


def vanilla_inverted(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    return x * (rng.random(x.shape) < keep_prob) / keep_prob


def vanilla_no_test_scale(x, keep_prob, rng, training=True):
    if not training:
        return x
    return x * (rng.random(x.shape) < keep_prob)


# ---------------------------------------------------------------- reduced from real student code
# Each function keeps the original's logic (and its mistake) in this notebook's signature:
# `rate` is the drop probability and `rng` replaces np.random; `keep` is the mask the original
# caches for its backward pass.


def forward_real_gan_no_cast(x, rate, rng, training=True):
    # a float mask (rand > rate) / (1 - rate), multiplied in: float32 in, float64 out
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    mask = (rng.random(x.shape) > rate) / (1 - rate)
    return x * mask, mask != 0


def forward_real_cs231n_cast_back(x, rate, rng, training=True):
    # CS231n's p is the keep probability: mask = (rand < p) / p, and the output cast back
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    p = 1 - rate
    mask = (rng.random(x.shape) < p) / p
    return (x * mask).astype(x.dtype, copy=False), mask != 0


def forward_real_cs231n_drop_prob(x, rate, rng, training=True):
    # the older CS231n p was the drop probability: (rand > p) / (1 - p), cast back
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    mask = (rng.random(x.shape) > rate) / (1 - rate)
    return np.multiply(x, mask).astype(x.dtype, copy=False), mask != 0


def forward_real_cs231n_one_row_zeroed_below_p(x, rate, rng, training=True):
    # one mask row for the whole batch, set to 0 where rand < p (p the keep probability), / p
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    p = 1 - rate
    mask = np.ones((1, x.shape[1]))
    mask[rng.random((1, x.shape[1])) < p] = 0
    return (x * mask / p).astype(x.dtype, copy=False), mask


def forward_real_binomial_drop_prob(x, rate, rng, training=True):
    # keeps each entry with the drop probability and divides by it; no evaluation mode
    mask = rng.binomial(1, rate, size=x.shape) / rate
    return x * mask, mask != 0


def backward_real_scaled_mask(dout, keep, rate):
    # the forward pass cached the scaled mask keep / (1 - rate); backward multiplies by it
    return dout * (keep / (1 - rate))


def backward_real_cs231n_divide(dout, keep, rate):
    # dout * mask / p with the 0/1 mask and p the keep probability
    return dout * keep / (1 - rate)


def backward_real_subtracts_mask(dout, keep, rate):
    # dOut - dOut * mask, with the forward pass's mask scaled by 1 / drop probability
    mask = keep / rate
    return dout - dout * mask


def backward_real_vanilla_unscaled(dout, keep, rate):
    # the vanilla layer of "Deep Learning from Scratch": dout * mask, no scale
    return dout * keep


def forward_real_vanilla(x, rate, rng, training=True):
    # the same vanilla layer: survivors unscaled in training, x * (1 - rate) at test time
    if training:
        keep = rng.random(x.shape) > rate
        return x * keep, keep
    return x * (1 - rate), np.ones(x.shape, dtype=bool)


def forward_real_returns_the_mask(x, rate, rng, training=True):
    # returns the boolean mask itself as the output, instead of x times it
    if training:
        keep = rng.random(x.shape) > rate
        return keep, keep
    return x * (1 - rate), np.ones(x.shape, dtype=bool)


def l2_real_dlai_gradient(w, grad, lr, lam):
    # deeplearning.ai's dW = (data gradient) + (lambd / m) * W, then W -= learning_rate * dW,
    # with m = 1 (this notebook's λ multiplies the mean loss's penalty directly)
    m = 1
    dw = grad + (lam * w) / m
    return w - lr * dw


# ---- reduced from Holberton School's regularisation project (many public student repositories,
# supervised_learning/0x05-regularization/): 1-l2_reg_gradient_descent.py updates a tanh network's
# weights with dW = (data gradient) + (lambtha / m) * W; 4-dropout_forward_prop.py and
# 5-dropout_gradient_descent.py draw a mask with keep_prob and reuse it backwards. Reduced to this
# notebook's signatures with m = 1 (λ multiplies the mean loss's penalty directly) and
# keep_prob = 1 - rate. Their dropout functions have no evaluation mode: the reductions add the
# notebook's `if not training: return x, all-True mask`.
_HOLB = "supervised_learning/0x05-regularization/"
_L2_GD = _HOLB + "1-l2_reg_gradient_descent.py"
_DROP_FWD = _HOLB + "4-dropout_forward_prop.py"
_DROP_GD = _HOLB + "5-dropout_gradient_descent.py"


def l2_real_holberton_gradient(w, grad, lr, lam):
    # dw = dZ·Aᵀ/m + (lambtha/m)·W, then W = W - alpha·dw (a new array)
    m = 1
    dw = grad + (lam / m) * w
    return w - lr * dw


def l2_real_holberton_sum_then_divide(w, grad, lr, lam):
    # dw = (dZ·Aᵀ + lambtha·W) / m: the data sum and the penalty divided by m together
    m = 1
    dw = (grad * m + lam * w) / m
    return w - lr * dw


def l2_real_holberton_decay_factor(w, grad, lr, lam):
    # reg = 1 - alpha·lambtha/m; W = reg·W - alpha·dW (the weight-decay form)
    m = 1
    factor = 1 - lr * lam / m
    return factor * w - lr * grad


def l2_real_holberton_minus_equals(w, grad, lr, lam):
    # dw += (lambtha/m)·W, then weights[W] -= alpha·dw: the caller's array is overwritten
    m = 1
    dw = grad + (lam / m) * w
    w -= lr * dw
    return w


def l2_real_holberton_line_break(w, grad, lr, lam):
    # W = W - alpha·(lambtha/m)·W on one line and "- alpha·dW" alone on the next: the second
    # line is a separate expression whose value is thrown away, so the data step never happens
    m = 1
    new_w = w - lr * (lam / m) * w
    -lr * grad                                   # noqa: B018 - the original's lost line
    return new_w


def l2_real_holberton_regularised_unused(w, grad, lr, lam):
    # computes dW_L2 = dW + (lambtha/m)·W but updates with alpha·dW: the decay is lost
    m = 1
    dw_l2 = grad + (lam / m) * w                 # noqa: F841 - computed and never used
    return w - lr * grad


def forward_real_holberton_where_copy(x, rate, rng, training=True):
    # d = np.where(rand < keep_prob, 1, 0); A *= d / keep_prob on the layer's own new array
    # (an in-place multiply keeps a float32 array float32)
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep_prob = 1 - rate
    d = np.where(rng.random(x.shape) < keep_prob, 1, 0)
    out = x.copy()
    out *= d
    out /= keep_prob
    return out, d


def forward_real_holberton_binomial(x, rate, rng, training=True):
    # D = np.random.binomial(1, keep_prob, A.shape); A = (A * D) / keep_prob: an int64 mask,
    # so a float32 input comes back as float64 even when nothing is dropped
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep_prob = 1 - rate
    d = rng.binomial(1, keep_prob, size=x.shape)
    return (x * d) / keep_prob, d


def forward_real_holberton_where_new(x, rate, rng, training=True):
    # D = np.where(rand < keep_prob, 1, 0); A = np.multiply(A, D) / keep_prob (new arrays)
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep_prob = 1 - rate
    d = np.where(rng.random(x.shape) < keep_prob, 1, 0)
    return np.multiply(x, d) / keep_prob, d


def forward_real_holberton_int_of_array(x, rate, rng, training=True):
    # D = int(np.random.rand(...) < keep_prob): int() of a whole array raises a TypeError
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    d = int(rng.random(x.shape) < 1 - rate)
    return x * d / (1 - rate), d


def forward_real_transformer_numpy_vanilla(x, rate, rng, training=True):
    # mask = rand > dropout_rate; x * mask in training, x * (1 - rate) at test time (vanilla)
    if training:
        keep = rng.random(x.shape) > rate
        return x * keep, keep
    return x * (1.0 - rate), np.ones(x.shape, dtype=bool)


def forward_real_division_commented_out(x, rate, rng, training=True):
    # D = rand < keep_prob; A = A * D, with the "A = A / keep_prob" line commented out
    if not training:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) < 1 - rate
    return x * keep, keep


def backward_real_holberton_then_divide(dout, keep, rate):
    # da = Wᵀ·dz * D, then da /= keep_prob
    da = dout * keep
    da = da / (1 - rate)
    return da


def backward_real_holberton_scaled_mask(dout, keep, rate):
    # dz *= D / keep_prob with the 0/1 mask
    return dout * (keep / (1 - rate))


def backward_real_holberton_no_mask(dout, keep, rate):
    # dZ = (Wᵀ·dZ) * tanh' then dZ / keep_prob: the cached mask D is never used
    return dout / (1 - rate)


def backward_real_transformer_numpy_unscaled(dout, keep, rate):
    # the vanilla layer's backward pass: dout * mask
    return dout * keep


def vanilla_real_transformer_numpy(x, keep_prob, rng, training=True):
    # mask = rand > dropout_rate (dropout_rate = 1 - keep_prob); test time x * (1 - rate)
    rate = 1.0 - keep_prob
    if training:
        return x * (rng.random(x.shape) > rate)
    return x * (1.0 - rate)


def _disagreements(pred_a, pred_b, y):
    right_a, right_b = pred_a == y, pred_b == y
    return int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))


def mcnemar_real_exam_uncapped(pred_a, pred_b, y):
    # p = 2 * binom.cdf(min(b, c), b + c, 0.5), not capped at 1
    from scipy.stats import binom

    b, c = _disagreements(pred_a, pred_b, y)
    return b, c, 2 * binom.cdf(min(b, c), b + c, 0.5)


def mcnemar_real_matlab_mid_p(pred_a, pred_b, y):
    # for n < 25: 2·Σ_{i ≤ min} C(n, i)/2^n minus the point probability (mid-p); chi-square above
    b, c = _disagreements(pred_a, pred_b, y)
    n, low = b + c, min(b, c)
    if n < 25:
        p = 2 * sum(math.comb(n, i) for i in range(low + 1)) / 2**n
        return b, c, p - math.comb(n, low) / 2**n
    from scipy.stats import chi2

    return b, c, float(chi2.sf((abs(b - c) - 1) ** 2 / n, 1))


def mcnemar_real_hf_chi2(pred_a, pred_b, y):
    # statistic (b - c)² / (b + c), p = chi2.sf(statistic, 1): no continuity correction
    from scipy.stats import chi2

    table = [[0, 0], [0, 0]]
    for truth, p1, p2 in zip(y, pred_a, pred_b, strict=True):
        if p1 == truth and p2 == truth:
            table[0][0] += 1
        elif p1 == truth:
            table[0][1] += 1
        elif p2 == truth:
            table[1][0] += 1
        else:
            table[1][1] += 1
    b, c = table[0][1], table[1][0]
    statistic = (b - c) ** 2 / (b + c) if b + c else 0.0
    return b, c, float(chi2.sf(statistic, 1))


def mcnemar_real_statsmodels_corrected(pred_a, pred_b, y):
    # statsmodels' mcnemar(table, exact=False, correction=True): chi-square with correction
    from scipy.stats import chi2

    correct_a, correct_b = pred_a == y, pred_b == y
    n10 = int(np.sum(correct_a * ~correct_b))
    n01 = int(np.sum(~correct_a * correct_b))
    statistic = (abs(n01 - n10) - 1) ** 2 / (n01 + n10)
    return n10, n01, float(chi2.sf(statistic, 1))


def forward_real_holberton_stub(x, rate, rng, training=True):
    # the file's body is a bare `return` under the docstring: None
    return


def l2_real_holberton_decay_then_step(w, grad, lr, lam):
    # W = W - (alpha·lambtha/m)·W - alpha·dW, one expression on new arrays
    m = 1
    return w - (lr * lam / m) * w - lr * grad


def _mlxtend_table(pred_a, pred_b, y):
    # mlxtend's mcnemar_table: [[both right, A right B wrong], [B right A wrong, both wrong]]
    a_right = (y == pred_a).astype(int)
    b_right = (y == pred_b).astype(int)
    both, diff = a_right + b_right, a_right - b_right
    return np.array([[np.sum(both == 2), np.sum(diff == 1)],
                     [np.sum(diff == -1), np.sum(both == 0)]], dtype=float)


def mcnemar_real_mlxtend_exact(pred_a, pred_b, y):
    # mlxtend.evaluate.mcnemar(table, exact=True): min(2·binom.cdf(min(b, c), b + c, 0.5), 1)
    from scipy.stats import binom

    table = _mlxtend_table(pred_a, pred_b, y)
    b, c = table[0, 1], table[1, 0]
    return int(b), int(c), min(binom.cdf(min(b, c), b + c, 0.5) * 2.0, 1.0)


def mcnemar_real_mlxtend_defaults(pred_a, pred_b, y):
    # the same function with its defaults (corrected=True, exact=False): chi-square with
    # Edwards' continuity correction
    from scipy.stats import chi2

    table = _mlxtend_table(pred_a, pred_b, y)
    b, c = table[0, 1], table[1, 0]
    statistic = (abs(b - c) - 1.0) ** 2 / float(b + c)
    return int(b), int(c), float(chi2.sf(statistic, 1))


def mcnemar_real_course_toolbox(pred_a, pred_b, y):
    # a course toolbox's mcnemar: n12, n21 from the 2×2 table, p = 2·binom.cdf(min, n12 + n21)
    # with no cap (it also prints the table and a confidence interval)
    from scipy.stats import binom

    c1, c2 = pred_a - y == 0, pred_b - y == 0
    n12, n21 = int(np.sum(c1 & ~c2)), int(np.sum(~c1 & c2))
    return n12, n21, 2 * binom.cdf(min(n12, n21), n=n12 + n21, p=0.5)


# ---------------------------------------------------------------- decay_groups (PyTorch)


def groups_tuple_generators(model, weight_decay):
    decayed = (p for p in model.parameters() if p.dim() > 1)
    return ({"params": decayed, "weight_decay": weight_decay},
            {"params": [p for p in model.parameters() if p.dim() <= 1], "weight_decay": 0})


def groups_everything(model, weight_decay):
    return [{"params": model.parameters(), "weight_decay": weight_decay}]


def groups_weights_only(model, weight_decay):
    return [{"params": [p for n, p in model.named_parameters() if "weight" in n and p.ndim > 1],
             "weight_decay": weight_decay}]


def groups_swapped(model, weight_decay):
    flat = [p for p in model.parameters() if p.ndim == 1]
    return [{"params": flat, "weight_decay": weight_decay},
            {"params": [p for p in model.parameters() if p.ndim > 1], "weight_decay": 0.0}]


def groups_linear_only(model, weight_decay):
    import torch

    decayed = [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear)]
    chosen = {id(p) for p in decayed}
    return [{"params": decayed, "weight_decay": weight_decay},
            {"params": [p for p in model.parameters() if id(p) not in chosen], "weight_decay": 0.0}]


def groups_scaled_by_lr(model, weight_decay, lr=0.3):
    decayed = [p for p in model.parameters() if p.ndim > 1]
    return [{"params": decayed, "weight_decay": lr * weight_decay},
            {"params": [p for p in model.parameters() if p.ndim <= 1], "weight_decay": 0.0}]


def groups_real_nanogpt(model, weight_decay):
    # nanoGPT's configure_optimizers: every parameter of 2 or more dimensions decays
    params = {name: p for name, p in model.named_parameters() if p.requires_grad}
    return [{"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}]


def groups_real_timm(model, weight_decay):
    # timm's param_groups_weight_decay: 1-D parameters and names ending in ".bias" do not decay
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if p.ndim <= 1 or name.endswith(".bias") else decay).append(p)
    return [{"params": no_decay, "weight_decay": 0.0},
            {"params": decay, "weight_decay": weight_decay}]


def groups_real_hf_no_decay_names(model, weight_decay):
    # the Hugging Face examples' rule: no decay for names containing "bias" or "LayerNorm.weight";
    # in nn.Sequential the norm layers are called "1", "5", so their scales are decayed
    no_decay = ["bias", "LayerNorm.weight"]
    named = list(model.named_parameters())
    return [{"params": [p for n, p in named if not any(nd in n for nd in no_decay)],
             "weight_decay": weight_decay},
            {"params": [p for n, p in named if any(nd in n for nd in no_decay)],
             "weight_decay": 0.0}]


V = "variant"
ENTRIES = [
    Answer("check_l2_update", l2_reference_style, RIGHT, V),
    Answer("check_l2_update", l2_gradient_form, RIGHT, V),
    Answer("check_l2_update", l2_in_place, RIGHT, V),
    Answer("check_l2_update", l2_float32, "float32", V, names=r"compute in float64"),
    Answer("check_l2_update", l2_decay_plus, "decay sign", V, names=r"wrong sign"),
    Answer("check_l2_update", l2_decay_no_lr, "decay without lr", V,
           names=r"missing the learning rate"),
    Answer("check_l2_update", l2_twice, "2 lam", V, names=r"twice too strong"),
    Answer("check_l2_update", l2_half, "lam/2", V, names=r"half as strong"),
    Answer("check_l2_update", l2_shrinks_step, "shrunk the step", V,
           names=r"data-gradient step too"),
    Answer("check_l2_update", l2_forgot_data, "no data step", V,
           names=r"data-loss step is missing"),
    Answer("check_l2_update", l2_uphill, "uphill", V, names=r"goes uphill"),
    Answer("check_l2_update", l2_as_l1, "L1 update", V, names=r"L1 update"),
    Answer("check_l2_update", l2_penalty_not_gradient, "penalty instead of gradient", V,
           names=r"penalty \(lam/2\)·w² itself"),
    Answer("check_l2_update", l2_penalty_sum_not_gradient, "penalty value instead of gradient", V,
           names=r"penalty's value"),
    Answer("check_l2_update", l2_truly_in_place, "changed w in place", V, names=r"in place"),
    Answer("check_l2_update", l2_torch, "torch tensor", V, names=r"return NumPy arrays"),

    Answer("check_l2_equilibrium", equilibrium_reference_style, RIGHT, V),
    Answer("check_l2_equilibrium", equilibrium_by_iterating, "iterated", V,
           names=r"the steps do not converge"),
    Answer("check_l2_equilibrium", equilibrium_numpy_float32, RIGHT, V),
    Answer("check_l2_equilibrium", equilibrium_without_h, "no h", V,
           names=r"does not depend on the curvature h"),
    Answer("check_l2_equilibrium", equilibrium_h_only_on_w, "h only on w", V,
           names=r"too small by the factor h"),
    Answer("check_l2_equilibrium", equilibrium_with_lr, "lr in the answer", V,
           names=r"lr\s+cancels"),
    Answer("check_l2_equilibrium", equilibrium_with_lr_without_h, "lr and no h", V,
           names=r"two slips"),
    Answer("check_l2_equilibrium", equilibrium_one_step, "one step", V,
           names=r"maps to itself"),
    Answer("check_l2_equilibrium", equilibrium_first_order, "first order", V,
           names=r"first-order approximation"),
    Answer("check_l2_equilibrium", equilibrium_no_penalty, "no penalty", V,
           names=r"data loss alone"),
    Answer("check_l2_equilibrium", equilibrium_zero, "zero", V, names=r"penalty alone"),
    Answer("check_l2_equilibrium", equilibrium_minus, "decay sign", V,
           names=r"is added to the data gradient"),

    Answer("check_dropout_forward", forward_reference_style, RIGHT, V),
    Answer("check_dropout_forward", forward_float_mask, RIGHT, V),
    Answer("check_dropout_forward", forward_where, RIGHT, V),
    Answer("check_dropout_forward", forward_keep_prob, "rate as keep probability", V,
           names=r"probability to DROP"),
    Answer("check_dropout_forward", forward_unscaled, "no scale", V, names=r"not scaled"),
    Answer("check_dropout_forward", forward_times_keep, "multiplied by keep", V,
           names=r"do not multiply"),
    Answer("check_dropout_forward", forward_by_rate, "divided by rate", V, names=r"not by rate"),
    Answer("check_dropout_forward", forward_scaled_mask, "scaled mask", V,
           names=r"not the scaled factors"),
    Answer("check_dropout_forward", forward_inverted_mask, "inverted mask", V,
           names=r"keep is inverted"),
    Answer("check_dropout_forward", forward_scales_in_eval, "scales in eval", V,
           names=r"out must be x exactly"),
    Answer("check_dropout_forward", forward_global_rng, "global rng", V, names=r"rng argument"),
    Answer("check_dropout_forward", forward_no_mask_returned, "no mask returned", V,
           names=r"return a pair \(out, keep\)"),
    Answer("check_dropout_forward", forward_binomial_mask, RIGHT, V),
    Answer("check_dropout_forward", forward_below_keep_prob, RIGHT, V),
    Answer("check_dropout_forward", forward_bool_mask_no_rate0_branch, RIGHT, V),
    Answer("check_dropout_forward", forward_binomial_no_rate0_branch, "rate 0 changes the dtype",
           V, names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_float_mask_no_rate0_branch,
           "rate 0 changes the dtype", V, names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_torch, "torch tensors", V,
           names=r"return NumPy arrays"),

    Answer("check_dropout_backward", backward_reference_style, RIGHT, V),
    Answer("check_dropout_backward", backward_where, RIGHT, V),
    Answer("check_dropout_backward", backward_unscaled, "no scale", V, names=r"not scaled"),
    Answer("check_dropout_backward", backward_times_keep, "multiplied", V,
           names=r"not by \(1 - rate\)"),
    Answer("check_dropout_backward", backward_by_rate, "divided by rate", V, names=r"not by rate"),
    Answer("check_dropout_backward", backward_inverted, "inverted mask", V,
           names=r"where keep is False"),
    Answer("check_dropout_backward", backward_no_mask, "no mask", V, names=r"mask is missing"),
    Answer("check_dropout_backward", backward_identity, "identity", V,
           names=r"returned dout unchanged"),
    Answer("check_dropout_backward", backward_new_mask, "new mask", V,
           names=r"never draw a new one"),
    Answer("check_dropout_backward", backward_int_mask, RIGHT, V),
    Answer("check_dropout_backward", backward_torch, "torch tensor", V,
           names=r"return NumPy arrays"),

    Answer("check_choose_and_test", choose_reference_style, RIGHT, V),
    Answer("check_choose_and_test", choose_median_as_list, RIGHT, V),
    Answer("check_choose_and_test", choose_sorted, RIGHT, V),
    Answer("check_choose_and_test", choose_on_test, "chose on the test set", V,
           names=r"looked at the test set \d+ times"),
    Answer("check_choose_and_test", choose_peek_but_report_val_choice, "looked at every test", V,
           names=r"looked at the test set \d+ times"),
    Answer("check_choose_and_test", choose_report_validation, "validation as test", V,
           names=r"validation accuracy as the test accuracy"),
    Answer("check_choose_and_test", choose_report_best_seed_validation, "best validation as test",
           V, names=r"validation accuracy as the test accuracy"),
    Answer("check_choose_and_test", choose_best_seed, "best seed", V, names=r"best network"),
    Answer("check_choose_and_test", choose_first_seed, "one seed", V, names=r"single network"),
    Answer("check_choose_and_test", choose_lowest, "lowest", V, names=r"lowest validation"),
    Answer("check_choose_and_test", choose_tests_another, "tested another setting", V,
           names=r"looked up the test accuracy of"),
    Answer("check_choose_and_test", choose_name_only, "name only", V,
           names=r"return a pair"),
    Answer("check_choose_and_test", choose_float32, RIGHT, V),
    Answer("check_choose_and_test", choose_rounded_2, "rounded to 2 decimals", V,
           names=r"you rounded the test accuracy"),
    Answer("check_choose_and_test", choose_rounded_3, "rounded to 3 decimals", V,
           names=r"you rounded the test accuracy"),

    Answer("check_mcnemar", mcnemar_comb, RIGHT, V),
    Answer("check_mcnemar", mcnemar_scipy_binomtest, "crashes at b + c = 0", V,
           names=r"binomtest\(0, 0\)"),
    Answer("check_mcnemar", mcnemar_scipy_sf, RIGHT, V),
    Answer("check_mcnemar", mcnemar_numpy_counts, RIGHT, V),
    Answer("check_mcnemar", mcnemar_one_sided, "one-sided", V, names=r"one-sided"),
    Answer("check_mcnemar", mcnemar_uncapped, "uncapped", V, names=r"cap it"),
    Answer("check_mcnemar", mcnemar_sf_off_by_one, "sf off by one", V, names=r"off by one"),
    Answer("check_mcnemar", mcnemar_larger_tail, "tail of the larger count", V,
           names=r"tail starts at the smaller count"),
    Answer("check_mcnemar", mcnemar_n_all_points, "n = all points", V,
           names=r"not the number of test points"),
    Answer("check_mcnemar", mcnemar_n_different_predictions, "n = different predictions", V,
           names=r"leave it out of n"),
    Answer("check_mcnemar", mcnemar_counts_different_predictions, "counted different predictions",
           V, names=r"both are wrong with different classes"),
    Answer("check_mcnemar", mcnemar_point_probability, "point probability", V,
           names=r"sums the whole tail"),
    Answer("check_mcnemar", mcnemar_chi2, "chi-square", V, names=r"chi-square approximation"),
    Answer("check_mcnemar", mcnemar_chi2_corrected, "chi-square corrected", V,
           names=r"continuity correction"),
    Answer("check_mcnemar", mcnemar_unpaired_z, "unpaired z-test", V, names=r"unpaired"),
    Answer("check_mcnemar", mcnemar_unpaired_fisher, "unpaired Fisher", V,
           names=r"independent samples"),
    Answer("check_mcnemar", mcnemar_agreements, "counted agreements", V,
           names=r"where A and B agree"),
    Answer("check_mcnemar", mcnemar_accuracies, "counted each accuracy", V,
           names=r"each classifier gets right"),
    Answer("check_mcnemar", mcnemar_swapped, "b and c swapped", V, names=r"swapped"),
    Answer("check_mcnemar", mcnemar_result_object, "result object", V, names=r"\.pvalue"),
    Answer("check_mcnemar", mcnemar_as_array, RIGHT, V),
    Answer("check_mcnemar", mcnemar_mid_p, "mid-p", V, names=r"mid-p value"),

    Answer("check_vanilla_dropout", vanilla_reference_style, RIGHT, V),
    Answer("check_vanilla_dropout", vanilla_keep_as_rate, "keep as rate", V,
           names=r"probability to KEEP"),
    Answer("check_vanilla_dropout", vanilla_inverted, "inverted", V, names=r"inverted dropout"),
    Answer("check_vanilla_dropout", vanilla_no_test_scale, "no test scale", V,
           names=r"multiply x by keep_prob"),
    # reduced from real, public student code
    Answer("check_dropout_forward", forward_real_gan_no_cast, "rate 0 changes the dtype",
           "real: plmrr/gan-from-scratch dropout.py", names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_real_cs231n_cast_back, RIGHT,
           "real: 0Kelvins/cs231n-assignment assignment2/cs231n/layers.py"),
    Answer("check_dropout_forward", forward_real_cs231n_drop_prob, RIGHT,
           "real: 47rajat/CS231n-Convolutional-Neural-Networks-for-Visual-Recognition "
           "assignment2/cs231n/layers.py"),
    Answer("check_dropout_forward", forward_real_cs231n_one_row_zeroed_below_p,
           "dropped with the keep probability (one mask row for the batch)",
           "real: 0809zheng/CS231n-assignment2019 assignment2/cs231n/layers.py",
           names=r"dropped with the keep probability|mask was broadcast"),
    Answer("check_dropout_forward", forward_real_binomial_drop_prob,
           "kept with the drop probability",
           "real: nilbahaaeddine/M1_CNN src/classes/dropout.py",
           names=r"dropped with the keep probability"),
    Answer("check_dropout_backward", backward_real_scaled_mask, RIGHT,
           "real: plmrr/gan-from-scratch dropout.py"),
    Answer("check_dropout_backward", backward_real_cs231n_divide, RIGHT,
           "real: 0809zheng/CS231n-assignment2019 assignment2/cs231n/layers.py"),
    Answer("check_dropout_backward", backward_real_subtracts_mask,
           "gradient through dropped entries", "real: nilbahaaeddine/M1_CNN src/classes/dropout.py",
           names=r"not zero where keep is False"),
    Answer("check_dropout_backward", backward_real_vanilla_unscaled, "no scale",
           "real: Reatris/DeepLearing_Origin DeepLearning6/Dropout.py", names=r"not scaled"),
    Answer("check_dropout_forward", forward_real_vanilla, "vanilla dropout, unscaled",
           "real: Reatris/DeepLearing_Origin DeepLearning6/Dropout.py", names=r"not scaled"),
    Answer("check_dropout_forward", forward_real_returns_the_mask, "returned the mask as out",
           "real: U-T100/make-DeepLearning-from-zero ch06/Dropout.py",
           names=r"input times one common factor"),
    Answer("check_l2_update", l2_real_dlai_gradient, RIGHT,
           "real: Silva-6/deeplearning.AI-deep_learning 1-improving_deep_neural_networks/"
           "1-regularization/1-backward_propagation_with_regularization.py"),

    # Holberton School's regularisation project, many public student repositories
    Answer("check_l2_update", l2_real_holberton_gradient, RIGHT,
           "real: AhmedOmi/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_gradient, RIGHT,
           "real: 0xti4n/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_sum_then_divide, RIGHT,
           "real: Daransoto/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_decay_factor, RIGHT,
           "real: AhlemKaabi/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_decay_factor, RIGHT,
           "real: KoeusIss/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_decay_factor, RIGHT,
           "real: PierreBeaujuge/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_minus_equals, "changed w in place",
           "real: 95ktsmith/holbertonschool-machine_learning " + _L2_GD, names=r"in place"),
    Answer("check_l2_update", l2_real_holberton_minus_equals, "changed w in place",
           "real: BrianFs04/holbertonschool-machine_learning " + _L2_GD, names=r"in place"),
    Answer("check_l2_update", l2_real_holberton_line_break, "no data step (line break)",
           "real: Edigiraldo/holbertonschool-machine_learning " + _L2_GD,
           names=r"data-loss step is missing"),
    Answer("check_l2_update", l2_real_holberton_regularised_unused, "decay computed, not used",
           "real: edward0rtiz/holbertonschool-machine_learning " + _L2_GD,
           names=r"decay is missing"),
    Answer("check_dropout_forward", forward_real_holberton_where_copy, RIGHT,
           "real: PierreBeaujuge/holbertonschool-machine_learning " + _DROP_FWD),
    Answer("check_dropout_forward", forward_real_holberton_where_copy, RIGHT,
           "real: cmmolanos1/holbertonschool-machine_learning " + _DROP_FWD),
    Answer("check_dropout_forward", forward_real_holberton_where_copy, RIGHT,
           "real: 95ktsmith/holbertonschool-machine_learning " + _DROP_FWD),
    Answer("check_dropout_forward", forward_real_holberton_binomial, "rate 0 changes the dtype",
           "real: BenDosch/holbertonschool-machine_learning " + _DROP_FWD,
           names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_real_holberton_binomial, "rate 0 changes the dtype",
           "real: Merhbene/holbertonschool-machine_learning " + _DROP_FWD,
           names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_real_holberton_where_new, "rate 0 changes the dtype",
           "real: KoeusIss/holbertonschool-machine_learning " + _DROP_FWD,
           names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_real_holberton_int_of_array, "int() of an array",
           "real: Daransoto/holbertonschool-machine_learning " + _DROP_FWD,
           names=r"TypeError"),
    Answer("check_dropout_forward", forward_real_transformer_numpy_vanilla,
           "vanilla dropout, unscaled", "real: pizzalist/transformer-numpy numpy/utils/dropout.py",
           names=r"not scaled"),
    Answer("check_dropout_forward", forward_real_division_commented_out, "no 1/keep_prob",
           "real: TimVan1596/ACM-ICPC python/deep_learning/test.py", names=r"not scaled"),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: 0xti4n/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: Daransoto/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: KoeusIss/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: PierreBeaujuge/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: cmmolanos1/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_scaled_mask, RIGHT,
           "real: 95ktsmith/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_no_mask, "mask not applied",
           "real: AhmedOmi/holbertonschool-machine_learning " + _DROP_GD,
           names=r"mask is missing"),
    Answer("check_dropout_backward", backward_real_transformer_numpy_unscaled, "no scale",
           "real: pizzalist/transformer-numpy numpy/utils/dropout.py", names=r"not scaled"),
    Answer("check_vanilla_dropout", vanilla_real_transformer_numpy, RIGHT,
           "real: pizzalist/transformer-numpy numpy/utils/dropout.py"),
    Answer("check_mcnemar", mcnemar_real_exam_uncapped, "uncapped",
           "real: NumanBashir/02450Toolbox_Python "
           "MyTestFolder/ExamFolder/F20/Q23_mcnemar_pvalue.py", names=r"cap it"),
    Answer("check_mcnemar", mcnemar_real_matlab_mid_p, "mid-p",
           "real: mjpekala/maxfun-experiment src/classification/mcnemar.m", names=r"mid-p value"),
    Answer("check_mcnemar", mcnemar_real_hf_chi2, "chi-square",
           "real: huggingface/evaluate comparisons/mcnemar/mcnemar.py",
           names=r"chi-square approximation"),
    Answer("check_mcnemar", mcnemar_real_statsmodels_corrected, "chi-square corrected",
           "real: fcalesella/CVPCR mcnemar_statistic.py", names=r"continuity correction"),
    Answer("check_l2_update", l2_real_holberton_decay_then_step, RIGHT,
           "real: jalondono/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_gradient, RIGHT,
           "real: icculp/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_gradient, RIGHT,
           "real: HeimerR/holbertonschool-machine_learning " + _L2_GD),
    Answer("check_l2_update", l2_real_holberton_minus_equals, "changed w in place",
           "real: Jimmer942/holbertonschool-machine_learning " + _L2_GD, names=r"in place"),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: jalondono/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_backward", backward_real_holberton_then_divide, RIGHT,
           "real: Jimmer942/holbertonschool-machine_learning " + _DROP_GD),
    Answer("check_dropout_forward", forward_real_holberton_binomial, "rate 0 changes the dtype",
           "real: jalondono/holbertonschool-machine_learning " + _DROP_FWD,
           names=r"float32 input came back as float64"),
    Answer("check_dropout_forward", forward_real_holberton_where_copy, RIGHT,
           "real: Jimmer942/holbertonschool-machine_learning " + _DROP_FWD),
    Answer("check_dropout_forward", forward_real_holberton_stub, "returns None",
           "real: icculp/holbertonschool-machine_learning " + _DROP_FWD, names=r"None"),
    Answer("check_mcnemar", mcnemar_real_mlxtend_exact, RIGHT,
           "real: rasbt/mlxtend mlxtend/evaluate/mcnemar.py"),
    Answer("check_mcnemar", mcnemar_real_mlxtend_defaults, "chi-square corrected (defaults)",
           "real: rasbt/mlxtend mlxtend/evaluate/mcnemar.py", names=r"continuity correction"),
    Answer("check_mcnemar", mcnemar_real_course_toolbox, "uncapped",
           "real: mmmmimic/Gathering-of-lecture-exercises "
           "02450/toolboxes/02450Toolbox_Python/Tools/toolbox_02450/statistics.py",
           names=r"cap it"),
    Answer("check_decay_groups", groups_tuple_generators, RIGHT, V),
    Answer("check_decay_groups", groups_everything, "everything decayed", V,
           names=r"every parameter is decayed"),
    Answer("check_decay_groups", groups_weights_only, "biases in no group", V,
           names=r"in no group"),
    Answer("check_decay_groups", groups_swapped, "groups swapped", V, names=r"wrong way round"),
    Answer("check_decay_groups", groups_linear_only, "conv weights not decayed", V,
           names=r"convolution's filters .* not decayed"),
    Answer("check_decay_groups", groups_scaled_by_lr, "lr times weight decay", V,
           names=r"give them lam itself"),
    Answer("check_decay_groups", groups_real_nanogpt, RIGHT, "real: karpathy/nanoGPT model.py"),
    Answer("check_decay_groups", groups_real_timm, RIGHT,
           "real: huggingface/pytorch-image-models timm/optim/_param_groups.py"),
    Answer("check_decay_groups", groups_real_hf_no_decay_names, "normalisation scales decayed",
           "real: huggingface/transformers "
           "examples/pytorch/text-classification/run_glue_no_trainer.py",
           names=r"normalisation layers' parameters are decayed"),
]
