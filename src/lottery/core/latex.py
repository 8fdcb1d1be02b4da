"""Building ``paper/paper.pdf`` with latexmk (pdfLaTeX by default, any engine via config)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TEX_PACKAGES = "latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended"


class PaperError(RuntimeError):
    """LaTeX is missing or the document failed to compile."""


def build_pdf(tex: str | Path, out_pdf: str | Path, engine: str = "-pdf") -> None:
    """Compile ``tex`` from the working directory (figure and table paths are relative to it)."""
    if shutil.which("latexmk") is None:
        raise PaperError(f"latexmk is not installed; install it with: apt-get install {TEX_PACKAGES}")
    out_pdf = Path(out_pdf)
    build = out_pdf.parent / "build"
    build.mkdir(parents=True, exist_ok=True)
    cmd = ["latexmk", engine, "-interaction=nonstopmode", "-halt-on-error", f"-outdir={build}", str(tex)]
    env = {**os.environ, "TEXINPUTS": f".:{Path(tex).parent}:"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-40:])
        raise PaperError(f"latexmk failed on {tex} (exit {done.returncode}); last lines of its log:\n{tail}")
    shutil.copyfile(build / (Path(tex).stem + ".pdf"), out_pdf)
