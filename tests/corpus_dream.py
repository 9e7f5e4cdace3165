"""Answers to the exercises of notebook 05 (DeepDream), right and wrong; see check_corpus.py.

Each wrong answer makes one mistake students make (the course's own variants; answers reduced
from public student code are added with ``source="real: ..."``). ``MISTAKE_IDS`` maps each wrong
FGSM and total-variation answer to the mistake id its check must report
(tests/test_checks_dream.py).
"""

import torch
import torch.nn.functional as F

from check_corpus import RIGHT, Answer
from coursekit.solutions import dream as ref

LOW, HIGH = ref.LOW, ref.HIGH


# ------------------------------------------------------------------------------ fgsm: right
def fgsm_backward(model, x, label, eps):
    # .backward() on a fresh leaf; the weights' .grad is filled too (harmless)
    x = x.clone().detach().requires_grad_(True)
    loss = F.cross_entropy(model(x), torch.tensor([label]))
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        adv = x + (eps / 128) * x.grad.sign()
        return torch.clamp(adv, LOW, HIGH)


def fgsm_nll(model, x, label, eps):
    # log-softmax and the negative log-likelihood: the same loss; an attached result
    x = x.detach().clone().requires_grad_(True)
    loss = F.nll_loss(F.log_softmax(model(x), dim=1), torch.tensor([label]))
    (grad,) = torch.autograd.grad(loss, x)
    return torch.clamp(x + eps / 128 * torch.sign(grad), min=LOW, max=HIGH)


def fgsm_softmax_twice(model, x, label, eps):
    # probabilities passed to F.cross_entropy (a softmax too many): a bug in training, but its
    # input gradient is the right one times about p(label), so its sign, FGSM's step, is right
    x = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x).softmax(dim=1), torch.tensor([label]))
    (grad,) = torch.autograd.grad(loss, x)
    return (x + eps / 128 * grad.sign()).clamp(LOW, HIGH).detach()


def fgsm_127_5(model, x, label, eps):
    # the (x / 127.5 - 1) convention of other networks: 0.4 % off, within the tolerance
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), torch.tensor([label])), x)
    return (x + eps / 127.5 * grad.sign()).clamp(LOW, HIGH).detach()


# ------------------------------------------------------------------------------ fgsm: wrong
def _fgsm(model, x, label, eps, *, sign=1.0, unit=128.0, use_sign=True, clamp=(LOW, HIGH),
          loss="ce"):
    x = x.detach().clone().requires_grad_(True)
    logits = model(x)
    target = torch.tensor([label])
    value = {"ce": lambda: F.cross_entropy(logits, target),
             "logit": lambda: -logits[0, label]}[loss]()
    (grad,) = torch.autograd.grad(value, x)
    direction = grad.sign() if use_sign else grad
    out = x.detach() + sign * eps / unit * direction
    return out if clamp is None else out.clamp(*clamp)


def fgsm_descent(model, x, label, eps):
    return _fgsm(model, x, label, eps, sign=-1.0)


def fgsm_no_sign(model, x, label, eps):
    return _fgsm(model, x, label, eps, use_sign=False)


def fgsm_mean_normalised(model, x, label, eps):
    # DeepDream's step: pixels move by eps on average, not at most
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), torch.tensor([label])), x)
    return (x + eps / 128 * grad / grad.abs().mean()).clamp(LOW, HIGH).detach()


def fgsm_eps_in_network_units(model, x, label, eps):
    return _fgsm(model, x, label, eps, unit=1.0)


def fgsm_eps_over_255(model, x, label, eps):
    return _fgsm(model, x, label, eps, unit=255.0)


def fgsm_no_clamp(model, x, label, eps):
    return _fgsm(model, x, label, eps, clamp=None)


def fgsm_clamp_0_1(model, x, label, eps):
    return _fgsm(model, x, label, eps, clamp=(0.0, 1.0))


def fgsm_clamp_pm1(model, x, label, eps):
    return _fgsm(model, x, label, eps, clamp=(-1.0, 1.0))


def fgsm_lower_logit(model, x, label, eps):
    return _fgsm(model, x, label, eps, loss="logit")


def fgsm_grad_accumulates(model, x, label, eps):
    # requires_grad on the caller's tensor: x.grad keeps the previous call's gradient
    x.requires_grad_(True)
    F.cross_entropy(model(x), torch.tensor([label])).backward()
    return (x + eps / 128 * x.grad.sign()).clamp(LOW, HIGH).detach()


def fgsm_input_needs_no_grad(model, x, label, eps):
    # x never requires a gradient: backward fills the weights' .grad, x.grad stays None
    F.cross_entropy(model(x), torch.tensor([label])).backward()
    return (x + eps / 128 * x.grad.sign()).clamp(LOW, HIGH)


