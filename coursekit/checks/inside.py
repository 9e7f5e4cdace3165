"""Exercise checks of notebook 08 (looking inside a network), lesson key ``inside``.

Each ``check_<exercise>`` prints PASS, TODO or FAIL with a message that names the mistake.
:func:`mystery_runs` trains the four broken runs that exercise 3 diagnoses (reading its code
gives the answer away: diagnose from the monitors first).
"""

from __future__ import annotations

import inspect
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
def _near(value, target, atol=0.5):
    """Whether ``value`` is a number within ``atol`` of ``target`` (False for anything else)."""
    try:
        return abs(float(value) - target) <= atol
    except (TypeError, ValueError):
        return False


PARTS = ("weights", "gradients", "optimizer state", "master copy")


AUTOCAST = ("float32 weights and gradients are torch.autocast's layout, right for autocast (it "
            "makes 16-bit copies per operation); weights_16bit=True asks for the other layout "
            "of section 3 (ZeRO's accounting): weights and gradients stored in 16 bits (2 bytes "
            "each), plus what must not round away in float32")

APEX = ("float32 gradients for the master copy are what Apex's O2 mode keeps as well (more than "
        "16 bytes per parameter); this exercise counts ZeRO's layout of section 3, whose only "
        "gradients are the 16-bit ones (2 bytes each)")


