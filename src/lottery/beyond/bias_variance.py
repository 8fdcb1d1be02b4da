"""Bias and variance across seeds: the background chapter's eq. 2.11 applied to the [LT]
grids (Figs 1c, 3, 7, 8), with the distribution over training runs being the seeds.

For the S converged nets ``h_s`` of one (target, activation, width) and the test set,
``mean_s MSE(h_s) = bias^2 + variance``: ``bias^2 = mean_x (hbar(x) - y(x))^2`` with
``hbar`` the seed average, ``variance = mean_x mean_s (h_s(x) - hbar(x))^2``. The noise
term is zero because the test targets are noise-free. Averaging k seeds' nets keeps the
bias and divides the variance by k: the measured ensemble loss is compared with that,
``bias^2 + variance (S - k) / (k (S - 1))`` for k of S nets drawn without replacement, and
with the pure ``1/k`` of ensembling theory.

The mechanism test. If a width-N net averaged ~N/k tickets whose errors are drawn
independently with each initialisation, the seed-to-seed variance would fall like N^-1 and
the bias of the seed average would stay flat. :func:`mechanism_slopes` fits both slopes
(log-log, over width ranges of the x^2 grids) with percentile intervals from resampling the
seeds at every width, with and without the worst ``trim`` fraction of seeds (the mean loss
that eq. 2.11 splits is sensitive to a few bad seeds); :func:`mechanism_verdict` states
whether the prediction holds, fails or is undecided at the run's noise, by the claims
registry's rules (its BY-mechanism claims), so the section and the claims table never differ.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lottery.core.intervals import percentile_interval
from lottery.liu_tegmark.activations import get_activation

if TYPE_CHECKING:  # the nets are evaluated with torch, imported there: the section's LaTeX needs only the rules
    from lottery.liu_tegmark.nets import NetParams


@dataclass(frozen=True)
class BiasVarianceSettings:
    """Config ``beyond.bias_variance`` plus the grids' LeakyReLU slope."""

    ensemble_widths: list[int]
    ensemble_sizes: list[int]
    draws: int
    seed: int
    negative_slope: float
    slope_ranges: list[list[int]]
    trim: float
    bootstrap: int
    confidence: float


HOLDS, FAILS, UNDECIDED = "yes", "no", "undecided"
PART_WORDS = {"variance": "the seed variance's exponent", "bias2": "the bias's exponent"}