def fgsm_weight_gradient(model, x, label, eps):
    # the step is taken along a weight's gradient
    F.cross_entropy(model(x), torch.tensor([label])).backward()
    return (x + eps / 128 * model._conv_stem.weight.grad.sign()).clamp(LOW, HIGH)


def fgsm_under_no_grad(model, x, label, eps):
    x = x.detach().clone().requires_grad_(True)
    with torch.no_grad():
        loss = F.cross_entropy(model(x), torch.tensor([label]))
    (grad,) = torch.autograd.grad(loss, x)
    return (x + eps / 128 * grad.sign()).clamp(LOW, HIGH)


def fgsm_train_mode(model, x, label, eps):
    # "gradients need train mode": BatchNorm then uses this image's statistics
    model.train()
    return ref.fgsm(model, x, label, eps)


def fgsm_returns_numpy(model, x, label, eps):
    return ref.fgsm(model, x, label, eps).numpy()


# ------------------------------------------------------------------------------ total variation
def tv_diff(x):
    return torch.diff(x, dim=2).abs().mean() + torch.diff(x, dim=3).abs().mean()


def tv_negative_dims(x):
    vertical = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs()
    horizontal = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs()
    return torch.mean(vertical) + torch.mean(horizontal)


def tv_no_abs(x):
    return (x[..., 1:, :] - x[..., :-1, :]).mean() + (x[..., :, 1:] - x[..., :, :-1]).mean()


def tv_squared(x):
    return ((x[..., 1:, :] - x[..., :-1, :]) ** 2).mean() + ((x[..., :, 1:] - x[..., :, :-1]) ** 2
                                                             ).mean()


def tv_isotropic(x):
    dv = x[..., 1:, :-1] - x[..., :-1, :-1]
    dh = x[..., :-1, 1:] - x[..., :-1, :-1]
    return torch.sqrt(dv**2 + dh**2).mean()


def tv_height_only(x):
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean()


def tv_colour_axis(x):
    return torch.diff(x, dim=1).abs().mean() + torch.diff(x, dim=2).abs().mean()


def tv_sum(x):
    vertical, horizontal = x[..., 1:, :] - x[..., :-1, :], x[..., :, 1:] - x[..., :, :-1]
    return vertical.abs().sum() + horizontal.abs().sum()


def tv_average(x):
    return ((x[..., 1:, :] - x[..., :-1, :]).abs().mean()
            + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()) / 2


def tv_roll(x):
    return ((x - torch.roll(x, 1, dims=2)).abs().mean()
            + (x - torch.roll(x, 1, dims=3)).abs().mean())


def tv_item(x):
    return ref.total_variation(x).item()


# ------------------------------------------------------------------------------ dream_steps
def dream_steps_backward(model, x, layer, shifts, step):
    # rolls inside the graph: autograd rolls the gradient back by itself
    x = x.detach().clone().requires_grad_(True)
    for dy, dx in shifts:
        model.features(torch.roll(x, (dy, dx), dims=(2, 3)), layer).pow(2).mean().backward()
        with torch.no_grad():
            x += step * x.grad / x.grad.abs().mean()
            x.clamp_(LOW, HIGH)
        x.grad = None
    return x.detach()


def _steps(model, x, layer, shifts, step, *, sign=1.0, back=-1, zero=True):
    x, total = x.detach().clone(), None
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (grad,) = torch.autograd.grad(model.features(rolled, layer).square().mean(), rolled)
        grad = torch.roll(grad, (back * dy, back * dx), dims=(2, 3))
        total = grad if total is None or zero else total + grad
        x = (x + sign * step * total / total.abs().mean()).clamp(LOW, HIGH)
    return x


def dream_steps_descent(model, x, layer, shifts, step):
    return _steps(model, x, layer, shifts, step, sign=-1.0)


def dream_steps_not_rolled_back(model, x, layer, shifts, step):
    return _steps(model, x, layer, shifts, step, back=0)


def dream_steps_accumulate(model, x, layer, shifts, step):
    return _steps(model, x, layer, shifts, step, zero=False)


# ------------------------------------------------------------------------------ octaves
def octave_sizes_loop(height, width, octaves, scale):
    sizes = []
    for k in range(octaves):
        sizes.insert(0, (round(height / scale**k), round(width / scale**k)))
    return sizes


def octave_sizes_int(height, width, octaves, scale):
    return [(int(height / scale**k), int(width / scale**k)) for k in range(octaves - 1, -1, -1)]


def map_sizes_ceil(sizes, stride):
    import math

    return [(math.ceil(h / stride), math.ceil(w / stride)) for h, w in sizes]


