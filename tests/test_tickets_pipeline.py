"""End to end: the test config's PDF holds every [LT] ticket figure with generated numbers."""
from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

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
    for fig in ["fig2a_symmetry", "fig2b_width2_histogram", "fig4_ensembling", "fig9_algorithms_pca",
                "fig10_11_neurons_x", "fig10_11_neurons_pre", "fig12_splitting", "fig13_distill",
                "appendixA_targets_histograms", "appendixA_multiplication_scaling"]:
        assert (test_config_run / "figures" / f"{fig}.pdf").exists()
