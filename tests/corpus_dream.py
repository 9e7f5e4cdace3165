"""Answers to the exercises of notebook 05 (DeepDream), right and wrong; see check_corpus.py.

Each wrong answer makes one mistake students make (the course's own variants; answers reduced
from public student code are added with ``source="real: ..."``). ``MISTAKE_IDS`` maps each wrong
FGSM and total-variation answer to the mistake id its check must report
(tests/test_checks_dream.py).
"""

import numpy as np
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


def fgsm_eps_over_127_5(model, x, label, eps):
    # the (pixel / 127.5 - 1) convention of other networks: every step 0.4 % too long
    return _fgsm(model, x, label, eps, unit=127.5)


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


def dream_steps_rolled_back_twice(model, x, layer, shifts, step):
    # differentiates with respect to x through torch.roll (autograd undoes the roll), then
    # rolls the gradient back again as the recipe says
    x = x.detach().clone()
    for dy, dx in shifts:
        leaf = x.clone().requires_grad_(True)
        objective = model.features(torch.roll(leaf, (dy, dx), dims=(2, 3)), layer).square().mean()
        (grad,) = torch.autograd.grad(objective, leaf)
        grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))
        x = (x + step * grad / grad.abs().mean()).clamp(LOW, HIGH)
    return x


def dream_steps_clamp_at_end(model, x, layer, shifts, step):
    # the clamp moved out of the loop: the image may leave the valid range between steps
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (grad,) = torch.autograd.grad(model.features(rolled, layer).square().mean(), rolled)
        x = x + step * torch.roll(grad, (-dy, -dx), dims=(2, 3)) / grad.abs().mean()
    return x.clamp(LOW, HIGH)


def dream_steps_per_channel(model, x, layer, shifts, step):
    # each colour channel divided by its own mean |gradient|
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (grad,) = torch.autograd.grad(model.features(rolled, layer).square().mean(), rolled)
        grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))
        x = (x + step * grad / grad.abs().mean(dim=(2, 3), keepdim=True)).clamp(LOW, HIGH)
    return x


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
    Answer("check_fgsm", fgsm_softmax_twice, RIGHT, "variant"),
    Answer("check_fgsm", fgsm_descent, "descent", "variant", names=r"down\* the loss"),
    Answer("check_fgsm", fgsm_no_sign, "no sign", "variant", names=r"the gradient itself"),
    Answer("check_fgsm", fgsm_mean_normalised, "mean-normalised", "variant",
           names=r"mean \|g\| \(DeepDream's"),
    Answer("check_fgsm", fgsm_eps_in_network_units, "units", "variant",
           names=r"eps is in grey levels"),
    Answer("check_fgsm", fgsm_eps_over_255, "units 255", "variant", names=r"1/255"),
    Answer("check_fgsm", fgsm_eps_over_127_5, "units 127.5", "variant", names=r"1/127\.5"),
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
    Answer("check_dream_steps", dream_steps_rolled_back_twice, "rolled back twice", "variant",
           names=r"rolled the gradient back twice"),
    Answer("check_dream_steps", dream_steps_clamp_at_end, "clamped at the end", "variant",
           names=r"clamped only once, after the last step"),
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


# ================================================================ reduced from real public code
# Each function keeps the original's mistake (or its right idea) in the exercise's signature;
# the comment says what the original did.

# ------------------------------------------------------------------------------ fgsm
def fgsm_real_tutorial_clamp_0_1(model, x, label, eps):
    # rohantiwari02/Adv_pytorch: the PyTorch tutorial's fgsm_attack, image + eps * sign(grad)
    # clamped to [0, 1] (the tutorial's MNIST range, not this network's)
    x = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), torch.tensor([label]))
    model.zero_grad()
    loss.backward()
    sign_data_grad = x.grad.data.sign()
    perturbed_image = x.detach() + eps / 128 * sign_data_grad
    return torch.clamp(perturbed_image, 0, 1)