def check_training_bytes(student_fn):
    """Exercise: ``training_bytes(n_params, optimizer, weights_16bit=False)``, a dict of the
    bytes of the weights, gradients, optimizer state and master copy for ``optimizer`` in "sgd",
    "momentum", "adam", in float32 or in the layout that stores weights and gradients in 16 bits
    (ZeRO's accounting: 16-bit weights and gradients, float32 master weights and optimizer
    state, for every optimizer, plain SGD included)."""
    cases = [(1000, "momentum", False), (1000, "sgd", False), (1000, "adam", False),
             (4_652_008, "adam", False), (700, "momentum", True), (500, "adam", True),
             (300, "sgd", True)]

    def test_case(n, optimizer, mixed):
        state = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
        call = f"training_bytes({n:_}, {optimizer!r}, weights_16bit={mixed})"

        def test(fn):
            params = list(inspect.signature(fn).parameters.values())
            third = params[2].default if len(params) >= 3 else None
            if isinstance(third, (int, float)) and not isinstance(third, bool):  # a byte size
                return Problem(f"the third parameter of training_bytes is weights_16bit (True "
                               f"or False), yours is {params[2].name}={third!r}: start from "
                               f"training_bytes(n_params, optimizer, weights_16bit=False)",
                               "signature")
            got = fn(n, optimizer, mixed)
            if not isinstance(got, dict):
                return Problem(f"{call} returned {type(got).__name__} {got!r:.40}: return a "
                               f"dict with one entry per part, {{'weights': ..., 'gradients': "
                               f"..., 'optimizer state': ..., 'master copy': ...}} (0 for a "
                               f"part that is not kept)", "not a dict")
            missing = [part for part in PARTS if part not in got]
            if missing:
                return Problem(f"{call} has no entry {missing[0]!r}: give all four parts, "
                               f"{', '.join(map(repr, PARTS))} (0 for a part that is not kept)",
                               "missing part")
            got = {part: got[part].item() if isinstance(got[part], torch.Tensor) else got[part]
                   for part in PARTS}
            right = ref.training_bytes(n, optimizer, mixed)
            total = sum(right.values())
            try:
                got_total = sum(float(v) for v in got.values())
            except (TypeError, ValueError):
                return Problem(f"{call}: every part must be a number of bytes", "type")
            if _near(got_total, 8 * total, 4):
                return Problem("that is in bits, not bytes: a float32 number takes 4 bytes "
                               "(32 bits); divide by 8", "bits")
            if any(_near(got_total, total / mega, 1e-3 * total / mega) for mega in (1e6, 2**20)):
                return Problem("return bytes, not megabytes: do not divide by 1e6 or 2**20",
                               "megabytes")
            unit = 2 if mixed else 4                      # bytes of the weights and gradients
            grads_32 = AUTOCAST if got.get("weights") != 2 * n else (   # 16-bit weights only
                "your gradients are float32, 4 bytes each: this layout stores them in 16 bits, "
                "like the weights (2 bytes each)")
            per_part = {
                "weights": [
                    Mistake("weights missing", "count the weights themselves: the model keeps "
                                               "them while it trains", 0),
                    Mistake("32-bit weights in mixed", AUTOCAST, 4 * n if mixed else -1),
                    Mistake("master copy in weights", "under 'weights' count only the 16-bit "
                            "weights (2 bytes each); the float32 master copy has its own entry, "
                            "'master copy'", 6 * n if mixed else -1)],
                "gradients": [
                    Mistake("gradients missing", "count the gradients: backward() stores one "
                                                 "number per parameter in .grad", 0),
                    Mistake("32-bit gradients in mixed", grads_32, 4 * n if mixed else -1),
                    Mistake("apex master gradients", APEX, 6 * n if mixed else -1)],
                "optimizer state": [
                    Mistake("momentum state", "SGD with momentum keeps one buffer per "
                            "parameter, the velocity (4 bytes each; torch.optim.SGD with "
                            "momentum > 0 stores momentum_buffer)",
                            0 if optimizer == "momentum" else -1),
                    Mistake("sgd state", "plain SGD (no momentum) keeps no state: 0 bytes",
                            4 * n if optimizer == "sgd" else -1),
                    Mistake("adam one moment", "Adam keeps two numbers per parameter (the moving "
                            "averages m of the gradient and v of its square), not one",
                            4 * n if optimizer == "adam" else -1),
                    *(Mistake("adam corrected copies", "PyTorch's Adam stores two moments per "
                              "parameter; the bias-corrected m̂ and v̂ are computed on the fly, "
                              "not kept", extra * 4 * n if optimizer == "adam" else -1)
                      for extra in (3, 4)),
                    Mistake("16-bit state", "the optimizer state stays in float32 (4 bytes per "
                            "number) with 16-bit weights: its small updates would round away "
                            "in 16 bits", 2 * state * n if mixed and state else -1),
                    Mistake("master copy in state", "ZeRO's paper counts the float32 master "
                            "copy among the 'optimizer states'; here it has its own entry, "
                            "'master copy': keep under 'optimizer state' only the optimizer's "
                            "own buffers", (4 * state + 4) * n
                            if mixed and float(got["master copy"]) == 0 else -1),
                    Mistake("state with weights", "the optimizer state is only the optimizer's "
                            "own buffers, the weights and gradients are counted apart",
                            (4 * state + 2 * unit) * n if state else -1),
                    Mistake("momentum two buffers", "SGD with momentum keeps one buffer per "
                            "parameter, the velocity (torch.optim.SGD's momentum_buffer, 4 bytes "
                            "each), not two: the second moment v is Adam's",
                            8 * n if optimizer == "momentum" else -1)],
                "master copy": [
                    Mistake("no master copy", "with 16-bit weights add a float32 master copy of "
                            "the weights (4 bytes per parameter), whatever the optimizer, plain "
                            "SGD too: its step, lr · gradient, is as small as any other "
                            "optimizer's and would round away on 16-bit weights; the optimizer "
                            "updates the copy and the 16-bit weights are rounded from it",
                            0 if mixed else -1),
                    Mistake("apex master gradients", APEX, 8 * n if mixed else -1),
                    Mistake("master copy in float32", "in float32 the weights are their own "
                            "master copy: 0 bytes for it when weights_16bit is False",
                            4 * n if not mixed else -1),
                    Mistake("16-bit master copy", "the master copy is float32, 4 bytes per "
                            "parameter", 2 * n if mixed else -1)],
            }
            for part in PARTS:
                one = Mistake("per parameter", f"{call}[{part!r}] is {got[part]:g}, the bytes "
                              f"of one parameter: training keeps this for every parameter, so "
                              f"multiply each part by n_params (here {n:_})",
                              right[part] / n if right[part] else -1)
                problem = compare(f"{call}[{part!r}]", got[part], right[part], atol=0.5,
                                  mistakes=[*per_part[part], one])
                if problem:
                    return problem
            return None
        return test

    return run_checks("training_bytes", student_fn, [test_case(*case) for case in cases],
                      hint='optimizer is one of "sgd", "momentum", "adam"; weights_16bit a bool;'
                           ' return {"weights": ..., "gradients": ..., "optimizer state": ...,'
                           ' "master copy": ...}')


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

    Each run has one bug. With a ``diagnosis`` (run -> (cause, panel), or run -> cause), a run
    whose cause is named right is trained again without its bug; the others stay as they are.
    """
    X, y, _, _ = data.digits()
    runs = {}
    for run, bug in _BUGS.items():
        if diagnosis is not None and _key(_pair(diagnosis.get(run))[0], CAUSES) == bug:
            bug = None
        net = inspection.digits_net(seed)
        if bug == "init":
            _bad_init(net, seed)
        runs[run] = inspection.train_monitored(
            net, X, y, lr=1.0 if bug == "lr" else HEALTHY_LR, seed=seed,
            zero_grad=bug != "zero_grad", train_mode=bug != "eval")
    return runs


_WRONG = {  # (the run's real cause, the diagnosis given) -> what the monitors say against it
    ("lr", "init"): "starts at a loss of ln 10 ≈ 2.30, as a well-initialised network does",
    ("lr", "zero_grad"): "has an update/weight ratio far above 1e-2 at its very first step, before "
                         "any gradient could pile up (a run without zero_grad starts exactly like "
                         "the healthy one and degrades as gradients add up)",
    ("lr", "eval"): "moves its BatchNorm running variance, so BatchNorm is in training mode",
    ("lr", "healthy"): "is not healthy: its loss ends near ln 10 and its ReLUs die",
    ("init", "lr"): "has an update/weight ratio mostly below the healthy run's, so its steps "
                    "are not too large",
    ("init", "zero_grad"): "has its largest gradient norm at the first step, and it falls from "
                           "there; gradients that are never reset grow step after step",
    ("init", "eval"): "moves its BatchNorm running variance, so BatchNorm is in training mode",
    ("init", "healthy"): "starts at a loss near 40, far above the ln 10 ≈ 2.30 of a healthy "
                         "start for 10 classes; it recovers, slowly",
    ("zero_grad", "lr"): "takes exactly the healthy run's first step (the same update/weight "
                         "ratio), so the step size is fine; look at what changes after that "
                         "first step",
    ("zero_grad", "init"): "starts at ln 10 exactly like the healthy run: its initialisation is "
                           "fine",
    ("zero_grad", "eval"): "moves its BatchNorm running variance, so BatchNorm is in training "
                           "mode",
    ("zero_grad", "healthy"): "is not healthy: after a good start its loss climbs",
    ("eval", "lr"): "keeps its update/weight ratio in the healthy run's range and its loss falls: "
                    "the step size is fine",
    ("eval", "init"): "starts at ln 10 like the healthy run: its initialisation is fine",
    ("eval", "zero_grad"): "keeps its gradient norm flat: its gradients are reset",
    ("eval", "healthy"): "trains, but one of its monitors never moves from where it starts, "
                         "unlike the healthy run's: which one, and which bug stops it?",
}


#: the monitors of the mystery grid, by the names exercise 3 uses for them
PANELS = {
    "loss": "loss",
    "grad_norm": "gradient norm",
    "update_ratio": "update/weight ratio",
    "dead": "dead ReLUs",
    "bn_var": "BatchNorm running variance",
}
#: for each bug, the panels where the bug itself shows (the criterion of the exercise): a panel
#: already far from the healthy run at step 0, or, for a bug that needs steps to show, the monitor
#: of the very quantity it changes. A bad start shows at step 0 in the loss, the gradient norm and
#: BatchNorm's variance (8 times the healthy run's or more); steps that are too large in the
#: first update/weight ratio (50 times); a missing zero_grad leaves nothing at step 0 (its first
#: step is the healthy one) and changes the gradients; eval mode changes BatchNorm's statistics.
EVIDENCE = {"zero_grad": {"grad_norm"}, "eval": {"bn_var"}, "lr": {"update_ratio"},
            "init": {"loss", "grad_norm", "bn_var"}}
_WEAK = {  # (bug, a panel that is not its evidence) -> why that panel does not show the bug itself
    "loss": "a loss that climbs or stalls says that the run is broken, not which bug broke it",
    "dead": "dying ReLUs say that units stopped, not what stopped them: a bad start or steps "
            "that are too large can both do it",
    "grad_norm": "a gradient norm that is large or falls to 0 follows from several of these bugs",
    "update_ratio": "an update/weight ratio that drifts away from the healthy run's follows from "
                    "several of these bugs",
    "bn_var": "a BatchNorm variance that grows follows from several of these bugs",
    ("eval", "loss"): "this run's loss falls much like the healthy run's",
    ("eval", "grad_norm"): "this run's gradient norm stays within the healthy run's range",
    ("eval", "update_ratio"): "this run's update/weight ratio follows the healthy run's",
    ("eval", "dead"): "this run's ReLUs do not die: about 3 % of a layer at most, as in the "
                      "healthy run",
    ("zero_grad", "update_ratio"): "the update/weight ratio shows a healthy first step, and it "
                                   "rises later because each step applies whatever has piled up "
                                   "in the gradients: a consequence",
    ("zero_grad", "bn_var"): "this run's running variance does end far above every other run's, "
                             "but it only follows the activations, which grow as the weights "
                             "blow up, and steps that are too large grow it too: a consequence",
    ("lr", "grad_norm"): "this run's gradient norm starts exactly at the healthy run's and falls "
                         "to 0 only later, once nearly all the ReLUs of a layer have died, as "
                         "the dead panel shows: it shows dead units, not what killed them",
    ("init", "update_ratio"): "at step 0 this run's update/weight ratio is close to the healthy "
                              "run's; it falls below it only later, because steps of the usual "
                              "size are small next to these large weights",
}


def _key(value, table):
    """The key of ``table`` that a student's string names (the key or its meaning), else value."""
    if isinstance(value, str):
        text = value.strip().lower()
        short = text.removesuffix(" mode").removesuffix("()")        # "eval mode", "eval()"
        short = short.removeprefix("model.").removeprefix("optimizer.")   # "model.eval()"
        short = short.replace(" ", "_").replace("-", "_")   # "zero grad", "grad-norm"
        for key, meaning in table.items():
            if text in (key, meaning.lower()) or short == key:
                return key
    return value


