"""Bias and variance across seeds: the background chapter's eq. 2.11 applied to the [LT]
grids (Figs 1c, 3, 7, 8), with the distribution over training runs being the seeds.

For the S converged nets ``h_s`` of one (target, activation, width) and the test set,
``mean_s MSE(h_s) = bias^2 + variance``: ``bias^2 = mean_x (hbar(x) - y(x))^2`` with
``hbar`` the seed average, ``variance = mean_x mean_s (h_s(x) - hbar(x))^2``. The noise
term is zero because the test targets are noise-free. Ticket ensembling says the loss
falls as N^-1 because a net averages ~N independent tickets, i.e. variance is what width
removes; if so, the N^-1 regime should be variance-dominated. Averaging k seeds' nets
keeps the bias and divides the variance by k: the measured ensemble loss is compared with
that, ``bias^2 + variance (S - k) / (k (S - 1))`` for k of S nets drawn without
replacement, and with the pure ``1/k`` of ensembling theory.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.nets import NetParams, forward


@dataclass(frozen=True)
class BiasVarianceSettings:
    """Config ``beyond.bias_variance`` plus the grids' LeakyReLU slope."""

    ensemble_widths: list[int]
    ensemble_sizes: list[int]
    draws: int
    seed: int
    negative_slope: float


def net_predictions(params: NetParams, x: np.ndarray, activation: str, negative_slope: float,
                    chunk: int = 32) -> np.ndarray:
    """Outputs ``[S, n]`` (float64) of every net on inputs ``x [n, d]``, a few seeds at a time."""
    act = get_activation(activation).torch_pair(negative_slope)[0]
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64))
    p = params.map(lambda t: t.to(torch.float64))
    with torch.no_grad():
        parts = [forward(p.map(lambda t: t[lo:lo + chunk]), xt, act) for lo in range(0, p.seeds, chunk)]
    return torch.cat(parts).numpy()


def decompose(predictions: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Eq. 2.11 for predictions ``[S, n]`` of S nets on targets ``y [n]``: mean loss = bias^2 + variance."""
    mean = predictions.mean(0)
    bias2 = float(np.mean((mean - y) ** 2))
    variance = float(np.mean((predictions - mean) ** 2))
    total = float(np.mean((predictions - y) ** 2))
    return {"bias2": bias2, "variance": variance, "total": total, "variance_fraction": variance / total}


def ensemble_losses(predictions: np.ndarray, y: np.ndarray, sizes: list[int], draws: int,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Test loss of the average of k distinct nets, over ``draws`` random draws per k.

    Columns: ``k``, the mean and 10%/90% quantiles of the measured loss, ``predicted``
    (bias^2 plus the variance of a k-of-S average) and ``one_over_k`` (the single-net mean
    loss divided by k: the loss if nets' errors were independent and unbiased).
    """
    s = len(predictions)
    parts = decompose(predictions, y)
    rows = []
    for k in sizes:
        if k > s:
            continue
        losses = np.array([np.mean((predictions[rng.choice(s, k, replace=False)].mean(0) - y) ** 2)
                           for _ in range(draws)])
        shrink = (s - k) / (k * (s - 1)) if s > 1 else 0.0
        rows.append({"k": k, "loss": float(losses.mean()), "loss_q10": float(np.quantile(losses, 0.1)),
                     "loss_q90": float(np.quantile(losses, 0.9)),
                     "predicted": parts["bias2"] + parts["variance"] * shrink, "one_over_k": parts["total"] / k})
    return pd.DataFrame(rows)


def slope(widths: np.ndarray, values: np.ndarray) -> float:
    """Least-squares exponent of ``values ~ widths^slope`` (log-log)."""
    return float(np.polyfit(np.log(widths), np.log(values), 1)[0])


def seed_ensembles(grids: list[tuple[str, pd.DataFrame, NetParams]],
                   test_sets: dict[str, tuple[np.ndarray, np.ndarray]],
                   settings: BiasVarianceSettings) -> dict[str, pd.DataFrame]:
    """Eq. 2.11 for every grid file, and ensemble curves for the ``scaling`` family's chosen widths.

    ``grids``: (family, per-seed summary, parameters) of each grid file; ``test_sets``: the
    test inputs and targets of each target. Diverged nets are left out. Returns frames
    ``decomposition`` (one row per grid file) and ``ensembles`` (one row per width and k).
    """
    rng = np.random.default_rng(settings.seed)
    rows, curves = [], []
    for family, summary, params in grids:
        keep = ~summary["diverged"].to_numpy(bool)
        first = summary.iloc[0]
        x, y = test_sets[first["target"]]
        pred = net_predictions(params.map(lambda t: t[torch.as_tensor(keep)]), x, first["activation"],
                               settings.negative_slope)
        key = {"family": family, "target": first["target"], "activation": first["activation"],
               "width": int(first["width"])}
        losses = summary["test_loss"].to_numpy()[keep]
        rows.append({**key, "seeds": int(keep.sum()), **decompose(pred, y),
                     "median_test_loss": float(np.median(losses))})
        if family == "scaling" and key["width"] in settings.ensemble_widths:
            curves.append(ensemble_losses(pred, y, settings.ensemble_sizes, settings.draws, rng).assign(**key))
    frame = pd.DataFrame(rows).sort_values(["family", "target", "activation", "width"], ignore_index=True)
    return {"decomposition": frame, "ensembles": pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()}