def map_sizes_floor(sizes, stride):
    return [(h // stride, w // stride) for h, w in sizes]


ENTRIES = [
    Answer("check_fgsm", ref.fgsm, RIGHT, "variant"),
    Answer("check_fgsm", fgsm_backward, RIGHT, "variant"),
    Answer("check_fgsm", fgsm_nll, RIGHT, "variant"),
    Answer("check_fgsm", fgsm_127_5, RIGHT, "variant"),
    Answer("check_fgsm", fgsm_softmax_twice, RIGHT, "variant"),
    Answer("check_fgsm", fgsm_descent, "descent", "variant", names=r"down\* the loss"),
    Answer("check_fgsm", fgsm_no_sign, "no sign", "variant", names=r"its \*sign\*"),
    Answer("check_fgsm", fgsm_mean_normalised, "mean-normalised", "variant",
           names=r"mean \|g\| \(DeepDream's"),
    Answer("check_fgsm", fgsm_eps_in_network_units, "units", "variant",
           names=r"eps is in grey levels"),
    Answer("check_fgsm", fgsm_eps_over_255, "units 255", "variant", names=r"1/255"),
    Answer("check_fgsm", fgsm_no_clamp, "no clamp", "variant", names=r"clamp the result"),
    Answer("check_fgsm", fgsm_clamp_0_1, "clamp 0 1", "variant", names=r"clamped to \[0, 1\]"),
    Answer("check_fgsm", fgsm_clamp_pm1, "clamp -1 1", "variant",
           names=r"clamped to \[-1, 1\]"),
    Answer("check_fgsm", fgsm_lower_logit, "logit", "variant", names=r"lowered the logit"),
    Answer("check_fgsm", fgsm_grad_accumulates, "accumulated", "variant",
           names=r"x\.grad kept the first"),
    Answer("check_fgsm", fgsm_input_needs_no_grad, "gradient of weights", "variant",
           names=r"x\.grad is None"),
    Answer("check_fgsm", fgsm_weight_gradient, "gradient of weights", "variant",
           names=r"shape of a weight"),
    Answer("check_fgsm", fgsm_under_no_grad, "no grad", "variant",
           names=r"no gradient reached x"),
    Answer("check_fgsm", fgsm_train_mode, "train mode", "variant", names=r"train mode"),
    Answer("check_fgsm", fgsm_returns_numpy, "return type", "variant",
           names=r"return a torch tensor"),
    Answer("check_total_variation", ref.total_variation, RIGHT, "variant"),
    Answer("check_total_variation", tv_diff, RIGHT, "variant"),
    Answer("check_total_variation", tv_negative_dims, RIGHT, "variant"),
    Answer("check_total_variation", tv_no_abs, "no abs", "variant",
           names=r"forgot the absolute value"),
    Answer("check_total_variation", tv_squared, "squared", "variant", names=r"squared"),
    Answer("check_total_variation", tv_isotropic, "isotropic", "variant", names=r"isotropic"),
    Answer("check_total_variation", tv_height_only, "height only", "variant",
           names=r"only compared vertical"),
    Answer("check_total_variation", tv_colour_axis, "colour axis", "variant",
           names=r"colour channels"),
    Answer("check_total_variation", tv_sum, "sum", "variant", names=r"you summed"),
    Answer("check_total_variation", tv_average, "average", "variant", names=r"averaged"),
    Answer("check_total_variation", tv_roll, "wrap-around", "variant", names=r"wraps around"),
    Answer("check_total_variation", tv_item, "no graph", "variant", names=r"carries no gradient"),
    Answer("check_dream_steps", ref.dream_steps, RIGHT, "variant"),
    Answer("check_dream_steps", dream_steps_backward, RIGHT, "variant"),
    Answer("check_dream_steps", dream_steps_descent, "descent", "variant",
           names=r"down the gradient"),
    Answer("check_dream_steps", dream_steps_not_rolled_back, "not rolled back", "variant",
           names=r"did not roll the gradient back"),
    Answer("check_dream_steps", dream_steps_accumulate, "accumulated", "variant",
           names=r"add up from step to step"),
    Answer("check_octave_sizes", ref.octave_sizes, RIGHT, "variant"),
    Answer("check_octave_sizes", octave_sizes_loop, RIGHT, "variant"),
    Answer("check_octave_sizes", octave_sizes_int, "rounded down", "variant",
           names=r"int\(\) rounds down"),
    Answer("check_map_sizes", map_sizes_ceil, RIGHT, "variant"),
    Answer("check_map_sizes", map_sizes_floor, "rounded down", "variant",
           names=r"you rounded down"),
]

#: the mistake id each wrong FGSM / total-variation answer's check reports
MISTAKE_IDS = {a.fn: a.mistake for a in ENTRIES
               if a.mistake != RIGHT and a.check in ("check_fgsm", "check_total_variation")}
