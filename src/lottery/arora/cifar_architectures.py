"""[AR] CIFAR-10 architectures (Fig 1 right, Figs 3b, 4b, 7 right, S4b; Table S1): ResNet-18,
VGG-16 and DenseNet-121 in their CIFAR forms, width-parametrised and vectorised over M models
like the nets of :mod:`lottery.arora.models`, whose registry lists them.

Layout. Parameters are tensors ``[M, ...]``; activations are ``[B, M * C, H, W]``, model m's
channels forming block m, so every convolution of all M models is one grouped convolution
(``groups=M``) and everything else acts per channel. All three are vectorised completely.

Batch norm. A channel belongs to exactly one model, so standard batch norm over the ``M * C``
channels normalises each model's channels with that model's own statistics (over images and
pixels): the models never couple. It always uses the statistics of the batch it is given, also
in evaluation: the forward is a pure function of (weights, images), as IMP's training,
prediction and pruning loop requires, so there are no running averages to carry. This differs
from torchvision's evaluation mode; IMP predicts in chunks of thousands of images, whose
statistics are close to the population's. Every batch-norm parameter's name ends in ``bias``:
IMP prunes only convolution and linear weights (as OpenLTH does) and ``init_models`` starts
non-weights at zero, so the scale is stored as its offset from one (gamma = 1 + scale, exact for
SGD without weight decay).

Definitions and parameter counts at standard width (10 classes, with biases):
- ResNet-18 (He et al. 2016, CIFAR form as in kuangliu/pytorch-cifar): 3x3 stem, no max-pool,
  BasicBlocks [2, 2, 2, 2] of widths (1, 2, 4, 8) x ``width`` (standard 64), 1x1 convolution
  plus batch norm on the shortcut where the shape changes, global average pooling, linear
  head: 11,173,962 parameters.
- VGG-16 (OpenLTH's ``cifar_vgg_16``, which [AR] ran): 13 3x3 convolutions with biases, each
  followed by batch norm, widths (1, 1, 2, 2, 4, 4, 4, 8 x 6) x ``width`` (standard 64),
  max-pooling after convolutions 2, 4, 7 and 10, global average pooling, one linear layer:
  14,728,266 parameters (the convolution biases, redundant before batch norm, are kept because
  the published 14.7M counts them; ``bias=False`` drops them: 14,724,032).
- DenseNet-121 (Huang et al. 2017, CIFAR form as in kuangliu/pytorch-cifar's ``DenseNet121``):
  growth rate ``width`` (standard 32), 3x3 stem of 2 x growth channels, dense blocks
  [6, 12, 24, 16] of bottleneck layers (BN-ReLU-1x1 conv to 4 x growth, BN-ReLU-3x3 conv to
  growth), transitions with compression 0.5 (BN-ReLU-1x1 conv, 2x2 average pooling), final
  BN-ReLU, global average pooling, linear head: 6,956,298 parameters.
Pooling is skipped where a map is already below 2x2, so 28x28 images (MNIST) also pass.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

Params = dict[str, torch.Tensor]
Shapes = dict[str, tuple[int, ...]]

RESNET18_BLOCKS = (2, 2, 2, 2)
VGG16_PLAN = (1, 1, "M", 2, 2, "M", 4, 4, 4, "M", 8, 8, 8, "M", 8, 8, 8)  # widths in units of ``width``
DENSENET121_BLOCKS = (6, 12, 24, 16)
DENSENET_BOTTLENECK = 4  # bottleneck channels per unit of growth
DENSENET_COMPRESSION = 0.5


# ---- shapes of one model -------------------------------------------------------------------

def _norm_shapes(name: str, channels: int) -> Shapes:
    return {f"{name}.scale.bias": (channels,), f"{name}.shift.bias": (channels,)}


def _head_shapes(channels: int, n_classes: int, bias: bool) -> Shapes:
    return {"fc": (n_classes, channels), **({"fc.bias": (n_classes,)} if bias else {})}


def resnet18_shapes(in_shape: tuple[int, ...], n_classes: int, width: int, bias: bool) -> Shapes:
    out = {"conv1": (width, in_shape[0], 3, 3), **_norm_shapes("bn1", width)}
    c_in = width
    for stage, n_blocks in enumerate(RESNET18_BLOCKS):
        c_out = width * 2 ** stage
        for block in range(n_blocks):
            p = f"layer{stage + 1}.{block}"
            out.update({f"{p}.conv1": (c_out, c_in, 3, 3), **_norm_shapes(f"{p}.bn1", c_out),
                        f"{p}.conv2": (c_out, c_out, 3, 3), **_norm_shapes(f"{p}.bn2", c_out)})
            if c_in != c_out:
                out.update({f"{p}.shortcut": (c_out, c_in, 1, 1), **_norm_shapes(f"{p}.shortcut_bn", c_out)})
            c_in = c_out
    return {**out, **_head_shapes(c_in, n_classes, bias)}


def vgg16_shapes(in_shape: tuple[int, ...], n_classes: int, width: int, bias: bool) -> Shapes:
    out: Shapes = {}
    c_in = in_shape[0]
    for i, units in enumerate((u for u in VGG16_PLAN if u != "M"), start=1):
        c_out = width * units
        out[f"conv{i}"] = (c_out, c_in, 3, 3)
        if bias:
            out[f"conv{i}.bias"] = (c_out,)
        out.update(_norm_shapes(f"bn{i}", c_out))
        c_in = c_out
    return {**out, **_head_shapes(c_in, n_classes, bias)}


def densenet121_shapes(in_shape: tuple[int, ...], n_classes: int, width: int, bias: bool) -> Shapes:
    growth, c = width, 2 * width
    out = {"conv1": (c, in_shape[0], 3, 3)}
    for stage, n_layers in enumerate(DENSENET121_BLOCKS, start=1):
        for layer in range(n_layers):
            p = f"dense{stage}.{layer}"
            out.update({**_norm_shapes(f"{p}.bn1", c), f"{p}.conv1": (DENSENET_BOTTLENECK * growth, c, 1, 1),
                        **_norm_shapes(f"{p}.bn2", DENSENET_BOTTLENECK * growth),
                        f"{p}.conv2": (growth, DENSENET_BOTTLENECK * growth, 3, 3)})
            c += growth
        if stage < len(DENSENET121_BLOCKS):
            c_out = int(c * DENSENET_COMPRESSION)
            out.update({**_norm_shapes(f"trans{stage}.bn", c), f"trans{stage}.conv": (c_out, c, 1, 1)})
            c = c_out
    return {**out, **_norm_shapes("bn", c), **_head_shapes(c, n_classes, bias)}


# ---- vectorised building blocks ------------------------------------------------------------

def _stack_models(x: torch.Tensor, m: int) -> torch.Tensor:
    """Inputs ``[M or 1, B, C, H, W]`` -> ``[B, M * C, H, W]`` (one shared input repeated per model)."""
    lead, b = x.shape[:2]
    h = x.transpose(0, 1).reshape(b, lead * x.shape[2], *x.shape[3:])
    return h.repeat(1, m, 1, 1) if lead == 1 else h


def _conv(h: torch.Tensor, params: Params, name: str, stride: int = 1) -> torch.Tensor:
    w = params[name]
    m, c_out, c_in, k, _ = w.shape
    b = params.get(f"{name}.bias")
    return F.conv2d(h, w.reshape(m * c_out, c_in, k, k), None if b is None else b.reshape(-1),
                    stride=stride, padding=k // 2, groups=m)


def _norm(h: torch.Tensor, params: Params, name: str) -> torch.Tensor:
    """Batch norm with each model's own batch statistics (a channel belongs to one model)."""
    scale, shift = params[f"{name}.scale.bias"], params[f"{name}.shift.bias"]
    return F.batch_norm(h, None, None, (1 + scale).reshape(-1), shift.reshape(-1), training=True)


