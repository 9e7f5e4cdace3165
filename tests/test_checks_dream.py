"""The checks of notebook 05 accept the reference solutions and explain the typical mistakes."""

import pytest

from coursekit.checks import dream as checks
from coursekit.solutions import dream as ref


def _fails_with(check, fn, phrase):
    result = check(fn)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_reference_solutions_pass(capsys):
    assert checks.check_octave_sizes(ref.octave_sizes).passed is True
    assert checks.check_map_sizes(ref.map_sizes).passed is True
    assert capsys.readouterr().out.count("[PASS]") == 2


def test_unattempted_exercises_say_todo(capsys):
    def todo(*args):
        raise NotImplementedError

    for check in (checks.check_octave_sizes, checks.check_map_sizes):
        assert check(todo).passed is False
    assert capsys.readouterr().out.count("[TODO]") == 2


@pytest.mark.parametrize("fn, phrase", [
    (lambda h, w, n, s: ref.octave_sizes(h, w, n, s)[::-1], "order is reversed"),
    (lambda h, w, n, s: [(int(h / s**k), int(w / s**k)) for k in range(n - 1, -1, -1)],
     "int() rounds down"),
    (lambda h, w, n, s: ref.octave_sizes(h, w, n + 1, s), "one size per octave"),
    (lambda h, w, n, s: [(round(h * s**k), round(w * s**k)) for k in range(n)],
     "the last octave must be the full size"),
    (lambda h, w, n, s: 5, "list of (height, width)"),
])
def test_octave_sizes_mistakes(fn, phrase):
    _fails_with(checks.check_octave_sizes, fn, phrase)


def test_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_octave_sizes(3)


# ------------------------------------------------------------------------------------------
# The PyTorch ascent loop (exercise 1 since the December 2026 review): the check compares the
# student's loop with coursekit.dream.deepdream and names each typical mistake.

torch = pytest.importorskip("torch")
LOW, HIGH = ref.LOW, ref.HIGH


def _loop(kind=""):
    """A student's loop written with backward() and x.grad, with one mistake switched on."""

    def fn(model, x, layer, shifts, step):
        x = x.detach().clone().requires_grad_(True)
        for dy, dx in shifts:
            if kind == "not_rolled_back":  # roll outside the graph, forget to roll back
                rolled = torch.roll(x.detach(), (dy, dx), dims=(2, 3)).requires_grad_(True)
                model.features(rolled, layer).square().mean().backward()
                g = rolled.grad
            else:  # roll inside the graph: autograd rolls the gradient back by itself
                model.features(torch.roll(x, (dy, dx), dims=(2, 3)), layer).square().mean() \
                    .backward()
                g = x.grad
            if kind == "no_detach":
                x = (x + step * g / g.abs().mean()).clamp(LOW, HIGH)  # no longer a leaf
                continue
            with torch.no_grad():
                scale = {"std": g.std(), "none": 1.0}.get(kind, g.abs().mean())
                if kind == "descent":
                    x -= step * g / scale
                else:
                    x += step * g / scale
                x.clamp_(LOW, HIGH)
            if kind != "no_zero":
                x.grad = None
        return x if kind == "attached" else x.detach()
    return fn


def _grad_loop(*, dims=(2, 3), roll=True, roll_back=-1, square=True, reduce="mean",
               scale=lambda g: g.abs().mean(), clamp=True, low=LOW, high=HIGH):
    """A loop written with torch.autograd.grad; the defaults are right, each argument switches
    on one variant: roll dims, no roll, rolling back the wrong way (``roll_back=+1``), the
    activations not squared, a sum instead of a mean, another normaliser, no or another clamp."""

    def fn(model, x, layer, shifts, step):
        x = x.detach().clone()
        for dy, dx in shifts:
            dy, dx = (dy, dx) if roll else (0, 0)
            rolled = torch.roll(x, (dy, dx), dims=dims).requires_grad_(True)
            act = model.features(rolled, layer)
            act = act.square() if square else act
            (g,) = torch.autograd.grad(act.sum() if reduce == "sum" else act.mean(), rolled)
            g = torch.roll(g, (roll_back * dy, roll_back * dx), dims=dims)
            x = x + step * g / scale(g)
            x = x.clamp(low, high) if clamp else x
        return x
    return fn


