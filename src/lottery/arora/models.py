"""[AR] vectorised models for IMP (every figure): M independent nets of one architecture as one
tensor program, and the architecture registry (Fig 4, Table S1).

Parameters are a dict of tensors with a leading model dimension ``[M, ...]``; inputs are
``[M or 1, B, ...]`` (1 broadcasts one shared data set to every model). Convolutions run
all M models at once as one grouped convolution. Each model's initial weights depend only
on its own address, never on which other models share the batch. The registry maps a
config name to an architecture, so Fig 4's comparison is a list in the config; it is the
single source of architecture names (the config schema's enum is tested against it).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from lottery.arora import cifar_architectures as cifar

Params = dict[str, torch.Tensor]


@dataclass(frozen=True)
class Architecture:
    """``shapes(in_shape, n_classes, width, bias)`` -> name: shape of one model; ``forward(params, x)``;
    ``label``: the name figures and tables print."""

    name: str
    shapes: Callable[[tuple[int, ...], int, int, bool], dict[str, tuple[int, ...]]]
    forward: Callable[[Params, torch.Tensor], torch.Tensor]
    description: str
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name


def is_prunable(name: str) -> bool:
    """IMP prunes weights, never biases."""
    return not name.endswith("bias")


def _fcn_shapes(hidden: tuple[int, ...]) -> Callable:
    def shapes(in_shape: tuple[int, ...], n_classes: int, width: int, bias: bool) -> dict[str, tuple[int, ...]]:
        sizes = [math.prod(in_shape), width, *hidden, n_classes]
        out: dict[str, tuple[int, ...]] = {}
        for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            out[f"fc{k}"] = (fan_out, fan_in)
            if bias:
                out[f"fc{k}.bias"] = (fan_out,)
        return out

    return shapes


def _fcn_forward(params: Params, x: torch.Tensor) -> torch.Tensor:
    h = x.flatten(2)
    layers = [k for k in params if is_prunable(k)]
    for i, name in enumerate(layers):
        h = torch.matmul(h, params[name].transpose(-1, -2))
        if f"{name}.bias" in params:
            h = h + params[f"{name}.bias"][:, None, :]
        if i < len(layers) - 1:
            h = torch.relu(h)
    return h


def _resnet_shapes(in_shape: tuple[int, ...], n_classes: int, width: int, bias: bool) -> dict[str, tuple[int, ...]]:
    c = in_shape[0]
    out = {"stem": (width, c, 3, 3)}
    for block in (1, 2):
        out[f"block{block}a"] = (width, width, 3, 3)
        out[f"block{block}b"] = (width, width, 3, 3)
    out["fc"] = (n_classes, width)
    if bias:
        out["fc.bias"] = (n_classes,)
    return out


def _grouped_conv(h: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    m, c_out, c_in, k, _ = w.shape
    return F.conv2d(h, w.reshape(m * c_out, c_in, k, k), padding=k // 2, groups=m)


def _resnet_forward(params: Params, x: torch.Tensor) -> torch.Tensor:
    """Stem conv, two residual blocks (two 3x3 convs, identity skip, 2x2 average pooling after
    each), global average pooling and a linear head: six weight layers, no batch norm."""
    m = params["stem"].shape[0]
    lead, b = x.shape[:2]
    h = x.transpose(0, 1).reshape(b, lead * x.shape[2], *x.shape[3:])
    if lead == 1:
        h = h.repeat(1, m, 1, 1)
    h = torch.relu(_grouped_conv(h, params["stem"]))
    for block in (1, 2):
        r = torch.relu(_grouped_conv(h, params[f"block{block}a"]))
        h = torch.relu(h + _grouped_conv(r, params[f"block{block}b"]))
        if min(h.shape[-2:]) >= 2:
            h = F.avg_pool2d(h, 2)
    h = h.mean((-2, -1)).reshape(b, m, -1).transpose(0, 1)
    h = torch.matmul(h, params["fc"].transpose(-1, -2))
    return h + params["fc.bias"][:, None, :] if "fc.bias" in params else h


ARCHITECTURES: dict[str, Architecture] = {
    "fcn2": Architecture("fcn2", _fcn_shapes(()), _fcn_forward, "two-layer fully connected net, hidden width P",
                         "FCN-2"),
    "fcn3": Architecture("fcn3", _fcn_shapes((100,)), _fcn_forward,
                         "three-layer fully connected net, first hidden width P, second 100", "FCN-3"),
    "resnet": Architecture("resnet", _resnet_shapes, _resnet_forward,
                           "six-layer residual conv net (ResNet-6 style) with W channels", "ResNet-6"),
    "resnet18": Architecture("resnet18", cifar.resnet18_shapes, cifar.resnet18_forward,
                             "ResNet-18, CIFAR form, with batch norm; stage widths W, 2W, 4W, 8W (standard W = 64)",
                             "ResNet-18"),
    "vgg16": Architecture("vgg16", cifar.vgg16_shapes, cifar.vgg16_forward,
                          "VGG-16, CIFAR form (OpenLTH), with batch norm; widths W to 8W (standard W = 64)", "VGG-16"),
    "densenet121": Architecture("densenet121", cifar.densenet121_shapes, cifar.densenet121_forward,
                                "DenseNet-121, CIFAR form, with batch norm; growth rate W (standard W = 32)",
                                "DenseNet-121"),
}


def architecture(name: str) -> Architecture:
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"unknown architecture {name!r}; choose one of {sorted(ARCHITECTURES)}") from None


def parameter_count(arch: Architecture, in_shape: tuple[int, ...], n_classes: int, width: int,
                    bias: bool) -> tuple[int, int]:
    """(prunable weights, all parameters) of one model: what IMP can prune, and what it keeps."""
    shapes = arch.shapes(in_shape, n_classes, width, bias)
    weights = sum(math.prod(s) for k, s in shapes.items() if is_prunable(k))
    return weights, sum(math.prod(s) for s in shapes.values())


def init_models(arch: Architecture, addresses: list[int], in_shape: tuple[int, ...], n_classes: int, width: int,
                bias: bool, dtype: torch.dtype, device: torch.device) -> Params:
    """Kaiming-uniform weights (ReLU gain, bound sqrt(6 / fan_in)) and zero biases, drawn in float64
    on CPU from one generator per address, then stacked ``[M, ...]``, cast and moved."""
    shapes = arch.shapes(in_shape, n_classes, width, bias)
    per_model = []
    for address in addresses:
        g = torch.Generator().manual_seed(address)
        p = {}
        for name, shape in shapes.items():
            if is_prunable(name):
                bound = math.sqrt(6.0 / math.prod(shape[1:]))
                p[name] = (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1) * bound
            else:
                p[name] = torch.zeros(shape, dtype=torch.float64)
        per_model.append(p)
    return {name: torch.stack([p[name] for p in per_model]).to(dtype=dtype, device=device) for name in shapes}
