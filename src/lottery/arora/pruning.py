"""[AR] global magnitude pruning of weights (never biases), independently for each model of a
batch: the pruning step of IMP behind every figure."""
from __future__ import annotations

import torch

from lottery.arora.models import Params, is_prunable


def full_masks(params: Params) -> Params:
    """All-ones masks (same dtype as the weights) for every prunable tensor."""
    return {k: torch.ones_like(v) for k, v in params.items() if is_prunable(k)}


def remaining(masks: Params) -> torch.Tensor:
    """Unpruned weights per model ``[M]``."""
    return sum(m.flatten(1).sum(1) for m in masks.values()).round().long()


def prune_global(params: Params, masks: Params, fraction: float) -> Params:
    """Remove exactly ``ceil(fraction * remaining)`` of each model's remaining weights (OpenLTH's
    count): those of smallest magnitude over all layers together, ties broken by position (OpenLTH
    prunes every weight at the threshold). Pruned weights stay pruned, because they sort after
    every remaining one."""
    names = list(masks)
    alive = torch.cat([masks[k].flatten(1) for k in names], dim=1) > 0
    size = torch.cat([params[k].detach().abs().flatten(1) for k in names], dim=1)
    size = torch.where(alive, size, torch.full_like(size, float("inf")))
    k_prune = torch.ceil(fraction * alive.sum(1).to(torch.float64)).long()
    order = torch.argsort(size, dim=1, stable=True)
    positions = torch.arange(order.shape[1], device=order.device).expand_as(order)
    rank = torch.empty_like(order).scatter_(1, order, positions)
    keep = alive & (rank >= k_prune[:, None])
    out, start = {}, 0
    for k in names:
        n = masks[k][0].numel()
        out[k] = keep[:, start:start + n].reshape(masks[k].shape).to(masks[k].dtype)
        start += n
    return out
