"""[AR] IMP run files (HDF5 through :mod:`lottery.core.storage`), written by ``imp_run`` and read
back, without retraining, for the summary, the calibration data (Figs 5, 6, S4) and Table 1.

A run file holds tidy frames: ``models`` (one row per model: keys, nu, repetition, group),
``rounds`` (one row per (model, round): weights left, errors, losses, ECEs), ``labels``
(clean and noisy test labels per group), ``probs`` (test-set probabilities, one row per
(model, round)), and per layer ``weights/<layer>`` and ``masks/<layer>`` (packed bits),
one row per (model, round), so later figures never retrain.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from lottery.arora.job import ImpRun
from lottery.core.storage import atomic_hdf, read_frame


def _index(n_models: int, n_rounds: int) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([range(n_models), range(n_rounds)], names=["model", "round"])


def write_run(path: str | Path, run: ImpRun) -> None:
    models, rounds, labels, records = run.models, run.rounds, run.labels, run.records
    n_models, n_rounds = len(models), len(records)
    index = _index(n_models, n_rounds)

    def block(tensors: list[torch.Tensor]) -> np.ndarray:  # per round [M, ...] -> [(model, round), -1]
        return torch.stack(tensors, dim=1).reshape(n_models * n_rounds, -1).numpy()

    with atomic_hdf(path) as store:
        store.put("models", models, format="table", track_times=False)
        store.put("rounds", rounds, format="table", track_times=False)
        store.put("labels", labels, format="fixed", track_times=False)
        store.put("probs", pd.DataFrame(block([r.test_probs for r in records]), index=index), format="fixed",
                  track_times=False)
        for layer in records[0].params:
            name = layer.replace(".", "_")
            store.put(f"weights/{name}", pd.DataFrame(block([r.params[layer].float() for r in records]), index=index),
                      format="fixed", track_times=False)
            if layer in records[0].masks:
                bits = np.packbits(block([r.masks[layer] for r in records]).astype(bool), axis=1)
                store.put(f"masks/{name}", pd.DataFrame(bits, index=index), format="fixed", track_times=False)


def read_probs(path: str | Path, n_classes: int) -> np.ndarray:
    """Test probabilities ``[model, round, n_test, C]``."""
    frame = read_frame(path, "probs")
    n_models, n_rounds = (int(v) + 1 for v in frame.index.max())
    return frame.to_numpy().reshape(n_models, n_rounds, -1, n_classes)


@dataclass
class StoredRun:
    """A run file read back: its ``models``, ``rounds`` and ``labels`` frames, test probabilities
    ``probs [model, round, n_test, C]`` and, when asked for, each layer's weights
    ``[model, round, -1]`` under its stored name (dots become underscores)."""

    models: pd.DataFrame
    rounds: pd.DataFrame
    labels: pd.DataFrame
    probs: np.ndarray
    weights: dict[str, np.ndarray]

    @property
    def n_classes(self) -> int:
        return int(self.models["classes"].iloc[0])

    def layer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """One layer's weights ``[model, round, *shape]``."""
        flat = self.weights[name.replace(".", "_")]
        return flat.reshape(*flat.shape[:2], *shape)


def _layers(path: str | Path) -> list[str]:
    with pd.HDFStore(path, "r") as store:
        return sorted(leaf for group, _, leaves in store.walk("/weights") for leaf in leaves)


def read_run(path: str | Path, with_weights: bool = False) -> StoredRun:
    """The frames and test probabilities of one run file, and its weights if ``with_weights``."""
    models = read_frame(path, "models")
    weights = {}
    if with_weights:
        for name in _layers(path):
            frame = read_frame(path, f"weights/{name}")
            n_models, n_rounds = (int(v) + 1 for v in frame.index.max())
            weights[name] = frame.to_numpy().reshape(n_models, n_rounds, -1)
    return StoredRun(models, read_frame(path, "rounds"), read_frame(path, "labels"),
                     read_probs(path, int(models["classes"].iloc[0])), weights)