def _pair(value):
    """A run's answer as (cause, panel); a bare cause gives (cause, None)."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    return value, None


def check_diagnosis(diagnosis):
    """Exercise: ``diagnosis`` maps each run "A"-"D" to a pair (cause, panel): one of
    :data:`CAUSES` and the panel of :data:`PANELS` that shows it. Nothing is said about any run
    until all four are answered."""
    if diagnosis is not None and not isinstance(diagnosis, dict):
        raise TypeError(f"diagnosis must be a dict such as {{'A': ('lr', 'loss'), 'B': ..., "
                        f"'C': ..., 'D': ...}}, got {type(diagnosis).__name__}")
    choices = ", ".join(f'"{k}"' for k in CAUSES)
    panels = ", ".join(f'"{k}"' for k in PANELS)

    def test_all(answer):
        if answer is None or all(answer.get(r) is None for r in RUNS):
            raise NotImplementedError
        missing = [run for run in RUNS if answer.get(run) is None]
        if missing:
            return Problem(f"diagnose run {missing[0]} too: the check says nothing about any run "
                           f"until all four have a cause and a panel", "missing")
        for run in RUNS:
            given, panel = _pair(answer[run])
            given, panel = _key(given, CAUSES), _key(panel, PANELS)
            if given not in CAUSES:
                return Problem(f"run {run}: {given!r} is not one of the causes {choices}; give "
                               f"each run a pair (cause, panel)", "unknown")
            if panel is None and given != "healthy":
                return Problem(f"run {run}: give the panel that shows it too, a pair such as "
                               f"({given!r}, \"loss\"); panels: {panels}", "no panel")
            if panel is not None and panel not in PANELS:
                return Problem(f"run {run}: {panel!r} is not one of the panels {panels}",
                               "unknown panel")
        problems = []
        for run in RUNS:                      # all answered: now say what is wrong, run by run
            given, panel = _pair(answer[run])
            given, panel = _key(given, CAUSES), _key(panel, PANELS)
            bug = _BUGS[run]
            if given != bug:
                problems.append(Problem(f"run {run} is not '{CAUSES[given]}': it "
                                        f"{_WRONG[(bug, given)]}", f"{bug} as {given}"))
            elif panel not in EVIDENCE[bug]:
                why = _WEAK.get((bug, panel), _WEAK[panel])
                problems.append(Problem(f"run {run}: the cause is right, but the "
                                        f"{PANELS[panel]} panel does not show the bug itself "
                                        f"({why}): which panel does, at step 0 or in the "
                                        f"quantity the bug changes?",
                                        f"{bug} from {panel}"))
        if len(problems) > 1:                 # name the first, count the others
            first = problems[0]
            return Problem(f"{first} ({len(problems) - 1} more of the four runs need "
                           f"another look)", first.mistake)
        return problems[0] if problems else None

    result = run_checks("diagnosis", lambda: diagnosis, [lambda fn: test_all(fn())],
                        todo='not attempted yet: give each run a pair (cause, panel): a cause '
                             f'among {choices} and the panel that shows it among {panels}; then '
                             'run this check again.')
    if result.passed:
        print("  Right: each bug leaves its own fingerprint. Step 0 shows what is wrong before "
              "training (the start, the first step's size); a bug that acts step after step "
              "shows in the quantity it changes, and the other panels follow as consequences.")
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
            where = ", ".join(n or "the model itself" for n in hooked)   # the root is ''
            return Problem(f"your hooks are still on the model ({where}): keep the "
                           "handle that register_forward_hook returns and call handle.remove() "
                           "(in a `finally:` block, so it happens even if the forward pass fails)",
                           "hooks left")
        return named(got, "log", [
            ("diff", "isnan only", "torch.isfinite catches ±inf too: `diff` is where the "
                                   "first NaN appears, but `log` already output -inf (log of "
                                   "0), which is not finite either; test each module's output "
                                   "with torch.isfinite"),
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
