"""End to end: the test config's DAG ends in a PDF holding the figures; the workflow lints clean."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from conftest import REPO, run_snakemake

pytestmark = pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk is not installed (run.sh installs it)")


def test_paper_pdf_contains_the_figures_and_generated_numbers(test_config_run) -> None:
    pdf = test_config_run / "paper" / "paper.pdf"
    assert pdf.stat().st_size > 10_000
    assert (test_config_run / "paper" / "generated" / "claims_table.tex").exists(), "the claims table is built"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Fig. 1c" in text and "Fig. 3" in text
    assert "??" not in text, "an unresolved reference or macro in the PDF"
    fits = pd.read_csv(test_config_run / "results" / "scaling" / "fits.csv")
    alpha = fits[(fits.activation == "silu") & (fits.range == "wide")].alpha.iloc[0]
    assert f"{alpha:.2f}" in text, "the fitted exponent in the text comes from the data"
    # Text that only the embedded figures hold: Fig 1c's axis label, Fig 3's panel titles.
    assert "median test loss" in text
    assert "N = 10" in text and "N = 20" in text


def test_every_figure_has_pdf_and_png(test_config_run) -> None:
    figures = sorted((test_config_run / "figures").glob("*.pdf"))
    assert figures
    for f in figures:
        assert f.with_suffix(".png").exists()


def test_rerun_has_nothing_to_do(test_config_run, test_config_repo) -> None:
    done = run_snakemake(test_config_run, "--configfile", str(test_config_repo / "config" / "test.yaml"), "-n",
                         repo=test_config_repo)
    assert done.returncode == 0
    assert "Nothing to be done" in done.stdout + done.stderr


def test_training_logs_show_progress_and_eta(test_config_run) -> None:
    log = (test_config_run / "logs" / "grids" / "x2" / "silu" / "N10.log").read_text()
    assert "ETA" in log and "seed-steps/s" in log and "q10/q50/q90" in log


@pytest.mark.parametrize("configfile", ["config.yaml", "test.yaml", "paper.yaml"])
def test_shipped_configs_give_a_complete_dag(tmp_path, configfile: str) -> None:
    done = run_snakemake(tmp_path, "--configfile", str(REPO / "config" / configfile), "-n", "--cores", "2")
    assert done.returncode == 0, done.stderr[-3000:]


def test_workflow_lints_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--lint"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
