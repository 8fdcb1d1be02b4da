"""Two runs' HDF5 results compared by value: the check that lets results made by one commit
stand beside another's (a reference-bundle part trained before a code change, a house move).

HDF5 files carry write times in their metadata, so bytes differ between identical runs; the
frames inside are compared instead, exactly (``check_exact``), key by key.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from lottery.core.storage import read_frame


def _keys(path: Path) -> list[str]:
    """The frames in an HDF5 file (``walk``, since ``keys`` also lists a group named 'table')."""
    with pd.HDFStore(path, "r") as store:
        return sorted(f"{group}/{leaf}".lstrip("/") for group, _, leaves in store.walk() for leaf in leaves)


def differences(a: Path, b: Path, pattern: str) -> tuple[list[str], list[str]]:
    """(the files matching ``pattern`` in both runs, every difference between the runs in words);
    no difference when each file's frames are equal by value in both."""
    found = [sorted(str(p.relative_to(r)) for p in r.glob(pattern) if p.is_file()) for r in (a, b)]
    diffs = [f"{rel}: only in {run}" for run, mine, other in ((a, found[0], found[1]), (b, found[1], found[0]))
             for rel in mine if rel not in other]
    common = [rel for rel in found[0] if rel in found[1]]
    for rel in common:
        keys = _keys(a / rel)
        if keys != _keys(b / rel):
            diffs.append(f"{rel}: frames {keys} against {_keys(b / rel)}")
            continue
        for key in keys:
            x, y = read_frame(a / rel, key), read_frame(b / rel, key)
            if _identical(x, y):
                continue
            try:  # names the first difference
                pd.testing.assert_frame_equal(x, y, check_exact=True)
            except AssertionError as err:
                diffs.append(f"{rel}:{key}: {str(err).splitlines()[0]}")
    return common, diffs


def _identical(x: pd.DataFrame, y: pd.DataFrame) -> bool:
    """Equal values (NaN where NaN), dtypes, index and columns with their names and types: what
    ``assert_frame_equal(check_exact=True)`` accepts, checked in one pass instead of column by
    column (which takes seconds on the wide curve frames)."""
    return (x.equals(y) and x.dtypes.equals(y.dtypes)
            and all(i.equals(j) and i.names == j.names and i.dtype == j.dtype and type(i) is type(j)
                    for i, j in ((x.index, y.index), (x.columns, y.columns))))
