"""Seeds are addresses: a generator seed depends only on the key of what it seeds.

A net's initialisation, a data set or a batch order is drawn from ``seed_address(*key)``,
never from a shared generator, so results do not depend on chunking, batching or how many
other nets share a job. Both papers use this one function, and :func:`random_order` is the
one way to draw a minibatch order from such a seed.
"""
from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch


def seed_address(*parts: object) -> int:
    """A 63-bit generator seed from an address such as (init seed, target, act, width, seed)."""
    words = [zlib.crc32(str(p).encode()) for p in parts]
    return int(np.random.SeedSequence(words).generate_state(2, np.uint32).view(np.uint64)[0] >> 1)


def torch_generator(seed: int) -> "torch.Generator":
    """A fresh CPU torch generator seeded with ``seed`` (an address): draws from it depend
    on nothing but the seed, whatever else the process has drawn."""
    import torch

    return torch.Generator().manual_seed(seed)


def random_order(n: int, seed: int) -> "torch.Tensor":
    """A permutation of ``range(n)`` (on the CPU) drawn from its own generator: the order of one
    epoch's minibatches, the same on every device and in a resumed job."""
    import torch

    return torch.randperm(n, generator=torch_generator(seed))
