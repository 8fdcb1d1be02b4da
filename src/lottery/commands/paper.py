"""Command of the paper stage: compile the LaTeX document."""
from __future__ import annotations

import argparse

from lottery.commands import REQ, command


@command("paper", ("--tex", REQ), ("--out", REQ), ("--engine", {"default": "pdflatex"}))
def paper(args: argparse.Namespace) -> None:
    """Build paper/paper.pdf with latexmk and the configured LaTeX engine."""
    from lottery.core.latex import build_pdf

    build_pdf(args.tex, args.out, args.engine)
