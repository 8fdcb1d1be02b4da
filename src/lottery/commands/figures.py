"""Figure commands: ``figure ID`` draws any registered figure, ``figures-table`` writes the
README's table of them; both from the registry :mod:`lottery.figures`."""
from __future__ import annotations

import argparse
import importlib
import json

from lottery.commands import MANY, REQ, command


@command("figure", ("id", {}), ("--sources", MANY), ("--settings", REQ), ("--out", REQ))
def figure(args: argparse.Namespace) -> None:
    """Draw registered figure ID from its sources (the files its rule passes, in registry order)
    with its plot function, and save ``OUT`` (PDF) and its PNG."""
    import pandas as pd

    from lottery.core.storage import read_frames
    from lottery.core.style import save_figure
    from lottery.figures import FIGURES

    entry = FIGURES[args.id]
    if len(args.sources) != len(entry.sources):
        raise SystemExit(f"figure {args.id}: {len(entry.sources)} sources registered, {len(args.sources)} given")
    frames = []
    for path, source in zip(args.sources, entry.sources):
        frames += (read_frames(path, *source.frames) if source.frames
                   else [pd.read_csv(path, keep_default_na=source.keep_na)])
    module, function = entry.plot.split(":")
    plot = getattr(importlib.import_module(module), function)
    save_figure(plot(*frames, **json.loads(args.settings), **dict(entry.options)), args.out)


@command("figures-table")
def figures_table(args: argparse.Namespace) -> None:
    """Print README.md's figure table (between its ``figures:begin``/``figures:end`` markers)."""
    from lottery.figures import readme_table

    print(readme_table())
