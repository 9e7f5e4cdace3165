"""The plotting palette stays distinguishable under simulated colour-vision deficiency."""

import itertools

import pytest

from coursekit.plotting import PALETTE
from tools import colour_vision as cv


@pytest.mark.parametrize("deficiency", list(cv.SIMULATION))
def test_every_pair_of_palette_colours_stays_distinguishable(deficiency):
    d, a, b = cv.closest_pair(PALETTE, deficiency)
    assert d >= cv.MIN_DELTA_E, (
        f"{a} and {b} look alike with {deficiency} (CIEDE2000 {d:.1f} < {cv.MIN_DELTA_E})")


def test_palette_colours_are_unique_hex_codes():
    assert len(set(c.upper() for c in PALETTE)) == len(PALETTE)
    for c in PALETTE:
        cv.to_linear_rgb(c)


def test_ciede2000_matches_published_test_pairs():
    # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7 and 17
    pairs = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
             ((50, 0, 0), (50, -1, 2), 2.3669),
             ((50, 2.5, 0), (73, 25, -18), 27.1492)]
    for lab1, lab2, expected in pairs:
        assert cv.delta_e(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_the_check_rejects_a_red_green_pair_for_deuteranopia():
    red, green = "#D62728", "#2CA02C"  # matplotlib's default red and green
    assert cv.closest_pair((red, green), "normal vision")[0] > 50
    assert cv.closest_pair((red, green), "deuteranopia")[0] < cv.MIN_DELTA_E


def test_simulation_keeps_grey_grey_and_confuses_red_with_green():
    for deficiency, matrix in cv.SIMULATION.items():
        assert matrix.sum(axis=1) == pytest.approx(1.0, abs=1e-3), deficiency
    red, green = (cv.simulate(c, "protanopia") for c in ("#FF0000", "#00FF00"))
    # both become the same yellowish hue (equal red/green ratio, no blue), differing in lightness
    assert red[0] / red[1] == pytest.approx(green[0] / green[1], rel=0.1)
    assert red[2] < 0.01 and green[2] < 0.01
    assert all(d > cv.MIN_DELTA_E for d, *_ in (
        cv.closest_pair(pair, "tritanopia") for pair in itertools.combinations(PALETTE[:3], 2)))
