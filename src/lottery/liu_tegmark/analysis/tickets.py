"""[LT] Figs 2a and 12: mirror-symmetric neurons and splitting a net into lottery tickets.

A *ticket* is a pair of neurons ``(w, b)`` and ``(-w', b')`` with ``w' ~ w, b' ~ b``: the
pair's outputs can sum to an even function such as x^2. Pairs are found by an optimal
assignment between the neurons with ``w < 0`` and those with ``w >= 0`` (a mirror partner
has the opposite sign of w), so the total mirror distance is minimal, not greedy. Each
ticket's quality is the R^2 of the least-squares fit of the target from its own
activations; the tickets' residuals give a correlation matrix whose participation ratio
estimates the number of independent tickets.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.targets import get_target

if TYPE_CHECKING:
    from lottery.liu_tegmark.grids import ScalarNets


@dataclass(frozen=True)
class SplittingSettings:
    """Config ``tickets.splitting`` with the analysed nets' target, activation and input range."""

    target: str
    activation: str
    negative_slope: float
    x_min: float
    x_max: float
    curve_points: int


def mirror_pairs(w: np.ndarray, b: np.ndarray) -> list[tuple[int, ...]]:
    """Neuron index tuples: optimal mirror pairs, then leftover neurons as singletons.

    ``w, b [N]`` of one net with scalar input. The cost of pairing a negative-w neuron i
    with a non-negative one j is ``||(w_i, b_i) - (-w_j, b_j)||``, minimised in total by
    :func:`scipy.optimize.linear_sum_assignment`. When the two signs are unequal in
    number, the surplus neurons have no mirror partner and become one-neuron tickets.
    """
    neg, pos = np.flatnonzero(w < 0), np.flatnonzero(w >= 0)
    cost = np.hypot(w[neg, None] + w[None, pos], b[neg, None] - b[None, pos])
    rows, cols = linear_sum_assignment(cost)
    pairs = [(int(neg[r]), int(pos[c])) for r, c in zip(rows, cols)]
    used = {i for p in pairs for i in p}
    return pairs + [(int(i),) for i in range(len(w)) if i not in used]


def ticket_fit(features: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Float64 least squares ``y ~ features @ coef + const``: (coef with const last, residual, R^2)."""
    design = np.column_stack([features, np.ones(len(y))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    total = np.sum((y - y.mean()) ** 2)
    return coef, resid, float(1 - np.sum(resid**2) / total)


def split_tickets(
    w: np.ndarray, b: np.ndarray, act, x: np.ndarray, y: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every ticket of one net, best R^2 first, and its residual curves ``[T, len(x)]``.

    ``act`` maps an array of pre-activations to activations (numpy).
    """
    rows, resids = [], []
    for pair in mirror_pairs(w, b):
        idx = list(pair)
        h = act(np.outer(x, w[idx]) + b[idx])
        coef, resid, r2 = ticket_fit(h, y)
        rows.append({"neurons": len(idx), "i": idx[0], "j": idx[-1], "r2": r2,
                     "mirror_distance": float(np.hypot(w[idx[0]] + w[idx[-1]], b[idx[0]] - b[idx[-1]]))
                     if len(idx) == 2 else np.nan})
        resids.append(resid)
    frame = pd.DataFrame(rows)
    order = np.argsort(-frame["r2"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True), np.asarray(resids)[order]


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


def split_nets(
    w: np.ndarray, b: np.ndarray, seeds: np.ndarray, losses: np.ndarray, act, x: np.ndarray, y: np.ndarray
) -> dict[str, pd.DataFrame]:
    """Split every net ``w, b [S, N]`` of one width; keep the panels of the median-loss net.

    Returns tidy frames: ``counts`` (per net: tickets, effective tickets, best R^2) and,
    for the net with the median loss, ``tickets``, ``corr`` (C_ij), ``curves`` (e_i(x))
    and ``neurons`` (w, b).
    """
    width = w.shape[1]
    shown = int(np.argsort(losses)[len(losses) // 2])
    counts, panels = [], {}
    for k in range(len(seeds)):
        frame, resid = split_tickets(w[k], b[k], act, x, y)
        corr = error_correlation(resid)
        counts.append({"width": width, "seed": int(seeds[k]), "test_loss": float(losses[k]), "tickets": len(frame),
                       "effective": effective_tickets(corr), "best_r2": float(frame["r2"].iloc[0])})
        if k == shown:
            n = len(frame)
            panels = {
                "tickets": frame.assign(width=width, seed=int(seeds[k]), rank=np.arange(n)),
                "corr": pd.DataFrame({"width": width, "row": np.repeat(np.arange(n), n),
                                      "col": np.tile(np.arange(n), n), "value": corr.ravel()}),
                "curves": pd.DataFrame({"width": width, "rank": np.repeat(np.arange(n), len(x)),
                                        "x": np.tile(x, n), "error": resid.ravel()}),
                "neurons": pd.DataFrame({"width": width, "w": w[k], "b": b[k]}),
            }
    return {"counts": pd.DataFrame(counts), **panels}


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
    parts = [split_nets(g.w, g.b, g.seeds, g.test_loss, act, x, y) for g in grids]
    return {key: pd.concat([part[key] for part in parts], ignore_index=True) for key in parts[0]}
