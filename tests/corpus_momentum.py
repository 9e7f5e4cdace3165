"""Answers to the exercises of notebook 04 (momentum, Adam), right and wrong; see check_corpus.py.

Each wrong answer is written the way a student would write it (not generated from the check's
own list of mistakes), so the corpus tests that the check recognises real code.
"""

import numpy as np

from check_corpus import RIGHT, Answer


# ---- ewa_corrected(values, beta) -----------------------------------------------------------
def ewa_loop(values, beta):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return np.array(out)


def ewa_list(values, beta):
    v, out = 0.0, []
    for t in range(1, len(values) + 1):
        v = beta * v + (1 - beta) * values[t - 1]
        out.append(v / (1 - beta**t))
    return out


def ewa_vectorised(values, beta):
    # v_t = sum_k (1 - beta) beta^(t-k) x_k, all at once through a lower-triangular matrix
    n = len(values)
    t = np.arange(1, n + 1)
    powers = np.tril(beta ** (t[:, None] - t[None, :]))
    return (1 - beta) * powers @ np.asarray(values) / (1 - beta**t)


def ewa_float32(values, beta):
    out, v = np.zeros(len(values), dtype=np.float32), np.float32(0)
    for t in range(len(values)):
        v = np.float32(beta) * v + np.float32(1 - beta) * np.float32(values[t])
        out[t] = v / np.float32(1 - beta ** (t + 1))
    return out


def ewa_no_correction(values, beta):
    v, out = 0.0, []
    for x in values:
        v = beta * v + (1 - beta) * x
        out.append(v)
    return np.array(out)


def ewa_corrected_fed_back(values, beta):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        v = v / (1 - beta**t)
        out.append(v)
    return np.array(out)


def ewa_weights_swapped(values, beta):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = (1 - beta) * v + beta * x
        out.append(v / (1 - beta**t))
    return np.array(out)


def ewa_t_from_zero(values, beta):
    v, out = 0.0, []
    for t, x in enumerate(values):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return out


def ewa_start_at_first(values, beta):
    v, out = values[0], [values[0]]
    for x in values[1:]:
        v = beta * v + (1 - beta) * x
        out.append(v)
    return np.array(out)


def ewa_in_place(values, beta):
    # overwrites the input with the corrected averages (reads each value before writing it)
    m = 0.0
    for t in range(len(values)):
        m = beta * m + (1 - beta) * values[t]
        values[t] = m / (1 - beta ** (t + 1))
    return values


def ewa_one_minus_beta_power_t(values, beta):
    # reviewers' slip: the power on (1 - beta) instead of on beta
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta) ** t)
    return np.array(out)


def ewa_start_at_first_and_correct(values, beta):
    # reviewers' slip: starts at the first value and corrects as well
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = x if t == 1 else beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return np.array(out)


def ewa_new_value_unweighted(values, beta):
    # the running sum of momentum's buffer, bias-corrected as if it were the average
    m, out = 0.0, []
    for t, x in enumerate(values, start=1):
        m = beta * m + x
        out.append(m / (1 - beta**t))
    return np.array(out)


# ---- corrected_velocity_step(x, v, grad, lr, prev_lr, beta) --------------------------------
def ewa_with_start_value(values, beta):
    # keeps m_0 = 0 at the front of the list it returns
    m, out = 0.0, [0.0]
    for t in range(1, len(values) + 1):
        m = beta * m + (1 - beta) * values[t - 1]
        out.append(m / (1 - beta**t))
    return np.array(out)


def velocity_direct(x, v, grad, lr, prev_lr, beta):
    v = beta * (lr / prev_lr) * v - lr * grad
    return x + v, v


def velocity_through_buffer(x, v, grad, lr, prev_lr, beta):
    buf = -v / prev_lr                       # undo the old learning rate
    buf = beta * buf + grad                  # PyTorch's buffer
    return x - lr * buf, -lr * buf


def velocity_list(x, v, grad, lr, prev_lr, beta):
    new_v = v * beta * lr / prev_lr - grad * lr
    return [x + new_v, new_v]


def velocity_ewa_factor(x, v, grad, lr, prev_lr, beta):
    # the (1 - beta) of the EWA form kept on the gradient term
    v = beta * (lr / prev_lr) * v - (1 - beta) * lr * grad
    return x + v, v


def velocity_float32(x, v, grad, lr, prev_lr, beta):
    v = np.float32(beta * lr / prev_lr) * v.astype(np.float32) - np.float32(lr) * grad
    return (x + v).astype(np.float32), v


def velocity_in_place(x, v, grad, lr, prev_lr, beta):
    # reviewers' answer: updates the arrays it was given and returns them
    v *= beta * lr / prev_lr
    v -= lr * grad
    x += v
    return x, v


def velocity_in_place_augmented(x, v, grad, lr, prev_lr, beta):
    v *= beta
    v *= lr / prev_lr
    v += -lr * grad
    x += v
    return x, v


def velocity_rescaled_whole(x, v, grad, lr, prev_lr, beta):
    # reviewers' slip: the new gradient's term is rescaled too
    v = (lr / prev_lr) * (beta * v - lr * grad)
    return x + v, v


def velocity_beta_dropped(x, v, grad, lr, prev_lr, beta):
    # reviewers' slip: beta left out of the rescaled old velocity
    v = (lr / prev_lr) * v - lr * grad
    return x + v, v


def velocity_plain_keras(x, v, grad, lr, prev_lr, beta):
    v = beta * v - lr * grad
    return x + v, v


def velocity_ratio_inverted(x, v, grad, lr, prev_lr, beta):
    v = beta * (prev_lr / lr) * v - lr * grad
    return x + v, v