def _pool(h: torch.Tensor, pool) -> torch.Tensor:
    return pool(h, 2) if min(h.shape[-2:]) >= 2 else h


def _head(h: torch.Tensor, params: Params, m: int) -> torch.Tensor:
    """Global average pooling and the linear layer: logits ``[M, B, n_classes]``."""
    h = h.mean((-2, -1)).reshape(h.shape[0], m, -1).transpose(0, 1)
    h = torch.matmul(h, params["fc"].transpose(-1, -2))
    return h + params["fc.bias"][:, None, :] if "fc.bias" in params else h


# ---- forwards ------------------------------------------------------------------------------

def resnet18_forward(params: Params, x: torch.Tensor) -> torch.Tensor:
    m = params["conv1"].shape[0]
    h = torch.relu(_norm(_conv(_stack_models(x, m), params, "conv1"), params, "bn1"))
    for stage, n_blocks in enumerate(RESNET18_BLOCKS):
        for block in range(n_blocks):
            p = f"layer{stage + 1}.{block}"
            stride = 2 if stage > 0 and block == 0 and min(h.shape[-2:]) >= 2 else 1
            r = torch.relu(_norm(_conv(h, params, f"{p}.conv1", stride), params, f"{p}.bn1"))
            r = _norm(_conv(r, params, f"{p}.conv2"), params, f"{p}.bn2")
            if f"{p}.shortcut" in params:
                h = _norm(_conv(h, params, f"{p}.shortcut", stride), params, f"{p}.shortcut_bn")
            h = torch.relu(h + r)
    return _head(h, params, m)


def vgg16_forward(params: Params, x: torch.Tensor) -> torch.Tensor:
    m = params["conv1"].shape[0]
    h, i = _stack_models(x, m), 0
    for units in VGG16_PLAN:
        if units == "M":
            h = _pool(h, F.max_pool2d)
        else:
            i += 1
            h = torch.relu(_norm(_conv(h, params, f"conv{i}"), params, f"bn{i}"))
    return _head(h, params, m)


def densenet121_forward(params: Params, x: torch.Tensor) -> torch.Tensor:
    m = params["conv1"].shape[0]
    h = _conv(_stack_models(x, m), params, "conv1")
    for stage, n_layers in enumerate(DENSENET121_BLOCKS, start=1):
        for layer in range(n_layers):
            p = f"dense{stage}.{layer}"
            r = _conv(torch.relu(_norm(h, params, f"{p}.bn1")), params, f"{p}.conv1")
            r = _conv(torch.relu(_norm(r, params, f"{p}.bn2")), params, f"{p}.conv2")
            b, _, height, wide = h.shape
            h = torch.cat([h.reshape(b, m, -1, height, wide), r.reshape(b, m, -1, height, wide)], dim=2)
            h = h.reshape(b, -1, height, wide)
        if stage < len(DENSENET121_BLOCKS):
            h = _pool(_conv(torch.relu(_norm(h, params, f"trans{stage}.bn")), params, f"trans{stage}.conv"),
                      F.avg_pool2d)
    return _head(torch.relu(_norm(h, params, "bn")), params, m)
