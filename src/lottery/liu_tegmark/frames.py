"""[LT] analysis files (``results/tickets/*.h5``, Figs 2, 4, 9-13): several tidy frames in one HDF5 file."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from lottery.core.storage import atomic_hdf, read_frame


def write_frames(path: str | Path, frames: dict[str, pd.DataFrame]) -> None:
    """Every frame under its key, atomically, in PyTables' fixed format."""
    with atomic_hdf(path) as store:
        for key, frame in frames.items():
            store.put(key, frame, format="fixed")


def read_frames(path: str | Path, *keys: str) -> list[pd.DataFrame]:
    """The frames ``keys`` of one file, in that order."""
    return [read_frame(path, key) for key in keys]
