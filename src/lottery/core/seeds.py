"""Seeds are addresses: a generator seed depends only on the key of what it seeds.

A net's initialisation, a data set or a batch order is drawn from ``seed_address(*key)``,
never from a shared generator, so results do not depend on chunking, batching or how many
other nets share a job. Both papers use this one function.
"""
from __future__ import annotations

import zlib

import numpy as np


def seed_address(*parts: object) -> int:
    """A 63-bit generator seed from an address such as (init seed, target, act, width, seed)."""
    words = [zlib.crc32(str(p).encode()) for p in parts]
    return int(np.random.SeedSequence(words).generate_state(2, np.uint32).view(np.uint64)[0] >> 1)
