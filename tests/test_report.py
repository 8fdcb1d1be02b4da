"""`snakemake --report` gives an HTML report that a real headless browser shows with every figure."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import run_snakemake

from lottery.figures import FIGURES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (run.sh test installs it)"),
]


@pytest.fixture(scope="module")
def report(test_config_run, test_config_repo, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    done = run_snakemake(test_config_run, "--configfile", str(test_config_repo / "config" / "test.yaml"),
                         "--report", str(out), repo=test_config_repo)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=15000",
                           *args], capture_output=True, text=True, timeout=180)


def test_the_report_lists_every_figure_in_its_paper_section(report) -> None:
    dom = _chromium("--dump-dom", report.as_uri()).stdout
    figures = [f for f in FIGURES.values() if not f.is_table]
    missing = [f.output for f in figures if f.output.split("/")[-1].replace("_x2", "") not in dom
               and f.output.split("/")[-1] not in dom]
    assert not missing, f"figures absent from the rendered report: {missing}"
    for category in ("[LT] The scaling law", "[LT] Lottery tickets", "[AR] IMP under label noise", "Benchmarks"):
        assert category in dom


def test_the_report_renders_to_a_non_blank_page(report, tmp_path) -> None:
    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,900", report.as_uri())
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.std() > 0.02, "the screenshot of the report is blank"