def fgsm_real_perturbation_only(model, x, label, eps):
    # zzj403/attack-pytorch-YOLOv4-1 fgsm_attack2: returns eps * sign(grad), clamped to
    # [0, 1], without adding it to the image
    x = x.detach().clone().requires_grad_(True)
    (data_grad,) = torch.autograd.grad(F.cross_entropy(model(x), torch.tensor([label])), x)
    perturbed_attack = eps / 128 * data_grad.sign()
    return torch.clamp(perturbed_attack, 0, 1)


def fgsm_real_caller_grad_clamp(model, x, label, eps):
    # AliCampbellKhaya/robust_nn_mqp: reads image.grad of the caller's tensor and clamps the
    # result to [0, 1]
    x.requires_grad_(True)
    F.cross_entropy(model(x), torch.tensor([label])).backward()
    image_grad = x.grad.data
    perturbed_image = x.detach() + eps / 128 * image_grad.sign()
    return torch.clamp(perturbed_image, 0, 1)


def fgsm_real_sign_only(model, x, label, eps):
    # young-liziii/AMR-attack: _x = eps * torch.sign(x.grad.data), the perturbation alone
    x = x.detach().clone().requires_grad_(True)
    F.cross_entropy(model(x), torch.tensor([label])).backward()
    return eps / 128 * torch.sign(x.grad.data)


def fgsm_real_tf_clip(model, x, label, eps):
    # tensorflow/docs adversarial_fgsm: adv_x = image + eps * perturbations, then
    # tf.clip_by_value(adv_x, -1, 1), MobileNetV2's range, ported to torch
    x = x.detach().clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(F.cross_entropy(model(x), torch.tensor([label])), x)
    perturbations = torch.sign(gradient)
    adv_x = x.detach() + eps / 128 * perturbations
    return torch.clamp(adv_x, -1, 1)


def fgsm_real_tf_probabilities(model, x, label, eps):
    # serkanhiziroglu/adversarialML: CategoricalCrossentropy of a one-hot label and the
    # model's softmax probabilities, gradient by tape, tf.sign: the same loss, the same step
    x = x.detach().clone().requires_grad_(True)
    probabilities = model(x).softmax(dim=1)
    one_hot = F.one_hot(torch.tensor([label]), probabilities.shape[1]).to(probabilities.dtype)
    loss = -(one_hot * probabilities.log()).sum(dim=1).mean()
    (gradient,) = torch.autograd.grad(loss, x)
    return (x + eps / 128 * tf_like_sign(gradient)).clamp(LOW, HIGH).detach()


def tf_like_sign(t):
    return torch.where(t > 0, 1.0, torch.where(t < 0, -1.0, 0.0)).to(t.dtype)


def fgsm_real_tape_pattern(model, x, label, eps):
    # BEESPE/202512-BNP-secugouvia create_adversarial_pattern: the gradient of the loss with
    # respect to the watched input, its sign as the pattern; added to the image and clamped
    x = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), torch.tensor([label]))
    (grad,) = torch.autograd.grad(loss, [x])
    signed_grad = grad.sign()
    return torch.clamp(x.detach() + (eps / 128) * signed_grad, min=LOW, max=HIGH)


def fgsm_real_nll_on_logits(model, x, label, eps):
    # pytorch/tutorials fgsm_tutorial: F.nll_loss(output, target), right for its MNIST net
    # (which returns log_softmax), used on a network that returns logits: -logit[label]
    x = x.detach().clone().requires_grad_(True)
    loss = F.nll_loss(model(x), torch.tensor([label]))
    model.zero_grad()
    loss.backward()
    return torch.clamp(x.detach() + eps / 128 * x.grad.data.sign(), LOW, HIGH)


def fgsm_real_clone_backward_clamp(model, x, label, eps):
    # HalmosiL/CIFAR-10-Adversarial-Traning FGSM: a fresh leaf (clone().detach()
    # .requires_grad_), loss.backward(), the tutorial's fgsm_attack clamped to [0, 1]
    adv_inputs = x.clone().detach().requires_grad_(True)
    loss = F.cross_entropy(model(adv_inputs), torch.tensor([label]))
    loss.backward()
    data_grad = adv_inputs.grad.data
    model.zero_grad()
    return torch.clamp(adv_inputs + eps / 128 * data_grad.sign(), 0, 1).detach()


