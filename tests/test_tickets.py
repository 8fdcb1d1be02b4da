"""Known-answer tests of the [LT] ticket analyses (algorithms, ensembling, splitting,
symmetry, distillation)."""
from __future__ import annotations

import numpy as np
import pytest

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.analysis import clusters as alg
from lottery.liu_tegmark.analysis.distill import distill_nets
from lottery.liu_tegmark.analysis.ensembling import ensembling_table, harmonic_ensemble, random_pair_ensembles
from lottery.liu_tegmark.analysis.tickets import (
    effective_tickets,
    error_correlation,
    mirror_pairs,
    mirror_symmetry,
    split_nets,
    split_tickets,
)

SILU = get_activation("silu").numpy()
X = np.linspace(-2, 2, 201)


# --- width-2 algorithms -------------------------------------------------------------


def test_peaks_of_a_bimodal_log_loss_sample_are_found_at_the_planted_modes():
    rng = np.random.default_rng(0)
    logs = np.concatenate([rng.normal(-6, 0.2, 300), rng.normal(-2, 0.2, 700)])
    peaks = alg.log_loss_peaks(10.0**logs)
    assert len(peaks) == 2
    np.testing.assert_allclose(peaks["log10_loss"], [-6, -2], atol=0.15)


def test_canonical_order_makes_swapped_nets_identical():
    w, b, v, c = np.array([[0.5, -1.0]]), np.array([[0.1, 0.2]]), np.array([[3.0, 4.0]]), np.array([0.7])
    a = alg.canonical_width2(w, b, v, c)
    s = alg.canonical_width2(w[:, ::-1], b[:, ::-1], v[:, ::-1], c)
    np.testing.assert_array_equal(a, s)
    np.testing.assert_array_equal(a[0], [-1.0, 0.5, 0.2, 0.1, 4.0, 3.0, 0.7])


@pytest.mark.parametrize("criterion", ["hdbscan", "bic", "silhouette"])
def test_planted_clusters_are_recovered_with_the_right_count(criterion):
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 10, size=(3, 7))
    points = np.concatenate([c + rng.normal(0, 0.3, size=(40, 7)) for c in centres])
    truth = np.repeat(np.arange(3), 40)
    labels, scores = alg.choose_clusters(points, criterion, max_clusters=5, min_cluster_fraction=0.05)
    assert len(set(labels) - {-1}) == 3
    assert int(scores.loc[scores["chosen"], "clusters"].iloc[0]) == 3
    for k in range(3):  # each planted cluster maps to one found cluster
        assert len(set(labels[truth == k]) - {-1}) == 1


def test_clusters_are_renumbered_by_loss_and_summarised():
    labels = np.array([5, 5, 9, 9, -1])
    losses = np.array([1e-1, 1e-1, 1e-4, 1e-4, 1.0])
    relabelled = alg.relabel_by_loss(labels, losses)
    np.testing.assert_array_equal(relabelled, [1, 1, 0, 0, -1])
    points = np.arange(35, dtype=float).reshape(5, 7)
    summary = alg.cluster_summary(points, losses, relabelled)
    assert list(summary["size"]) == [2, 2]
    assert summary.loc[0, "mean_log10_loss"] == pytest.approx(-4)


def test_mirror_asymmetry_is_zero_for_a_mirror_pair():
    assert alg.mirror_asymmetry(np.array([-0.3, 0.3, -1.2, -1.2, 5.0, 5.0, 1.0])) == {"w": 0, "b": 0, "v": 0}
    assert alg.mirror_asymmetry(np.array([0.3, 0.3, -1.2, 1.2, 5.0, -5.0, 1.0])) == {"w": 1, "b": 1, "v": 1}


def test_silu_quadratic_constants_are_the_minimum_and_its_curvature():
    t = alg.silu_quadratic()
    z, h = t["z_star"], 1e-4
    s = 1 / (1 + np.exp(-z))
    assert s * (1 + z * (1 - s)) == pytest.approx(0, abs=1e-9)  # silu'(z*) = 0
    assert t["B"] == pytest.approx(z * s)
    second = (SILU(z + h) - 2 * SILU(z) + SILU(z - h)) / h**2
    assert t["A"] == pytest.approx(second / 2, rel=1e-5)
    assert (z, t["B"]) == pytest.approx((-1.27846, -0.27846), abs=1e-5)


# --- ensembling ---------------------------------------------------------------------


def test_harmonic_ensemble_of_identical_losses_halves_them():
    losses = np.array([0.4, 2e-6, 8.0])
    np.testing.assert_allclose(harmonic_ensemble(losses, losses), losses / 2)
    pairs = random_pair_ensembles(np.full(50, 3e-3), 1000, np.random.default_rng(0))
    np.testing.assert_allclose(pairs, 1.5e-3)


def test_ensembling_distance_is_zero_when_width_n_is_exactly_the_ensemble():
    by_width = {1: np.full(40, 2e-2), 2: np.full(40, 1e-2), 4: np.full(40, 5e-2)}
    table, samples = ensembling_table(by_width, [2, 4], n_pairs=500, seed=0)
    row2, row4 = table.set_index("width").loc[2], table.set_index("width").loc[4]
    assert row2["ks"] == 0 and row2["wasserstein"] == pytest.approx(0, abs=1e-12)
    assert row4["ks"] == 1 and row4["wasserstein"] == pytest.approx(1.0)  # 5e-2 vs 5e-3
    assert set(samples["kind"]) == {"actual", "ensemble"}
    with pytest.raises(ValueError, match="needs widths"):
        ensembling_table(by_width, [8], n_pairs=10, seed=0)


