"""[LT] Fig 13: distilling a width-2 net from the best ticket of a wide net.

The best ticket's two first-layer neurons are copied into a width-2 net, and its output
weights and bias are refitted by float64 linear least squares on the training set, so the
distilled net is the best width-2 net with that first layer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.analysis.tickets import split_tickets, ticket_fit

if TYPE_CHECKING:
    from lottery.liu_tegmark.data import RegressionData
    from lottery.liu_tegmark.grids import ScalarNets


def distill_pair(
    w: np.ndarray, b: np.ndarray, act, x_train: np.ndarray, y_train: np.ndarray
) -> tuple[np.ndarray, float]:
    """Output weights and bias ``(v1, v2, c)`` fitted for first layer ``w, b [2]``; and train MSE."""
    coef, resid, _ = ticket_fit(act(np.outer(x_train, w) + b), y_train)
    return coef, float(np.mean(resid**2))


def distill_nets(
    w: np.ndarray, b: np.ndarray, act, x_train: np.ndarray, y_train: np.ndarray,
    x_test: np.ndarray, y_test: np.ndarray,
) -> pd.DataFrame:
    """One distilled width-2 net per wide net ``w, b [S, N]``: parameters and losses.

    The ticket is the two-neuron ticket with the highest R^2 on the training set.
    """
    rows = []
    for s in range(w.shape[0]):
        tickets, _ = split_tickets(w[s], b[s], act, x_train, y_train)
        best = tickets[tickets["neurons"] == 2].iloc[0]
        idx = [int(best["i"]), int(best["j"])]
        coef, train_loss = distill_pair(w[s, idx], b[s, idx], act, x_train, y_train)
        pred = act(np.outer(x_test, w[s, idx]) + b[s, idx]) @ coef[:2] + coef[2]
        rows.append({"net": s, "ticket_r2": float(best["r2"]), "w1": w[s, idx[0]], "w2": w[s, idx[1]],
                     "b1": b[s, idx[0]], "b2": b[s, idx[1]], "v1": coef[0], "v2": coef[1], "c": coef[2],
                     "train_loss": train_loss, "test_loss": float(np.mean((pred - y_test) ** 2))})
    return pd.DataFrame(rows)


def distill_frames(
    wide: ScalarNets, narrow: ScalarNets, data: RegressionData, activation: str, negative_slope: float
) -> dict[str, pd.DataFrame]:
    """Fig 13: the ``distilled`` width-2 net of every wide net, and the ``ordinary`` trained ones' losses."""
    act = get_activation(activation).numpy(negative_slope)
    distilled = distill_nets(wide.w, wide.b, act, data.x_train[:, 0], data.y_train, data.x_test[:, 0], data.y_test)
    distilled["seed"] = wide.seeds
    return {"distilled": distilled, "ordinary": pd.DataFrame({"test_loss": narrow.test_loss})}