def velocity_returns_buffer(x, v, grad, lr, prev_lr, beta):
    buf = beta * (-v / prev_lr) + grad
    return x - lr * buf, buf


def velocity_minus(x, v, grad, lr, prev_lr, beta):
    v = beta * (lr / prev_lr) * v - lr * grad
    return x - v, v


def velocity_swapped_return(x, v, grad, lr, prev_lr, beta):
    v = beta * (lr / prev_lr) * v - lr * grad
    return v, x + v


# ---- tuned_momentum(lam_min, lam_max) ------------------------------------------------------
def tuned_right(lam_min, lam_max):
    sk = np.sqrt(lam_max / lam_min)
    beta = ((sk - 1) / (sk + 1)) ** 2
    lr = (2 / (np.sqrt(lam_min) + np.sqrt(lam_max))) ** 2
    kappa = sk**2
    return lr / (1 - beta), beta, np.log(np.sqrt(beta)) / np.log((kappa - 1) / (kappa + 1))


def tuned_as_array(h_min, h_max):
    # reviewers' answer: one array of the three numbers
    kappa = h_max / h_min
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    lr = (2 / (np.sqrt(h_min) + np.sqrt(h_max))) ** 2
    return np.array([lr / (1 - rate**2), rate**2,
                     np.log(rate) / np.log((kappa - 1) / (kappa + 1))])


def tuned_torch_lr(lam_min, lam_max):
    lr_ewa, beta, speedup = tuned_right(lam_min, lam_max)
    return lr_ewa * (1 - beta), beta, speedup


def tuned_sqrt_kappa(h_min, h_max):
    # reviewers' slip: the rule of thumb sqrt(kappa) as the predicted speed-up
    lr_ewa, beta, _ = tuned_right(h_min, h_max)
    return lr_ewa, beta, np.sqrt(h_max / h_min)


def tuned_beta_for_rate(h_min, h_max):
    # reviewers' slip: ln(beta) where momentum's rate is sqrt(beta)
    lr_ewa, beta, _ = tuned_right(h_min, h_max)
    kappa = h_max / h_min
    return lr_ewa, beta, np.log(beta) / np.log((kappa - 1) / (kappa + 1))


def tuned_one_minus_rates(h_min, h_max):
    # reviewers' slip: a ratio of (1 - rate) instead of a ratio of iteration counts
    lr_ewa, beta, _ = tuned_right(h_min, h_max)
    kappa = h_max / h_min
    return lr_ewa, beta, (1 - np.sqrt(beta)) / (1 - (kappa - 1) / (kappa + 1))


# ---- predict_decay(w0, steps, lr, weight_decay) ---------------------------------------------
def decay_formula(w0, steps, lr, weight_decay):
    # Adam + L2: a steady gradient, so about lr per step; AdamW: the compounding shrink
    return steps * lr, w0 * (1 - (1 - lr * weight_decay) ** steps)


def decay_exponential(w0, steps, lr, weight_decay):
    import math
    return [lr * steps, w0 - w0 * math.exp(-lr * weight_decay * steps)]


def decay_simulated(w0, steps, lr, weight_decay):
    # measured instead of predicted: runs both optimisers on a weight with no data gradient
    import numpy as np
    ends = []
    for decoupled in (False, True):
        w, m, v = float(w0), 0.0, 0.0
        for t in range(1, steps + 1):
            g = 0.0 if decoupled else weight_decay * w
            if decoupled:
                w *= 1 - lr * weight_decay
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        ends.append(w0 - w)
    return tuple(ends)


def decay_as_sgd(w0, steps, lr, weight_decay):
    # L2 treated as in SGD: lr * weight_decay * w per step, no Adam normalisation
    return w0 * steps * lr * weight_decay, w0 * (1 - (1 - lr * weight_decay) ** steps)


def decay_linearised(w0, steps, lr, weight_decay):
    return steps * lr, w0 * steps * lr * weight_decay


def decay_swapped(w0, steps, lr, weight_decay):
    return w0 * (1 - (1 - lr * weight_decay) ** steps), steps * lr


def decay_without_lr(w0, steps, lr, weight_decay):
    return steps * lr, w0 * (1 - (1 - weight_decay) ** steps)


def decay_with_adam_step(w0, steps, lr, weight_decay):
    # AdamW's shrink plus an Adam step of lr per step that a zero gradient does not give
    return steps * lr, w0 * (1 - (1 - lr * weight_decay) ** steps) + steps * lr


def decay_end_points(w0, steps, lr, weight_decay):
    # where the weight ends, not how far it moved
    return w0 - steps * lr, w0 * (1 - lr * weight_decay) ** steps


# ---- adam_step(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, decoupled) -----------
def adam_right(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
               decoupled=False):
    if decoupled:
        x = x - lr * weight_decay * x
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_right_decay_with_the_step(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                   weight_decay=0.0, decoupled=False):
    g = grad if decoupled else grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    update = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    if decoupled:
        update = update + weight_decay * x       # AdamW: lr * (adam step + wd * x)
    return x - lr * update, m, v


def adam_right_as_list(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                       weight_decay=0.0, decoupled=False):
    x = x * (1 - lr * weight_decay) if decoupled else x
    g = grad if decoupled else grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return [x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v]


def adam_float32(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 decoupled=False):
    x, m, v, grad = (np.asarray(a, dtype=np.float32) for a in (x, m, v, grad))
    if decoupled:
        x = x * np.float32(1 - lr * weight_decay)
    else:
        grad = grad + np.float32(weight_decay) * x
    m = np.float32(beta1) * m + np.float32(1 - beta1) * grad
    v = np.float32(beta2) * v + np.float32(1 - beta2) * grad**2
    m_hat, v_hat = m / np.float32(1 - beta1**t), v / np.float32(1 - beta2**t)
    return x - np.float32(lr) * m_hat / (np.sqrt(v_hat) + np.float32(eps)), m, v


