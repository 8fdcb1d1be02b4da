"""[AR] commands of the IMP section's generated LaTeX: Table 1 / S2 and every number the text
quotes, with the verdicts on the paper's claims (rule ``imp_tex``), and Table S1 (rule ``imp_table_s1``)."""
from __future__ import annotations

import argparse

from lottery.commands import REQ, command, settings_of


@command("imp-tex", ("--summary", REQ), ("--calibration", REQ), ("--figs3-summary", REQ), ("--settings", REQ),
         ("--table", REQ), ("--macros", REQ))
def imp_tex(args: argparse.Namespace) -> None:
    """Table 1 / S2 and every number the IMP section quotes."""
    from lottery.arora.report.imp import imp_tex as make_tex
    from lottery.core.storage import read_frames
    from lottery.core.texmacros import write_tex

    rounds, best = read_frames(args.summary, "rounds", "best")
    (cloud,), (figs3,) = read_frames(args.calibration, "cloud"), read_frames(args.figs3_summary, "rounds")
    table, macros = make_tex(rounds, best, cloud, figs3, settings_of(args))
    write_tex(table, args.table)
    write_tex(macros, args.macros)


@command("imp-table-s1", ("--settings", REQ), ("--out", REQ))
def imp_table_s1(args: argparse.Namespace) -> None:
    """Table S1: the architectures of the real-data runs, from the architecture registry and the config."""
    from lottery.arora.report.table_s1 import table_s1
    from lottery.core.texmacros import write_tex

    write_tex(table_s1(settings_of(args)), args.out)
