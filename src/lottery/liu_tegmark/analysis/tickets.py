"""[LT] Figs 2a and 12: mirror-symmetric neurons and splitting a net into lottery tickets.

A *ticket* is a pair of neurons ``(w, b)`` and ``(-w', b')`` with ``w' ~ w, b' ~ b``: the
pair's outputs can sum to an even function such as x^2. Pairs are found by an optimal
assignment between the neurons with ``w < 0`` and those with ``w >= 0`` (a mirror partner
has the opposite sign of w), so the total mirror distance is minimal, not greedy. Each
ticket's quality is an R^2 against the target; the tickets' residuals give a correlation
matrix whose participation ratio, and whose number of correlated blocks, estimate the
number of independent tickets.

Appendix C leaves three choices open, each an option (config ``tickets.splitting``):
``pairing`` (``sign``: surplus neurons of the commoner sign stay one-neuron tickets;
``perfect``: every neuron is paired, N/2 tickets as the paper's partition), ``r2``
(``refit``: least squares of the target on the ticket's two activations; ``trained``: the
squared correlation of the ticket's own output, with the net's trained output weights,
with the target) and the independence count (participation ratio or blocks).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree
from scipy.spatial.distance import squareform

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.targets import get_target

if TYPE_CHECKING:
    from lottery.liu_tegmark.store import ScalarNets

PAIRINGS = ("sign", "perfect")
R2_METHODS = ("refit", "trained")


@dataclass(frozen=True)
class SplittingSettings:
    """Config ``tickets.splitting`` with the analysed nets' target, activation and input range."""

    target: str
    activation: str
    negative_slope: float
    x_min: float
    x_max: float
    curve_points: int
    pairing: str = "sign"
    r2: str = "refit"
    block_correlation: float = 0.5
    high_r2: float = 0.99


def _check(pairing: str, r2: str) -> None:
    if pairing not in PAIRINGS:
        raise ValueError(f"tickets.splitting.pairing {pairing!r}; choose one of {PAIRINGS}")
    if r2 not in R2_METHODS:
        raise ValueError(f"tickets.splitting.r2 {r2!r}; choose one of {R2_METHODS}")