def adam_in_place(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                  weight_decay=0.0, decoupled=False):
    # updates x, m and v in place and returns them
    if decoupled:
        x *= 1 - lr * weight_decay
    else:
        grad = grad + weight_decay * x
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    x -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return x, m, v


def adam_always_coupled(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                        weight_decay=0.0, decoupled=False):
    # reviewers' slip: the decoupled flag is ignored, the decay is always L2
    grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_eps_in_sqrt_and_l2_doubled(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                    eps=1e-8, weight_decay=0.0, decoupled=False):
    # reviewers' two slips at once: eps inside the square root, and L2 as 2*weight_decay*x
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + 2 * weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return x - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def adam_feeds_back_v_hat(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          weight_decay=0.0, decoupled=False):
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m = m / (1 - beta1**t)
    v = v / (1 - beta2**t)
    return x - lr * m / (np.sqrt(v) + eps), m, v


def adam_amsgrad(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 decoupled=False):
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = np.maximum(v, beta2 * v + (1 - beta2) * grad**2)
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def adam_eps_in_sqrt(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                     weight_decay=0.0, decoupled=False):
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return x - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def adam_no_bias_correction(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                            weight_decay=0.0, decoupled=False):
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return x - lr * m / (np.sqrt(v) + eps), m, v


def adam_v_not_squared(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                       weight_decay=0.0, decoupled=False):
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(np.abs(v) / (1 - beta2**t)) + eps), m, v


def adam_t_plus_one(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                    weight_decay=0.0, decoupled=False):
    t = t + 1                                   # "the first step is t = 1", counted twice
    return adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, decoupled)


def adam_returns_m_v_x(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                       weight_decay=0.0, decoupled=False):
    new_x, new_m, new_v = adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay,
                                     decoupled)
    return new_m, new_v, new_x


def adam_l2_after_division(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                           weight_decay=0.0, decoupled=False):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    step = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    if decoupled:
        return x * (1 - lr * weight_decay) - lr * step, m, v
    return x - lr * (step + weight_decay * x), m, v     # "L2" added after the division


def adam_coupled_decoupled_swapped(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                   weight_decay=0.0, decoupled=False):
    return adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, not decoupled)


def adam_decay_without_lr(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          weight_decay=0.0, decoupled=False):
    if decoupled:
        x = x * (1 - weight_decay)
        weight_decay = 0.0
    return adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, False)


def adam_decay_after_step(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          weight_decay=0.0, decoupled=False):
    if not decoupled:
        return adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, False)
    new_x, m, v = adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, 0.0, False)
    return new_x * (1 - lr * weight_decay), m, v


def adam_ignores_weight_decay(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                              weight_decay=0.0, decoupled=False):
    return adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, 0.0, False)


def adam_ignores_betas(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                       weight_decay=0.0, decoupled=False):
    return adam_right(x, m, v, grad, t, lr, 0.9, 0.999, 1e-8, weight_decay, decoupled)


