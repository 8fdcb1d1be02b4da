"""[AR] command of the IMP section's generated LaTeX (rule ``imp_tex``): Table 1 / S2 and every
number the text quotes, with the verdicts on the paper's claims."""
from __future__ import annotations

import argparse

from lottery.commands import REQ, command, settings_of


@command("imp-tex", ("--summary", REQ), ("--calibration", REQ), ("--settings", REQ), ("--table", REQ),
         ("--macros", REQ))
def imp_tex(args: argparse.Namespace) -> None:
    """Table 1 / S2 and every number the IMP section quotes."""
    from lottery.arora.report import imp_tex as make_tex
    from lottery.arora.store import read_frames
    from lottery.core.texmacros import write_tex

    summary = read_frames(args.summary, ("rounds", "best"))
    cloud = read_frames(args.calibration, ("cloud",))["cloud"]
    table, macros = make_tex(summary["rounds"], summary["best"], cloud, settings_of(args))
    write_tex(table, args.table)
    write_tex(macros, args.macros)
