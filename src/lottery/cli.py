"""``python -m lottery COMMAND ...``: the entry point every Snakemake rule calls.

Commands live in :mod:`lottery.commands` (one module per paper and kind of command;
docs/architecture.md). Known failures (bad config, missing device, unreadable results,
LaTeX errors) print one clear line and exit with status 2 instead of a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from lottery.commands import COMMANDS, STAGES

log = logging.getLogger("lottery")


def _parser() -> argparse.ArgumentParser:
    for stage in STAGES:
        importlib.import_module(f"lottery.commands.{stage}")
    parser = argparse.ArgumentParser(prog="python -m lottery", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (fn, options) in sorted(COMMANDS.items()):
        p = sub.add_parser(name, help=(fn.__doc__ or "").strip())
        for flag, kwargs in options:
            p.add_argument(flag, **kwargs)
        p.set_defaults(fn=fn)
    return parser


def main(argv: list[str] | None = None) -> int:
    from lottery.core.errors import ConfigError, DeviceError, ResultsError
    from lottery.core.latex import PaperError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    args = _parser().parse_args(argv)
    try:
        args.fn(args)
    except (ConfigError, DeviceError, PaperError, ResultsError, FileNotFoundError) as err:
        log.error("%s", err)
        return 2
    return 0