ENTRIES = [
    Answer("check_ewa_corrected", ewa_loop, RIGHT, "variant"),
    Answer("check_ewa_corrected", ewa_list, RIGHT, "variant"),
    Answer("check_ewa_corrected", ewa_vectorised, RIGHT, "variant"),
    Answer("check_ewa_corrected", ewa_float32, RIGHT, "variant"),
    Answer("check_ewa_corrected", ewa_no_correction, "no bias correction", "variant",
           names=r"no bias correction"),
    Answer("check_ewa_corrected", ewa_corrected_fed_back, "corrected value fed back", "variant",
           names=r"fed the corrected value back"),
    Answer("check_ewa_corrected", ewa_weights_swapped, "weights swapped", "variant",
           names=r"\(1 - beta\) is on the wrong term"),
    Answer("check_ewa_corrected", ewa_t_from_zero, "t from 0", "variant",
           names=r"t starts at 1"),
    Answer("check_ewa_corrected", ewa_start_at_first, "started at the first value", "variant",
           names=r"started the average at the first value"),
    Answer("check_ewa_corrected", ewa_in_place, RIGHT, "variant"),
    Answer("check_ewa_corrected", ewa_one_minus_beta_power_t, "(1 - beta)**t", "variant",
           names=r"divided by \(1 - beta\)\*\*t"),
    Answer("check_ewa_corrected", ewa_start_at_first_and_correct, "started at x1 and corrected",
           "variant", names=r"and corrected it as well"),
    Answer("check_ewa_corrected", ewa_new_value_unweighted, "forgot (1 - beta)", "variant",
           names=r"1/\(1 - beta\) times too large"),
    Answer("check_ewa_corrected", ewa_with_start_value, "m_0 included", "variant",
           names=r"leave out the start value"),
    Answer("check_corrected_velocity_step", velocity_direct, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_through_buffer, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_list, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_in_place, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_in_place_augmented, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_rescaled_whole, "new gradient rescaled too",
           "variant", names=r"rescaled the whole new velocity"),
    Answer("check_corrected_velocity_step", velocity_beta_dropped, "beta dropped", "variant",
           names=r"beta is missing"),
    Answer("check_corrected_velocity_step", velocity_ewa_factor, "(1 - beta) on the gradient",
           "variant", names=r"factor \(1 - beta\)"),
    Answer("check_corrected_velocity_step", velocity_float32, "float32 (the next cell compares "
           "to 1e-12)", "variant", names=r"compute in float64"),
    Answer("check_corrected_velocity_step", velocity_plain_keras, "no momentum correction",
           "variant", names=r"Keras's plain update"),
    Answer("check_corrected_velocity_step", velocity_ratio_inverted, "ratio inverted",
           "variant", names=r"upside down"),
    Answer("check_corrected_velocity_step", velocity_returns_buffer, "returned the buffer",
           "variant", names=r"PyTorch's buffer"),
    Answer("check_corrected_velocity_step", velocity_minus, "x - v", "variant",
           names=r"not x - new_v"),
    Answer("check_corrected_velocity_step", velocity_swapped_return, "order swapped", "variant",
           names=r"\(new_v, new_x\)"),
    Answer("check_tuned_momentum", tuned_right, RIGHT, "variant"),
    Answer("check_tuned_momentum", tuned_as_array, RIGHT, "variant"),
    Answer("check_tuned_momentum", tuned_torch_lr, "PyTorch's lr for the EWA form", "variant",
           names=r"PyTorch's learning rate"),
    Answer("check_tuned_momentum", tuned_sqrt_kappa, "sqrt(kappa) as the speed-up", "variant",
           names=r"sqrt\(kappa\) is the rule of thumb"),
    Answer("check_tuned_momentum", tuned_beta_for_rate, "beta for sqrt(beta)", "variant",
           names=r"not by beta"),
    Answer("check_tuned_momentum", tuned_one_minus_rates, "ratio of (1 - rate)", "variant",
           names=r"you compared 1 - rate"),
    Answer("check_predict_decay", decay_formula, RIGHT, "variant"),
    Answer("check_predict_decay", decay_exponential, RIGHT, "variant"),
    Answer("check_predict_decay", decay_simulated, RIGHT, "variant"),
    Answer("check_predict_decay", decay_as_sgd, "L2 as in SGD", "variant",
           names=r"SGD's L2 term"),
    Answer("check_predict_decay", decay_linearised, "AdamW's shrink not compounded", "variant",
           names=r"the shrink compounds"),
    Answer("check_predict_decay", decay_swapped, "order swapped", "variant",
           names=r"you returned \(adamw, adam_l2\)"),
    Answer("check_predict_decay", decay_without_lr, "decay without lr", "variant",
           names=r"not \(1 - weight_decay\)"),
    Answer("check_predict_decay", decay_with_adam_step, "an Adam step on a zero gradient",
           "variant", names=r"Adam's own step is 0"),
    Answer("check_predict_decay", decay_end_points, "end points for distances", "variant",
           names=r"where the weight ends"),
    Answer("check_adam_step", adam_right, RIGHT, "variant"),
    Answer("check_adam_step", adam_right_decay_with_the_step, RIGHT, "variant"),
    Answer("check_adam_step", adam_right_as_list, RIGHT, "variant"),
    Answer("check_adam_step", adam_float32, RIGHT, "variant"),
    Answer("check_adam_step", adam_in_place, RIGHT, "variant"),
    Answer("check_adam_step", adam_always_coupled, "decoupled flag ignored", "variant",
           names=r"you still added weight_decay\*x to the gradient"),
    Answer("check_adam_step", adam_eps_in_sqrt_and_l2_doubled, "eps in sqrt and L2 doubled",
           "variant", names=r"L2 term is twice too large|eps is inside the square root"),
    Answer("check_adam_step", adam_feeds_back_v_hat, "v_hat fed back", "variant",
           names=r"bias-corrected m_hat and v_hat as the new m and v"),
    Answer("check_adam_step", adam_amsgrad, "AMSGrad for Adam", "variant", names=r"AMSGrad"),
    Answer("check_adam_step", adam_eps_in_sqrt, "eps inside the sqrt", "variant",
           names=r"eps is inside the square root"),
    Answer("check_adam_step", adam_no_bias_correction, "no bias correction", "variant",
           names=r"no bias correction"),
    Answer("check_adam_step", adam_v_not_squared, "v not squared", "variant",
           names=r"squared gradients"),
    Answer("check_adam_step", adam_t_plus_one, "t off by one", "variant", names=r"t \+ 1"),
    Answer("check_adam_step", adam_returns_m_v_x, "return order", "variant",
           names=r"return \(new_x, new_m, new_v\) in that order"),
    Answer("check_adam_step", adam_l2_after_division, "L2 added after the Adam division",
           "variant", names=r"after Adam's division"),
    Answer("check_adam_step", adam_coupled_decoupled_swapped, "coupled and decoupled swapped",
           "variant", names=r"coupled and decoupled are swapped"),
    Answer("check_adam_step", adam_decay_without_lr, "decay without lr", "variant",
           names=r"multiplied by the learning rate"),
    Answer("check_adam_step", adam_decay_after_step, "decay after the step", "variant",
           names=r"before the Adam step"),
    Answer("check_adam_step", adam_ignores_weight_decay, "weight decay ignored", "variant",
           names=r"weight_decay is ignored"),
    Answer("check_adam_step", adam_ignores_betas, "betas ignored", "variant",
           names=r"were ignored"),
]


# =============================================================================================
# Answers reduced from real, public student code. Each keeps the original's way of computing
# (and its mistake, if any) in the exercise's signature; the comment says what the original did.
# Where the original had no weight decay, the two decay lines are the exercise's own (marked).
# =============================================================================================