def fgsm_real_requires_grad_on_input(model, x, label, eps):
    # santhosh1705kumar/pytorch-adversarial-attackers FGSM: image.requires_grad = True on the
    # caller's tensor, image + epsilon * image.grad.sign(), clamped to [0, 1]
    x.requires_grad = True
    loss = F.cross_entropy(model(x), torch.tensor([label]))
    model.zero_grad()
    loss.backward()
    perturbed_image = x + eps / 128 * x.grad.sign()
    return torch.clamp(perturbed_image, 0, 1)


def fgsm_real_torchattacks(model, x, label, eps):
    # Harry24k/adversarial-attacks-pytorch FGSM: images in [0, 1] (a grey level is 1/255),
    # images + eps * grad.sign() from torch.autograd.grad, clamped to [0, 1] by default
    images = x.clone().detach().requires_grad_(True)
    cost = torch.nn.CrossEntropyLoss()(model(images), torch.tensor([label]))
    grad = torch.autograd.grad(cost, images, retain_graph=False, create_graph=False)[0]
    adv_images = images + eps / 255 * grad.sign()
    return torch.clamp(adv_images, min=0, max=1).detach()


# ------------------------------------------------------------------------------ dream_steps
def dream_steps_real_std_normalised(model, x, layer, shifts, step):
    # lipzh5/DeepDreamNeuralStyleTransfer (TensorFlow tutorial port):
    # gradients /= tf.math.reduce_std(gradients) + 1e-8
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (g,) = torch.autograd.grad(model.features(rolled, layer).square().mean(), rolled)
        g = torch.roll(g, (-dy, -dx), dims=(2, 3))
        g = g / (g.std() + 1e-8)
        x = (x + g * step).clamp(LOW, HIGH)
    return x


def dream_steps_real_clip_pm1(model, x, layer, shifts, step):
    # lipzh5/DeepDreamNeuralStyleTransfer: image = tf.clip_by_value(image, -1, 1), the
    # InceptionV3 range, kept for this network
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (g,) = torch.autograd.grad(model.features(rolled, layer).square().mean(), rolled)
        g = torch.roll(g, (-dy, -dx), dims=(2, 3))
        x = torch.clamp(x + step * g / g.abs().mean(), -1, 1)
    return x


def dream_steps_real_mean_activation(model, x, layer, shifts, step):
    # minoring/deepdream loss_fn: loss = tf.math.reduce_mean(act) (no square)
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        loss = torch.mean(model.features(rolled, layer))
        (g,) = torch.autograd.grad(loss, rolled)
        g = torch.roll(g, (-dy, -dx), dims=(2, 3))
        x = (x + step * g / g.abs().mean()).clamp(LOW, HIGH)
    return x


def dream_steps_real_calc_loss_list(model, x, layer, shifts, step):
    # crossbat/crossbat.github.io (TensorFlow tutorial calc_loss): one reduce_mean per layer,
    # summed over the list of layers (one layer here), no square
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        layer_activations = [model.features(rolled, layer)]
        losses = [act.mean() for act in layer_activations]
        (g,) = torch.autograd.grad(torch.stack(losses).sum(), rolled)
        x = (x + step * torch.roll(g, (-dy, -dx), dims=(2, 3)) / g.abs().mean()).clamp(LOW, HIGH)
    return x


def dream_steps_real_tf1_score(model, x, layer, shifts, step):
    # panchocodes/DeepDream-Eyes render_deepdream: t_score = tf.reduce_mean(t_obj), step
    # g * (step / (np.abs(g).mean() + 1e-7)): a right normalisation, the plain mean objective
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (g,) = torch.autograd.grad(model.features(rolled, layer).mean(), rolled)
        g = torch.roll(g, (-dy, -dx), dims=(2, 3))
        x = (x + g * (step / (g.abs().mean() + 1e-7))).clamp(LOW, HIGH)
    return x


