"""coursekit.alignment: interpolation, permutation of hidden units and weight matching."""

import numpy as np
import pytest

from coursekit import alignment


def _weights(seed=0, h=7):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(2, h)), rng.normal(size=h), rng.normal(size=(h, 3)),
            rng.normal(size=3)]


def _forward(w, X):
    return np.maximum(X @ w[0] + w[1], 0) @ w[2] + w[3]


def test_interpolate_endpoints_and_midpoint():
    a, b = _weights(0), _weights(1)
    for x, y in zip(alignment.interpolate(a, b, 0.0), a, strict=True):
        np.testing.assert_array_equal(x, y)
    for x, y in zip(alignment.interpolate(a, b, 1.0), b, strict=True):
        np.testing.assert_allclose(x, y)
    for x, y, z in zip(alignment.interpolate(a, b, 0.5), a, b, strict=True):
        np.testing.assert_allclose(x, (y + z) / 2)
    with pytest.raises(ValueError, match="differ in length"):
        alignment.interpolate(a, b[:3], 0.5)


def test_permute_hidden_keeps_the_function():
    w = _weights()
    X = np.random.default_rng(2).normal(size=(10, 2))
    permuted = alignment.permute_hidden(w, [6, 5, 4, 3, 2, 1, 0])
    np.testing.assert_allclose(_forward(permuted, X), _forward(w, X))
    assert not np.array_equal(permuted[0], w[0])
    with pytest.raises(ValueError, match="permutation"):
        alignment.permute_hidden(w, [0, 0, 1, 2, 3, 4, 5])


def test_match_hidden_units_recovers_a_shuffle():
    a = _weights(3, h=12)
    perm = np.random.default_rng(4).permutation(12)
    b = alignment.permute_hidden(a, perm)           # b is a with its units shuffled
    found = alignment.match_hidden_units(a, b)
    for x, y in zip(alignment.permute_hidden(b, found), a, strict=True):
        np.testing.assert_allclose(x, y)


def test_match_hidden_units_refuses_different_architectures():
    with pytest.raises(ValueError, match="same shapes"):
        alignment.match_hidden_units(_weights(0, h=5), _weights(1, h=6))
