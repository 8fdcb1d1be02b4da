"""``python -m lottery benchmarks``: the per-job benchmark files as one table (rule ``benchmarks_table``)."""
from __future__ import annotations

import argparse
from pathlib import Path

from lottery.commands import REQ, command


@command("benchmarks", ("--root", REQ), ("--out", REQ))
def benchmarks(args: argparse.Namespace) -> None:
    """Gather every benchmark TSV under --root into one table."""
    from lottery.core.benchmarks import collect

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    collect(args.root).to_csv(args.out, sep="\t", index=False)