# ---- ewa_corrected ---------------------------------------------------------------------------
def real_ewa_r_vector_correction(values, beta):
    # happyrabbit/DataScienceWorkshop2019 (R): the recursion in a loop with v_1 = (1 - beta)*x_1,
    # then the whole vector divided by 1 - beta^(1..n) at once. Right.
    values = np.asarray(values, dtype=float)
    v = np.zeros(len(values))
    for i in range(len(values)):
        v[i] = (1 - beta) * values[i] if i == 0 else beta * v[i - 1] + (1 - beta) * values[i]
    return v / (1 - beta ** np.arange(1, len(v) + 1))


def real_ewa_corrected_not_kept(values, beta):
    # anthonyjclark/cs152fa21 lectures/l17: computes the corrected value new/(1 - beta**(t+1)),
    # then appends the raw average to the list it plots as "EMA Corrected".
    out = [0.0]
    for t, x in enumerate(values):
        new = beta * out[-1] + (1 - beta) * x
        corrected = new / (1 - beta ** (t + 1))  # noqa: F841 - computed, never used
        out.append(new)
    return out[1:]


def real_ewa_starts_at_first(values, beta):
    # anthonyjclark/cs152fa21 lectures/l17, first cell: the list starts with the first value
    # (m_1 = x_1) and the recursion runs from the second; no correction.
    out = [values[0]]
    for x in values[1:]:
        out.append(beta * out[-1] + (1 - beta) * x)
    return np.array(out)


def real_ewa_filter_offset_array(values, beta):
    # woodknight/Exponentially_Weighted_Average_Filter: an array one longer than the data, slot 0
    # the start value 0, corrected by 1 - beta**(i + 1); returns the slice [1:]. Right (the
    # original also restarts the average after a jump in the data, not part of this exercise).
    raw = np.zeros(len(values) + 1)
    corrected = np.copy(raw)
    for i in range(len(values)):
        raw[i + 1] = beta * raw[i] + (1 - beta) * values[i]
        corrected[i + 1] = raw[i + 1] / (1 - beta ** (i + 1))
    return corrected[1:]


# ---- corrected_velocity_step -----------------------------------------------------------------
def real_velocity_cs231n_sgd_momentum(x, v, grad, lr, prev_lr, beta):
    # achyudh/espalier optimizers.py (CS231n sgd_momentum): next_v = momentum*v - lr*dw,
    # next_w = w + next_v; written for a constant learning rate, so prev_lr is never used.
    next_v = beta * v - lr * grad
    return x + next_v, next_v


def real_velocity_in_place_dict(x, v, grad, lr, prev_lr, beta):
    # KyoyaTokikawa/deep-learning-from-scratch mine_2/OptimizationAlgorithm/MomentumSGD.py:
    # v = momentum*v - lr*grad, then params += v in place; no rescaling when lr changes.
    v = beta * v - lr * grad
    x += v
    return x, v


def real_velocity_class_update(x, v, grad, lr, prev_lr, beta):
    # selekzioner/dlcourse assignment2/optim.py MomentumSGD.update: velocity = momentum*velocity
    # - learning_rate*d_w; w += velocity. The learning rate is an argument of each call, but the
    # velocity built with the previous one is kept as it is.
    velocity = beta * v - lr * grad
    w = x.copy()
    w += velocity
    return w, velocity


def real_velocity_ewa_form(x, v, grad, lr, prev_lr, beta):
    # DeepakSridhar/Deep-Learning-Coursera Course-2/Optimization/update_momentum.py
    # (deeplearning.ai update_parameters_with_momentum): v = beta*v + (1 - beta)*dW,
    # W = W - lr*v: the EWA form, not Keras's velocity.
    v = beta * v + (1 - beta) * grad
    return x - lr * v, v


def real_velocity_ewa_form_no_spaces(x, v, grad, lr, prev_lr, beta):
    # Srijan2001/Backpropagation-Algorithm Momentum.py: the same deeplearning.ai EWA form.
    new_v = beta*v+(1-beta)*grad
    new_x = x-lr*new_v
    return new_x, new_v


# ---- adam_step -------------------------------------------------------------------------------
def real_adam_returns_update(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                             weight_decay=0.0, decoupled=False):
    # jparkerholder/ASEBO asebo/optimizers.py: Adam(dx, m, v, learning_rate, t) returns the
    # update lr*mt/(sqrt(vt) + eps) and the caller subtracts it. Right. Decay: the exercise's.
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    mt = m / (1 - beta1 ** t)
    v = beta2 * v + (1 - beta2) * (grad ** 2)
    vt = v / (1 - beta2 ** t)
    update = lr * mt / (np.sqrt(vt) + eps)
    return x - update, m, v


def real_adam_cs231n_config(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                            weight_decay=0.0, decoupled=False):
    # shunyaoxu/Stanford_CS229_Final_Project Baseline/optim.py (CS231n adam): a config dict,
    # np.power for the corrections, dw * dw for the square. Right. Decay: the exercise's.
    config = {"learning_rate": lr, "beta1": beta1, "beta2": beta2, "epsilon": eps,
              "m": m, "v": v, "t": t - 1}
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * grad
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * grad * grad
    first_unbias = config["m"] / (1 - np.power(config["beta1"], config["t"]))
    second_unbias = config["v"] / (1 - np.power(config["beta2"], config["t"]))
    next_x = x - config["learning_rate"] * first_unbias / (np.sqrt(second_unbias)
                                                           + config["epsilon"])
    return next_x, config["m"], config["v"]


def real_adam_folded_correction(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                weight_decay=0.0, decoupled=False):
    # FortiLeiZhang/cs231n assignment3 optim.py: the corrections folded into the step size,
    # alpha = lr*sqrt(1 - beta2**t)/(1 - beta1**t), then x -= alpha*m/(sqrt(v) + eps): eps is
    # added to the uncorrected sqrt(v). Decay: the exercise's.
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad * grad)
    alpha = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    x = x - alpha * (m / (np.sqrt(v) + eps))
    return x, m, v


