"""The checks of notebook 08 accept the reference solutions and name each typical mistake."""

import pytest
import torch

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


def _mixed(per_parameter_mixed):
    """A training_bytes that is right in float32 and uses ``per_parameter_mixed(state)`` bytes per
    parameter in mixed precision."""
    return lambda n, o, m=False: (per_parameter_mixed(STATE[o]) if m else 4 * (2 + STATE[o])) * n


@pytest.mark.parametrize(("wrong", "mistake"), [
    (lambda n, o, m=False: (2 + STATE[o]) * n * 4 * 8, "bits"),
    (lambda n, o, m=False: ref.training_bytes(n, o, m) / 1e6, "megabytes"),
    (lambda n, o, m=False: (2 + min(STATE[o], 1)) * n * 4, "adam one moment"),
    (lambda n, o, m=False: (2 + STATE[o] + (o == "adam")) * n * 4, "adam corrected copies"),
    (lambda n, o, m=False: (1 + STATE[o]) * n * 4, "weights or gradients missing"),
    (lambda n, o, m=False: STATE[o] * n * 4, "state only"),
    (lambda n, o, m=False: (3 + STATE[o]) * n * 4 if o == "sgd" else (2 + STATE[o]) * n * 4,
     "sgd state"),
    (_mixed(lambda s: 2 * (2 + s)), "all 16-bit"),
    (_mixed(lambda s: 4 + 4 * s), "no master copy"),
    (_mixed(lambda s: 8 + 2 * s), "16-bit state"),
])
def test_training_bytes_mistakes_are_named(wrong, mistake, capsys):
    result = checks.check_training_bytes(wrong)
    assert not result.passed and result.mistake == mistake, result.message


def test_training_bytes_in_mixed_precision_equals_float32():
    # the float32 master copy costs what the 16-bit weights and gradients save
    for optimizer in STATE:
        assert ref.training_bytes(10, optimizer, True) == ref.training_bytes(10, optimizer)


@pytest.mark.parametrize("run", checks.RUNS)
@pytest.mark.parametrize("cause", list(checks.CAUSES))
def test_every_wrong_diagnosis_is_named(run, cause, capsys):
    answer = {**ref.diagnosis(), run: cause}
    result = checks.check_diagnosis(answer)
    if cause == ref.diagnosis()[run]:
        assert result.passed
    else:
        assert not result.passed and result.mistake == f"{ref.diagnosis()[run]} as {cause}"
        assert f"run {run} is not '{checks.CAUSES[cause]}'" in result.message


def test_diagnosis_accepts_long_names_and_refuses_unknown_ones(capsys):
    long = {run: checks.CAUSES[cause].upper() for run, cause in ref.diagnosis().items()}
    assert checks.check_diagnosis(long).passed
    assert checks.check_diagnosis({**ref.diagnosis(), "C": "overfitting"}).mistake == "unknown"
    partial = {"A": "zero_grad", "B": None, "C": None, "D": None}
    assert checks.check_diagnosis(partial).mistake == "missing"
    with pytest.raises(TypeError, match="diagnosis must be a dict"):
        checks.check_diagnosis(["zero_grad", "eval", "lr", "init"])


def test_the_right_diagnosis_fixes_every_run_and_a_wrong_one_does_not():
    right = checks.mystery_runs(ref.diagnosis())
    assert all(h["loss"][-10:].mean() < 0.1 for h in right.values())
    wrong = checks.mystery_runs({**ref.diagnosis(), "C": "init"})
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
