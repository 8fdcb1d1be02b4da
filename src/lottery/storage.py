"""HDF5 results through pandas/PyTables: tidy frames, so analyses never retrain.

A grid file holds three frames for one (target, activation, width) job:
``summary`` (one row per seed: losses, diverged flag, output bias ``c``), ``params``
(one row per (seed, neuron): ``w0..w{d-1}, b, v``) and ``curves`` (one row per
(seed, recorded step): training loss).
"""
from __future__ import annotations

import base64
import json
import os
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pandas as pd

from .errors import ResultsError

if TYPE_CHECKING:  # torch is imported only by the readers and writers that need it
    from .nets import NetParams
    from .trainer import GridResult

__all__ = ["ResultsError", "atomic_hdf", "read_frame", "read_params", "read_summaries", "write_grid", "write_table"]


@contextmanager
def atomic_hdf(path: str | Path) -> Iterator[pd.HDFStore]:
    """Write to ``path.tmp`` and rename on success, so a killed job leaves no half file."""
    tmp = Path(f"{path}.tmp")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.unlink(missing_ok=True)
    store = pd.HDFStore(tmp, mode="w", complevel=4, complib="zlib")
    try:
        yield store
    except BaseException:
        store.close()
        tmp.unlink(missing_ok=True)
        raise
    store.close()
    os.replace(tmp, path)


def producing_rule(path: str | Path) -> str | None:
    """The Snakemake rule that made ``path``, from the metadata Snakemake keeps per output.

    Snakemake records each output's rule in ``.snakemake/metadata/<urlsafe base64 of the
    path relative to the working directory>`` (split into 254-character pieces, the first
    ones prefixed with ``@``). None when the file was not made by Snakemake here.
    """
    path = Path(path)
    try:
        rel = path.resolve().relative_to(Path.cwd().resolve()) if path.is_absolute() else path
        b64 = base64.urlsafe_b64encode(os.path.normpath(rel).encode()).decode()
        parts = [b64[i : i + 254] for i in range(0, len(b64), 254)]
        record = Path(".snakemake", "metadata", *["@" + s for s in parts[:-1]], parts[-1])
        return json.loads(record.read_text())["rule"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _made_by(path: Path) -> str:
    rule = producing_rule(path)
    return f" (made by rule {rule})" if rule else ""


def read_frame(path: str | Path, key: str) -> pd.DataFrame:
    """Read one frame, turning PyTables' low-level errors into one naming the file and its rule."""
    path = Path(path)
    if not path.exists():
        raise ResultsError(f"results file {path} does not exist; run snakemake to make it")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_hdf(path, key)
    except KeyError:
        raise ResultsError(
            f"results file {path}{_made_by(path)} has no table {key!r}; delete it and rerun snakemake"
        ) from None
    except Exception as err:  # PyTables raises many types for a truncated or corrupt file
        raise ResultsError(
            f"results file {path}{_made_by(path)} is unreadable ({type(err).__name__}: {err}); it is probably "
            f"truncated or corrupt: delete it and rerun snakemake to regenerate it"
        ) from None


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

    from .nets import NetParams

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


def read_summaries(paths: list[str | Path]) -> pd.DataFrame:
    """Concatenate the per-seed summaries of many grid files into one tidy frame."""
    return pd.concat([read_frame(p, "summary") for p in paths], ignore_index=True)


def write_table(frame: pd.DataFrame, path: str | Path, key: str = "table") -> None:
    with atomic_hdf(path) as store:
        store.put(key, frame, format="table")
