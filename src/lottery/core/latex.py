"""Building ``paper/paper.pdf`` with latexmk, with the LaTeX engine the config names.

Being locked to one engine is the complaint showyourwork's users raise most, so the
engine is a config key (``paper.engine``): pdflatex by default, lualatex or xelatex for
documents that need system fonts or Unicode input.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TEX_PACKAGES = "latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended"


# latexmk's switch for each engine the config may name (the schema's enum is tested against it).
ENGINES = {"pdflatex": "-pdf", "lualatex": "-pdflua", "xelatex": "-pdfxe"}


class PaperError(RuntimeError):
    """LaTeX is missing or the document failed to compile."""


def build_pdf(tex: str | Path, out_pdf: str | Path, engine: str = "pdflatex") -> None:
    """Compile ``tex`` from the working directory (figure and table paths are relative to it)."""
    if engine not in ENGINES:
        raise PaperError(f"config key 'paper.engine' is {engine!r}; allowed: {', '.join(ENGINES)}")
    for tool in ("latexmk", engine):
        if shutil.which(tool) is None:
            raise PaperError(f"{tool} is not installed (config key 'paper.engine' is {engine!r}); "
                             f"install it with: apt-get install {TEX_PACKAGES}"
                             + ("" if engine == "pdflatex" else " texlive-luatex texlive-xetex"))
    out_pdf = Path(out_pdf)
    build = out_pdf.parent / "build"
    build.mkdir(parents=True, exist_ok=True)
    cmd = ["latexmk", ENGINES[engine], "-interaction=nonstopmode", "-halt-on-error", f"-outdir={build}", str(tex)]
    env = {**os.environ, "TEXINPUTS": f".:{Path(tex).parent}:"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-40:])
        raise PaperError(f"latexmk failed on {tex} (exit {done.returncode}); last lines of its log:\n{tail}")
    shutil.copyfile(build / (Path(tex).stem + ".pdf"), out_pdf)
