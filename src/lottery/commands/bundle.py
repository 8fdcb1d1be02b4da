"""``python -m lottery bundle-restore``: put the shipped reference results where Snakemake finds them."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lottery.commands import REQ, command

log = logging.getLogger("lottery")


@command("bundle-restore", ("--bundle", REQ), ("--workdir", REQ))
def bundle_restore(args: argparse.Namespace) -> None:
    """Check the reference bundle's checksums and copy its results into --workdir."""
    from lottery.core.bundle import restore

    files = restore(Path(args.bundle), Path(args.workdir))
    log.info("restored %d result files of %s into %s", len(files), args.bundle, args.workdir)


@command("bundle-make", ("--run", REQ), ("--bundle", REQ), ("--meta", REQ),
         ("--patterns", {"nargs": "+", "default": ["results/**/*.h5", "results/**/*.csv", "results/**/*.npz",
                                                   "results/**/*.md", "results/**/*.tsv"]}))
def bundle_make(args: argparse.Namespace) -> None:
    """Copy a finished run's results into a reference bundle and write its manifest (--meta: JSON)."""
    import json

    from lottery.core.bundle import make

    manifest = make(Path(args.run), Path(args.bundle), args.patterns, json.loads(Path(args.meta).read_text()))
    log.info("bundle %s: %d files", args.bundle, len(manifest["files"]))
