"""[LT] batches of one-hidden-layer nets ``f(x) = sum_i v_i act(w_i . x + b_i) + c`` (every figure).

Parameters carry a leading seed dimension so that S independent nets are one tensor
program. Each net's initialisation depends only on its address ``(init seed, target,
activation, width, seed)``, never on which other nets share the batch. Activations come
from :mod:`lottery.liu_tegmark.activations`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Callable

import numpy as np
import torch

from lottery.core.seeds import torch_generator


@dataclass
class NetParams:
    """``w [S, N, d]``, ``b [S, N]``, ``v [S, N]``, ``c [S]`` for S nets of width N."""

    w: torch.Tensor
    b: torch.Tensor
    v: torch.Tensor
    c: torch.Tensor

    @property
    def seeds(self) -> int:
        return self.w.shape[0]

    @property
    def width(self) -> int:
        return self.w.shape[1]

    @property
    def dim(self) -> int:
        return self.w.shape[2]

    def tensors(self) -> tuple[torch.Tensor, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def map(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> "NetParams":
        """Apply ``fn`` to every tensor (slicing seeds, moving devices, casting)."""
        return NetParams(*(fn(t) for t in self.tensors()))

    @staticmethod
    def cat(parts: list["NetParams"]) -> "NetParams":
        return NetParams(*(torch.cat(ts) for ts in zip(*(p.tensors() for p in parts))))

    def numpy(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name).detach().cpu().numpy() for f in fields(self)}


def init_params(addresses: list[int], width: int, dim: int, dtype: torch.dtype) -> NetParams:
    """PyTorch's default ``nn.Linear`` init (U(+-1/sqrt(fan_in)) for weights and biases).

    Drawn in float64 on CPU from one generator per address, in the order
    ``w, b, v, c``, then cast, so every dtype and device starts from the same numbers.
    """
    bound1, bound2 = 1.0 / math.sqrt(dim), 1.0 / math.sqrt(width)
    parts = []
    for address in addresses:
        g = torch_generator(address)

        def uniform(shape: tuple[int, ...], bound: float) -> torch.Tensor:
            return (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1) * bound

        parts.append(
            NetParams(
                uniform((1, width, dim), bound1),
                uniform((1, width), bound1),
                uniform((1, width), bound2),
                uniform((1,), bound2),
            )
        )
    return NetParams.cat(parts).map(lambda t: t.to(dtype))


def pre_activation(p: NetParams, x: torch.Tensor) -> torch.Tensor:
    """``w . x + b`` as ``[S, N, B]`` for shared inputs ``x [B, d]``."""
    z = p.b[:, :, None]
    for k in range(x.shape[1]):
        z = z + p.w[:, :, k, None] * x[:, k]
    return z


def forward(p: NetParams, x: torch.Tensor, act: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Outputs ``[S, B]`` of every net on shared inputs ``x [B, d]``."""
    return (p.v[:, :, None] * act(pre_activation(p, x))).sum(1) + p.c[:, None]


def mse(p: NetParams, x: torch.Tensor, y: torch.Tensor, act: Callable, chunk: int = 8192) -> torch.Tensor:
    """Per-net mean squared error ``[S]``, evaluated in chunks of inputs to bound memory."""
    total = torch.zeros(p.seeds, dtype=p.w.dtype, device=p.w.device)
    for start in range(0, x.shape[0], chunk):
        r = forward(p, x[start : start + chunk], act) - y[start : start + chunk]
        total += (r * r).sum(1)
    return total / x.shape[0]
