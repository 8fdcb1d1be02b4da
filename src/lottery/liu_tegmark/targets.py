"""Registry of regression targets for the [LT] width x seed grids.

A target is a named function of a ``[n, d]`` input array with its input dimension. New
targets (SPEC [LT] items 7-8: other unary functions, multi-digit multiplication) are one
``register`` call each; every other module looks them up by name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Target:
    """A function ``f: R^d -> R`` to learn, with a LaTeX label for figures."""

    name: str
    dim: int
    fn: Callable[[np.ndarray], np.ndarray]
    latex: str

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"target {self.name!r} takes inputs of shape [n, {self.dim}], got {x.shape}")
        return self.fn(x)


TARGETS: dict[str, Target] = {}


def register(name: str, dim: int, latex: str) -> Callable:
    """Decorator adding ``fn`` to :data:`TARGETS` under ``name``."""

    def add(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
        if name in TARGETS:
            raise ValueError(f"target {name!r} registered twice")
        TARGETS[name] = Target(name, dim, fn, latex)
        return fn

    return add


def get_target(name: str) -> Target:
    """Look a target up by name, listing the known ones when it is missing."""
    try:
        return TARGETS[name]
    except KeyError:
        raise KeyError(f"unknown target {name!r}; known targets: {sorted(TARGETS)}") from None


def _unary(name: str, latex: str, fn: Callable[[np.ndarray], np.ndarray]) -> None:
    register(name, 1, latex)(lambda x: fn(x[:, 0]))


_unary("x2", r"$x^2$", lambda x: x**2)
_unary("x3", r"$x^3$", lambda x: x**3)
_unary("x4", r"$x^4$", lambda x: x**4)
_unary("sin", r"$\sin x$", np.sin)
_unary("cos", r"$\cos x$", np.cos)
_unary("exp", r"$e^x$", np.exp)
_unary("sin2", r"$\sin^2 x$", lambda x: np.sin(x) ** 2)
_unary("expx2", r"$e^{x^2}$", lambda x: np.exp(x**2))
_unary("tanh", r"$\tanh x$", np.tanh)
_unary("relu", r"$\mathrm{relu}(x)$", lambda x: np.maximum(x, 0.0))

for _d in range(2, 6):
    register(f"mul{_d}", _d, "$" + " ".join(f"x_{i + 1}" for i in range(_d)) + "$")(
        lambda x: np.prod(x, axis=1)
    )
