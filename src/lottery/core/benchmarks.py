"""Per-job time and memory, gathered from Snakemake's ``benchmark:`` files into one table.

Training and IMP rules write one TSV per job (``benchmarks/<stage>/...tsv``: wall seconds,
peak resident memory, CPU time). One table of all of them is what a user needs to size a
cluster request or spot a slow job; ``snakemake --report`` shows it beside the figures.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = {"s": "wall_s", "max_rss": "max_rss_mb", "cpu_time": "cpu_s"}


def collect(root: str | Path) -> pd.DataFrame:
    """One row per benchmark file under ``root``: the job (its path) and its time and memory."""
    root = Path(root)
    rows = []
    for path in sorted(root.rglob("*.tsv")):
        frame = pd.read_csv(path, sep="\t")
        row = {"job": str(path.relative_to(root).with_suffix(""))}
        row.update({new: float(frame[old].iloc[-1]) for old, new in COLUMNS.items() if old in frame})
        rows.append(row)
    return pd.DataFrame(rows, columns=["job", *COLUMNS.values()])
