"""Fast trainers behind the notebooks' experiments: speed machinery, not lesson material.

The lessons' algorithms are in the teaching modules (:mod:`coursekit.nn`,
:mod:`coursekit.regularization`, ...). Running an experiment over many settings and seeds on a
laptop CPU needs tricks that would hide those algorithms, so they live here:

* :func:`train_mlps` trains M small PyTorch MLPs *at once*, as one batch of matrix products
  (notebook 03's L2 / dropout comparison and its widget);
* :func:`keras_epoch_loop` compiles a Keras training loop over whole epochs into one TensorFlow
  graph (notebook 06 trains 500 epochs for 10 seeds with it).

Both give the same numbers as the plain loop they replace; they are only faster.
"""

from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["train_mlps", "keras_epoch_loop"]


def train_mlps(X_train, y_train, X_val=None, y_val=None, *, l2=(0.0,), dropout=(0.0,),
               hidden=(128, 128), epochs: int = 500, lr: float = 0.05, momentum: float = 0.9,
               seed: int = 0, record_every: int = 10):
    """Train M independent ReLU MLPs at once (full-batch SGD, PyTorch, float64).

    Network ``m`` gets the coupled L2 penalty ``(l2[m]/2)·Σ‖W‖²`` (weights only) added to its mean
    cross-entropy, and inverted dropout with rate ``dropout[m]`` after every hidden ReLU during
    training. ``l2`` and ``dropout`` have one entry per network (M entries; a single-entry list is
    repeated). Weights start like ``torch.nn.Linear`` (U(±1/√fan_in)), drawn per network from a
    generator seeded with ``seed``, so network m differs from network m' in its initial weights
    and dropout masks. Training the M networks as one batch of matrix products gives exactly the
    gradients of M separate runs; it is only faster. ``momentum=0`` is plain gradient descent,
    where the coupled L2 penalty is exactly weight decay: ``W ← (1 - lr·l2)·W - lr·∇CE``.

    X_train: (N, D) floats, y_train: (N,) ints in [0, C); the number of classes C is
    ``max(y_train) + 1``. Returns ``(predict, history)``: ``predict(X)`` gives class probabilities
    of shape (M, n, C) with dropout off (evaluation mode), ``predict(X, which)`` those of the
    networks ``which`` selects (a slice or a list of indices), ``predict(X, training=True)``
    with dropout left on (one random mask per call); ``history`` is a dict of NumPy
    arrays: ``epoch`` (T,), ``train_loss`` (T, M) (cross-entropy only), ``train_acc`` (T, M),
    ``val_acc`` (T, M) (accuracy on ``X_val``, ``y_val``, only when they are given),
    ``weight_norm`` (T, M) (√Σ‖W‖²), recorded every ``record_every`` epochs and after the last
    one. ``X_val``, ``y_val`` are the held-out points the curves are watched on: in notebook 03,
    the validation set on which every choice is made (never the test set).
    """
    import torch

    (X_train, y_train, X_val, y_val, n_classes, l2, rates, widths, epochs, lr, momentum, seed,
     record_every) = _validate.train_mlps(X_train, y_train, X_val, y_val, l2, dropout, hidden,
                                          epochs, lr, momentum, seed, record_every)

    # Training amplifies round-off: in float32 the last-digit differences between CPUs (SIMD
    # width, threads) grow into different accuracies within 500 epochs; in float64 they stay
    # below 1e-8. One thread: small matrices gain nothing from more.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train(torch, X_train, y_train, X_val, y_val, l2, rates, widths, n_classes,
                      epochs, lr, momentum, seed, record_every)
    finally:
        torch.set_num_threads(threads)