def real_adam_incremental_form(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                               weight_decay=0.0, decoupled=False):
    # kang9kang/DL-learning cnn/my_optimizer.py: m += (1 - beta1)*(g - m), the same average
    # written as a correction towards g; params -= ... in place. Right. Decay: the exercise's.
    x, m, v = x.copy(), m.copy(), v.copy()
    if decoupled:
        x *= 1 - lr * weight_decay
    else:
        grad = grad + weight_decay * x
    m += (1 - beta1) * (grad - m)
    v += (1 - beta2) * (grad**2 - v)
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    x -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return x, m, v


def real_adam_fixed_power_no_sqrt(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                  weight_decay=0.0, decoupled=False):
    # ritviksingh9/ML-Models-Scratch RecurrentNeuralNetwork/optimize.py: s_corrected divides by
    # (1 - beta2 ** 2), a fixed power 2 where t belongs, and the step divides by
    # s_corrected + epsilon without the square root. Decay: the exercise's.
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    m_corrected = m / (1 - beta1 ** t)
    v = beta2 * v + (1 - beta2) * (grad ** 2)
    v_corrected = v / (1 - beta2 ** 2)
    return x - lr * m_corrected / (v_corrected + eps), m, v


def real_adam_only_m_corrected_no_sqrt(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                       eps=1e-8, weight_decay=0.0, decoupled=False):
    # every-algorithm/python optimization/adam_optimizer.py: m_hat is corrected, v is used raw
    # and without its square root: param -= lr*m_hat/(v + eps). Decay: the exercise's.
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad * grad)
    m_hat = m / (1 - beta1 ** t)
    return x - lr * m_hat / (v + eps), m, v


def real_adam_class_returns_step(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                 weight_decay=0.0, decoupled=False):
    # fantaa499/simple_network net/learning_rate.py: Adam.update(ds, t) keeps m, mt, v, vt and
    # returns mt/(sqrt(vt) + eps); the caller multiplies by the learning rate. Right. Decay: the
    # exercise's.
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    mt = m / (1 - beta1 ** t)
    v = beta2 * v + (1 - beta2) * (grad ** 2)
    vt = v / (1 - beta2 ** t)
    dlr = mt / (np.sqrt(vt) + eps)
    return x - lr * dlr, m, v


def real_adam_params_in_place(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                              weight_decay=0.0, decoupled=False):
    # ruziniuuuuu/niukb AI/Others/code/adam.py: params -= lr*m_hat/(sqrt(v_hat) + eps) on the
    # array it was given, and returns it. Right. Decay: the exercise's.
    if decoupled:
        x *= 1 - lr * weight_decay
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad ** 2)
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    x -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return x, m, v


REAL = [
    Answer("check_ewa_corrected", real_ewa_r_vector_correction, RIGHT,
           "real: happyrabbit/DataScienceWorkshop2019 02DeepLearning/DNN/exp_weighted_ave.R"),
    Answer("check_ewa_corrected", real_ewa_corrected_not_kept, "corrected value computed, raw "
           "one returned",
           "real: anthonyjclark/cs152fa21 lectures/l17-exponential-moving-average.py",
           names=r"no bias correction"),
    Answer("check_ewa_corrected", real_ewa_starts_at_first, "started at the first value",
           "real: anthonyjclark/cs152fa21 lectures/l17-exponential-moving-average.py",
           names=r"started the average at the first value"),
    Answer("check_ewa_corrected", real_ewa_filter_offset_array, RIGHT,
           "real: woodknight/Exponentially_Weighted_Average_Filter "
           "exponentially_weighted_average_filter.py"),
    Answer("check_corrected_velocity_step", real_velocity_cs231n_sgd_momentum,
           "no momentum correction", "real: achyudh/espalier optimizers.py",
           names=r"Keras's plain update"),
    Answer("check_corrected_velocity_step", real_velocity_in_place_dict, "no momentum correction",
           "real: KyoyaTokikawa/deep-learning-from-scratch "
           "mine_2/OptimizationAlgorithm/MomentumSGD.py", names=r"Keras's plain update"),
    Answer("check_corrected_velocity_step", real_velocity_class_update, "no momentum correction",
           "real: selekzioner/dlcourse assignment2/optim.py", names=r"Keras's plain update"),
    Answer("check_corrected_velocity_step", real_velocity_ewa_form, "the EWA form's velocity",
           "real: DeepakSridhar/Deep-Learning-Coursera Course-2/Optimization/update_momentum.py",
           names=r"EWA form"),
    Answer("check_corrected_velocity_step", real_velocity_ewa_form_no_spaces,
           "the EWA form's velocity", "real: Srijan2001/Backpropagation-Algorithm Momentum.py",
           names=r"EWA form"),
    Answer("check_adam_step", real_adam_returns_update, RIGHT,
           "real: jparkerholder/ASEBO asebo/optimizers.py"),
    Answer("check_adam_step", real_adam_cs231n_config, RIGHT,
           "real: shunyaoxu/Stanford_CS229_Final_Project Baseline/optim.py"),
    Answer("check_adam_step", real_adam_folded_correction, "eps on the uncorrected sqrt(v)",
           "real: FortiLeiZhang/cs231n code/cs231n/assignment3/cs231n/optim.py",
           names=r"Keras's placement"),
    Answer("check_adam_step", real_adam_incremental_form, RIGHT,
           "real: kang9kang/DL-learning cnn/my_optimizer.py"),
    Answer("check_adam_step", real_adam_fixed_power_no_sqrt, "fixed power 2 and no sqrt",
           "real: ritviksingh9/ML-Models-Scratch RecurrentNeuralNetwork/optimize.py",
           names=r"square root.*(1 - beta2\*\*2|power)|(1 - beta2\*\*2|power).*square root"),
    Answer("check_adam_step", real_adam_only_m_corrected_no_sqrt, "v uncorrected and no sqrt",
           "real: every-algorithm/python optimization/adam_optimizer.py",
           names=r"square root.*only m|only m.*square root"),
    Answer("check_adam_step", real_adam_class_returns_step, RIGHT,
           "real: fantaa499/simple_network net/learning_rate.py"),
    Answer("check_adam_step", real_adam_params_in_place, RIGHT,
           "real: ruziniuuuuu/niukb AI/Others/code/adam.py"),
]
ENTRIES += REAL


