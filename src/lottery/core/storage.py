"""HDF5 results through pandas/PyTables: tidy frames, written atomically, read with errors
that name the file and the rule that made it. Both papers' stores build on this."""
from __future__ import annotations

import base64
import json
import os
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from lottery.core.errors import ResultsError

__all__ = ["ResultsError", "atomic_hdf", "read_frame", "read_frames", "write_frames", "write_table"]


@contextmanager
def atomic_hdf(path: str | Path) -> Iterator[pd.HDFStore]:
    """Write to ``path.tmp`` and rename on success, so a killed job leaves no half file."""
    tmp = Path(f"{path}.tmp")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.unlink(missing_ok=True)
    store = pd.HDFStore(tmp, mode="w", complevel=4, complib="zlib")
    try:
        yield store
    except BaseException:
        store.close()
        tmp.unlink(missing_ok=True)
        raise
    store.close()
    os.replace(tmp, path)


def producing_rule(path: str | Path) -> str | None:
    """The Snakemake rule that made ``path``, from the metadata Snakemake keeps per output.

    Snakemake records each output's rule in ``.snakemake/metadata/<urlsafe base64 of the
    path relative to the working directory>`` (split into 254-character pieces, the first
    ones prefixed with ``@``). None when the file was not made by Snakemake here.
    """
    path = Path(path)
    try:
        rel = path.resolve().relative_to(Path.cwd().resolve()) if path.is_absolute() else path
        b64 = base64.urlsafe_b64encode(os.path.normpath(rel).encode()).decode()
        parts = [b64[i : i + 254] for i in range(0, len(b64), 254)]
        record = Path(".snakemake", "metadata", *["@" + s for s in parts[:-1]], parts[-1])
        return json.loads(record.read_text())["rule"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _made_by(path: Path) -> str:
    rule = producing_rule(path)
    return f" (made by rule {rule})" if rule else ""


def read_frame(path: str | Path, key: str) -> pd.DataFrame:
    """Read one frame, turning PyTables' low-level errors into one naming the file and its rule."""
    path = Path(path)
    if not path.exists():
        raise ResultsError(f"results file {path} does not exist; run snakemake to make it")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_hdf(path, key)
    except KeyError:
        raise ResultsError(
            f"results file {path}{_made_by(path)} has no table {key!r}; delete it and rerun snakemake"
        ) from None
    except Exception as err:  # PyTables raises many types for a truncated or corrupt file
        raise ResultsError(
            f"results file {path}{_made_by(path)} is unreadable ({type(err).__name__}: {err}); it is probably "
            f"truncated or corrupt: delete it and rerun snakemake to regenerate it"
        ) from None


def write_table(frame: pd.DataFrame, path: str | Path, key: str = "table") -> None:
    with atomic_hdf(path) as store:
        store.put(key, frame, format="table")


def write_frames(path: str | Path, frames: dict[str, pd.DataFrame], table: bool = False) -> None:
    """Several tidy frames in one file, each under its key, atomically: PyTables' fixed format
    ([LT] analyses), or with ``table`` its table format without write times ([AR] summaries)."""
    with atomic_hdf(path) as store:
        for key, frame in frames.items():
            if table:
                store.put(key, frame, format="table", track_times=False)
            else:
                store.put(key, frame, format="fixed")


def read_frames(path: str | Path, *keys: str) -> list[pd.DataFrame]:
    """The frames ``keys`` of one file, in that order."""
    return [read_frame(path, key) for key in keys]
