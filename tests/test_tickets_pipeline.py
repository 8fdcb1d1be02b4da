"""End to end: the test config's PDF holds every [LT] ticket figure with generated numbers, and every
[LT] figure and table of the registry is made."""
from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from lottery.figures import FIGURES

pytestmark = pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk is not installed (run.sh installs it)")

TICKET_FIGURES = ["Fig. 2a", "Fig. 2b", "Fig. 4", "Fig. 5", "Fig. 6", "Fig. 7", "Fig. 8", "Fig. 9", "Fig. 10",
                  "Fig. 11", "Fig. 12", "Fig. 13"]


def test_paper_holds_every_ticket_figure_and_its_numbers(test_config_run) -> None:
    text = subprocess.run(["pdftotext", str(test_config_run / "paper" / "paper.pdf"), "-"],
                          capture_output=True, text=True).stdout
    for fig in TICKET_FIGURES:
        assert f"[LT] {fig}." in text, f"{fig} is missing from the paper"
    with pd.HDFStore(test_config_run / "results" / "tickets" / "ensembling.h5", "r") as store:
        table = store["table"]
    assert f"{table['ks'].min():.2f}" in text, "the ensembling distance in the text comes from the data"
    for figure in FIGURES.values():
        if figure.paper == "LT":
            suffix = ".tex" if figure.is_table else ".pdf"
            assert (test_config_run / (figure.output + suffix)).exists(), figure.output
