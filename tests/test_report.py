"""`snakemake --report` gives an HTML report that a real headless browser shows with every figure."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import run_snakemake

from lottery.figures import FIGURES, SECTION_TITLES

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


def test_the_report_holds_every_figure_under_its_paper_section(report) -> None:
    """Every registered figure is in the page's data, and the browser renders every section's menu entry."""
    dom = _chromium("--dump-dom", report.as_uri()).stdout
    missing = [f.output for f in FIGURES.values() if not f.is_table and f"{f.output.split('/')[-1]}.png" not in dom]
    assert not missing, f"figures absent from the report: {missing}"
    rendered = re.sub(r"<script.*?</script>", "", dom, flags=re.S)
    for section in sorted({SECTION_TITLES[f.section] for f in FIGURES.values() if not f.is_table} | {"Benchmarks", "Claims and verdicts"}):
        assert section in rendered, f"section {section!r} is not rendered"


def test_the_report_renders_to_a_non_blank_page(report, tmp_path) -> None:
    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,900", report.as_uri())
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.std() > 0.02, "the screenshot of the report is blank"