def test_dream_steps_check_accepts_the_reference_and_a_backward_loop(capsys):
    assert checks.check_dream_steps(ref.dream_steps).passed is True
    assert checks.check_dream_steps(_loop()).passed is True
    assert capsys.readouterr().out.count("[PASS]") == 2


def test_dream_steps_check_says_todo():
    def todo(model, x, layer, shifts, step):
        raise NotImplementedError

    result = checks.check_dream_steps(todo)
    assert result.passed is False and "not attempted" in result.message


@pytest.mark.parametrize("kind, phrase", [
    ("descent", "you went down the gradient"),
    ("none", "you forgot to normalise"),
    ("std", "standard deviation"),
    ("not_rolled_back", "you did not roll the gradient back"),
    ("no_zero", "the gradients add up from step to step"),
    ("attached", "still attached to the autograd graph"),
])
def test_dream_steps_check_names_the_mistake(kind, phrase):
    _fails_with(checks.check_dream_steps, _loop(kind), phrase)


@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf")
def test_dream_steps_check_reports_a_loop_that_forgets_to_detach():
    result = checks.check_dream_steps(_loop("no_detach"))
    assert result.passed is False
    assert "raised" in result.message and "update x without tracking gradients" in result.message


@pytest.mark.parametrize("scale, phrase", [
    (lambda g: g.mean(), "not of its absolute value"),
    (lambda g: g.abs().max(), "largest |gradient|"),
    (lambda g: g.norm(), "L2 norm"),
])
def test_dream_steps_check_names_the_wrong_normaliser(scale, phrase):
    _fails_with(checks.check_dream_steps, _grad_loop(scale=scale), phrase)


def test_dream_steps_check_names_a_gradient_rolled_the_wrong_way():
    _fails_with(checks.check_dream_steps, _grad_loop(roll_back=+1),
                "instead of back by (-dy, -dx)")


def test_dream_steps_check_names_in_place_changes_and_wrong_types():
    def in_place(model, x, layer, shifts, step):
        x += 0.0 * x + 1e-3
        return ref.dream_steps(model, x, layer, shifts, step)

    _fails_with(checks.check_dream_steps, in_place, "changed in place")
    _fails_with(checks.check_dream_steps,
                lambda model, x, layer, shifts, step: ref.dream_steps(
                    model, x, layer, shifts, step).numpy(), "return a torch tensor")


def test_dream_steps_check_names_a_missing_clamp():
    _fails_with(checks.check_dream_steps, _grad_loop(clamp=False),
                "clamp the new image to the valid range")


def test_dream_steps_check_compares_with_coursekit_dream():
    def off_by_two_grey_levels(model, x, layer, shifts, step):
        return (ref.dream_steps(model, x, layer, shifts, step) + 2 / 128).clamp(LOW, HIGH)

    _fails_with(checks.check_dream_steps, off_by_two_grey_levels,
                "differs from coursekit.dream.deepdream's by up to 2 grey levels")


@pytest.mark.parametrize("kwargs, phrase", [
    ({"roll": False}, "the image was not rolled in height and width"),
    ({"dims": (0, 1)}, "the image was not rolled in height and width"),  # batch, colour: no-ops
    ({"dims": (1, 2)}, "you rolled dims (1, 2)"),
    ({"square": False}, "mean *square* of the activations"),
    ({"low": 0.0, "high": 1.0}, "you clamped to [0, 1]"),
    ({"low": -1.0, "high": 1.0}, "you clamped to [-1, 1]"),
])
def test_dream_steps_check_names_the_second_review_mistakes(kwargs, phrase):
    _fails_with(checks.check_dream_steps, _grad_loop(**kwargs), phrase)


