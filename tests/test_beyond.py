"""Known answers of the "beyond both papers" analyses: scaling forms recover planted laws,
eq. 2.11 adds up, IMP finds a planted sparse net."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from lottery.beyond.bias_variance import decompose, ensemble_losses
from lottery.beyond.imp_tickets import pair_fates
from lottery.beyond.masked_imp import ImpSettings, best_rounds, imp_regression, rounds_frame
from lottery.beyond.scaling_forms import FORM_PARAMS, curve_forms, fit_form, predict, split_widths
from lottery.core.checkpoint import Checkpoint, Interrupted
from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.nets import init_params

WIDTHS = np.array([1, 2, 3, 4, 6, 10, 20, 30, 40, 50], dtype=float)
E0 = 1.5
PLANTED = {
    "M1": ([np.log(0.8), -1.3], {"b": 0.8, "c": -1.3}),
    "M2": ([np.log(0.8), -2.5, 1e-3], {"b": 0.8, "c": -2.5, "e_inf": 1e-3}),
    "M3": ([np.log(0.5), -2.0, np.log(0.05)], {"b": 0.5, "c": -2.0, "g": 0.05}),
    "M4": ([np.log(0.6), -3.0, 2e-4, 1.5], {"b": 0.6, "c": -3.0, "e_inf": 2e-4, "a": 1.5}),
}


@pytest.mark.parametrize("form", list(PLANTED))
def test_each_form_recovers_its_parameters(form: str) -> None:
    theta, truth = PLANTED[form]
    losses = predict(form, np.array(theta), WIDTHS, E0)
    fit = fit_form(form, WIDTHS, losses, E0)
    got = fit.params()
    for name, value in truth.items():
        assert got[name] == pytest.approx(value, rel=1e-5), name
    assert set(truth) == set(FORM_PARAMS[form])


def test_m4_prediction_solves_its_implicit_equation() -> None:
    theta = np.array(PLANTED["M4"][0])
    e = predict("M4", theta, WIDTHS, E0)
    log_b, c, e_inf, a = theta
    assert np.all((e > e_inf) & (e < E0))
    np.testing.assert_allclose((e - e_inf) / (E0 - e) ** a, np.exp(log_b) * WIDTHS**c, rtol=1e-9)


def test_forms_with_more_parameters_than_widths_are_not_fitted() -> None:
    assert fit_form("M4", WIDTHS[:3], np.array([1.0, 0.5, 0.3]), E0) is None
    assert fit_form("M4", WIDTHS[:4], np.array([1.0, 0.5, 0.3, E0]), E0) is None  # a loss at e0
    assert split_widths([1, 2, 10, 20], 2) == ([1, 2, 10], [20])  # at least one held out, widths kept to fit
    assert split_widths(list(range(1, 11)), 2) == (list(range(1, 9)), [9, 10])


def test_the_planted_form_extrapolates_best_from_noisy_seeds() -> None:
    """Seeds scattered around an M2 law with a floor: M2 predicts the held-out widths, M1 cannot."""
    rng = np.random.default_rng(0)
    theta = np.array(PLANTED["M2"][0])
    medians = predict("M2", theta, WIDTHS, E0)
    by_width = {int(w): m * np.exp(0.05 * rng.standard_normal(401)) for w, m in zip(WIDTHS, medians)}
    table = curve_forms(by_width, E0, held_out=3, n_boot=30, confidence=0.9, rng=rng).set_index("form")
    assert table.loc["M2", "extrapolation_error"] < 0.05 < table.loc["M1", "extrapolation_error"]
    assert table.loc["M2", "win_rate"] + table.loc["M4", "win_rate"] > 0.9
    assert table.loc["M2", "c_low"] < -2.5 < table.loc["M2", "c_high"]
    assert table["win_rate"].sum() == pytest.approx(1.0)


def test_bias_variance_decomposition_sums_to_the_total_error() -> None:
    """Nets = truth + a shared offset (bias) + independent noise (variance): eq. 2.11 recovers both."""
    rng = np.random.default_rng(1)
    y = np.sin(np.linspace(-2, 2, 300))
    offset, spread = 0.3, 0.5
    pred = y + offset + spread * rng.standard_normal((4000, len(y)))
    parts = decompose(pred, y)
    assert parts["bias2"] + parts["variance"] == pytest.approx(parts["total"], rel=1e-12)
    assert parts["total"] == pytest.approx(np.mean((pred - y) ** 2), rel=1e-12)
    assert parts["bias2"] == pytest.approx(offset**2, rel=0.02)
    assert parts["variance"] == pytest.approx(spread**2, rel=0.01)


def test_ensemble_loss_keeps_the_bias_and_divides_the_variance() -> None:
    rng = np.random.default_rng(2)
    y = np.linspace(-1, 1, 50)
    pred = y + 0.1 + rng.standard_normal((20, len(y)))
    curve = ensemble_losses(pred, y, [1, 4, 20, 40], draws=3000, rng=rng).set_index("k")
    assert list(curve.index) == [1, 4, 20]  # more nets than there are are skipped
    np.testing.assert_allclose(curve["loss"], curve["predicted"], rtol=0.03)
    assert curve.loc[20, "loss"] == pytest.approx(decompose(pred, y)["bias2"], rel=1e-12)  # all nets: bias only
    assert curve.loc[1, "one_over_k"] == pytest.approx(4 * curve.loc[4, "one_over_k"])


@pytest.fixture
def one_thread():
    """Tiny tensors: extra threads only add contention on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_imp_finds_a_planted_sparse_net(one_thread: None) -> None:
    """Noisy labels from one tanh neuron reading inputs 0 and 3 of six: IMP's best pruned nets keep
    exactly those inputs and beat the dense nets, which fit the noise with their spare weights."""
    rng = np.random.default_rng(0)
    dim, planted = 6, {0, 3}

    def teacher(x: np.ndarray) -> np.ndarray:
        return 2.0 * np.tanh(1.5 * x[:, 0] - 1.0 * x[:, 3])

    x_train, x_test = rng.uniform(-1.5, 1.5, (128, dim)), rng.uniform(-1.5, 1.5, (1000, dim))
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    data = (t(x_train), t(teacher(x_train) + 0.3 * rng.standard_normal(128)), t(x_test), t(teacher(x_test)))
    settings = ImpSettings(steps=400, lr=0.03, lr_decay=0.3, lr_decay_every=150, fraction=0.3, rounds=7)
    rounds = imp_regression(init_params(list(range(4)), 3, dim, torch.float64), *data,
                            get_activation("tanh").torch_pair()[0], settings)
    frame = rounds_frame(rounds, np.arange(4))
    best = best_rounds(frame)
    dense = frame[frame["round"] == 0].set_index("seed")["test_loss"]
    for row in best.itertuples():
        masks = rounds[row.round].masks
        alive = masks["v"][row.seed].bool()
        inputs = set(np.flatnonzero(masks["w"][row.seed][alive].any(0).numpy()))
        assert inputs == planted
        assert row.effective_params <= 2 * (len(planted) + 1) < 3 * (dim + 1)
        assert row.test_loss < dense[row.seed] / 2
    assert np.all([(rd.params.w == 0)[~rd.masks["w"].bool()].all() for rd in rounds])  # pruned stay zero


