"""Registry of the hidden-layer activations of the [LT] nets (all figures; Fig 1c compares two).

One entry per activation holds everything any module needs to know about it: the torch
function and its derivative (the trainer writes gradients out by hand), the code of its
branch in the fused C++ kernel (``fused.cpp``, enum ``Act``), its name in LaTeX tables and
its colour in figures. Adding an activation is one ``_register`` call here plus its branch
in the kernel; ``config/schema.yaml``'s activation enums are tested equal to this registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:  # torch is imported where a function runs: the tables and plots need only names and colours
    import torch

    TensorFn = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Activation:
    """``fn(z, negative_slope)`` and ``derivative(z, negative_slope)``; the slope only matters to leaky_relu."""

    name: str
    fn: Callable[[torch.Tensor, float], torch.Tensor]
    derivative: Callable[[torch.Tensor, float], torch.Tensor]
    kernel_code: int
    latex: str
    color: str

    def torch_pair(self, negative_slope: float = 0.01) -> tuple[TensorFn, TensorFn]:
        """The activation and its derivative with the slope bound, for the trainer's hand-written step."""
        fn, derivative = self.fn, self.derivative
        return (lambda z: fn(z, negative_slope)), (lambda z: derivative(z, negative_slope))

    def numpy(self, negative_slope: float = 0.01) -> Callable[[np.ndarray], np.ndarray]:
        """The same function on float64 numpy arrays (the ticket analyses), computed by torch."""
        import torch

        fn = self.fn
        return lambda z: fn(torch.as_tensor(np.asarray(z, dtype=np.float64)), negative_slope).numpy()


ACTIVATIONS: dict[str, Activation] = {}


def _register(activation: Activation) -> None:
    if activation.name in ACTIVATIONS:
        raise ValueError(f"activation {activation.name!r} registered twice")
    if activation.kernel_code in {a.kernel_code for a in ACTIVATIONS.values()}:
        raise ValueError(f"kernel code {activation.kernel_code} of {activation.name!r} is taken")
    ACTIVATIONS[activation.name] = activation


def get_activation(name: str) -> Activation:
    """Look an activation up by name, listing the known ones when it is missing."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {list(ACTIVATIONS)}") from None


def _silu(z: torch.Tensor, _: float) -> torch.Tensor:
    import torch

    return z * torch.sigmoid(z)


def _dsilu(z: torch.Tensor, _: float) -> torch.Tensor:
    import torch

    s = torch.sigmoid(z)
    return s * (1 + z * (1 - s))


def _leaky_relu(z: torch.Tensor, slope: float) -> torch.Tensor:
    import torch

    return torch.where(z > 0, z, slope * z)


def _dleaky_relu(z: torch.Tensor, slope: float) -> torch.Tensor:
    import torch

    return torch.where(z > 0, 1.0, slope).to(z.dtype)


def _relu(z: torch.Tensor, _: float) -> torch.Tensor:
    import torch

    return torch.relu(z)


def _drelu(z: torch.Tensor, _: float) -> torch.Tensor:
    return (z > 0).to(z.dtype)


def _tanh(z: torch.Tensor, _: float) -> torch.Tensor:
    import torch

    return torch.tanh(z)


def _dtanh(z: torch.Tensor, _: float) -> torch.Tensor:
    import torch

    return 1 - torch.tanh(z) ** 2


_register(Activation("silu", _silu, _dsilu, kernel_code=0, latex="SiLU", color="tab:blue"))
_register(Activation("leaky_relu", _leaky_relu, _dleaky_relu, kernel_code=1, latex="LeakyReLU", color="tab:orange"))
_register(Activation("relu", _relu, _drelu, kernel_code=2, latex="ReLU", color="tab:green"))
_register(Activation("tanh", _tanh, _dtanh, kernel_code=3, latex="tanh", color="tab:purple"))
