"""[AR] the linear and XOR Gaussian mixtures (Figs 2, 3a, 5, 7, S1, S4) and their exact posterior.

Every component has identity covariance, so Bayes' rule over the components gives the
true class probability in closed form; it is the ground truth of the calibration figures.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TASKS = ("linear", "xor")


@dataclass(frozen=True)
class Mixture:
    """Component means ``[K, D]``, their classes ``[K]`` and weights ``[K]`` (summing to 1)."""

    means: np.ndarray
    classes: np.ndarray
    weights: np.ndarray


def mixture(task: str, nu: float, dim: int) -> Mixture:
    """[AR]'s mixtures: linear (0 vs nu*1) or XOR (two components per class, half-half)."""
    zero, one = np.zeros(dim), np.full(dim, float(nu))
    if task == "linear":
        return Mixture(np.stack([zero, one]), np.array([0, 1]), np.array([0.5, 0.5]))
    if task == "xor":
        if dim % 2:
            raise ValueError(f"the XOR mixture needs an even dimension, got {dim}")
        half = dim // 2
        mixed_a = np.concatenate([np.zeros(half), np.full(half, float(nu))])
        mixed_b = np.concatenate([np.full(half, float(nu)), np.zeros(half)])
        return Mixture(np.stack([zero, one, mixed_a, mixed_b]), np.array([0, 0, 1, 1]), np.full(4, 0.25))
    raise ValueError(f"unknown mixture task {task!r}; choose one of {TASKS}")


def sample(m: Mixture, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points ``x [n, D]`` (float32) and clean labels ``y [n]``: y ~ Bernoulli(1/2), then a component."""
    comp = rng.choice(len(m.weights), size=n, p=m.weights)
    x = m.means[comp] + rng.standard_normal((n, m.means.shape[1]))
    return x.astype(np.float32), m.classes[comp].astype(np.int64)


def true_posterior(m: Mixture, x: np.ndarray) -> np.ndarray:
    """``p(y=0 | x)`` by Bayes' rule over the unit-covariance components, computed in log space."""
    # Imported here: the workflow imports this module to plan the runs, and every Snakemake
    # process (two per SLURM job) would otherwise pay for SciPy.
    from scipy.special import logsumexp

    x = np.asarray(x, dtype=np.float64)
    sq = (x**2).sum(1)[:, None] - 2 * x @ m.means.T + (m.means**2).sum(1)[None]
    log_joint = np.log(m.weights)[None] - 0.5 * sq
    return np.exp(logsumexp(log_joint[:, m.classes == 0], axis=1) - logsumexp(log_joint, axis=1))


def centre_line(m: Mixture, points: int, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``t`` and points ``x(t) = t * nu * 1`` on the line through the 0 and nu*1 centres
    (t = 0 and t = 1 are the two centres), for Fig 5a."""
    t = np.linspace(-margin, 1 + margin, points)
    return t, (t[:, None] * m.means[1][None]).astype(np.float32)


def projection(m: Mixture, x: np.ndarray) -> np.ndarray:
    """2-D coordinates of ``x`` for Fig 5c: mean over the first and over the second half of the inputs
    (for both tasks the components differ only along these two directions)."""
    half = x.shape[1] // 2
    return np.stack([x[:, :half].mean(1), x[:, half:].mean(1)], axis=1)