def test_a_stopped_imp_job_resumes_with_identical_rounds(one_thread: None, tmp_path) -> None:
    """Stop after the first pruned round (as SIGTERM would), resume from the checkpoint: every
    round equals the uninterrupted run's, and a checkpoint of other settings is not resumed."""
    rng = np.random.default_rng(1)
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    x = rng.uniform(-2, 2, (64, 1))
    data = (t(x), t(x[:, 0] ** 2), t(x[::2]), t(x[::2, 0] ** 2))
    init = init_params(list(range(3)), 6, 1, torch.float64)
    act = get_activation("silu").torch_pair()[0]
    settings = ImpSettings(steps=60, lr=0.02, lr_decay=0.5, lr_decay_every=30, fraction=0.3, rounds=3)
    whole = rounds_frame(imp_regression(init, *data, act, settings), np.arange(3))

    checkpoint = Checkpoint(tmp_path / "imp.ckpt", every=1)
    checkpoint.stop.set()
    with pytest.raises(Interrupted, match="after round 0"):
        imp_regression(init, *data, act, settings, checkpoint, key="k")
    checkpoint.stop.clear()
    with pytest.raises(Interrupted, match="after round 1"):  # resumed at round 1, not 0
        checkpoint.stop.set()
        imp_regression(init, *data, act, settings, checkpoint, key="k")
    checkpoint.stop.clear()
    resumed = rounds_frame(imp_regression(init, *data, act, settings, checkpoint, key="k"), np.arange(3))
    pd.testing.assert_frame_equal(resumed, whole)
    assert checkpoint.load("other settings") is None


def test_mirror_pairs_sharing_their_fate() -> None:
    w = np.array([[1.0, -1.0, 2.0, -2.0]])
    b = np.array([[0.5, 0.5, -1.0, -1.0]])
    alive = np.array([[[True, True, True, True]], [[True, True, False, False]], [[True, False, True, False]]])
    fates = pair_fates(w, b, alive).set_index("round")
    assert list(fates["pairs"]) == [2, 2, 2]
    assert list(fates["together"]) == [1.0, 1.0, 0.0]
    assert list(fates["chance"]) == [1.0, 0.5, 0.5]
    assert list(fates["both_alive"]) == [2, 1, 0]


def test_best_round_prefers_fewer_weights_on_ties() -> None:
    frame = pd.DataFrame({"seed": [0, 0, 0], "round": [0, 1, 2], "weights": [10, 7, 5],
                          "test_loss": [0.2, 0.1, 0.1]})
    assert best_rounds(frame)["effective_params"].tolist() == [5]