def _mirror_cost(w: np.ndarray, b: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.hypot(w[rows, None] + w[None, cols], b[rows, None] - b[None, cols])


def mirror_pairs(w: np.ndarray, b: np.ndarray, pairing: str = "sign") -> list[tuple[int, ...]]:
    """Neuron index tuples: optimal mirror pairs, then the neurons left over.

    ``w, b [N]`` of one net with scalar input. The cost of pairing a negative-w neuron i
    with a non-negative one j is ``||(w_i, b_i) - (-w_j, b_j)||``, minimised in total by
    :func:`scipy.optimize.linear_sum_assignment`. When the two signs are unequal in
    number, the surplus neurons have no opposite-sign partner: with ``pairing="sign"``
    they become one-neuron tickets; with ``"perfect"`` they are paired among themselves,
    cheapest mirror distance first (greedy, ours), so only an odd N leaves one singleton.
    """
    neg, pos = np.flatnonzero(w < 0), np.flatnonzero(w >= 0)
    rows, cols = linear_sum_assignment(_mirror_cost(w, b, neg, pos))
    pairs = [(int(neg[r]), int(pos[c])) for r, c in zip(rows, cols)]
    used = {i for p in pairs for i in p}
    left = np.array([i for i in range(len(w)) if i not in used], dtype=int)
    if pairing == "perfect" and len(left) > 1:
        cost = _mirror_cost(w, b, left, left)
        cost[np.tril_indices(len(left))] = np.inf
        free = np.ones(len(left), bool)
        for flat in np.argsort(cost, axis=None, kind="stable"):
            r, c = divmod(int(flat), len(left))
            if np.isfinite(cost[r, c]) and free[r] and free[c]:
                pairs.append((int(left[r]), int(left[c])))
                free[[r, c]] = False
        left = left[free]
    return pairs + [(int(i),) for i in left]


def ticket_fit(features: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Float64 least squares ``y ~ features @ coef + const``: (coef with const last, residual, R^2)."""
    design = np.column_stack([features, np.ones(len(y))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    total = np.sum((y - y.mean()) ** 2)
    return coef, resid, float(1 - np.sum(resid**2) / total)


def _projection(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares fits ``[T, P]`` of ``y`` from each design ``[T, P, k]``, by one batched SVD.

    Singular values below ``eps * max(P, k)`` times the largest are dropped, as
    :func:`numpy.linalg.lstsq` does with ``rcond=None`` (a one-neuron ticket's zero column).
    """
    u, sv, _ = np.linalg.svd(design, full_matrices=False)
    keep = sv > np.finfo(float).eps * max(design.shape[1:]) * sv[:, :1]
    return np.einsum("tpk,tk->tp", u * keep[:, None, :], np.einsum("tpk,p->tk", u, y))


class TicketFits(NamedTuple):
    """Tickets of one net, best first: neuron indices ``i, j`` (``i == j``: one neuron),
    ``unexplained`` = 1 - R^2 computed without cancellation (so tickets at R^2 = 1 to
    double precision are still ranked), and residual curves ``resid [T, len(x)]``."""

    i: np.ndarray
    j: np.ndarray
    unexplained: np.ndarray
    resid: np.ndarray


def fit_tickets(
    h: np.ndarray, v: np.ndarray | None, pairs: list[tuple[int, ...]], y: np.ndarray, r2: str = "refit"
) -> TicketFits:
    """All tickets of one net fitted in one batched float64 least-squares call.

    ``h [P, N]`` activations on the inputs, ``v [N]`` trained output weights (needed by
    ``r2="trained"``). ``refit``: y on (h_i, h_j, 1); ``trained``: y on (v_i h_i + v_j h_j, 1),
    whose R^2 is the squared correlation of the ticket's own output with y.
    """
    i = np.array([p[0] for p in pairs], dtype=int)
    j = np.array([p[-1] for p in pairs], dtype=int)
    pair = (i != j)[:, None]
    if r2 == "trained":
        if v is None:
            raise ValueError("tickets.splitting.r2 'trained' needs the nets' output weights")
        feats = [(h[:, i] * v[i]).T + np.where(pair, (h[:, j] * v[j]).T, 0.0)]
    else:
        feats = [h[:, i].T, np.where(pair, h[:, j].T, 0.0)]
    design = np.stack([*feats, np.ones_like(feats[0])], axis=-1)  # [T, P, k]
    resid = y - _projection(design, y)
    unexplained = np.sum(resid**2, axis=1) / np.sum((y - y.mean()) ** 2)
    order = np.argsort(unexplained, kind="stable")
    return TicketFits(i[order], j[order], unexplained[order], resid[order])


def split_tickets(
    w: np.ndarray, b: np.ndarray, act, x: np.ndarray, y: np.ndarray,
    v: np.ndarray | None = None, pairing: str = "sign", r2: str = "refit",
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every ticket of one net, best R^2 first, and its residual curves ``[T, len(x)]``.

    ``act`` maps an array of pre-activations to activations (numpy).
    """
    _check(pairing, r2)
    fits = fit_tickets(act(np.outer(x, w) + b), v, mirror_pairs(w, b, pairing), y, r2)
    single = fits.i == fits.j
    frame = pd.DataFrame({"neurons": np.where(single, 1, 2), "i": fits.i, "j": fits.j, "r2": 1 - fits.unexplained,
                          "unexplained": fits.unexplained,
                          "mirror_distance": np.where(single, np.nan, np.hypot(w[fits.i] + w[fits.j],
                                                                              b[fits.i] - b[fits.j]))})
    return frame, fits.resid


def error_correlation(resids: np.ndarray) -> np.ndarray:
    """``C_ij = <e_i, e_j> / sqrt(<e_i, e_i> <e_j, e_j>)`` of residual curves ``[T, n]``."""
    norms = np.sqrt(np.sum(resids**2, axis=1))
    norms[norms == 0] = 1.0
    unit = resids / norms[:, None]
    return unit @ unit.T


def effective_tickets(corr: np.ndarray) -> float:
    """Participation ratio ``(sum lambda)^2 / sum lambda^2`` of the correlation matrix.

    T for T uncorrelated tickets (C = I), 1 when all errors are the same curve.
    """
    lam = np.clip(np.linalg.eigvalsh(corr), 0, None)
    return float(lam.sum() ** 2 / np.sum(lam**2))


def correlation_blocks(corr: np.ndarray, threshold: float) -> int:
    """Blocks of the correlation matrix, as the paper reads Fig 12 by eye (the rule is ours).

    Average-linkage clusters of tickets at distance ``1 - C_ij``, cut where the mean
    correlation between two groups falls below ``threshold``: T for uncorrelated
    tickets, 1 when all errors are the same curve.
    """
    if len(corr) < 2:
        return len(corr)
    tree = linkage(squareform(np.clip(1 - corr, 0, None), checks=False), method="average")
    return int(len(np.unique(fcluster(tree, t=1 - threshold, criterion="distance"))))


# Shuffled clouds per net for its mirror-symmetry ratio (every net of a width; the shown wide net uses more).
MIRROR_SHUFFLES = 20


def split_nets(
    w: np.ndarray, b: np.ndarray, seeds: np.ndarray, losses: np.ndarray, act, x: np.ndarray, y: np.ndarray,
    v: np.ndarray | None = None, settings: SplittingSettings | None = None,
) -> dict[str, pd.DataFrame]:
    """Split every net ``w, b [S, N]`` of one width; keep the panels of the median-loss net.

    Returns tidy frames: ``counts`` (per net, under the settings' pairing and R^2: tickets,
    effective tickets, correlation blocks, best R^2, fraction of tickets with R^2 of at
    least ``high_r2``, and the first layer's mirror-symmetry ratio), ``variants`` (the same per net for every pairing and R^2 the
    output weights allow) and, for the net with the median loss, ``tickets``, ``corr``
    (C_ij), ``curves`` (e_i(x)) and ``neurons`` (w, b).
    """
    s = settings or SplittingSettings("x2", "silu", 0.01, float(x.min()), float(x.max()), len(x))
    _check(s.pairing, s.r2)
    width = w.shape[1]
    shown = int(np.argsort(losses)[len(losses) // 2])
    methods = R2_METHODS if v is not None else ("refit",)
    rows, panels = [], {}
    for k in range(len(seeds)):
        h = act(np.outer(x, w[k]) + b[k])
        mirror = mirror_symmetry(w[k], b[k], MIRROR_SHUFFLES, np.random.default_rng(int(seeds[k])))["ratio"]
        for pairing in PAIRINGS:
            pairs = mirror_pairs(w[k], b[k], pairing)
            for r2 in methods:
                fits = fit_tickets(h, None if v is None else v[k], pairs, y, r2)
                corr = error_correlation(fits.resid)
                rows.append({"width": width, "seed": int(seeds[k]), "test_loss": float(losses[k]),
                             "pairing": pairing, "r2_method": r2, "tickets": len(fits.i),
                             "effective": effective_tickets(corr),
                             "blocks": correlation_blocks(corr, s.block_correlation),
                             "best_r2": float(1 - fits.unexplained[0]),
                             "high_r2": float(np.mean(1 - fits.unexplained >= s.high_r2)),
                             "mirror_ratio": mirror})
        if k == shown:
            frame, resid = split_tickets(w[k], b[k], act, x, y, None if v is None else v[k], s.pairing, s.r2)
            n, corr = len(frame), error_correlation(resid)
            panels = {
                "tickets": frame.assign(width=width, seed=int(seeds[k]), rank=np.arange(n)),
                "corr": pd.DataFrame({"width": width, "row": np.repeat(np.arange(n), n),
                                      "col": np.tile(np.arange(n), n), "value": corr.ravel()}),
                "curves": pd.DataFrame({"width": width, "rank": np.repeat(np.arange(n), len(x)),
                                        "x": np.tile(x, n), "error": resid.ravel()}),
                "neurons": pd.DataFrame({"width": width, "w": w[k], "b": b[k]}),
            }
    variants = pd.DataFrame(rows)
    chosen = (variants["pairing"] == s.pairing) & (variants["r2_method"] == s.r2)
    counts = variants[chosen].drop(columns=["pairing", "r2_method"]).reset_index(drop=True)
    return {"counts": counts, "variants": variants, **panels}


def mirror_symmetry(w: np.ndarray, b: np.ndarray, shuffles: int, rng: np.random.Generator) -> dict[str, float]:
    """Mean distance from each neuron to its nearest mirrored neighbour, vs a shuffled cloud.

    Mirror images are ``(-w_j, b_j)``, ``j != i``. The baseline mirrors a cloud whose
    biases are shuffled among neurons (same marginals, pairing of w and b broken), averaged
    over ``shuffles`` shuffles. ``ratio`` near 0: mirror-symmetric; near 1: no more than
    chance.
    """
    points = np.column_stack([w, b])

    def nearest_mirror(bias: np.ndarray) -> float:
        d, k = cKDTree(np.column_stack([-w, bias])).query(points, k=2)
        return float(np.where(k[:, 0] == np.arange(len(w)), d[:, 1], d[:, 0]).mean())

    actual = nearest_mirror(b)
    baseline = float(np.mean([nearest_mirror(rng.permutation(b)) for _ in range(shuffles)]))
    return {"mirror_distance": actual, "shuffled_distance": baseline, "ratio": actual / baseline}


def symmetry_frames(nets: ScalarNets, shuffles: int) -> dict[str, pd.DataFrame]:
    """Fig 2a: the first net's first layer ``neurons (w, b)`` and its mirror-symmetry ``stats``."""
    w, b = nets.w[0], nets.b[0]
    stats = mirror_symmetry(w, b, shuffles, np.random.default_rng(0))
    stats = pd.DataFrame([{**stats, "width": len(w), "seed": int(nets.seeds[0])}])
    return {"neurons": pd.DataFrame({"w": w, "b": b}), "stats": stats}


def split_grids(grids: list[ScalarNets], settings: SplittingSettings) -> dict[str, pd.DataFrame]:
    """Fig 12: :func:`split_nets` on every grid (one per width), on a uniform input grid; frames stacked."""
    act = get_activation(settings.activation).numpy(settings.negative_slope)
    x = np.linspace(settings.x_min, settings.x_max, settings.curve_points)
    y = get_target(settings.target)(x[:, None])
    parts = [split_nets(g.w, g.b, g.seeds, g.test_loss, act, x, y, g.v, settings) for g in grids]
    return {key: pd.concat([part[key] for part in parts], ignore_index=True) for key in parts[0]}
