"""[LT] commands that write the generated LaTeX (rules ``scaling_tex``, ``tickets_tex``): every
number, table and verdict of the scaling and ticket sections."""
from __future__ import annotations

import argparse

from lottery.commands import REQ, command, settings_of


@command("scaling-tex", ("--medians", REQ), ("--fits", REQ), ("--settings", REQ), ("--table", REQ), ("--macros", REQ))
def scaling_tex(args: argparse.Namespace) -> None:
    """The exponent table and the scaling section's macros."""
    import pandas as pd

    from lottery.core.texmacros import write_tex
    from lottery.liu_tegmark.report.scaling import ScalingReportSettings, scaling_tex

    settings = ScalingReportSettings.from_config(settings_of(args))
    tex = scaling_tex(pd.read_csv(args.medians), pd.read_csv(args.fits), settings)
    write_tex(tex.table, args.table)
    write_tex(tex.macros, args.macros)


@command("tickets-tex", ("--algorithms", REQ), ("--ensembling", REQ), ("--symmetry", REQ), ("--splitting", REQ),
         ("--distill", REQ), ("--target-fits", REQ), ("--mult-fits", REQ), ("--scaling-fits", REQ),
         ("--settings", REQ), ("--macros", REQ), ("--clusters", REQ), ("--fits-table", REQ))
def tickets_tex(args: argparse.Namespace) -> None:
    """Every number of the ticket sections, the cluster table and the other-targets exponents."""
    import pandas as pd

    from lottery.core.storage import read_frames
    from lottery.core.texmacros import write_tex
    from lottery.liu_tegmark.report.tickets import TicketsReportSettings, tickets_tex

    algorithms = ("nets", "clusters", "scores", "lucky", "peaks", "taylor")
    frames = {
        "algorithms": dict(zip(algorithms, read_frames(args.algorithms, *algorithms))),
        "ensembling": read_frames(args.ensembling, "table")[0],
        "symmetry": read_frames(args.symmetry, "stats")[0],
        "splitting": dict(zip(["counts", "variants"], read_frames(args.splitting, "counts", "variants"))),
        "distill": dict(zip(["distilled", "ordinary", "variants"],
                            read_frames(args.distill, "distilled", "ordinary", "variants"))),
        "target_fits": pd.read_csv(args.target_fits),
        "mult_fits": pd.read_csv(args.mult_fits),
        "scaling_fits": pd.read_csv(args.scaling_fits),
    }
    tex = tickets_tex(frames, TicketsReportSettings.from_config(settings_of(args)))
    write_tex(tex.macros, args.macros)
    write_tex(tex.clusters, args.clusters)
    write_tex(tex.fits_table, args.fits_table)


@command("probes-tex", ("--probe-fits", {"nargs": "*", "default": []}), ("--main-fits", REQ), ("--settings", REQ),
         ("--table", REQ), ("--macros", REQ))
def probes_tex(args: argparse.Namespace) -> None:
    """The discussion's table of probes (causes of the scaling disagreements tested by a run)."""
    from pathlib import Path

    import pandas as pd

    from lottery.core.texmacros import write_tex
    from lottery.liu_tegmark.report.disagreements import probes_tex

    s = settings_of(args)
    fits = {Path(p).parent.name: pd.read_csv(p) for p in args.probe_fits}
    tex = probes_tex(fits, pd.read_csv(args.main_fits), s["probes"])
    write_tex(tex.table, args.table)
    write_tex(tex.macros, args.macros)
