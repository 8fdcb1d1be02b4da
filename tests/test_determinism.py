"""Two clean runs of the test config give identical results, figures and paper.

Result tables are compared by value (HDF5 files carry write times in their metadata),
figures by PNG pixels and PDF bytes, generated LaTeX and the paper PDF byte for byte
(with SOURCE_DATE_EPOCH set, as both runs do). The second run is the SLURM run where a
local SLURM can run (tests/conftest.py): the cluster computes what a laptop computes.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from lottery.core.compare import differences


@pytest.fixture(scope="module")
def runs(test_config_run: Path, second_test_config_run: Path) -> tuple[Path, Path]:
    return test_config_run, second_test_config_run


def _same_files(runs: tuple[Path, Path], pattern: str) -> list[Path]:
    """Paths matching ``pattern``, relative to each run; both runs made the same ones."""
    a, b = (sorted(p.relative_to(r) for p in r.glob(pattern) if p.is_file()) for r in runs)
    assert a, f"no {pattern} files"
    assert a == b
    return a


def test_result_tables_are_identical_by_value(runs) -> None:
    a, b = runs
    common, diffs = differences(a, b, "results/**/*.h5")
    assert common and not diffs, diffs
    for rel in _same_files(runs, "results/**/*.csv"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_figures_are_identical(runs) -> None:
    a, b = runs
    for rel in _same_files(runs, "figures/*.png"):
        np.testing.assert_array_equal(matplotlib.image.imread(a / rel), matplotlib.image.imread(b / rel), str(rel))
    for rel in _same_files(runs, "figures/*.pdf"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_generated_tex_is_identical(runs) -> None:
    a, b = runs
    for rel in _same_files(runs, "paper/generated/*.tex"):
        assert (a / rel).read_text() == (b / rel).read_text(), rel


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk is not installed (run.sh installs it)")
def test_paper_pdf_is_byte_identical_with_source_date_epoch(runs) -> None:
    a, b = runs
    assert (a / "paper" / "paper.pdf").read_bytes() == (b / "paper" / "paper.pdf").read_bytes()
