"""[LT] grid files: one (target, activation, width) job's seeds in three tidy frames (all figures).

``summary`` (one row per seed: losses, diverged flag, output bias ``c``), ``params``
(one row per (seed, neuron): ``w0..w{d-1}, b, v``) and ``curves`` (one row per
(seed, recorded step): training loss). Every [LT] analysis reads these, never retrains.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lottery.core.storage import atomic_hdf, read_frame

if TYPE_CHECKING:
    from lottery.liu_tegmark.nets import NetParams
    from lottery.liu_tegmark.trainer import GridResult


def write_grid(path: str | Path, keys: dict[str, object], seeds: np.ndarray, result: GridResult) -> None:
    """Store one grid job; ``keys`` (target, activation, width, ...) become constant columns."""
    p = result.params.numpy()
    n_seeds, width, dim = p["w"].shape
    summary = pd.DataFrame(
        {
            **{k: [v] * n_seeds for k, v in keys.items()},
            "seed": seeds,
            "train_loss": result.train_loss,
            "test_loss": result.test_loss,
            "diverged": result.diverged,
            "c": p["c"],
        }
    )
    params = pd.DataFrame(
        {
            "seed": np.repeat(seeds, width),
            "neuron": np.tile(np.arange(width), n_seeds),
            **{f"w{k}": p["w"][:, :, k].ravel() for k in range(dim)},
            "b": p["b"].ravel(),
            "v": p["v"].ravel(),
        }
    )
    curves = pd.DataFrame(
        {
            "seed": np.repeat(seeds, len(result.curve_steps)),
            "step": np.tile(result.curve_steps, n_seeds),
            "train_loss": result.curves.ravel(),
        }
    )
    with atomic_hdf(path) as store:
        store.put("summary", summary, format="table")
        store.put("params", params, format="fixed")
        store.put("curves", curves, format="fixed")


def read_params(path: str | Path) -> tuple[np.ndarray, NetParams]:
    """Seeds and final parameters of a grid file, as float64 tensors ``[S, N, ...]``."""
    import torch

    from lottery.liu_tegmark.nets import NetParams

    summary, params = read_frame(path, "summary"), read_frame(path, "params")
    seeds = summary["seed"].to_numpy()
    width = int(params["neuron"].max()) + 1
    dim = sum(1 for c in params.columns if c.startswith("w"))
    shape = (len(seeds), width)
    w = np.stack([params[f"w{k}"].to_numpy().reshape(shape) for k in range(dim)], axis=-1)
    t = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float64)  # noqa: E731
    return seeds, NetParams(
        t(w), t(params["b"].to_numpy().reshape(shape)), t(params["v"].to_numpy().reshape(shape)), t(summary["c"])
    )


def converged(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows of nets that finished with finite losses and parameters (diverged nets are never averaged in)."""
    return summary[~summary["diverged"].astype(bool)]


def read_summaries(paths: list[str | Path]) -> pd.DataFrame:
    """Concatenate the per-seed summaries of many grid files into one tidy frame."""
    return pd.concat([read_frame(p, "summary") for p in paths], ignore_index=True)


@dataclass(frozen=True)
class ScalarNets:
    """Nets of one scalar-input grid file: ``seeds``, ``test_loss`` and ``w, b, v [S, N]``, ``c [S]``.

    The ticket analyses (Figs 2, 4, 9-13) read these arrays; parameters are float64.
    """

    seeds: np.ndarray
    test_loss: np.ndarray
    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    c: np.ndarray

    @property
    def width(self) -> int:
        return self.w.shape[1]


def read_scalar_nets(path: str | Path, converged_only: bool = True) -> ScalarNets:
    """The nets of a scalar-input grid file; by default only those that converged."""
    summary = read_frame(path, "summary")
    keep = summary.index.isin(converged(summary).index) if converged_only else np.ones(len(summary), bool)
    seeds, params = read_params(path)
    p = params.numpy()
    return ScalarNets(seeds=seeds[keep], test_loss=summary["test_loss"].to_numpy()[keep], w=p["w"][keep, :, 0],
                      b=p["b"][keep], v=p["v"][keep], c=p["c"][keep])
