"""Shared fixtures: one run of the whole DAG on config/test.yaml, reused by several tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_snakemake(workdir: Path, *args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """``snakemake`` on this repository's Snakefile with ``workdir`` as its working directory."""
    cmd = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def test_config_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working directory of one complete run of config/test.yaml (built once per session)."""
    workdir = tmp_path_factory.mktemp("test_config_run")
    done = run_snakemake(workdir, "--configfile", str(REPO / "config" / "test.yaml"), "--cores", "2",
                         env={"SOURCE_DATE_EPOCH": "1700000000"})
    if done.returncode != 0:
        pytest.fail(f"test-config DAG failed:\n{done.stdout[-4000:]}\n{done.stderr[-6000:]}")
    return workdir