def dream_steps_real_caffe_l2(model, x, layer, shifts, step):
    # google/deepdream dream.ipynb make_step: objective_L2 sets the layer's diff to its data
    # (the gradient of ½·sum(act²)), rolls the image, steps by step / mean|g| · g, rolls the
    # image back and clips it to the valid range
    x = x.detach().clone()
    for oy, ox in shifts:
        x = torch.roll(x, (oy, ox), dims=(2, 3)).requires_grad_(True)
        act = model.features(x, layer)
        act.backward(act.detach())
        with torch.no_grad():
            g = x.grad
            x = x + step / g.abs().mean() * g
            x = torch.roll(x, (-oy, -ox), dims=(2, 3)).clamp(LOW, HIGH)
    return x.detach()


def dream_steps_real_unnormalised(model, x, layer, shifts, step):
    # OwenPendrighElliott/deep_dreaming: X = X + lr * dX, the raw gradient (no normalisation)
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        (g,) = torch.autograd.grad(model.features(rolled, layer).square().mean(), rolled)
        x = (x + step * torch.roll(g, (-dy, -dx), dims=(2, 3))).clamp(LOW, HIGH)
    return x


def dream_steps_real_mse_to_zero(model, x, layer, shifts, step):
    # aljhn/deep_dream: the "MSE loss of the features" (against zeros: their mean square) and
    # normalised gradients
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        act = model.features(rolled, layer)
        loss = F.mse_loss(act, torch.zeros_like(act))
        (g,) = torch.autograd.grad(loss, rolled)
        g = torch.roll(g, (-dy, -dx), dims=(2, 3))
        x = (x + step * g / g.abs().mean()).clamp(LOW, HIGH)
    return x


def dream_steps_real_tf_tutorial_port(model, x, layer, shifts, step):
    # tensorflow/docs deepdream, ported to torch as is: calc_loss takes reduce_mean(act),
    # gradients /= reduce_std(gradients) + 1e-8, img = clip_by_value(img, -1, 1)
    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        loss = model.features(rolled, layer).mean()
        (gradients,) = torch.autograd.grad(loss, rolled)
        gradients = torch.roll(gradients, (-dy, -dx), dims=(2, 3))
        gradients = gradients / (gradients.std() + 1e-8)
        x = torch.clamp(x + gradients * step, -1, 1)
    return x


# ------------------------------------------------------------------------------ total variation
def tv_real_squared_numel(x):
    # ToruYamanoe/ImageCorrection total_variation_loss: squared differences summed, divided by
    # b * c * h * w (weight 1 here)
    bs_img, c_img, h_img, w_img = x.size()
    tv_h = torch.pow(x[:, :, 1:, :] - x[:, :, :-1, :], 2).sum()
    tv_w = torch.pow(x[:, :, :, 1:] - x[:, :, :, :-1], 2).sum()
    return (tv_h + tv_w) / (bs_img * c_img * h_img * w_img)


def tv_real_squared_mean(x):
    # MalchuL/vsk-dl-utils TVLoss: torch.pow(difference, 2).mean() for each direction
    h_x, w_x = x.size()[2], x.size()[3]
    h_tv = torch.pow(x[:, :, 1:, :] - x[:, :, :h_x - 1, :], 2).mean()
    w_tv = torch.pow(x[:, :, :, 1:] - x[:, :, :, :w_x - 1], 2).mean()
    return h_tv + w_tv


def tv_real_abs_sum(x):
    # leftshiftone/aikido TVLoss: torch.sum(torch.abs(x_diff)) + torch.sum(torch.abs(y_diff))
    x_diff = x[:, :, 1:, :] - x[:, :, :-1, :]
    y_diff = x[:, :, :, 1:] - x[:, :, :, :-1]
    return torch.sum(torch.abs(x_diff)) + torch.sum(torch.abs(y_diff))