# --- ticket splitting and symmetry ----------------------------------------------------


def _mirror_net(rng: np.random.Generator, pairs: int) -> tuple[np.ndarray, np.ndarray]:
    w = rng.uniform(0.5, 2.0, pairs)
    b = rng.uniform(-1.5, 1.5, pairs)
    return np.concatenate([w, -w]), np.concatenate([b, b])


def test_hand_built_mirror_pairs_are_paired_correctly_and_fit_x2():
    rng = np.random.default_rng(2)
    w, b = _mirror_net(rng, 5)
    w, b = np.append(w, [0.01, -0.01]), np.append(b, [-1.28, -1.28])  # a near-perfect x^2 ticket
    perm = rng.permutation(len(w))
    w, b = w[perm], b[perm]
    pairs = mirror_pairs(w, b)
    assert len(pairs) == 6 and all(len(p) == 2 for p in pairs)
    for i, j in pairs:
        assert w[i] == pytest.approx(-w[j]) and b[i] == pytest.approx(b[j])
    tickets, resid = split_tickets(w, b, SILU, X, X**2)
    assert tickets["r2"].iloc[0] > 1 - 1e-6
    assert abs(w[tickets["i"].iloc[0]]) == pytest.approx(0.01)
    assert resid.shape == (6, len(X)) and tickets["r2"].is_monotonic_decreasing


def test_unequal_signs_leave_one_neuron_tickets():
    w, b = np.array([1.0, -1.0, 2.0, 3.0]), np.array([0.1, 0.1, 0.2, 0.3])
    pairs = mirror_pairs(w, b)
    assert sorted(map(len, pairs)) == [1, 1, 2]
    assert (1, 0) in pairs


def test_effective_tickets_counts_independent_errors():
    assert effective_tickets(np.eye(7)) == pytest.approx(7)
    assert effective_tickets(np.ones((7, 7))) == pytest.approx(1)
    resid = np.array([np.sin(X * np.pi), np.cos(X * np.pi / 2), 2 * np.sin(X * np.pi)])
    corr = error_correlation(resid)
    assert corr[0, 2] == pytest.approx(1) and corr[0, 1] == pytest.approx(0, abs=1e-2)
    assert effective_tickets(corr) == pytest.approx(9 / 5, rel=1e-2)  # eigenvalues 2 and 1


def test_symmetry_measure_separates_a_mirrored_cloud_from_a_shuffled_one():
    rng = np.random.default_rng(3)
    w = rng.uniform(0.1, 2, 400)
    w, b = np.concatenate([w, -w]), np.concatenate([np.exp(-w**2), np.exp(-w**2)])
    mirrored = mirror_symmetry(w, b, shuffles=5, rng=rng)
    shuffled = mirror_symmetry(w, rng.permutation(b), shuffles=5, rng=rng)
    assert mirrored["mirror_distance"] == pytest.approx(0, abs=1e-12)
    assert mirrored["ratio"] < 0.01
    assert shuffled["ratio"] > 0.7


# --- distillation ---------------------------------------------------------------------


def test_distilling_an_exactly_representable_net_recovers_it():
    rng = np.random.default_rng(4)
    w2, b2, v, c = np.array([0.7, -0.7]), np.array([-0.4, -0.4]), np.array([2.5, 2.5]), -1.1
    teacher = lambda x: SILU(np.outer(x, w2) + b2) @ v + c  # noqa: E731
    x_train, x_test = rng.uniform(-2, 2, 300), rng.uniform(-2, 2, 500)
    wj, bj = _mirror_net(rng, 3)
    w, b = np.concatenate([wj, w2])[None], np.concatenate([bj, b2])[None]
    out = distill_nets(w, b, SILU, x_train, teacher(x_train), x_test, teacher(x_test)).iloc[0]
    assert out["ticket_r2"] == pytest.approx(1, abs=1e-12)
    assert sorted([out["w1"], out["w2"]]) == [-0.7, 0.7]
    np.testing.assert_allclose([out["v1"], out["v2"], out["c"]], [2.5, 2.5, -1.1], rtol=1e-8)
    assert out["test_loss"] < 1e-20


def test_split_nets_counts_every_net_and_shows_the_median_one():
    rng = np.random.default_rng(5)
    nets = [_mirror_net(rng, 4) for _ in range(3)]
    w, b = np.stack([n[0] for n in nets]), np.stack([n[1] for n in nets])
    out = split_nets(w, b, np.array([7, 8, 9]), np.array([1e-3, 1e-1, 1e-2]), SILU, X, X**2)
    assert list(out["counts"]["seed"]) == [7, 8, 9] and (out["counts"]["tickets"] == 4).all()
    assert (out["tickets"]["seed"] == 9).all()  # median loss 1e-2
    assert len(out["corr"]) == 16 and len(out["curves"]) == 4 * len(X)
    np.testing.assert_array_equal(out["neurons"]["w"], w[2])
