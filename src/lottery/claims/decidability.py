"""Whether a run can decide a claim: conditions on its results, beyond the config.

A claim's ``decides`` list names conditions the paper's experiment meets and a reduced run
may not: most best pruned models are pruned, the dense models interpolate their noisy
labels, the dense curve has a double-descent peak, there are enough trajectories, the nets
trained as long as the paper's. Each kind returns None when met, else the reason the
claim is "inconclusive at this scale".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lottery.claims.measures.arora import dense_curve_bumps, scoped_pairs
from lottery.claims.measures.base import Results, setting
from lottery.liu_tegmark.target_scale import target_grid


@dataclass(frozen=True)
class Decider:
    fn: Callable[..., str | None]
    sources: tuple[str, ...]


DECIDERS: dict[str, Decider] = {}


def decider(sources: tuple[str, ...]) -> Callable:
    def add(fn: Callable[..., str | None]) -> Callable[..., str | None]:
        DECIDERS[fn.__name__] = Decider(fn, sources)
        return fn
    return add


@decider(sources=("imp_summary", "imp_figs3_summary"))
def pruned_best_rounds(config: dict, results: Results, scope: str, at_least: float) -> str | None:
    """In every data set of the scope, at least a fraction ``at_least`` of the trajectories have a
    pruned best model (best round above 0); otherwise "pruned" and "full" are mostly one model."""
    pairs = scoped_pairs(results, config, scope)
    if pairs.empty:
        return f"no {scope} trajectories"
    for dataset, g in pairs.groupby("dataset"):
        unpruned = int((g["round_pruned"] == 0).sum())
        if len(g) - unpruned < at_least * len(g):
            return (f"the best model is the unpruned one (round 0) in {unpruned} of {len(g)} {dataset} trajectories "
                    f"({scope}): this run's IMP rarely finds a better pruned model")
    return None


@decider(sources=("imp_summary", "imp_figs3_summary"))
def dense_interpolates(config: dict, results: Results, scope: str, train_error_at_most: float) -> str | None:
    """For every data set and architecture of the scope, the widest dense start models fit their
    noisy training labels (median train error at most ``train_error_at_most``), as the paper's do."""
    pairs = scoped_pairs(results, config, scope)
    if pairs.empty:
        return f"no {scope} trajectories"
    for (dataset, arch), g in pairs.groupby(["dataset", "arch"]):
        train = float(g[g["width"] == g["width"].max()]["train_error_full"].median())
        if train > train_error_at_most:
            return (f"the widest dense {dataset} {arch} models do not interpolate their noisy labels (median train "
                    f"error {train:.3f} > {train_error_at_most:g}): not the paper's over-parameterised regime")
    return None


@decider(sources=("imp_summary",))
def dense_peak(config: dict, results: Results, scope: str, tolerance: float) -> str | None:
    """The scope's dense test error (mean over repetitions) rises with width somewhere by more
    than ``tolerance``: there is a double-descent peak to speak of."""
    bumps = dense_curve_bumps(results, config, scope, tolerance)
    if not bumps["bump"].any():
        return (f"no dense double-descent peak in the {scope} curves (largest rise "
                f"{bumps['rise'].max():.3f} <= {tolerance:g})")
    return None


@decider(sources=("imp_summary", "imp_figs3_summary"))
def min_trajectories(config: dict, results: Results, scope: str, at_least: int) -> str | None:
    """The scope holds at least ``at_least`` trajectories."""
    n = len(scoped_pairs(results, config, scope))
    return None if n >= at_least else f"only {n} {scope} trajectories (at least {at_least} needed)"


@decider(sources=())
def paper_steps(config: dict, results: Results, section: str, steps: int, targets: list[str] | None = None) -> str | None:
    """The section's nets trained for the paper's ``steps``: a loss still falling from
    under-training cannot show the plateau or the exponent of a converged one. For a ticket
    family, ``targets`` names the claim's targets (default: all), each at its own scale."""
    if section.startswith("tickets.") and section != "tickets.wide":
        family = setting(config, section)
        short = [t for t in targets or family["targets"] if target_grid(family, t)["train"]["steps"] < steps]
        if short:
            have = min(target_grid(family, t)["train"]["steps"] for t in short)
            return f"{section} ({', '.join(short)}) trained {have:,} steps, the paper {steps:,}: the losses have not converged"
        return None
    have = setting(config, f"{section}.train.steps")
    if have < steps:
        return f"{section} trained {have:,} steps, the paper {steps:,}: the losses have not converged"
    return None


def undecided(decides: list[dict], config: dict, results: Results) -> str | None:
    """The first failed condition's reason, or None when the run can decide the claim."""
    for cond in decides:
        params = {k: v for k, v in cond.items() if k != "kind"}
        reason = DECIDERS[cond["kind"]].fn(config, results, **params)
        if reason:
            return reason
    return None
