"""The checks of notebook 08 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest
import torch

from coursekit import data, inspection
from coursekit.checks import inside as checks
from coursekit.solutions import inside as ref


def test_references_pass(capsys):
    assert checks.check_conv_params(ref.conv_params).passed
    assert checks.check_training_bytes(ref.training_bytes).passed
    assert checks.check_diagnosis(ref.diagnosis()).passed
    assert checks.check_first_nonfinite(ref.first_nonfinite).passed
    out = capsys.readouterr().out
    assert out.count("[PASS]") == 4 and "[FAIL]" not in out


def test_unattempted_exercises_say_todo(capsys):
    def unfinished(*args, **kwargs):
        raise NotImplementedError

    for check in (checks.check_conv_params, checks.check_training_bytes,
                  checks.check_first_nonfinite):
        result = check(unfinished)
        assert not result.passed and result.mistake == "todo"
    result = checks.check_diagnosis({"A": None, "B": None, "C": None, "D": None})
    assert not result.passed and result.mistake == "todo"
    assert capsys.readouterr().out.count("[TODO]") == 4


@pytest.mark.parametrize(("wrong", "mistake"), [
    (lambda ci, co, k, groups=1, bias=True: co * (ci // groups) * k * k, "no bias"),
    (lambda ci, co, k, groups=1, bias=True: co * ci * k // groups + co * bias, "k not squared"),
    (lambda ci, co, k, groups=1, bias=True: co * ci * k * k + co * bias, "groups ignored"),
    (lambda ci, co, k, groups=1, bias=True: (co // groups) * (ci // groups) * k * k + co * bias,
     "groups twice"),
    (lambda ci, co, k, groups=1, bias=True: co * (ci // groups) * k * k + ci * bias,
     "bias per input"),
])
def test_conv_params_mistakes_are_named(wrong, mistake, capsys):
    result = checks.check_conv_params(wrong)
    assert not result.passed and result.mistake == mistake, result.message


def test_conv_params_accepts_floats_and_tensors():
    assert checks.check_conv_params(lambda ci, co, k, groups=1, bias=True:
                                    ci * co * k**2 / groups + bias * co).passed
    assert checks.check_conv_params(lambda ci, co, k, groups=1, bias=True: torch.tensor(
        ref.conv_params(ci, co, k, groups, bias))).passed


STATE = {"sgd": 0, "momentum": 1, "adam": 2}


def _parts(weights=None, gradients=None, state=None, master=None):
    """A training_bytes built from per-part rules ``rule(n, buffers, mixed)``; a rule left out is
    the right one."""
    def fn(n, optimizer, weights_16bit=False):
        right = ref.training_bytes(n, optimizer, weights_16bit)
        s, m = STATE[optimizer], weights_16bit
        rules = {"weights": weights, "gradients": gradients, "optimizer state": state,
                 "master copy": master}
        return {part: rule(n, s, m) if rule else right[part] for part, rule in rules.items()}
    return fn


@pytest.mark.parametrize(("wrong", "mistake"), [
    (lambda n, o, m=False: {k: 8 * v for k, v in ref.training_bytes(n, o, m).items()}, "bits"),
    (lambda n, o, m=False: {k: v / 1e6 for k, v in ref.training_bytes(n, o, m).items()},
     "megabytes"),
    (lambda n, o, m=False: sum(ref.training_bytes(n, o, m).values()), "not a dict"),
    (lambda n, o, m=False: {k: v for k, v in ref.training_bytes(n, o, m).items()
                            if k != "master copy"}, "missing part"),
    (_parts(weights=lambda n, s, m: 0), "weights missing"),
    (_parts(gradients=lambda n, s, m: 0), "gradients missing"),
    (_parts(state=lambda n, s, m: 4 * min(s, 1) * n), "adam one moment"),
    (_parts(state=lambda n, s, m: 4 * (s + (s == 2) * 2) * n), "adam corrected copies"),
    (_parts(state=lambda n, s, m: 4 * (s or 1) * n), "sgd state"),
    (_parts(state=lambda n, s, m: 4 * (s == 2) * 2 * n), "momentum state"),
    # momentum counted like Adam, with two buffers (velocity and a second moment)
    (_parts(state=lambda n, s, m: 4 * (2 if s else 0) * n), "momentum two buffers"),
    # the bytes of one parameter: n_params never multiplied in (all parts, or one)
    (lambda n, o, m=False: ref.training_bytes(1, o, m), "per parameter"),
    (_parts(state=lambda n, s, m: 4 * s), "per parameter"),
    # the flag ignored: float32 sizes in mixed precision, no master copy
    (_parts(weights=lambda n, s, m: 4 * n, gradients=lambda n, s, m: 4 * n,
            master=lambda n, s, m: 0), "32-bit weights in mixed"),
    (_parts(master=lambda n, s, m: 0), "no master copy"),
    (_parts(weights=lambda n, s, m: (6 if m else 4) * n, master=lambda n, s, m: 0),
     "master copy in weights"),
    (_parts(master=lambda n, s, m: 4 * n), "master copy in float32"),
    (_parts(state=lambda n, s, m: (2 if m else 4) * s * n), "16-bit state"),
    # plain SGD with no master copy: the one optimizer whose 16-bit layout a student may think
    # needs no float32 copy, since it keeps no state
    (_parts(master=lambda n, s, m: 4 * n if m and s else 0), "no master copy"),
    # ZeRO's convention: the master copy counted under "optimizer state"
    (_parts(state=lambda n, s, m: 4 * (s + m) * n, master=lambda n, s, m: 0),
     "master copy in state"),
    # Apex O2's float32 master gradients, under the gradients or beside the master copy
    (_parts(gradients=lambda n, s, m: (6 if m else 4) * n), "apex master gradients"),
    (_parts(master=lambda n, s, m: 8 * n if m else 0), "apex master gradients"),
])
def test_training_bytes_mistakes_are_named(wrong, mistake, capsys):
    result = checks.check_training_bytes(wrong)
    assert not result.passed and result.mistake == mistake, result.message


def test_training_bytes_names_two_momentum_buffers_and_a_per_parameter_count(capsys):
    two = checks.check_training_bytes(_parts(state=lambda n, s, m: 4 * (2 if s else 0) * n))
    assert "one buffer per parameter" in two.message and "not two" in two.message
    one = checks.check_training_bytes(lambda n, o, m=False: ref.training_bytes(1, o, m))
    assert "the bytes of one parameter" in one.message and "n_params (here 1_000)" in one.message


def test_training_bytes_autocast_layout_is_called_right_for_autocast(capsys):
    # float32 weights and gradients in mixed precision are what torch.autocast keeps: the
    # message must not call them wrong, only say which layout the exercise asks for
    result = checks.check_training_bytes(_parts(weights=lambda n, s, m: 4 * n,
                                                gradients=lambda n, s, m: 4 * n,
                                                master=lambda n, s, m: 0))
    assert not result.passed and "right for autocast" in result.message
    assert "ZeRO" in result.message


def test_training_bytes_plain_sgd_needs_its_master_copy(capsys):
    def master_only_with_state(n, optimizer, weights_16bit=False):
        parts = ref.training_bytes(n, optimizer, weights_16bit)
        if optimizer == "sgd":
            parts["master copy"] = 0
        return parts

    result = checks.check_training_bytes(master_only_with_state)
    assert not result.passed and result.mistake == "no master copy"
    assert "plain SGD too" in result.message


def test_training_bytes_accepts_floats_and_tensors(capsys):
    assert checks.check_training_bytes(lambda n, o, m=False: {
        k: float(v) for k, v in ref.training_bytes(n, o, m).items()}).passed
    assert checks.check_training_bytes(lambda n, o, m=False: {
        k: torch.tensor(v) for k, v in ref.training_bytes(n, o, m).items()}).passed


def test_training_bytes_in_mixed_precision_totals_float32_but_not_its_parts():
    # the float32 master copy costs what the 16-bit weights and gradients save
    for optimizer in STATE:
        mixed, float32 = ref.training_bytes(10, optimizer, True), ref.training_bytes(10, optimizer)
        assert sum(mixed.values()) == sum(float32.values()) and mixed != float32


def _answer(**changes):
    return {**ref.diagnosis(), **changes}


@pytest.mark.parametrize("run", checks.RUNS)
@pytest.mark.parametrize("cause", list(checks.CAUSES))
def test_every_wrong_diagnosis_is_named(run, cause, capsys):
    panel = ref.diagnosis()[run][1]
    result = checks.check_diagnosis(_answer(**{run: (cause, panel)}))
    if cause == ref.diagnosis()[run][0]:
        assert result.passed
    else:
        bug = ref.diagnosis()[run][0]
        assert not result.passed and result.mistake == f"{bug} as {cause}"
        assert f"run {run} is not '{checks.CAUSES[cause]}'" in result.message
        assert "Look at" not in result.message and "panel" not in result.message


@pytest.mark.parametrize("run", checks.RUNS)
@pytest.mark.parametrize("panel", list(checks.PANELS))
def test_every_wrong_panel_is_named(run, panel, capsys):
    cause, right = ref.diagnosis()[run]
    result = checks.check_diagnosis(_answer(**{run: (cause, panel)}))
    assert right in checks.EVIDENCE[cause]
    assert result.passed == (panel in checks.EVIDENCE[cause])
    if not result.passed:
        assert result.mistake == f"{cause} from {panel}" and "does not show the bug itself" in \
            result.message


def test_diagnosis_says_nothing_until_every_run_is_answered(capsys):
    partial = _answer(B=None, C=("init", "loss"))        # C is wrong, but B is missing
    result = checks.check_diagnosis(partial)
    assert result.mistake == "missing" and "run B" in result.message and "run C" not in \
        result.message
    assert checks.check_diagnosis(_answer(D="init")).mistake == "no panel"


def test_diagnosis_accepts_long_names_and_refuses_unknown_ones(capsys):
    long = {run: (checks.CAUSES[cause].upper(), checks.PANELS[panel])
            for run, (cause, panel) in ref.diagnosis().items()}
    assert checks.check_diagnosis(long).passed
    assert checks.check_diagnosis(_answer(C=("overfitting", "loss"))).mistake == "unknown"
    assert checks.check_diagnosis(_answer(C=("lr", "accuracy"))).mistake == "unknown panel"
    with pytest.raises(TypeError, match="diagnosis must be a dict"):
        checks.check_diagnosis(["zero_grad", "eval", "lr", "init"])


def test_the_right_diagnosis_fixes_every_run_and_a_wrong_one_does_not():
    right = checks.mystery_runs(ref.diagnosis())
    assert all(h["loss"][-10:].mean() < 0.1 for h in right.values())
    wrong = checks.mystery_runs(_answer(C=("init", "loss")))
    assert wrong["C"]["loss"][-10:].mean() > 1.0 and wrong["A"]["loss"][-10:].mean() < 0.1


def _hooked_search(test, keep_hooks=False, return_module=False):
    """first_nonfinite variants: ``test`` decides non-finite; options plant a mistake."""
    def search(model, x):
        found, handles = [], []
        for name, module in model.named_modules():
            if name:
                def hook(m, i, o, name=name):
                    if test(o):
                        found.append(m if return_module else name)
                handles.append(module.register_forward_hook(hook))
        model(x)
        if not keep_hooks:
            for handle in handles:
                handle.remove()
        return found[0] if found else None
    return search


@pytest.mark.parametrize(("wrong", "mistake"), [
    (_hooked_search(lambda o: torch.isnan(o).any()), "isnan only"),
    (_hooked_search(lambda o: not torch.isfinite(o).all(), keep_hooks=True), "hooks left"),
    (_hooked_search(lambda o: not torch.isfinite(o).all(), return_module=True), "module"),
    (lambda model, x: "", "root"),
    (lambda model, x: [n for n, m in model.named_modules() if n][-2], "last"),
])
def test_first_nonfinite_mistakes_are_named(wrong, mistake, capsys):
    result = checks.check_first_nonfinite(wrong)
    assert not result.passed and result.mistake == mistake, result.message


def test_hooks_left_on_the_root_module_are_named_in_words(capsys):
    # a real helper hooks every module of named_modules(), the model itself (name '') included
    def every_module(model, x):
        for _, module in model.named_modules():
            module.register_forward_hook(lambda m, i, o: None)
        model(x)

    result = checks.check_first_nonfinite(every_module)
    assert result.mistake == "hooks left" and "(the model itself, fc," in result.message


def test_first_nonfinite_names_late_binding_children_only_and_hooks_left_on_failure(capsys):
    def search(model, x, modules, bind=True, protect=True):
        found, handles = [], []
        for name, module in modules(model):
            if name:
                def hook(m, i, o, bound=name):
                    if not torch.isfinite(o).all():
                        found.append(bound if bind else name)   # noqa: B023 - the planted bug
                handles.append(module.register_forward_hook(hook))
        try:
            model(x)
        finally:
            if protect:
                for handle in handles:
                    handle.remove()
        if not protect:
            for handle in handles:
                handle.remove()
        return found[0] if found else None

    def named_modules(model):
        return model.named_modules()

    def named_children(model):
        return model.named_children()

    cases = {"late binding": dict(modules=named_modules, bind=False),
             "children only": dict(modules=named_children),
             "hooks left on failure": dict(modules=named_modules, protect=False)}
    for mistake, options in cases.items():
        def wrong(model, x, options=options):
            if not options.get("protect", True):
                found, handles = [], []
                for name, module in model.named_modules():
                    if name:
                        handles.append(module.register_forward_hook(
                            lambda m, i, o, name=name: found.append(name)
                            if not torch.isfinite(o).all() else None))
                model(x)                                   # raises: the hooks stay
                for handle in handles:
                    handle.remove()
                return found[0] if found else None
            return search(model, x, **options)
        result = checks.check_first_nonfinite(wrong)
        assert not result.passed and result.mistake == mistake, (mistake, result.message)


def test_first_nonfinite_in_definition_order_is_named(capsys):
    def by_definition(model, x):
        outputs = {}
        handles = [m.register_forward_hook(lambda m, i, o, n=n: outputs.__setitem__(n, o))
                   for n, m in model.named_modules() if n]
        model(x)
        for handle in handles:
            handle.remove()
        return next((n for n, _ in model.named_modules()
                     if n in outputs and not torch.isfinite(outputs[n]).all()), None)

    result = checks.check_first_nonfinite(by_definition)
    assert not result.passed and result.mistake == "definition order"


def test_training_bytes_names_a_third_parameter_that_is_not_weights_16bit():
    def old_stub(n_params, optimizer, bytes_per_number=4):
        return (2 + {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]) * n_params * bytes_per_number

    result = checks.check_training_bytes(old_stub)
    assert not result.passed and result.mistake == "signature", result.message
    assert "weights_16bit" in result.message and "megabytes" not in result.message


def test_diagnosis_accepts_natural_spellings_of_the_causes(capsys):
    spelled = _answer(A=("optimizer.zero_grad()", "grad_norm"), B=("eval mode", "bn_var"),
                      C=("model.eval()", "update_ratio"))
    result = checks.check_diagnosis(spelled)            # C's spelling is understood, and wrong
    assert not result.passed and result.mistake == "lr as eval", result.message
    assert checks.check_diagnosis(_answer(B=("model.eval()", "bn_var"))).passed


@pytest.mark.parametrize("answer, mistake", [
    ({"A": ("zero_grad", "bn_var")}, "zero_grad from bn_var"),      # a consequence, not the bug
    ({"C": ("lr", "grad_norm")}, "lr from grad_norm"),              # the dead units, later
    ({"D": ("init", "update_ratio")}, "init from update_ratio"),    # not at step 0
    ({"D": ("init", "bn_var")}, None),                              # 8 times healthy at step 0
    ({"A": ("zero grad", "grad norm")}, None),                      # spaces for underscores
    ({"A": ("Zero-Grad", "grad_norm"), "C": ("lr", "update ratio")}, None),
])
def test_diagnosis_panels_follow_the_criterion_of_the_exercise(answer, mistake, capsys):
    result = checks.check_diagnosis(_answer(**answer))
    assert result.passed == (mistake is None), result.message
    if mistake:
        assert result.mistake == mistake and "at step 0 or in the quantity the bug changes" in \
            result.message


@pytest.fixture(scope="module")
def grid():
    X, y, _, _ = data.digits()
    healthy = inspection.train_monitored(inspection.digits_net(seed=0), X, y,
                                         lr=checks.HEALTHY_LR)
    return {**checks.mystery_runs(), "healthy": healthy}


def _panels(history):
    """The five curves of the figure, as compare_runs draws them (one number per step)."""
    return {"loss": history["loss"], "grad_norm": history["grad_norm"].sum(1),
            "update_ratio": np.median(history["update_ratio"], axis=1),
            "dead": history["dead"].max(1), "bn_var": history["bn_var"][:, 0]}


def test_the_accepted_panels_meet_the_criterion_and_the_others_do_not(grid):
    # criterion: far from the healthy run at step 0 (a factor 3 at least; the dead fraction, a
    # count out of 64 units, is compared above 5 %), or, for a bug with nothing at step 0, the
    # quantity it changes (zero_grad: the gradients; eval: BatchNorm's statistics)
    runs = {run: _panels(history) for run, history in grid.items()}
    healthy = runs.pop("healthy")
    changes = {"zero_grad": "grad_norm", "eval": "bn_var"}
    for run, bug in checks._BUGS.items():
        floor = {"dead": 0.05}
        far = {panel for panel, curve in runs[run].items()
               if not 1 / 3 < (curve[0] + floor.get(panel, 1e-3))
               / (healthy[panel][0] + floor.get(panel, 1e-3)) < 3}
        assert checks.EVIDENCE[bug] == (far or {changes[bug]}), run


def test_the_panel_messages_are_true_for_the_grid(grid):
    runs = {run: _panels(history) for run, history in grid.items()}
    A, B, C, D, healthy = (runs[k] for k in ("A", "B", "C", "D", "healthy"))
    # eval: B's gradient norm, ratio and dead ReLUs stay with the healthy run's
    assert healthy["grad_norm"].min() <= B["grad_norm"].min() <= B["grad_norm"].max() <= \
        healthy["grad_norm"].max()
    assert abs(np.median(B["update_ratio"]) / np.median(healthy["update_ratio"]) - 1) < 0.1
    assert B["dead"].max() <= healthy["dead"].max() < 0.035 and B["loss"][-10:].mean() < 0.1
    # zero_grad: A's first step is healthy; its BatchNorm variance ends above every other run's
    assert A["update_ratio"][0] == healthy["update_ratio"][0]
    assert A["bn_var"][-1] > 100 * max(r["bn_var"].max() for r in (B, C, D, healthy))
    assert C["bn_var"].max() > 100 * healthy["bn_var"].max()          # large steps grow it too
    # lr: C's gradient norm starts at the healthy one and falls to 0 only where ReLUs died
    assert C["grad_norm"][0] == healthy["grad_norm"][0]
    low = C["grad_norm"] < 1e-2
    assert low.sum() > 20 and C["dead"][low].min() > 0.9 and low.argmax() > 50
    # init: D's ratio at step 0 is close to the healthy run's, below it later
    assert 1 / 3 < D["update_ratio"][0] / healthy["update_ratio"][0] < 3
    assert np.median(D["update_ratio"][10:]) < np.median(healthy["update_ratio"][10:]) / 3
    # the generic messages: several bugs make the BatchNorm variance grow, or ReLUs die
    assert sum(r["bn_var"].max() > 10 * healthy["bn_var"].max() for r in (A, C, D)) == 3
    assert sum(r["dead"].max() > 0.3 for r in (A, C, D)) == 3


def test_diagnosis_counts_the_other_wrong_runs(capsys):
    result = checks.check_diagnosis(_answer(A=("lr", "loss"), D=("lr", "loss")))
    assert not result.passed and result.mistake == "zero_grad as lr"
    assert "1 more of the four runs" in result.message
    one = checks.check_diagnosis(_answer(D=("lr", "loss")))
    assert "more of the four" not in one.message
