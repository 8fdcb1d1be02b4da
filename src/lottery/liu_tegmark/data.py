"""Fixed train and test sets for the [LT] regression targets.

Every network of a grid sees the same data: the sets are drawn once per target from a
generator seeded by ``(data seed, target name)``, so adding targets or seeds never changes
another target's data.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lottery.liu_tegmark.targets import get_target


@dataclass(frozen=True)
class RegressionData:
    """Inputs ``[n, d]`` and targets ``[n]`` of a train and a test split (float64)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def dim(self) -> int:
        return self.x_train.shape[1]


def make_regression_data(
    target: str, n_train: int, n_test: int, x_min: float, x_max: float, seed: int
) -> RegressionData:
    """Draw ``x ~ U[x_min, x_max]^d`` for both splits and evaluate the target on them."""
    if not x_min < x_max:
        raise ValueError(f"x_min ({x_min}) must be below x_max ({x_max})")
    fn = get_target(target)
    rng = np.random.default_rng([seed, zlib.crc32(target.encode())])
    x_train = rng.uniform(x_min, x_max, size=(n_train, fn.dim))
    x_test = rng.uniform(x_min, x_max, size=(n_test, fn.dim))
    return RegressionData(x_train, fn(x_train), x_test, fn(x_test))


def save_regression_data(data: RegressionData, path: str | Path) -> None:
    np.savez(path, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test)


def load_regression_data(path: str | Path) -> RegressionData:
    with np.load(path) as f:
        return RegressionData(f["x_train"], f["y_train"], f["x_test"], f["y_test"])
