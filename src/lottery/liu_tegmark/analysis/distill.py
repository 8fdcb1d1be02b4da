"""[LT] Fig 13: distilling a width-2 net from the best ticket of a wide net.

The best ticket's two first-layer neurons are copied into a width-2 net, and its output
weights and bias are refitted by float64 linear least squares on the training set, so the
distilled net is the best width-2 net with that first layer. There is no fine-tuning
after the copy: the paper reports that its best distilled nets could not be fine-tuned
(Appendix D, weights extremely ill-conditioned). Everything is float64: the stored
weights (float32 values are exact in float64), the data, the activations and the fits.
The tickets are found as in Fig 12, under every pairing and R^2 of
:mod:`lottery.liu_tegmark.analysis.tickets`; the best one has the lowest 1 - R^2, computed
without cancellation so that tickets at R^2 = 1 to double precision are still ranked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.analysis.tickets import PAIRINGS, R2_METHODS, fit_tickets, mirror_pairs, ticket_fit

if TYPE_CHECKING:
    from lottery.liu_tegmark.data import RegressionData
    from lottery.liu_tegmark.store import ScalarNets


def distill_pair(
    w: np.ndarray, b: np.ndarray, act, x_train: np.ndarray, y_train: np.ndarray
) -> tuple[np.ndarray, float]:
    """Output weights and bias ``(v1, v2, c)`` fitted for first layer ``w, b [2]``; and train MSE."""
    coef, resid, _ = ticket_fit(act(np.outer(x_train, w) + b), y_train)
    return coef, float(np.mean(resid**2))


def distill_nets(
    w: np.ndarray, b: np.ndarray, act, x_train: np.ndarray, y_train: np.ndarray,
    x_test: np.ndarray, y_test: np.ndarray, v: np.ndarray | None = None,
) -> pd.DataFrame:
    """One distilled width-2 net per wide net ``w, b [S, N]`` and per ticket split: parameters and losses.

    The ticket is the two-neuron ticket with the highest R^2 on the training set under
    each ``pairing`` and ``r2_method`` (``trained`` needs the wide nets' output weights ``v``).
    """
    rows = []
    methods = R2_METHODS if v is not None else ("refit",)
    for s in range(w.shape[0]):
        h = act(np.outer(x_train, w[s]) + b[s])
        for pairing in PAIRINGS:
            pairs = [p for p in mirror_pairs(w[s], b[s], pairing) if len(p) == 2]
            for r2 in methods:
                fits = fit_tickets(h, None if v is None else v[s], pairs, y_train, r2)
                idx = [int(fits.i[0]), int(fits.j[0])]
                coef, train_loss = distill_pair(w[s, idx], b[s, idx], act, x_train, y_train)
                pred = act(np.outer(x_test, w[s, idx]) + b[s, idx]) @ coef[:2] + coef[2]
                rows.append({"net": s, "pairing": pairing, "r2_method": r2,
                             "ticket_r2": float(1 - fits.unexplained[0]),
                             "ticket_unexplained": float(fits.unexplained[0]),
                             "w1": w[s, idx[0]], "w2": w[s, idx[1]], "b1": b[s, idx[0]], "b2": b[s, idx[1]],
                             "v1": coef[0], "v2": coef[1], "c": coef[2], "train_loss": train_loss,
                             "test_loss": float(np.mean((pred - y_test) ** 2))})
    return pd.DataFrame(rows)


def distill_frames(
    wide: ScalarNets, narrow: ScalarNets, data: RegressionData, activation: str, negative_slope: float,
    pairing: str = "sign", r2: str = "refit",
) -> dict[str, pd.DataFrame]:
    """Fig 13: the ``distilled`` width-2 net of every wide net under the configured split
    (``tickets.splitting.pairing`` and ``.r2``), the same under every split (``variants``),
    and the ``ordinary`` trained ones' losses."""
    act = get_activation(activation).numpy(negative_slope)
    variants = distill_nets(wide.w, wide.b, act, data.x_train[:, 0], data.y_train, data.x_test[:, 0], data.y_test,
                            wide.v)
    variants["seed"] = wide.seeds[variants["net"].to_numpy()]
    chosen = (variants["pairing"] == pairing) & (variants["r2_method"] == r2)
    distilled = variants[chosen].drop(columns=["pairing", "r2_method"]).reset_index(drop=True)
    return {"distilled": distilled, "variants": variants, "ordinary": pd.DataFrame({"test_loss": narrow.test_loss})}
