"""Known-answer tests of the [LT] ticket analysis options: the symmetry group the width-2
nets are clustered modulo (Fig 9), the ticket pairing, R^2 and independence counts of
Fig 12, and the distillation under each split (Fig 13)."""
from __future__ import annotations

import numpy as np
import pytest

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.analysis import clusters as alg
from lottery.liu_tegmark.analysis.distill import distill_nets
from lottery.liu_tegmark.analysis.tickets import correlation_blocks, mirror_pairs, split_nets, split_tickets

SILU = get_activation("silu").numpy()
X = np.linspace(-2, 2, 201)


def _nets(rng: np.random.Generator, centre: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    p = centre + rng.normal(0, 0.02, size=(n, 7))
    return p[:, :2], p[:, 2:4], p[:, 4:6], p[:, 6]


def _images(w, b, v, c, symmetry):
    """The nets mapped by one element of a symmetry group."""
    if symmetry in ("mirror", "both"):
        w = -w
    if symmetry in ("swap", "both"):
        w, b, v = w[:, ::-1], b[:, ::-1], v[:, ::-1]
    return w, b, v, c


@pytest.mark.parametrize("image", ["swap", "mirror", "both"])
def test_each_group_identifies_exactly_its_own_images(image):
    rng = np.random.default_rng(0)
    w, b, v, c = _nets(rng, np.array([-1.7, 0.4, -1.0, 0.9, 3.0, -2.0, 1.5]), 5)
    for group in alg.SYMMETRIES:
        same = np.allclose(alg.canonical_width2(w, b, v, c, group),
                           alg.canonical_width2(*_images(w, b, v, c, image), group))
        assert same == (group == image or group == "both"), (group, image)


def test_mirror_images_collapse_to_one_cluster_modulo_x_to_minus_x():
    rng = np.random.default_rng(1)
    centre, other = np.array([-1.7, 0.4, -1.0, 0.9, 3.0, -2.0, 1.5]), np.array([0.5, 2.5, 1.0, -2.0, -3.0, 4.0, -1.0])
    parts = [_nets(rng, centre, 60), _images(*_nets(rng, centre, 60), "mirror"), _nets(rng, other, 60)]
    cloud = [np.concatenate(column) for column in zip(*parts)]
    count = {g: len(set(alg.choose_clusters(alg.canonical_width2(*cloud, g), "hdbscan", 10, 0.1)[0]) - {-1})
             for g in alg.SYMMETRIES}
    assert count == {"none": 3, "swap": 3, "mirror": 2, "both": 2}


def test_a_mirror_pair_is_one_point_modulo_both_whichever_neuron_is_larger():
    a = alg.canonical_width2(np.array([[0.8, -0.81]]), np.array([[-1.2, -1.2]]), np.array([[5.0, 5.0]]),
                             np.array([3.0]), "both")
    b = alg.canonical_width2(np.array([[0.81, -0.8]]), np.array([[-1.2, -1.2]]), np.array([[5.0, 5.0]]),
                             np.array([3.0]), "both")
    np.testing.assert_allclose(a, b, atol=0.011)


def test_unknown_symmetry_names_its_config_key():
    with pytest.raises(ValueError, match="tickets.algorithms.symmetry"):
        alg.canonical_width2(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)), np.zeros(1), "rotation")


def test_perfect_pairing_pairs_the_surplus_of_one_sign():
    w, b = np.array([1.0, -1.0, 2.0, 3.0]), np.array([0.1, 0.1, 0.2, 0.3])
    assert sorted(map(len, mirror_pairs(w, b, "sign"))) == [1, 1, 2]
    pairs = mirror_pairs(w, b, "perfect")
    assert sorted(map(sorted, pairs)) == [[0, 1], [2, 3]]
    assert len(mirror_pairs(np.append(w, 4.0), np.append(b, 0.0), "perfect")) == 3  # odd N: one singleton


def test_trained_r2_is_the_squared_correlation_of_the_ticket_output():
    rng = np.random.default_rng(2)
    w, b, v = np.array([0.9, -0.9]), np.array([-1.0, -1.0]), np.array([2.0, 2.0])
    refit, _ = split_tickets(w, b, SILU, X, X**2, v, r2="refit")
    even, _ = split_tickets(w, b, SILU, X, X**2, v, r2="trained")
    output = SILU(np.outer(X, w) + b) @ v
    assert even["r2"].iloc[0] == pytest.approx(np.corrcoef(output, X**2)[0, 1] ** 2, rel=1e-12)
    assert refit["r2"].iloc[0] == pytest.approx(even["r2"].iloc[0], rel=1e-12)  # equal v: refit finds them
    lopsided, _ = split_tickets(w, b, SILU, X, X**2, np.array([2.0, -1.0 + rng.normal()]), r2="trained")
    assert lopsided["r2"].iloc[0] < refit["r2"].iloc[0] - 0.1


def test_blocks_count_groups_of_correlated_errors():
    assert correlation_blocks(np.eye(5), 0.5) == 5
    assert correlation_blocks(np.ones((5, 5)), 0.5) == 1
    two = np.kron(np.eye(2), np.full((3, 3), 0.9)) + 0.1 * np.eye(6)
    assert correlation_blocks(two, 0.5) == 2


def test_split_nets_reports_every_variant_and_the_chosen_one_as_counts():
    rng = np.random.default_rng(3)
    w = np.concatenate([rng.uniform(0.3, 1.5, (3, 3)), -rng.uniform(0.3, 1.5, (3, 2))], axis=1)
    b, v = rng.uniform(-1.5, 0, (3, 5)), rng.uniform(1, 3, (3, 5))
    out = split_nets(w, b, np.arange(3), np.array([1e-3, 1e-2, 1e-1]), SILU, X, X**2, v)
    assert len(out["variants"]) == 3 * 4
    assert set(out["variants"]["tickets"]) == {3}  # 2 pairs + 1 singleton either way (odd N, imbalance 1)
    sign = out["variants"].query("pairing == 'sign' and r2_method == 'refit'").reset_index(drop=True)
    np.testing.assert_allclose(out["counts"]["effective"], sign["effective"])
    assert {"blocks", "high_r2"} <= set(out["counts"].columns)


def test_distillation_is_repeated_under_every_split():
    rng = np.random.default_rng(4)
    w2, b2, v2, c = np.array([0.7, -0.7]), np.array([-0.4, -0.4]), np.array([2.5, 2.5]), -1.1
    teacher = lambda x: SILU(np.outer(x, w2) + b2) @ v2 + c  # noqa: E731
    x_train, x_test = rng.uniform(-2, 2, 300), rng.uniform(-2, 2, 500)
    w = np.array([[1.3, -1.2, 0.2, w2[0], w2[1]]])
    b, v = np.array([[0.3, 0.5, -0.9, b2[0], b2[1]]]), np.array([[0.1, 0.2, 0.3, 2.5, 2.5]])
    out = distill_nets(w, b, SILU, x_train, teacher(x_train), x_test, teacher(x_test), v)
    assert len(out) == 4 and set(zip(out["pairing"], out["r2_method"])) == {
        ("sign", "refit"), ("sign", "trained"), ("perfect", "refit"), ("perfect", "trained")}
    assert (out["test_loss"] < 1e-20).all()  # every split finds the exact ticket here
