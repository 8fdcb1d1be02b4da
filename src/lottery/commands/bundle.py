"""``python -m lottery bundle-restore``: put the shipped reference results where Snakemake finds them."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lottery.commands import REQ, command

log = logging.getLogger("lottery")

# What the reference bundle holds: every training output the analyses read ([LT] grids, the
# probes, the beyond-the-papers IMP nets), and of [AR] the summaries its figures, tables and
# claims read (its IMP run files, 126 MB at the default scale, are not read again once
# summarised: Snakemake does not rerun a job whose output is present), the per-job benchmarks
# and the claims table it made.
REFERENCE_PATTERNS = [
    "results/data/*.npz", "results/grids/**/*.h5", "results/tickets/grids/**/*.h5",
    "results/probes/*/data/*.npz", "results/probes/*/grids/**/*.h5", "results/beyond/imp/*.h5",
    "results/imp/summary.h5", "results/imp/calibration.h5", "results/imp/figs3_summary.h5",
    "results/benchmarks.tsv", "results/claims/claims.md", "results/claims/claims.csv",
    "figures/claims_map_verdicts.png",
]
# What a build from the bundle remakes that the bundle shows: its claims table and verdict map (the
# README shows both).
DERIVED_PATTERNS = ["results/claims/claims.md", "results/claims/claims.csv", "figures/claims_map_verdicts.png"]


@command("bundle-restore", ("--bundle", REQ), ("--workdir", REQ))
def bundle_restore(args: argparse.Namespace) -> None:
    """Check the reference bundle's checksums and copy its results into --workdir."""
    from lottery.core.bundle import restore

    files = restore(Path(args.bundle), Path(args.workdir))
    log.info("restored %d result files of %s into %s", len(files), args.bundle, args.workdir)


@command("bundle-make", ("--run", REQ), ("--bundle", REQ), ("--meta", REQ),
         ("--patterns", {"nargs": "+", "default": REFERENCE_PATTERNS}))
def bundle_make(args: argparse.Namespace) -> None:
    """Copy a finished run's results into a reference bundle and write its manifest (--meta: JSON)."""
    import json

    from lottery.core.bundle import make

    manifest = make(Path(args.run), Path(args.bundle), args.patterns, json.loads(Path(args.meta).read_text()))
    log.info("bundle %s: %d files", args.bundle, len(manifest["files"]))


@command("bundle-update", ("--run", REQ), ("--bundle", REQ), ("--patterns", {"nargs": "+", "default": DERIVED_PATTERNS}))
def bundle_update(args: argparse.Namespace) -> None:
    """Replace the bundle's files matching --patterns by those of a build from it (default: the claims
    table and the verdict map), updating their checksums and nothing else."""
    from lottery.core.bundle import update

    manifest = update(Path(args.run), Path(args.bundle), args.patterns)
    log.info("bundle %s: %d files, %s updated", args.bundle, len(manifest["files"]), ", ".join(args.patterns))
