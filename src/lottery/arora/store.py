"""IMP results files (HDF5 through :mod:`lottery.core.storage`) and per-round checkpoints.

A run file holds tidy frames: ``models`` (one row per model: keys, nu, repetition, group),
``rounds`` (one row per (model, round): weights left, errors, losses, ECEs), ``labels``
(clean and noisy test labels per group), ``probs`` (test-set probabilities, one row per
(model, round)), and per layer ``weights/<layer>`` and ``masks/<layer>`` (packed bits),
one row per (model, round), so later figures never retrain.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from lottery.core.checkpoint import save_atomic
from lottery.core.storage import ResultsError, atomic_hdf, read_frame
from lottery.arora.train import ImpState, RoundRecord


def _index(n_models: int, n_rounds: int) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([range(n_models), range(n_rounds)], names=["model", "round"])


def write_run(path: str | Path, models: pd.DataFrame, rounds: pd.DataFrame, labels: pd.DataFrame,
              records: list[RoundRecord]) -> None:
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


def read_weights(path: str | Path, layer: str, shape: tuple[int, ...]) -> np.ndarray:
    """One layer's trained weights ``[model, round, *shape]``."""
    frame = read_frame(path, f"weights/{layer.replace('.', '_')}")
    n_models, n_rounds = (int(v) + 1 for v in frame.index.max())
    return frame.to_numpy().reshape(n_models, n_rounds, *shape)


def read_mask(path: str | Path, layer: str, shape: tuple[int, ...]) -> np.ndarray:
    """One layer's masks ``[model, round, *shape]`` as booleans."""
    frame = read_frame(path, f"masks/{layer.replace('.', '_')}")
    n_models, n_rounds = (int(v) + 1 for v in frame.index.max())
    bits = np.unpackbits(frame.to_numpy().astype(np.uint8), axis=1, count=int(np.prod(shape)))
    return bits.reshape(n_models, n_rounds, *shape).astype(bool)


def save_checkpoint(path: str | Path, settings: str, state: ImpState) -> None:
    """Atomic (see :func:`lottery.core.checkpoint.save_atomic`): a kill never leaves half a file."""
    save_atomic({"settings": settings, "state": state}, path)


def load_checkpoint(path: str | Path, settings: str) -> ImpState | None:
    """The saved state if the checkpoint exists and was made with the same settings."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        saved = torch.load(path, weights_only=False)
    except Exception as err:  # a checkpoint from an incompatible version or a damaged file
        raise ResultsError(f"checkpoint {path} is unreadable ({err}); delete it to start the job afresh") from None
    return saved["state"] if saved.get("settings") == settings else None
