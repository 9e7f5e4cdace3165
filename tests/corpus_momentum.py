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


# ---- corrected_velocity_step(x, v, grad, lr, prev_lr, beta) --------------------------------
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


def velocity_float32(x, v, grad, lr, prev_lr, beta):
    v = np.float32(beta * lr / prev_lr) * v.astype(np.float32) - np.float32(lr) * grad
    return (x + v).astype(np.float32), v


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


def tuned_torch_lr(lam_min, lam_max):
    lr_ewa, beta, speedup = tuned_right(lam_min, lam_max)
    return lr_ewa * (1 - beta), beta, speedup


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
    return list(adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, decoupled))


def adam_float32(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 decoupled=False):
    x, m, v, grad = (np.asarray(a, dtype=np.float32) for a in (x, m, v, grad))
    return adam_right(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, decoupled)


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
    Answer("check_corrected_velocity_step", velocity_direct, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_through_buffer, RIGHT, "variant"),
    Answer("check_corrected_velocity_step", velocity_list, RIGHT, "variant"),
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
    Answer("check_tuned_momentum", tuned_torch_lr, "PyTorch's lr for the EWA form", "variant",
           names=r"PyTorch's learning rate"),
    Answer("check_adam_step", adam_right, RIGHT, "variant"),
    Answer("check_adam_step", adam_right_decay_with_the_step, RIGHT, "variant"),
    Answer("check_adam_step", adam_right_as_list, RIGHT, "variant"),
    Answer("check_adam_step", adam_float32, RIGHT, "variant"),
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
