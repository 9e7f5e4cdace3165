"""Does a colour palette stay distinguishable for readers with a colour-vision deficiency?

``python -m tools.colour_vision`` prints, for the course palette (``coursekit.plotting.PALETTE``),
the closest pair of colours as seen with normal vision and as simulated for the three
dichromacies, and exits 1 if any pair is closer than :data:`MIN_DELTA_E`.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation
of color vision deficiency", matrices for severity 1.0 (complete protanopia, deuteranopia,
tritanopia), applied in linear RGB. Distance: CIEDE2000 colour difference in CIELAB (D65).
A difference of about 2 is just noticeable side by side; thin plot lines and small markers
need much more, hence the threshold of 10.
"""

from __future__ import annotations

import itertools
import sys

import numpy as np

MIN_DELTA_E = 10.0

SIMULATION = {
    "normal vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}

_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def to_linear_rgb(colour: str) -> np.ndarray:
    """``'#RRGGBB'`` -> linear RGB in [0, 1] (the sRGB transfer curve undone)."""
    if not (isinstance(colour, str) and len(colour) == 7 and colour[0] == "#"):
        raise ValueError(f"colour must be '#RRGGBB', got {colour!r}")
    c = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(colour: str, deficiency: str) -> np.ndarray:
    """Linear RGB of ``colour`` as seen with ``deficiency`` (a key of :data:`SIMULATION`)."""
    return np.clip(SIMULATION[deficiency] @ to_linear_rgb(colour), 0.0, 1.0)


def to_lab(linear_rgb) -> np.ndarray:
    """CIELAB (D65) of a linear RGB colour."""
    t = _RGB_TO_XYZ @ np.asarray(linear_rgb, dtype=float) / _WHITE_D65
    d = 6 / 29
    f = np.where(t > d ** 3, np.cbrt(t), t / (3 * d * d) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(lab1, lab2) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu & Dalal 2005)."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = L2 - L1, c2 - c1
    d_h = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_bar, c_bar = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    r_c = 2 * np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7))
    r_t = -np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2)))) * r_c
    return float(np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                         + r_t * (d_c / s_c) * (d_h / s_h)))


def closest_pair(palette, deficiency: str) -> tuple[float, str, str]:
    """``(difference, colour, colour)`` of the two palette colours that look most alike."""
    labs = {c: to_lab(simulate(c, deficiency)) for c in palette}
    return min((delta_e(labs[a], labs[b]), a, b) for a, b in itertools.combinations(palette, 2))


def main() -> int:
    from coursekit.plotting import PALETTE

    worst = MIN_DELTA_E
    for deficiency in SIMULATION:
        d, a, b = closest_pair(PALETTE, deficiency)
        worst = min(worst, d)
        print(f"{deficiency:>14}: closest pair {a} / {b}, CIEDE2000 difference {d:.1f}")
    return 0 if worst >= MIN_DELTA_E else 1


if __name__ == "__main__":
    sys.exit(main())