def test_dream_steps_check_accepts_a_sum_of_squares_objective():
    assert checks.check_dream_steps(_grad_loop(reduce="sum")).passed is True


def test_map_sizes_check_accepts_the_reference_and_says_todo():
    assert checks.check_map_sizes(ref.map_sizes).passed is True
    assert checks.check_map_sizes(lambda *a: (_ for _ in ()).throw(NotImplementedError)).passed \
        is False


@pytest.mark.parametrize("fn, phrase", [
    (lambda sizes, s: [(h // s, w // s) for h, w in sizes], "you rounded down"),
    (lambda sizes, s: [(round(h / s), round(w / s)) for h, w in sizes], "nearest integer"),
    (lambda sizes, s: [(h / s, w / s) for h, w in sizes], "whole numbers of positions"),
    (lambda sizes, s: [(h * s, w * s) for h, w in sizes], "multiplied by the stride"),
    (lambda sizes, s: 3, "list of (height, width) pairs"),
    (lambda sizes, s: ref.map_sizes(sizes, 16), "stride 8"),  # right for stride 16 only
])
def test_map_sizes_mistakes(fn, phrase):
    _fails_with(checks.check_map_sizes, fn, phrase)


def test_dream_steps_check_names_swapped_roll_dims():
    _fails_with(checks.check_dream_steps, _grad_loop(dims=(3, 2)), "dy along the width")


# ------------------------------------------------------------------------------------------
# FGSM and total variation: the corpus's right answers pass, each wrong one is named by the id
# of its mistake (the answers live once, in tests/corpus_dream.py).

import corpus_dream  # noqa: E402

_CASES = [a for a in corpus_dream.ENTRIES if a.check in ("check_fgsm", "check_total_variation")]


@pytest.mark.parametrize("answer", _CASES, ids=[f"{a.check[6:]}:{a.fn.__name__}" for a in _CASES])
def test_fgsm_and_total_variation_checks_name_each_mistake(answer):
    result = getattr(checks, answer.check)(answer.fn)
    if answer.mistake == "right":
        assert result.passed, result.message
    else:
        assert not result.passed
        assert result.mistake == corpus_dream.MISTAKE_IDS[answer.fn], result.message


def test_new_checks_say_todo_and_reject_a_non_function():
    def todo(*args):
        raise NotImplementedError

    for check in (checks.check_fgsm, checks.check_total_variation):
        assert check(todo).mistake == "todo"
        with pytest.raises(TypeError, match="pass your function"):
            check(3)


def test_fgsm_check_leaves_the_shared_model_as_it_was(model):
    from coursekit.checks.dream import _setup

    shared = _setup()[0]
    before = {k: v.clone() for k, v in shared.state_dict().items()}
    checks.check_fgsm(corpus_dream.fgsm_train_mode)  # trains BatchNorm's running statistics
    checks.check_fgsm(corpus_dream.fgsm_backward)     # fills the weights' .grad
    assert not shared.training
    assert all(torch.equal(before[k], v) for k, v in shared.state_dict().items())
    assert all(p.grad is None for p in shared.parameters())


def test_fgsm_check_explains_an_unnamed_wrong_step():
    def random_step(model, x, label, eps):
        signs = torch.randint(0, 2, x.shape, generator=torch.Generator().manual_seed(0)) * 2 - 1
        return (x + eps / 128 * signs).clamp(LOW, HIGH)

    result = checks.check_fgsm(random_step)
    assert result.mistake == "values" and "not the FGSM step" in result.message


@pytest.mark.parametrize(("unit", "mistake", "phrase"), [
    (1.0, "units", "eps is in grey levels"),      # forgot the / 128
    (255.0, "units 255", "1/255"),               # the [0, 1] convention
    (127.5, "units 127.5", "1/127.5"),           # the (pixel / 127.5 - 1) convention, 0.4 % off
    (127.0, "values", "by up to 2.02"),          # not a convention: rejected, measured
])
def test_fgsm_check_rejects_every_grey_level_but_1_128(unit, mistake, phrase):
    def step(model, x, label, eps):
        return corpus_dream._fgsm(model, x, label, eps, unit=unit)

    result = checks.check_fgsm(step)
    assert not result.passed and result.mistake == mistake, result.message
    assert phrase in result.message, result.message


def test_total_variation_check_wants_one_number():
    result = checks.check_total_variation(lambda x: (x[..., 1:, :] - x[..., :-1, :]).abs())
    assert result.mistake == "shape" and "one number" in result.message


# ------------------------------------------------------------------------------------------
# What passes works downstream: every correct answer of the corpus, put through what the
# notebook's later cells do with the student's function (on a small image).

_RIGHT = [a for a in corpus_dream.ENTRIES if a.mistake == "right"]


@pytest.mark.parametrize("answer", _RIGHT, ids=[f"{a.check[6:]}:{a.fn.__name__}" for a in _RIGHT])
def test_every_accepted_answer_works_in_the_later_cells(answer, model):
    import numpy as np

    from coursekit import dream
    from coursekit.data import sample_image

    image = dream.resize(sample_image("grace_hopper"), (64, 56))
    x = dream.preprocess(image)
    if answer.check == "check_fgsm":  # cell fgsm-run
        adversarial = torch.as_tensor(answer.fn(model, x, 652, 1)).detach()
        with torch.no_grad():
            assert model(adversarial).softmax(dim=1).shape == (1, 1000)
        attacked = dream.deprocess(adversarial)
        assert np.abs(attacked.astype(int) - image).max() == 1
        assert not model.training
    elif answer.check == "check_total_variation":  # cell prior-run
        smooth = dream.deepdream(model, image, "block4", octaves=1, steps=2, prior=answer.fn,
                                 prior_weight=1000)
        assert float(answer.fn(dream.preprocess(smooth))) > 0
    elif answer.check == "check_dream_steps":  # cell dream-steps-run
        out = dream.deprocess(answer.fn(model, x, "block4", [(3, -2), (0, 5)], 4 / 128))
        assert dream.objective(model, out, "block4") > dream.objective(model, image, "block4")
    elif answer.check == "check_octave_sizes":  # cell 8941ddc5
        sizes = answer.fn(224, 224, 4, 1.4)
        assert [tuple(s) for s in sizes][-1] == (224, 224)
    else:  # check_map_sizes, cell 8941ddc5
        assert [tuple(s) for s in answer.fn([(82, 82), (224, 224)], 16)] == [(6, 6), (14, 14)]
    model.zero_grad(set_to_none=True)


# ------------------------------------------------------------------------------------------
# Classes revealed by real student code: a returned perturbation, chained int() octaves, and
# FGSM / total-variation answers with two or three slips at once (each part named).

def _chained_int_octaves(height, width, octaves, scale):
    sizes = [(height, width)]
    for _ in range(octaves - 1):
        sizes.insert(0, (int(sizes[0][0] / scale), int(sizes[0][1] / scale)))
    return sizes


def test_octave_sizes_names_chained_int():
    result = checks.check_octave_sizes(_chained_int_octaves)
    assert result.mistake == "floor" and "int()" in result.message


def _perturbation_alone(model, x, label, eps):
    import torch.nn.functional as F

    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(F.cross_entropy(model(x), torch.tensor([label])), x)
    return eps / 128 * g.sign()


def _eps_255_clamp_0_1(model, x, label, eps):
    import torch.nn.functional as F

    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(F.cross_entropy(model(x), torch.tensor([label])), x)
    return (x + eps / 255 * g.sign()).clamp(0, 1).detach()


@pytest.mark.parametrize(("fn", "mistake", "phrases"), [
    (_perturbation_alone, "perturbation", ["perturbation eps · sign(grad) alone"]),
    (_eps_255_clamp_0_1, "combined", ["2 mistakes", "1/255", "not [0, 1]"]),
    (lambda *a: corpus_dream._fgsm(*a, unit=127.5, sign=-1.0), "combined",
     ["2 mistakes", "go *up* the loss", "not 1/127.5"]),
])
def test_fgsm_names_a_perturbation_and_each_part_of_a_combined_slip(fn, mistake, phrases):
    result = checks.check_fgsm(fn)
    assert result.mistake == mistake, result.message
    assert all(p in result.message for p in phrases), result.message


@pytest.mark.parametrize(("fn", "phrases"), [
    (lambda x: ((x[..., 1:, :] - x[..., :-1, :]) ** 2).sum()
     + ((x[..., :, 1:] - x[..., :, :-1]) ** 2).sum(), ["2 mistakes", ".abs()", "not their sum"]),
    (lambda x: 2 * (((x[..., 1:, :] - x[..., :-1, :]) ** 2).mean()
                    + ((x[..., :, 1:] - x[..., :, :-1]) ** 2).mean()), ["2 mistakes", "factor 2"]),
])
def test_total_variation_names_each_part_of_a_combined_slip(fn, phrases):
    result = checks.check_total_variation(fn)
    assert result.mistake == "combined", result.message
    assert all(p in result.message for p in phrases), result.message


def test_dream_steps_names_each_part_of_a_tensorflow_tutorial_port():
    result = checks.check_dream_steps(corpus_dream.dream_steps_real_tf_tutorial_port)
    assert result.mistake == "combined", result.message
    for part in ("3 mistakes", "*square*", "standard deviation", "not [-1, 1]"):
        assert part in result.message, result.message


def test_total_variation_names_the_notebook_draft_handed_in_unchanged():
    import torch

    def draft(x):  # the draft that exercise 3 asks the student to debug
        down = torch.roll(x, -1, dims=2) - x
        right = torch.roll(x, -1, dims=3) - x
        return down.square().mean() + right.square().mean()

    result = checks.check_total_variation(draft)
    assert not result.passed and "both of its bugs" in result.message


def _round5_loop(*, jitter=1, roll_back=-1, step_scale=1.0, logits=False):
    """A correct autograd loop with one slip the round-5 reviews named: ``step`` divided or
    multiplied by 128 again, the jitter rolled the opposite way, or the logits' mean square."""

    def fn(model, x, layer, shifts, step):
        x = x.detach().clone()
        for dy, dx in shifts:
            dy, dx = jitter * dy, jitter * dx
            rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
            out = model(rolled) if logits else model.features(rolled, layer)
            (g,) = torch.autograd.grad(out.square().mean(), rolled)
            g = torch.roll(g, (roll_back * dy, roll_back * dx), dims=(2, 3))
            x = (x + step * step_scale * g / g.abs().mean()).clamp(LOW, HIGH)
        return x
    return fn


@pytest.mark.parametrize("kwargs, phrase", [
    ({"step_scale": 1 / 128}, "you divided `step` by 128 again"),
    ({"step_scale": 128.0}, "you multiplied `step` by 128"),
    ({"jitter": -1}, "the jitter goes the opposite way"),
    ({"jitter": -1, "roll_back": 1}, "and the gradient by (-dy, -dx) again"),
    ({"logits": True}, "mean square of the logits"),
])
def test_dream_steps_check_names_units_jitter_direction_and_logits(kwargs, phrase):
    _fails_with(checks.check_dream_steps, _round5_loop(**kwargs), phrase)


@pytest.mark.parametrize("fn, phrase", [
    (corpus_dream.dream_steps_rolled_back_twice, "moves it by (-2dy, -2dx)"),
    (corpus_dream.dream_steps_clamp_at_end, "clamped only once, after the last step"),
    (corpus_dream.dream_steps_per_channel, "each colour channel by its own mean |gradient|"),
])
def test_dream_steps_check_names_the_round8_mistakes(fn, phrase):
    _fails_with(checks.check_dream_steps, fn, phrase)