# ---- more answers reduced from real code ------------------------------------------------------
def real_ewa_debiased_loop(values, beta):
    # probml/pyprobml scripts/ema_demo.py ema_debiased: zs = zeros(n), z updated in a loop,
    # zc = z/(1 - beta**(i + 1)) stored. Right.
    n = len(values)
    zs = np.zeros(n)
    z = 0
    for i in range(n):
        z = beta*z + (1 - beta)*values[i]
        zc = z/(1 - beta**(i+1))
        zs[i] = zc
    return zs


def real_velocity_prints_shapes(x, v, grad, lr, prev_lr, beta):
    # pranagusriana/Neural-Network-from-Scratch CNN/optimizers.py SGD.update: prints the shapes,
    # velocity = momentum*velocity - learning_rate*gradient, weight + velocity; the learning
    # rate is fixed at construction, so nothing rescales the velocity.
    print(x.shape, grad.shape)
    velocity = beta * v - lr * grad
    return x + velocity, velocity


def real_velocity_np_dot_scalars(x, v, grad, lr, prev_lr, beta):
    # BearingBall/dlcourse_ai-master assignments/assignment3/optim.py: the same update written
    # with np.dot on the scalars, np.dot(momentum, velocity) - np.dot(learning_rate, d_w).
    velocity = np.dot(beta, v) - np.dot(lr, grad)
    return x + velocity, velocity


def real_velocity_cs231n_in_place(x, v, grad, lr, prev_lr, beta):
    # kaiweihuang/CS231n assignment2/cs231n/optim.py sgd_momentum: next_w = w, then
    # next_w += v after v = momentum*v - learning_rate*dw (w itself is updated in place).
    next_w = x
    v = beta * v - lr * grad
    next_w += v
    return next_w, v


def real_adam_folded_eps_inside_own_eps(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                        eps=1e-8, weight_decay=0.0, decoupled=False):
    # dpte001/AZE_GAG ADAM.py ("Deep Learning from Scratch" style): lr_t = lr*sqrt(1 - beta2**t)
    # /(1 - beta1**t), m += (1 - beta1)(g - m), v += (1 - beta2)(g**2 - v), then
    # params -= lr_t*m/np.sqrt(v + 1e-7): eps inside the root, and its own 1e-7 rather than the
    # eps given. Decay: the exercise's.
    m, v = m.copy(), v.copy()
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    m += (1 - beta1) * (grad - m)
    v += (1 - beta2) * (grad ** 2 - v)
    return x - lr_t * m / np.sqrt(v + 1e-7), m, v


def real_adam_micrograd_step(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                             weight_decay=0.0, decoupled=False):
    # unknownusername504/MicroGrad micrograd/functions/optimizers/adam.py: betas as a pair,
    # m and v per parameter, param -= lr*m_hat/(sqrt(v_hat) + eps). Right. Decay: the
    # exercise's.
    betas = (beta1, beta2)
    param = x.copy()
    if decoupled:
        param *= 1 - lr * weight_decay
    else:
        grad = grad + weight_decay * x
    m = betas[0] * m + (1 - betas[0]) * grad
    v = betas[1] * v + (1 - betas[1]) * grad**2
    m_hat = m / (1 - betas[0] ** t)
    v_hat = v / (1 - betas[1] ** t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return param, m, v


def real_adam_dlai_np_power(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                            weight_decay=0.0, decoupled=False):
    # DeepakSridhar/Deep-Learning-Coursera Course-2/Optimization/update_adam.py
    # (deeplearning.ai update_parameters_with_adam): np.power for the corrections, np.square
    # for the squared gradient. Right. Decay: the exercise's.
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    v_new = beta1 * m + (1 - beta1) * grad
    v_corrected = v_new / (1 - np.power(beta1, t))
    s_new = beta2 * v + (1 - beta2) * np.square(grad)
    s_corrected = s_new / (1 - np.power(beta2, t))
    return x - lr * v_corrected / (np.sqrt(s_corrected) + eps), v_new, s_new


def real_adam_cs231n_in_place(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                              weight_decay=0.0, decoupled=False):
    # kaiweihuang/CS231n assignment2/cs231n/optim.py adam: next_x = x, then next_x += -lr*mt/
    # (sqrt(vt) + eps), so the array passed in is updated in place. Right. Decay: the
    # exercise's.
    if decoupled:
        x *= 1 - lr * weight_decay
    else:
        grad = grad + weight_decay * x
    next_x = x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad**2)
    mt = m / (1 - beta1**t)
    vt = v / (1 - beta2**t)
    next_x += -lr * mt / (np.sqrt(vt) + eps)
    return next_x, m, v


def real_ewa_divisor_before_update(values, beta):
    # JohnCook17/holbertonschool-machine_learning supervised_learning/0x03-optimization/
    # 4-moving_average.py: the divisor 1 - beta**(i + 1) computed before the update, a list
    # returned. Right.
    vt, out = 0, []
    for i in range(len(values)):
        bt = 1 - beta ** (i + 1)
        vt = beta * vt + (1 - beta) * values[i]
        out.append(vt / bt)
    return out