def net_predictions(params: NetParams, x: np.ndarray, activation: str, negative_slope: float,
                    chunk_elements: int = 2**18) -> np.ndarray:
    """Outputs ``[S, n]`` (float64) of every net on inputs ``x [n, d]``, a few seeds at a time:
    chunks of ``chunk_elements`` hidden activations (2 MiB) stay in the cache, 3x faster than
    chunks ten times larger; each output is computed the same way whatever the chunk."""
    import torch

    from lottery.liu_tegmark.nets import forward

    act = get_activation(activation).torch_pair(negative_slope)[0]
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64))
    p = params.map(lambda t: t.to(torch.float64))
    chunk = max(1, chunk_elements // (p.width * len(xt)))
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


def drop_worst(residuals: np.ndarray, trim: float) -> np.ndarray:
    """The seeds' residuals ``[S, n]`` without the worst ``ceil(trim S)`` seeds by test loss."""
    loss = np.mean(residuals**2, axis=1)
    keep = len(loss) - int(np.ceil(trim * len(loss)))
    return residuals[np.sort(np.argsort(loss, kind="stable")[:keep])]


def worst_share(residuals: np.ndarray, trim: float) -> float:
    """Share of the seeds' summed test loss carried by the worst ``ceil(trim S)`` seeds."""
    loss = np.sort(np.mean(residuals**2, axis=1))
    return float(loss[len(loss) - int(np.ceil(trim * len(loss))):].sum() / loss.sum())


def weighted_parts(residuals: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bias^2 and variance ``[B]`` of the nets whose residuals ``[S, n]`` (prediction minus target)
    are counted ``weights [B, S]`` times each (rows summing to S: bootstrap resamples).

    Unlike :func:`decompose` (eq. 2.11 over the S seeds themselves) these estimate the
    population's parts: the variance with the ``S / (S - 1)`` correction, and bias^2 less the
    ``variance / S`` that the seed average's own noise adds to it, which would otherwise fall
    like the variance and tilt the bias's slope. The two still add up to the mean loss.
    """
    s = residuals.shape[0]
    total = weights @ np.mean(residuals**2, axis=1) / s
    variance = (total - np.mean((weights @ residuals / s) ** 2, axis=1)) * s / (s - 1)
    return total - variance, variance


def _loglog_slopes(widths: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Least-squares log-log slope of each row of ``values [B, W]`` against ``widths [W]``."""
    x = np.log(widths) - np.log(widths).mean()
    y = np.log(values)
    return (y - y.mean(1, keepdims=True)) @ x / (x @ x)


def mechanism_slopes(residuals_by_width: dict[int, np.ndarray], ranges: list[list[int]], trim: float,
                     n_boot: int, confidence: float, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Slopes of bias^2 and of the seed variance against width, with and without the worst seeds.

    ``residuals_by_width``: each width's converged seeds' test residuals ``[S, n]``. Returns
    ``slopes`` (one row per width range, ``trimmed`` and ``part``: slope and percentile
    interval over ``n_boot`` resamples of the seeds at every width) and ``widths`` (one row per
    width and ``trimmed``: seeds, bias^2, variance, its share, and on the untrimmed rows the
    share of the loss the worst ``trim`` fraction of seeds carry).
    """
    slopes, per_width = [], []
    for trimmed in (False, True):
        point, boot = {}, {}
        for width, res in sorted(residuals_by_width.items()):
            res = drop_worst(res, trim) if trimmed else res
            s = len(res)
            bias2, variance = (v[0] for v in weighted_parts(res, np.ones((1, s))))
            point[width] = (bias2, variance)
            boot[width] = weighted_parts(res, rng.multinomial(s, np.full(s, 1 / s), size=n_boot).astype(float))
            per_width.append({"width": width, "trimmed": trimmed, "seeds": s, "bias2": bias2, "variance": variance,
                              "variance_fraction": variance / (bias2 + variance),
                              "worst_share": np.nan if trimmed else worst_share(res, trim)})
        for lo, hi in ranges:
            widths = np.array([w for w in point if lo <= w <= hi], dtype=float)
            if len(widths) < 2:
                continue
            for k, part in enumerate(("bias2", "variance")):
                est = _loglog_slopes(widths, np.array([[point[w][k] for w in widths]]))[0]
                draws = _loglog_slopes(widths, np.column_stack([boot[w][k] for w in widths]))
                low, high = percentile_interval(draws, confidence)
                slopes.append({"width_lo": lo, "width_hi": hi, "widths": len(widths), "trimmed": trimmed,
                               "part": part, "slope": float(est), "low": float(low), "high": float(high)})
    return pd.DataFrame(slopes), pd.DataFrame(per_width)


def mechanism_rules(activation: str) -> dict[str, dict]:
    """The claims registry's rules for the two parts of the mechanism test of one activation
    (``part -> rule`` of its BY-mechanism claims): the section's table judges every width
    range and seed set by the very rules the claims table uses on the main one."""
    from lottery.claims.registry import load_registry

    return {c.args["part"]: c.rule for c in load_registry()
            if c.measure == "mechanism_exponent" and c.args["activation"] == activation}


def mechanism_verdict(bias: dict, variance: dict, rules: dict[str, dict]) -> tuple[str, str]:
    """Does the seed variance fall like N^-1 while bias^2 stays flat? ``bias``, ``variance``: rows
    of :func:`mechanism_slopes`; ``rules``: :func:`mechanism_rules`. Returns (``HOLDS``,
    ``FAILS`` or ``UNDECIDED``, a LaTeX sentence saying why).

    Each part's exponent (``part ~ N^-exponent``) is judged by the claims' verdict engine: the
    prediction holds when both are *reproduced*, fails when either is *not reproduced*, and is
    undecided otherwise (an interval straddling a rule's edge).
    """
    from lottery.claims.measures import Measurement
    from lottery.claims.verdicts import NOT_REPRODUCED, REPRODUCED, judge

    missing = [p for p in PART_WORDS if p not in rules]
    if missing:
        return UNDECIDED, "Undecided: no claim in the registry judges " + " or ".join(PART_WORDS[p] for p in missing)
    rows = {"variance": variance, "bias2": bias}
    outcomes = {p: judge(rules[p], Measurement(-rows[p]["slope"], "", -rows[p]["high"], -rows[p]["low"])).outcome
                for p in PART_WORDS}
    reasons = [f"{PART_WORDS[p]}: {outcomes[p]}" for p in PART_WORDS]
    if bias["high"] < variance["low"]:
        reasons.append("width removes bias faster than variance, the opposite of what ticket ensembling predicts")
    if all(o == REPRODUCED for o in outcomes.values()):
        return HOLDS, ("Yes: the seed variance falls like $N^{-1}$ and the bias stays flat, as ticket ensembling "
                       "predicts")
    if NOT_REPRODUCED in outcomes.values():
        return FAILS, "No: " + "; ".join(reasons)
    return UNDECIDED, "Undecided at this run's noise: " + "; ".join(reasons)



def seed_ensembles(grids: list[tuple[str, pd.DataFrame, NetParams]],
                   test_sets: dict[str, tuple[np.ndarray, np.ndarray]],
                   settings: BiasVarianceSettings) -> dict[str, pd.DataFrame]:
    """Eq. 2.11 for every grid file, and ensemble curves for the ``scaling`` family's chosen widths.

    ``grids``: (family, per-seed summary, parameters) of each grid file; ``test_sets``: the
    test inputs and targets of each target. Diverged nets are left out. Returns frames
    ``decomposition`` (one row per grid file), ``ensembles`` (one row per width and k), and the
    mechanism test on the ``scaling`` family (:func:`mechanism_slopes`, with ``target`` and
    ``activation`` columns): ``mechanism`` (slopes) and ``mechanism_widths``.
    """
    rng = np.random.default_rng(settings.seed)
    rows, curves = [], []
    residuals: dict[tuple[str, str], dict[int, np.ndarray]] = {}
    lo, hi = min(r[0] for r in settings.slope_ranges), max(r[1] for r in settings.slope_ranges)
    for family, summary, params in grids:
        keep = ~summary["diverged"].to_numpy(bool)
        first = summary.iloc[0]
        x, y = test_sets[first["target"]]
        pred = net_predictions(params.map(lambda t: t[keep]), x, first["activation"],
                               settings.negative_slope)
        key = {"family": family, "target": first["target"], "activation": first["activation"],
               "width": int(first["width"])}
        losses = summary["test_loss"].to_numpy()[keep]
        rows.append({**key, "seeds": int(keep.sum()), **decompose(pred, y),
                     "median_test_loss": float(np.median(losses))})
        if family == "scaling" and key["width"] in settings.ensemble_widths:
            curves.append(ensemble_losses(pred, y, settings.ensemble_sizes, settings.draws, rng).assign(**key))
        if family == "scaling" and lo <= key["width"] <= hi:
            residuals.setdefault((key["target"], key["activation"]), {})[key["width"]] = pred - y
    frame = pd.DataFrame(rows).sort_values(["family", "target", "activation", "width"], ignore_index=True)
    mechanism = {"mechanism": [], "mechanism_widths": []}
    for (target, activation), by_width in sorted(residuals.items()):
        parts = mechanism_slopes(by_width, settings.slope_ranges, settings.trim, settings.bootstrap,
                                 settings.confidence, rng)
        for name, part in zip(mechanism, parts):
            mechanism[name].append(part.assign(target=target, activation=activation))
    return {"decomposition": frame, "ensembles": pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(),
            **{name: pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
               for name, parts in mechanism.items()}}
