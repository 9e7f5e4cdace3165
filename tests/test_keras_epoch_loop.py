"""coursekit.experiments.keras_epoch_loop: the compiled loop is the plain mini-batch loop, in the
model's own dtype (float64 for notebook 06)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from coursekit.experiments import keras_epoch_loop  # noqa: E402


def _model_and_optimizer(floatx):
    # floatx and the global dtype policy (cached from floatx at its first use) both decide
    previous = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(floatx)
    try:
        model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
        optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        optimizer.build(model.trainable_variables)
    finally:
        keras.config.set_floatx(previous[0])
        keras.config.set_dtype_policy(previous[1])
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape) for w in model.get_weights()])
    return model, optimizer


@pytest.mark.parametrize("floatx", ["float64", "float32"])
def test_compiled_epochs_equal_the_plain_loop_in_the_models_dtype(floatx):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(10, 2)), rng.integers(0, 3, size=10)
    orders = np.stack([rng.permutation(10) for _ in range(3)]).astype(np.int32)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    compiled, opt_c = _model_and_optimizer(floatx)
    keras_epoch_loop(compiled, opt_c, loss_fn, X, y, batch_size=4)(orders)

    plain, opt_p = _model_and_optimizer(floatx)
    for order in orders:
        for start in range(0, 10, 4):
            idx = order[start:start + 4]
            with tf.GradientTape() as tape:
                loss = loss_fn(y[idx], plain(tf.constant(X[idx], floatx), training=True))
            grads = tape.gradient(loss, plain.trainable_variables)
            opt_p.apply_gradients(zip(grads, plain.trainable_variables, strict=True))

    tol = 1e-12 if floatx == "float64" else 1e-5
    for a, b in zip(compiled.get_weights(), plain.get_weights(), strict=True):
        assert a.dtype == np.dtype(floatx)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