def tv_real_tf_tutorial(x):
    # tensorflow/docs style_transfer total_variation_loss: high-pass deltas, then
    # reduce_sum(abs(x_deltas)) + reduce_sum(abs(y_deltas))
    x_deltas = x[..., :, 1:] - x[..., :, :-1]
    y_deltas = x[..., 1:, :] - x[..., :-1, :]
    return x_deltas.abs().sum() + y_deltas.abs().sum()


def tv_real_squared_sum_half(x):
    # cherrysherryplus/TSECN tv_loss: squared differences summed per direction (divided by the
    # batch size, 1 here), then the two directions averaged
    b = x.size()[0]
    w_variance = torch.sum(torch.pow(x[:, :, :, :-1] - x[:, :, :, 1:], 2)) / b
    h_variance = torch.sum(torch.pow(x[:, :, :-1, :] - x[:, :, 1:, :], 2)) / b
    return (h_variance + w_variance) / 2


# ------------------------------------------------------------------------------ octaves
def octave_sizes_real_chained_int(height, width, octaves, scale):
    # panchocodes/DeepDream-Eyes: lo = resize(img, np.int32(np.float32(hw) / octave_scale)),
    # each octave floored from the one above it
    sizes = [(height, width)]
    for _ in range(octaves - 1):
        h, w = sizes[0]
        sizes.insert(0, (int(np.float32(h) / scale), int(np.float32(w) / scale)))
    return sizes


def octave_sizes_real_tf_cast(height, width, octaves, scale):
    # tensorflow/docs deepdream: new_shape = tf.cast(base_shape * OCTAVE_SCALE**n, tf.int32),
    # which truncates
    base_shape = np.array([height, width], dtype=np.float32)
    return [tuple(int(v) for v in (base_shape * scale ** -n).astype(np.int32))
            for n in range(octaves - 1, -1, -1)]


