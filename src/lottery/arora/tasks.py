"""[AR] one IMP job's data arrays (every figure): every group of models shares one (noisy)
training set and one test set with clean and noisy labels. Mixtures have one group per nu;
image tasks have one group."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lottery.core.seeds import seed_address
from lottery.arora import mixtures as mix
from lottery.arora.images import ImageData, keep_classes


@dataclass
class TaskArrays:
    """``x_train [G, n, ...]``, ``y_train [G, n]`` (noisy), ``x_test [G, m, ...]``, clean and noisy
    test labels ``[G, m]``, the nu of each group (NaN for images) and the number of classes."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    y_test_noisy: np.ndarray
    nus: np.ndarray
    n_classes: int

    @property
    def in_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[2:])


def permute_labels(y: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Symmetric label noise as [AR] describe it: the labels of ``ceil(fraction * n)`` examples,
    chosen at random, are randomly permuted among those examples (a label may land back on its
    own example, so fewer than that many change; the class counts never do). The count rounds
    up, as OpenLTH's ``random_labels_fraction`` does."""
    y = np.asarray(y).copy()
    chosen = rng.permutation(len(y))[:math.ceil(fraction * len(y))]
    y[chosen] = y[rng.permutation(chosen)]
    return y


def mixture_task(task: str, nus: list[float], dim: int, n_train: int, n_test: int, noise: float,
                 test_noise: float, seed: int) -> TaskArrays:
    """One data set per nu, each from its own generator (address: seed, task, nu)."""
    parts = []
    for nu in nus:
        rng = np.random.default_rng(seed_address(seed, "mixture", task, f"{nu:g}"))
        m = mix.mixture(task, nu, dim)
        x_tr, y_tr = mix.sample(m, n_train, rng)
        x_te, y_te = mix.sample(m, n_test, rng)
        y_tr, y_te_noisy = permute_labels(y_tr, noise, rng), permute_labels(y_te, test_noise, rng)
        parts.append((x_tr, y_tr, x_te, y_te, y_te_noisy))
    stacked = [np.stack(a) for a in zip(*parts)]
    return TaskArrays(*stacked, nus=np.asarray(nus, dtype=float), n_classes=2)


def image_task(data: ImageData, classes: int, noise: float, test_noise: float, seed: int, name: str) -> TaskArrays:
    """The first ``classes`` classes of an image data set, with symmetric noise on the training labels
    (and a noisy copy of the test labels for Fig 7 and S4)."""
    data = keep_classes(data, classes)
    rng = np.random.default_rng(seed_address(seed, "images", name, classes))
    return TaskArrays(
        data.x_train[None], permute_labels(data.y_train, noise, rng)[None], data.x_test[None],
        data.y_test[None], permute_labels(data.y_test, test_noise, rng)[None],
        nus=np.array([np.nan]), n_classes=classes,
    )
