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