R = "real: "
ENTRIES += [
    Answer("check_fgsm", fgsm_real_tutorial_clamp_0_1, "clamp 0 1", R + "rohantiwari02/"
           "Adv_pytorch attacks/__pycache__/fsgm_attak.py", names=r"clamped to \[0, 1\]"),
    Answer("check_fgsm", fgsm_real_perturbation_only, "perturbation", R + "zzj403/"
           "attack-pytorch-YOLOv4-1 fgsm.py", names=r"perturbation eps · sign\(grad\) alone"),
    Answer("check_fgsm", fgsm_real_caller_grad_clamp, "clamp 0 1", R + "AliCampbellKhaya/"
           "robust_nn_mqp attacks/fgsm.py", names=r"clamped to \[0, 1\]"),
    Answer("check_fgsm", fgsm_real_sign_only, "perturbation", R + "young-liziii/AMR-attack "
           "README.md", names=r"perturbation eps · sign\(grad\) alone"),
    Answer("check_fgsm", fgsm_real_tf_clip, "clamp -1 1", R + "tensorflow/docs "
           "site/en/tutorials/generative/adversarial_fgsm.ipynb", names=r"clamped to \[-1, 1\]"),
    Answer("check_fgsm", fgsm_real_tf_probabilities, RIGHT, R + "serkanhiziroglu/adversarialML "
           "api/methods/fgsm.py"),
    Answer("check_fgsm", fgsm_real_tape_pattern, RIGHT, R + "BEESPE/202512-BNP-secugouvia "
           "adversarial-attacks/_solutions/tp2/6_create_adversarial_pattern.py"),
    Answer("check_fgsm", fgsm_real_nll_on_logits, "logit", R + "pytorch/tutorials "
           "beginner_source/fgsm_tutorial.py", names=r"lowered the logit"),
    Answer("check_fgsm", fgsm_real_clone_backward_clamp, "clamp 0 1", R + "HalmosiL/"
           "CIFAR-10-Adversarial-Traning utils/Attack.py", names=r"clamped to \[0, 1\]"),
    Answer("check_fgsm", fgsm_real_requires_grad_on_input, "clamp 0 1", R +
           "santhosh1705kumar/pytorch-adversarial-attackers attacks/fgsm.py",
           names=r"clamped to \[0, 1\]"),
    Answer("check_fgsm", fgsm_real_torchattacks, "combined", R + "Harry24k/"
           "adversarial-attacks-pytorch torchattacks/attacks/fgsm.py",
           names=r"2 mistakes: .*1/255.*not \[0, 1\]"),
    Answer("check_dream_steps", dream_steps_real_std_normalised, "std", R + "lipzh5/"
           "DeepDreamNeuralStyleTransfer models/deepdream.py", names=r"standard deviation"),
    Answer("check_dream_steps", dream_steps_real_clip_pm1, "clamp -1 1", R + "lipzh5/"
           "DeepDreamNeuralStyleTransfer models/deepdream.py", names=r"clamped to \[-1, 1\]"),
    Answer("check_dream_steps", dream_steps_real_mean_activation, "plain mean", R + "minoring/"
           "deepdream model.py", names=r"mean \*square\*"),
    Answer("check_dream_steps", dream_steps_real_calc_loss_list, "plain mean", R + "crossbat/"
           "crossbat.github.io _posts/2021-10-05-DeepDream.md", names=r"mean \*square\*"),
    Answer("check_dream_steps", dream_steps_real_tf1_score, "plain mean", R + "panchocodes/"
           "DeepDream-Eyes every_channel.py", names=r"mean \*square\*"),
    Answer("check_dream_steps", dream_steps_real_tf_tutorial_port, "combined", R +
           "tensorflow/docs site/en/tutorials/generative/deepdream.ipynb",
           names=r"3 mistakes: .*square.*standard deviation.*\[-1, 1\]"),
    Answer("check_dream_steps", dream_steps_real_caffe_l2, RIGHT, R + "google/deepdream "
           "dream.ipynb"),
    Answer("check_dream_steps", dream_steps_real_unnormalised, "not normalised", R +
           "OwenPendrighElliott/deep_dreaming README.md", names=r"forgot to normalise"),
    Answer("check_dream_steps", dream_steps_real_mse_to_zero, RIGHT, R + "aljhn/deep_dream "
           "README.md"),
    Answer("check_total_variation", tv_real_squared_numel, "combined", R + "ToruYamanoe/"
           "ImageCorrection models/loss.py", names=r"2 mistakes: .*\.abs\(\).*x\.numel"),
    Answer("check_total_variation", tv_real_squared_mean, "squared", R + "MalchuL/vsk-dl-utils "
           "vsk_dl_utils/losses/tv_loss.py", names=r"squared"),
    Answer("check_total_variation", tv_real_abs_sum, "sum", R + "leftshiftone/aikido "
           "aikido/nn/modules/styletransfer/TVLoss.py", names=r"you summed"),
    Answer("check_total_variation", tv_real_tf_tutorial, "sum", R + "tensorflow/docs "
           "site/en/tutorials/generative/style_transfer.ipynb", names=r"you summed"),
    Answer("check_total_variation", tv_real_squared_sum_half, "combined", R + "cherrysherryplus/"
           "TSECN models/loss_tv.py", names=r"3 mistakes: .*\.abs\(\).*mean.*average"),
    Answer("check_octave_sizes", octave_sizes_real_chained_int, "chained floor", R +
           "panchocodes/DeepDream-Eyes every_channel.py", names=r"int\(\)"),
    Answer("check_octave_sizes", octave_sizes_real_tf_cast, "rounded down", R + "tensorflow/docs "
           "site/en/tutorials/generative/deepdream.ipynb", names=r"int\(\) rounds down"),
]

#: the mistake id each wrong FGSM / total-variation answer's check reports
MISTAKE_IDS = {a.fn: a.mistake for a in ENTRIES
               if a.mistake != RIGHT and a.check in ("check_fgsm", "check_total_variation")}