def _train(torch, X_train, y_train, X_val, y_val, l2, rates, widths, n_classes, epochs, lr,
           momentum, seed, record_every):
    dtype = torch.float64  # see train_mlps: float64 so every CPU gets the same digits
    m = len(l2)
    gen = torch.Generator().manual_seed(seed)
    sizes = [X_train.shape[1], *widths, n_classes]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1.0 / np.sqrt(n_in)
        W = (torch.rand(m, n_in, n_out, generator=gen, dtype=dtype) * 2 - 1) * bound
        b = (torch.rand(m, 1, n_out, generator=gen, dtype=dtype) * 2 - 1) * bound
        params += [W.requires_grad_(), b.requires_grad_()]
    lam = torch.tensor(l2, dtype=dtype)
    rate = torch.tensor(rates, dtype=dtype).view(m, 1, 1)

    def logits(X, training, nets=None):
        ws = params if nets is None else [p[nets] for p in params]   # nets: a subset (predict)
        r = rate if nets is None else rate[nets]
        h = X.expand(ws[0].shape[0], *X.shape)          # (M, N, D)
        for i in range(0, len(ws) - 2, 2):
            h = torch.relu(torch.baddbmm(ws[i + 1], h, ws[i]))
            if training:                                # inverted dropout, per network rate
                keep = torch.rand(h.shape, generator=gen, dtype=dtype) >= r
                h = torch.where(keep, h / (1 - r), 0.0)
        return torch.baddbmm(ws[-1], h, ws[-2])          # (M, N, C)

    def as_tensors(X, y):
        return torch.tensor(X, dtype=dtype), torch.tensor(y)

    Xtr, ytr = as_tensors(X_train, y_train)
    held = as_tensors(X_val, y_val) if X_val is not None else None
    opt = torch.optim.SGD(params, lr=lr, momentum=momentum)
    history = {"epoch": [], "train_loss": [], "train_acc": [], "weight_norm": []}
    if held is not None:
        history["val_acc"] = []

    def cross_entropy(out, y):                          # mean over samples, one value per network
        return torch.nn.functional.cross_entropy(out.transpose(1, 2), y.expand(m, -1),
                                                 reduction="none").mean(dim=1)

    def accuracy(X, y):
        return (logits(X, False).argmax(dim=2) == y).float().mean(dim=1).numpy()

    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        ce = cross_entropy(logits(Xtr, True), ytr)
        sq = sum((W**2).sum(dim=(1, 2)) for W in params[::2])
        (ce + 0.5 * lam * sq).sum().backward()          # networks are independent: sum is fine
        opt.step()
        if epoch % record_every == 0 or epoch == epochs:
            with torch.no_grad():
                history["epoch"].append(epoch)
                history["train_loss"].append(cross_entropy(logits(Xtr, False), ytr).numpy())
                history["train_acc"].append(accuracy(Xtr, ytr))
                history["weight_norm"].append(
                    torch.sqrt(sum((W**2).sum(dim=(1, 2)) for W in params[::2])).numpy())
                if held is not None:
                    history["val_acc"].append(accuracy(*held))

    def predict(X, which=slice(None), training=False):
        """Class probabilities (K, n, C) for X (n, D) of the networks ``which`` selects (a slice
        or a list of indices; all M by default), dropout off; ``training=True`` leaves dropout on
        (a new random mask at every call: what a forgotten ``model.eval()`` does)."""
        X, nets = _validate.mlp_input(X, sizes[0]), _validate.networks(which, m)
        with torch.no_grad():
            out = logits(torch.tensor(X, dtype=dtype), _validate.flag(training, "training"),
                         torch.as_tensor(nets))
            return torch.softmax(out, dim=2).numpy()

    return predict, {k: np.asarray(v) for k, v in history.items()}


def keras_epoch_loop(model, optimizer, loss_fn, X, y, *, batch_size: int = 32):
    """Compile ``train_epochs(orders)``: mini-batch training of a Keras model, one graph.

    ``orders`` is an int32 array (E, N): one permutation of the N training points per epoch.
    For every epoch and every slice of ``batch_size`` indices of its permutation (the last one
    may be smaller), ``train_epochs`` computes ``loss_fn(y[idx], model(X[idx], training=True))``
    under a ``tf.GradientTape`` and lets ``optimizer`` apply the gradients: what ``model.fit``
    does, without its fixed cost per call and per epoch. For notebook 06's small model on a
    2-core CPU (one measurement, December 2026): 500 epochs took about 26 s with ``fit`` and
    under 0.1 s with this loop. ``optimizer`` must be built for ``model.trainable_variables``.
    ``X`` enters in the model's compute dtype: a model built under
    ``keras.config.set_floatx("float64")`` trains in float64 (the same numbers on every CPU).
    """
    X, y, batch_size = _validate.keras_epoch_loop(X, y, batch_size)
    n = X.shape[0]
    import tensorflow as tf

    X_tf, y_tf = tf.constant(X, model.compute_dtype), tf.constant(y)

    @tf.function(input_signature=[tf.TensorSpec([None, n], tf.int32)])
    def train_epochs(orders):
        """Run one epoch per row of ``orders`` (a permutation of the training points)."""
        for epoch in tf.range(tf.shape(orders)[0]):
            for start in range(0, n, batch_size):
                idx = orders[epoch, start:start + batch_size]
                with tf.GradientTape() as tape:
                    loss = loss_fn(tf.gather(y_tf, idx), model(tf.gather(X_tf, idx), training=True))
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    return train_epochs