def real_ewa_pow_divisor(values, beta):
    # xica369/holbertonschool-machine_learning supervised_learning/0x03-optimization/
    # 4-moving_average.py: the correction through pow(beta, cont + 1). Right.
    out, vt = [], 0
    for cont in range(len(values)):
        vt = beta * vt + (1 - beta) * values[cont]
        out.append(vt / (1 - pow(beta, cont + 1)))
    return out


REAL_2 = [
    Answer("check_ewa_corrected", real_ewa_divisor_before_update, RIGHT,
           "real: JohnCook17/holbertonschool-machine_learning "
           "supervised_learning/0x03-optimization/4-moving_average.py"),
    Answer("check_ewa_corrected", real_ewa_pow_divisor, RIGHT,
           "real: xica369/holbertonschool-machine_learning "
           "supervised_learning/0x03-optimization/4-moving_average.py"),
    Answer("check_ewa_corrected", real_ewa_debiased_loop, RIGHT,
           "real: probml/pyprobml scripts/ema_demo.py"),
    Answer("check_corrected_velocity_step", real_velocity_prints_shapes, "no momentum correction",
           "real: pranagusriana/Neural-Network-from-Scratch CNN/optimizers.py",
           names=r"Keras's plain update"),
    Answer("check_corrected_velocity_step", real_velocity_np_dot_scalars, "no momentum correction",
           "real: BearingBall/dlcourse_ai-master assignments/assignment3/optim.py",
           names=r"Keras's plain update"),
    Answer("check_corrected_velocity_step", real_velocity_cs231n_in_place, "no momentum correction",
           "real: kaiweihuang/CS231n assignment2/cs231n/optim.py", names=r"Keras's plain update"),
    Answer("check_adam_step", real_adam_folded_eps_inside_own_eps, "eps inside the root, own eps",
           "real: dpte001/AZE_GAG ADAM.py",
           names=r"(square root.*1e-7|1e-7.*square root)"),
    Answer("check_adam_step", real_adam_micrograd_step, RIGHT,
           "real: unknownusername504/MicroGrad micrograd/functions/optimizers/adam.py"),
    Answer("check_adam_step", real_adam_dlai_np_power, RIGHT,
           "real: DeepakSridhar/Deep-Learning-Coursera Course-2/Optimization/update_adam.py"),
    Answer("check_adam_step", real_adam_cs231n_in_place, RIGHT,
           "real: kaiweihuang/CS231n assignment2/cs231n/optim.py"),
]
ENTRIES += REAL_2


# ---- round 5b: the reviewer's named mistakes, and two more real answers --------------------
def ewa_int_output(values, beta):
    # reviewer's slip: the output array made with dtype=int, so every average is truncated
    out, v = np.zeros(len(values), dtype=int), 0.0
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta**t)
    return out


def tuned_no_square(h_min, h_max):
    # reviewer's slip: sqrt(eta) from the two end conditions, taken for eta itself
    kappa = h_max / h_min
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    lr_torch = 2 / (np.sqrt(h_min) + np.sqrt(h_max))
    return lr_torch / (1 - rate**2), rate**2, np.log(rate) / np.log((kappa - 1) / (kappa + 1))


def tuned_ceiled_counts(h_min, h_max):
    # reviewer's slip: the speed-up as a ratio of whole iteration counts for a tolerance 1e-6
    kappa = h_max / h_min
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    lr_torch = (2 / (np.sqrt(h_min) + np.sqrt(h_max))) ** 2
    n_gd = np.ceil(np.log(1e-6) / np.log((kappa - 1) / (kappa + 1)))
    n_mom = np.ceil(np.log(1e-6) / np.log(rate))
    return lr_torch / (1 - rate**2), rate**2, n_gd / n_mom


def real_ewa_list_from_zero(values, beta):
    # diego0096/holbertonschool-machine_learning supervised_learning/0x03-optimization/
    # 4-moving_average.py: the raw averages kept in a list that starts at 0, each one
    # corrected as it is appended. Right.
    raw, out = [0], []
    for i, x in enumerate(values):
        raw.append(beta * raw[i] + (1 - beta) * x)
        out.append(raw[i + 1] / (1 - beta ** (i + 1)))
    return out


def real_ewa_divisor_named(values, beta):
    # Justice00000/alu-machine_learning supervised_learning/optimization/4-moving_average.py
    # (the HEAD side of a committed merge conflict): the divisor computed into a name of its
    # own after the update. Right.
    v, out = 0, []
    for i in range(len(values)):
        v = beta * v + (1 - beta) * values[i]
        divisor = 1 - beta ** (i + 1)
        out.append(v / divisor)
    return out


ENTRIES += [
    Answer("check_ewa_corrected", ewa_int_output, "integer output array", "variant",
           names=r"came back as whole numbers"),
    Answer("check_tuned_momentum", tuned_no_square, "eta without its square", "variant",
           names=r"lacks its square"),
    Answer("check_tuned_momentum", tuned_ceiled_counts, "ceiled iteration counts", "variant",
           names=r"rounded the two iteration counts"),
    Answer("check_ewa_corrected", real_ewa_list_from_zero, RIGHT,
           "real: diego0096/holbertonschool-machine_learning "
           "supervised_learning/0x03-optimization/4-moving_average.py"),
    Answer("check_ewa_corrected", real_ewa_divisor_named, RIGHT,
           "real: Justice00000/alu-machine_learning "
           "supervised_learning/optimization/4-moving_average.py"),
]
