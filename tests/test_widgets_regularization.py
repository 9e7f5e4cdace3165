"""The pure update of the regularisation explorer (notebook 03)."""

import numpy as np
import pytest

pytest.importorskip("torch")
from coursekit.widgets import regularization as widget  # noqa: E402

FAST = dict(hidden=(16, 16), epochs=60, n_grid=12)


def test_update_returns_what_draw_needs():
    r = widget.update(0.0, 0.0, **FAST)
    assert r["xx"].shape == r["yy"].shape == r["region"].shape == (12, 12)
    assert set(np.unique(r["region"])) <= {0, 1, 2}
    assert r["X_train"].shape == (100, 2) and r["y_train"].shape == (100,)
    assert r["epoch"][-1] == 60 and r["train_acc"].shape == r["val_acc"].shape == r["epoch"].shape
    assert r["final_train"] == r["train_acc"][-1] and 0.5 < r["final_val"] <= 1.0
    with pytest.raises(ValueError):
        r["region"][0, 0] = 5        # cached results are read-only


def test_update_is_deterministic_and_cached():
    a = widget.update(0.01, 0.3, **FAST)
    b = widget.update(0.01, 0.3, **FAST)
    assert a is b
    widget._cached.cache_clear()
    c = widget.update(0.01, 0.3, **FAST)
    np.testing.assert_array_equal(a["train_acc"], c["train_acc"])
    np.testing.assert_array_equal(a["region"], c["region"])


def test_stronger_l2_gives_smaller_weights():
    norms = [widget.update(lam, 0.0, **FAST)["weight_norm"] for lam in (0.0, 0.03, 0.1)]
    assert norms[0] > norms[1] > norms[2]


def test_the_sliders_offer_no_regularisation():
    assert widget.LAMBDAS[0] == 0.0 and widget.RATES[0] == 0.0
    assert all(0 <= r < 1 for r in widget.RATES)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(lam=-0.1, rate=0.0), ValueError, "lam"),
    (dict(lam=0.0, rate=1.0), ValueError, "rate"),
    (dict(lam="0", rate=0.0), TypeError, "lam"),
    (dict(lam=0.0, rate=0.0, hidden=8), TypeError, "hidden"),
    (dict(lam=0.0, rate=0.0, n_grid=1), ValueError, "n_grid"),
    (dict(lam=0.0, rate=0.0, epochs=0), ValueError, "epochs"),
])
def test_update_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        widget.update(**kwargs)


def test_draw_rejects_bad_input():
    with pytest.raises(ValueError, match="rate"):
        widget.draw(0.0, 2.0)


def test_draw_returns_a_figure_and_the_explorer_redraws_on_change(monkeypatch):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    pytest.importorskip("ipywidgets")
    real_update = widget.update
    calls = []

    def fast_update(lam, rate):
        calls.append((lam, rate))
        return real_update(lam, rate, **FAST)

    monkeypatch.setattr(widget, "update", fast_update)
    fig = widget.draw(0.01, 0.2)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    plt.close(fig)
    box = widget.explorer()
    assert calls[-1] == (0.0, 0.0)
    box.controls[1].value = 0.5                # move the dropout slider
    assert calls[-1] == (0.0, 0.5)
    assert "L2" in repr(box) and "dropout" in repr(box)
