"""Shared fixtures: complete runs of the DAG on config/test.yaml, each built once per session.

The whole DAG is the slow part of the suite, so it runs twice at most: locally
(``test_config_run``) and, where a local SLURM can run, through the SLURM profile
(``slurm_test_config_run``). The determinism tests compare the two (``second_test_config_run``);
without SLURM the second run is a second local one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slurm.localslurm import LocalSlurm, unavailable

REPO = Path(__file__).resolve().parents[1]
# Fixed timestamps for LaTeX and matplotlib, so that two runs give byte-identical PDFs.
SOURCE_DATE_EPOCH = "1700000000"
TEST_CONFIG = str(REPO / "config" / "test.yaml")


def run_snakemake(workdir: Path, *args: str, env: dict | None = None, timeout: int = 900,
                  repo: Path = REPO) -> subprocess.CompletedProcess:
    """``snakemake`` on ``repo``'s Snakefile (this repository's by default) in working directory ``workdir``."""
    cmd = [sys.executable, "-m", "snakemake", "-s", str(repo / "Snakefile"), "-d", str(workdir), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def copy_repo(dest: Path) -> Path:
    """This repository's files (tracked, and untracked but not ignored) copied to ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True)
    names = [n for n in listed.stdout.decode().split("\0") if n] if listed.returncode == 0 else []
    if not names:  # not a git checkout: everything but local state
        shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(".git", ".venv", ".snakemake", "results", "logs"))
        return dest
    for name in names:
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def test_config_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository, copied to a path with spaces: every path a rule passes must be quoted."""
    return copy_repo(tmp_path_factory.mktemp("a laptop folder") / "lottery pipeline")


def run_test_config(workdir: Path, repo: Path) -> Path:
    """Run the whole DAG of config/test.yaml of ``repo`` in ``workdir``, with fixed PDF timestamps."""
    done = run_snakemake(workdir, "--configfile", str(repo / "config" / "test.yaml"), "--cores", "2",
                         env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}, repo=repo)
    if done.returncode != 0:
        pytest.fail(f"test-config DAG failed:\n{done.stdout[-4000:]}\n{done.stderr[-6000:]}")
    return workdir


@pytest.fixture(scope="session")
def test_config_run(tmp_path_factory: pytest.TempPathFactory, test_config_repo: Path) -> Path:
    """The working directory (its name holds a space) of one complete run of config/test.yaml."""
    return run_test_config(tmp_path_factory.mktemp("test config run"), test_config_repo)


@pytest.fixture(scope="session")
def local_slurm(tmp_path_factory: pytest.TempPathFactory):
    """A single-node SLURM on localhost (installed if needed), stopped by PID at the end."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    cluster = LocalSlurm(tmp_path_factory.mktemp("slurm"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def slurm_test_config_run(local_slurm: LocalSlurm, tmp_path_factory: pytest.TempPathFactory,
                          test_config_repo: Path) -> tuple[Path, str]:
    """Working directory and Snakemake output of config/test.yaml run through the SLURM profile."""
    workdir = tmp_path_factory.mktemp("slurm_test_config_run")
    repo = test_config_repo
    done = run_snakemake(
        workdir, "--workflow-profile", str(repo / "profiles" / "slurm"), "--configfile", str(repo / "config" / "test.yaml"),
        # auto: the training jobs' log shows the GPU SLURM allocated them (torch sees none here).
        "--config", "device=auto",
        # No accounting on this cluster: squeue for job states, no account to charge.
        "--slurm-status-command", "squeue", "--slurm-no-account", "--slurm-init-seconds-before-status-checks", "2",
        "--slurm-keep-successful-logs", "--jobs", "6",
        env={**local_slurm.env, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}, timeout=1800, repo=repo,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"SLURM run of the test config failed:\n{output[-6000:]}\n{local_slurm.logs()}")
    return workdir, output


@pytest.fixture(scope="session")
def second_test_config_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                           test_config_repo: Path) -> Path:
    """A second clean run of config/test.yaml: the SLURM run where SLURM can run, else a local one."""
    if unavailable() is None:
        return request.getfixturevalue("slurm_test_config_run")[0]
    return run_test_config(tmp_path_factory.mktemp("second_run"), test_config_repo)
