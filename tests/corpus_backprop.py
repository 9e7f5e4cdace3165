"""Answers to the exercises of notebook 01 (backprop), right and wrong; see check_corpus.py."""

import numpy as np

from check_corpus import RIGHT, Answer


def affine_backward_reference_style(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def affine_backward_as_list(dout, x, W):
    return [dout @ W.T, x.T @ dout, np.sum(dout, axis=0)]


def affine_backward_transposed_dw(dout, x, W):
    # dW computed as dout.T @ x: the shape of W transposed
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


ENTRIES = [
    Answer("check_affine_backward", affine_backward_reference_style, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_as_list, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_transposed_dw, "transposed dW", "variant",
           names=r"dW is transposed"),
]
