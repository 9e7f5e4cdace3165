"""Exercise checks of notebook 08 (looking inside a network), lesson key ``inside``.

Each ``check_<exercise>`` prints PASS, TODO or FAIL with a message that names the mistake.
:func:`mystery_runs` trains the four broken runs that exercise 3 diagnoses (reading its code
gives the answer away: diagnose from the monitors first).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from .. import data, inspection
from ..solutions import inside as ref
from ._core import Mistake, Problem, compare, run_checks

#: the diagnoses exercise 3 accepts: short name -> what it means
CAUSES = {
    "lr": "learning rate too high",
    "init": "bad initialisation",
    "zero_grad": "optimizer.zero_grad() missing",
    "eval": "model left in eval() mode while training",
    "healthy": "nothing wrong",
}
RUNS = ("A", "B", "C", "D")
HEALTHY_LR = 0.02


# ------------------------------------------------------------------ exercise 1: count parameters
def check_conv_params(student_fn):
    """Exercise: ``conv_params(c_in, c_out, k, groups=1, bias=True)``, the parameter count of a
    k×k convolution (a linear layer is the case k = 1)."""
    cases = [  # (c_in, c_out, k, groups, bias, what the layer is)
        (3, 32, 3, 1, False, "EfficientNet-Lite0's first convolution (3 → 32, 3×3, no bias)"),
        (16, 8, 5, 1, True, "a 5×5 convolution 16 → 8 with bias"),
        (96, 96, 3, 96, False, "a depthwise 3×3 convolution on 96 channels (groups=96)"),
        (8, 16, 3, 4, True, "a 3×3 convolution 8 → 16 in 4 groups, with bias"),
        (1280, 1000, 1, 1, True, "a linear layer 1280 → 1000 (k = 1)"),
    ]

    def test_case(c_in, c_out, k, groups, bias, what):
        def test(fn):
            got = fn(c_in, c_out, k, groups=groups, bias=bias)
            if isinstance(got, torch.Tensor):
                got = got.item()
            weights = c_out * (c_in // groups) * k * k
            b = c_out if bias else 0
            return compare(f"conv_params for {what}", got, ref.conv_params(c_in, c_out, k,
                                                                         groups, bias),
                           mistakes=[
                Mistake("no bias", "you left out the bias: one number per output channel "
                                   "(c_out of them) when bias=True", weights),
                Mistake("k not squared", "a k×k filter has k·k weights per input channel: "
                                         "use k**2, not k", c_out * (c_in // groups) * k + b),
                Mistake("groups ignored", "with groups, each filter sees only c_in / groups "
                                          "input channels (a depthwise filter sees one)",
                        c_out * c_in * k * k + b),
                Mistake("groups twice", "divide by groups once: each of the c_out filters sees "
                                        "c_in / groups channels (c_out is not divided)",
                        (c_out // groups) * (c_in // groups) * k * k + b),
                Mistake("bias per input", "the bias has one number per *output* channel (c_out), "
                                          "not per input channel", weights + (c_in if bias else 0)),
                Mistake("bias per weight", "one bias per output channel, not one per filter "
                                           "weight", weights * 2 if bias else -1),
                Mistake("bias always", "bias=False means the layer has no bias: add c_out only "
                                       "when bias is True", -1 if bias else weights + c_out),
            ])
        return test

    return run_checks("conv_params", student_fn, [test_case(*case) for case in cases],
                      hint="the weight of nn.Conv2d has shape (c_out, c_in // groups, k, k)")


# ------------------------------------------------------------------ exercise 2: memory of training
def check_training_bytes(student_fn):
    """Exercise: ``training_bytes(n_params, optimizer, mixed_precision=False)``, the bytes of
    weights + gradients + optimizer state for ``optimizer`` in "sgd", "momentum", "adam", in
    float32 or in mixed precision (16-bit weights and gradients, float32 master weights and
    optimizer state)."""
    # momentum first: there "no gradients" and "Adam with one moment" give different numbers;
    # in mixed precision too: there "no master copy" and "16-bit state" differ
    cases = [(1000, "momentum", False), (1000, "sgd", False), (1000, "adam", False),
             (4_652_008, "adam", False), (700, "momentum", True), (500, "adam", True)]

    def test_case(n, optimizer, mixed):
        state = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]

        def test(fn):
            got = fn(n, optimizer, mixed)
            if isinstance(got, torch.Tensor):
                got = got.item()
            right = ref.training_bytes(n, optimizer, mixed)
            float32 = ref.training_bytes(n, optimizer, False)
            unit = 2 if mixed else 4                      # bytes of the weights and gradients
            return compare(f"training_bytes({n:_}, {optimizer!r}, mixed_precision={mixed})",
                           got, right, atol=0.5, mistakes=[
                Mistake("bits", "that is in bits, not bytes: a float32 number takes 4 bytes "
                                "(32 bits); divide by 8", right * 8),
                *(Mistake("megabytes", "return bytes, not megabytes: do not divide by 1e6 "
                                       "or 2**20", right / mega) for mega in (1e6, 2**20)),
                Mistake("all 16-bit", "mixed precision does not halve everything: the optimizer "
                                      "updates a float32 master copy of the weights, and its "
                                      "state stays in float32 (a 16-bit weight would round "
                                      "small updates away)",
                        float32 // 2 if mixed else -1),
                Mistake("no master copy", "add the float32 master copy of the weights (4 bytes "
                                          "per parameter): the optimizer updates it, and the "
                                          "16-bit weights are copied from it",
                        (4 + 4 * state) * n if mixed else -1),
                Mistake("16-bit state", "the optimizer state stays in float32 (4 bytes per "
                                        "number) in mixed precision",
                        (8 + 2 * state) * n if mixed and state else -1),
                Mistake("adam one moment", "Adam keeps two numbers per parameter (the moving "
                                           "averages m of the gradient and v of its square), "
                                           "not one",
                        right - 4 * n if optimizer == "adam" else -1),
                *(Mistake("adam corrected copies", "PyTorch's Adam stores two moments per "
                                                   "parameter; the bias-corrected m̂ and v̂ are "
                                                   "computed on the fly, not kept",
                          right + extra * 4 * n if optimizer == "adam" else -1)
                  for extra in (1, 2)),
                Mistake("sgd state", "plain SGD (no momentum) keeps no state: only the weights "
                                     "and their gradients",
                        right + 4 * n if optimizer == "sgd" else -1),
                Mistake("weights or gradients missing",
                        "count both the weights and their gradients (backward() stores one "
                        "number per parameter in .grad): one of them is missing",
                        right - unit * n),
                Mistake("state only", "the optimizer state is not all: add the weights and the "
                                      "gradients", 4 * state * n if state and not mixed else -1),
            ])
        return test

    return run_checks("training_bytes", student_fn, [test_case(*case) for case in cases],
                      hint='optimizer is one of "sgd", "momentum", "adam"; mixed_precision a bool')


# ------------------------------------------------------------------ exercise 3: diagnose four runs
def _bad_init(net, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, nn.Linear):
                module.weight.normal_(0.0, 1.0, generator=generator)   # std 1: far too large
    return net


_BUGS = {"A": "zero_grad", "B": "eval", "C": "lr", "D": "init"}


def mystery_runs(diagnosis=None, seed: int = 0) -> dict:
    """Train the four mystery runs on the digits and return their monitor histories.

    Each run has one bug. With a ``diagnosis`` (run -> cause), a run whose cause is named
    right is trained again without its bug; the others stay as they are.
    """
    X, y, _, _ = data.digits()
    runs = {}
    for run, bug in _BUGS.items():
        if diagnosis is not None and diagnosis.get(run) == bug:
            bug = None
        net = inspection.digits_net(seed)
        if bug == "init":
            _bad_init(net, seed)
        runs[run] = inspection.train_monitored(
            net, X, y, lr=1.0 if bug == "lr" else HEALTHY_LR, seed=seed,
            zero_grad=bug != "zero_grad", train_mode=bug != "eval")
    return runs


_WRONG = {  # (the run's real cause, the diagnosis given) -> what the monitors say against it
    ("lr", "init"): "starts at a loss of ln 10 ≈ 2.30, as a well-initialised network does. Look at "
                    "its update/weight ratio at the very first step",
    ("lr", "zero_grad"): "has an update/weight ratio far above 1e-2 at its very first step, before "
                         "any gradient could pile up (a run without zero_grad starts exactly like "
                         "the healthy one and degrades as gradients add up)",
    ("lr", "eval"): "moves its BatchNorm running variance, so BatchNorm is in training mode. Look "
                    "at the update/weight ratio at the first step",
    ("lr", "healthy"): "is not healthy: its loss stays near ln 10 and its ReLUs die. Compare its "
                       "update/weight ratio with the rule of thumb",
    ("init", "lr"): "has an update/weight ratio mostly below the healthy run's (its weights are "
                    "large), so the step size is not what is wrong. Look at the loss at step 0",
    ("init", "zero_grad"): "has its largest gradient norm at the first step, and it falls from "
                           "there; gradients that are never reset grow step after step. Look at "
                           "the loss at step 0",
    ("init", "eval"): "moves its BatchNorm running variance, so BatchNorm is in training mode. "
                      "Look at the loss at step 0",
    ("init", "healthy"): "starts at a loss near 40, far above ln 10 ≈ 2.30, what a network whose "
                         "outputs start small gives for 10 classes; it recovers, slowly",
    ("zero_grad", "lr"): "takes exactly the healthy run's first step (the same update/weight "
                         "ratio), so the step size is fine; then its gradient norm grows a "
                         "hundredfold, step after step",
    ("zero_grad", "init"): "starts at ln 10 exactly like the healthy run: its initialisation is "
                           "fine. Watch its gradient norm grow step after step",
    ("zero_grad", "eval"): "moves its BatchNorm running variance, so BatchNorm is in training "
                           "mode. Watch its gradient norm grow step after step",
    ("zero_grad", "healthy"): "is not healthy: after a good start its loss climbs and its "
                              "gradient norm grows a hundredfold",
    ("eval", "lr"): "keeps its update/weight ratio in the healthy run's range and its loss falls: "
                    "the step size is fine. Look at the BatchNorm panel",
    ("eval", "init"): "starts at ln 10 like the healthy run: its initialisation is fine. Look at "
                      "the BatchNorm panel",
    ("eval", "zero_grad"): "keeps its gradient norm flat: its gradients are reset. Look at the "
                           "BatchNorm panel",
    ("eval", "healthy"): "trains, but its BatchNorm running variance never leaves its initial "
                         "value 1.0: the layer never updates its statistics, which is what "
                         "BatchNorm does in eval mode",
}


def _cause(value):
    if isinstance(value, str):
        text = value.strip().lower()
        for key, meaning in CAUSES.items():
            if text in (key, meaning.lower()):
                return key
    return value


def check_diagnosis(diagnosis):
    """Exercise: ``diagnosis`` maps each run "A"-"D" to one of :data:`CAUSES`."""
    if diagnosis is not None and not isinstance(diagnosis, dict):
        raise TypeError(f"diagnosis must be a dict such as {{'A': 'lr', 'B': ..., 'C': ..., "
                        f"'D': ...}}, got {type(diagnosis).__name__}")
    choices = ", ".join(f'"{k}"' for k in CAUSES)

    def test_run(run):
        def test(answer):
            if answer is None or all(answer.get(r) is None for r in RUNS):
                raise NotImplementedError
            given = _cause(answer.get(run))
            if given is None:
                return Problem(f"diagnose run {run} too: one of {choices}", "missing")
            if given not in CAUSES:
                return Problem(f"run {run}: {given!r} is not one of the diagnoses {choices}",
                               "unknown")
            if given != _BUGS[run]:
                return Problem(f"run {run} is not '{CAUSES[given]}': it "
                               f"{_WRONG[(_BUGS[run], given)]}", f"{_BUGS[run]} as {given}")
            return None
        return test

    tests = [test_run(run) for run in RUNS]
    result = run_checks("diagnosis", lambda: diagnosis,
                        [lambda fn, t=t: t(fn()) for t in tests],
                        todo='not attempted yet: fill in a diagnosis for each run (one of '
                             f'{choices}), then run this check again.')
    if result.passed:
        print("  Right: each bug leaves its own fingerprint. Step 0 tells the loss at "
              "initialisation and the first update apart from everything that comes later.")
    return result


# ------------------------------------------------------------------ exercise 4: where a NaN is born
class _Log(nn.Module):
    def forward(self, x):
        return torch.log(x)


class _SelfDifference(nn.Module):
    def forward(self, x):
        return x - x                       # -inf - (-inf) is NaN


class _Clean(nn.Module):
    def forward(self, x):
        return torch.nan_to_num(x)         # NaN -> 0, ±inf -> the largest float


class _DefinedOutOfOrder(nn.Module):
    """``head`` is defined first but runs last; ``log`` runs before it and goes NaN first."""

    def __init__(self):
        super().__init__()
        self.head, self.log, self.body = nn.Linear(4, 2), _Log(), nn.Linear(3, 4)

    def forward(self, x):
        return self.head(self.log(self.body(x)))


class _Fails(nn.Module):
    def forward(self, x):
        raise RuntimeError("this layer fails on purpose (the check tests that hooks are removed)")


def _fixed(module: nn.Linear, weight, bias):
    with torch.no_grad():
        module.weight.copy_(torch.tensor(weight, dtype=torch.float64))
        module.bias.copy_(torch.tensor(bias, dtype=torch.float64))
    return module


def _cases():
    chain = nn.Sequential(OrderedDict([
        ("fc", _fixed(nn.Linear(3, 4), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]],
                      [0, 0, 0, 0])),
        ("relu", nn.ReLU()), ("log", _Log()), ("diff", _SelfDifference()),
        ("out", _fixed(nn.Linear(4, 2), [[1, 1, 1, 1], [1, -1, 1, -1]], [0, 0])),
        ("clean", _Clean())])).double()
    swapped = _DefinedOutOfOrder().double()
    _fixed(swapped.body, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]], [0, 0, 0, 0])
    x = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], dtype=torch.float64)
    finite = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    nested = nn.Sequential(OrderedDict([
        ("block", nn.Sequential(OrderedDict([
            ("fc", _fixed(nn.Linear(3, 4), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]],
                          [0, 0, 0, 0])),
            ("log", _Log())]))),
        ("out", nn.Linear(4, 2))])).double()
    failing = nn.Sequential(nn.Linear(3, 4), _Fails()).double()
    return chain, swapped, finite, nested, failing, x


def check_first_nonfinite(student_fn):
    """Exercise: ``first_nonfinite(model, x)`` -> the name of the first module, in the order the
    forward pass runs them, whose output holds a NaN or an inf; None if there is none."""
    chain, swapped, finite, nested, failing, x = _cases()
    late = ("every hook reported the name of the last module in named_modules(): a lambda made "
            "in a loop reads `name` when it runs, not when it was made. Bind it when the hook "
            "is made: `lambda m, i, o, name=name: ...`, or a function that returns the hook")

    def named(got, right, mistakes, where):
        if isinstance(got, nn.Module):
            return Problem("return the module's name (the string named_modules() gives), not the "
                           "module itself", "module")
        if got == right:
            return None
        for value, mistake, message in mistakes:
            if got == value:
                return Problem(message, mistake)
        return Problem(f"{where}: expected {right!r}, got {got!r}", "values")

    def test_chain(fn):
        got = fn(chain, x.clone())
        hooked = [n for n, m in chain.named_modules() if m._forward_hooks or m._forward_pre_hooks]
        if hooked:
            return Problem(f"your hooks are still on the model ({', '.join(hooked)}): keep the "
                           "handle that register_forward_hook returns and call handle.remove() "
                           "(in a `finally:` block, so it happens even if the forward pass fails)",
                           "hooks left")
        return named(got, "log", [
            ("diff", "isnan only", "`diff` is where the first NaN appears, but `log` already "
                                   "output -inf (log of 0), which is not finite either: test "
                                   "each module's *output* (a forward hook, not a pre-hook on "
                                   "its input) with torch.isfinite, which catches NaN and ±inf"),
            ("clean", "late binding", late),
            ("out", "last", "that is the last module with a non-finite output: keep the first "
                            "one (the place the NaN or inf is born), not the last"),
            ("", "root", "that is the whole model (name ''): look at the modules inside it"),
        ], "the model fc → relu → log → diff → out → clean")

    def test_order(fn):
        return named(fn(swapped, x.clone()), "log", [
            ("head", "definition order", "`head` is defined first but runs last: record the "
                                         "modules in the order the forward pass calls them "
                                         "(forward hooks fire in that order), and test each "
                                         "module's output, not its input"),
            ("body", "late binding", late),
        ], "a model whose modules are defined in another order than they run")

    def test_nested(fn):
        return named(fn(nested, x.clone()), "block.log", [
            ("block", "children only", "`block` contains the module where it is born: hook "
                                       "every module of model.named_modules(), which goes "
                                       "inside blocks (named_children() does not)"),
            ("out", "late binding", late),
        ], "a model with a block inside it")

    def test_failing(fn):
        try:
            fn(failing, x.clone())
        except Exception:  # noqa: BLE001, S110 - the forward pass fails on purpose
            pass
        hooked = [n for n, m in failing.named_modules() if m._forward_hooks or m._forward_pre_hooks]
        for _, module in failing.named_modules():   # clean up for the next run of the check
            module._forward_hooks.clear()
            module._forward_pre_hooks.clear()
        if hooked:
            return Problem("when the forward pass raises an error your hooks stay on the model: "
                           "remove them in a `finally:` block (try: model(x) finally: "
                           "handle.remove() for each handle)", "hooks left on failure")
        return None

    def test_finite(fn):
        got = fn(finite, x.clone())
        if got is not None:
            return Problem(f"every output of this model is finite: return None, not {got!r}",
                           "not none")
        return None

    return run_checks("first_nonfinite", student_fn,
                      [test_chain, test_order, test_nested, test_finite, test_failing],
                      hint="register a forward hook on every module, run model(x) once, and "
                           "remove the hooks")
