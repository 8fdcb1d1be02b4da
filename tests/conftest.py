"""Shared fixtures: complete runs of the DAG on config/test.yaml, each built once per session.

The whole DAG is the slow part of the suite, so it runs twice at most: locally
(``test_config_run``) and, where a local SLURM can run, through the SLURM profile
(``slurm_test_config_run``). Both start in the background when the session starts (when a
selected test needs them), so they overlap the unit tests and each other: their jobs spend much
of their time starting Python, submitting and waiting for status checks. The determinism tests
compare the two (``second_test_config_run``); without SLURM the second run is a second local one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from slurm.localslurm import LocalSlurm, unavailable

from lottery.core.bundle import restore

REPO = Path(__file__).resolve().parents[1]
# Fixed timestamps for LaTeX and matplotlib, so that two runs give byte-identical PDFs.
SOURCE_DATE_EPOCH = "1700000000"
TEST_CONFIG = str(REPO / "config" / "test.yaml")
# Scheduling priorities (nice values) of the background runs. Most tests wait for the local run,
# one file for the reference rebuild and only the last tests for the SLURM run: on a 2-core
# machine the local run goes first and the SLURM run takes what the others leave.
NICENESS = {"local": 0, "reference rebuild": 5, "slurm": 10}
# The greedy scheduler: the ILP one solves a linear program for every batch of ready jobs, which
# on the test DAG's ~90 short jobs costs more than it saves.
FAST_SCHEDULING = ("--scheduler", "greedy")


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


def test_config_args(repo: Path) -> list[str]:
    """Snakemake arguments of a complete run of ``repo``'s config/test.yaml."""
    return ["--configfile", str(repo / "config" / "test.yaml"), "--cores", "2", *FAST_SCHEDULING]


@dataclass
class BackgroundRun:
    """A complete run of the test config started in the background: its working directory, its
    Snakemake process and the file holding Snakemake's output (a pipe nobody reads would fill and
    block); ``logs`` adds what to show when it fails (the SLURM daemons' logs)."""

    what: str
    workdir: Path
    process: subprocess.Popen
    output_file: Path
    logs: Callable[[], str] = lambda: ""

    @classmethod
    def start(cls, what: str, workdir: Path, args: list[str], env: dict, repo: Path,
              logs: Callable[[], str] = lambda: "", niceness: int = 0) -> "BackgroundRun":
        output_file = workdir.parent / f"{workdir.name}.snakemake.txt"
        cmd = ["nice", "-n", str(niceness), sys.executable, "-m", "snakemake", "-s", str(repo / "Snakefile"),
               "-d", str(workdir), *args]
        with open(output_file, "w") as out:
            process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True,
                                       env={**os.environ, **env, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
        return cls(what, workdir, process, output_file, logs)

    def result(self, timeout: int = 1800) -> tuple[Path, str]:
        """Wait for the run; its working directory and Snakemake output, or a failure naming it."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"{self.what} did not finish in {timeout} s\n{self.logs()}")
        output = self.output_file.read_text()
        if self.process.returncode != 0:
            pytest.fail(f"{self.what} failed:\n{output[-6000:]}\n{self.logs()}")
        return self.workdir, output

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def slurm_run(tmp_path_factory: pytest.TempPathFactory, test_config_repo: Path):
    """config/test.yaml through the SLURM profile on a single-node SLURM on localhost (installed if
    needed), in the background; None where SLURM cannot run. The daemons are stopped by PID at the end."""
    if unavailable():
        yield None
        return
    cluster = LocalSlurm(tmp_path_factory.mktemp("slurm"), niceness=NICENESS["slurm"])
    repo = test_config_repo
    run = None
    try:
        cluster.start()
        workdir = tmp_path_factory.mktemp("slurm_test_config_run")
        run = BackgroundRun.start("the SLURM run of the test config", workdir, [
            "--workflow-profile", str(repo / "profiles" / "slurm"), "--configfile", str(repo / "config" / "test.yaml"),
            *FAST_SCHEDULING,
            # auto: the training jobs' log shows the GPU SLURM allocated them (torch sees none here).
            "--config", "device=auto",
            # No accounting on this cluster: squeue for job states, no account to charge.
            "--slurm-status-command", "squeue", "--slurm-no-account",
            "--slurm-init-seconds-before-status-checks", "2", "--slurm-keep-successful-logs", "--jobs", "6",
            # A finished job is seen within 2 s, not 10: on this one-node cluster a check costs nothing.
            "--seconds-between-status-checks", "2",
        ], cluster.env, repo, cluster.logs, NICENESS["slurm"])
        yield run
    finally:
        if run is not None:
            run.stop()
        cluster.stop()


@pytest.fixture(scope="session")
def local_run(tmp_path_factory: pytest.TempPathFactory, test_config_repo: Path):
    """config/test.yaml run locally in the background, in a working directory whose name holds a space."""
    run = BackgroundRun.start("the test-config DAG", tmp_path_factory.mktemp("test config run"),
                              test_config_args(test_config_repo), {}, test_config_repo)
    yield run
    run.stop()


@pytest.fixture(scope="session")
def reference_rebuild(tmp_path_factory: pytest.TempPathFactory):
    """The claims table rebuilt, in the background, from the shipped reference bundle restored
    without it; with the table the bundle recorded."""
    workdir = tmp_path_factory.mktemp("reference_rebuild")
    restore(REPO / "reference", workdir)
    table = workdir / "results" / "claims" / "claims.md"
    recorded = table.read_text()
    table.unlink()
    run = BackgroundRun.start("the claims table's rebuild from the reference bundle", workdir, [
        "--configfile", str(REPO / "reference" / "config.yaml"), "--cores", "2", *FAST_SCHEDULING,
        "results/claims/claims.md"], {}, REPO, niceness=NICENESS["reference rebuild"])
    yield run, recorded
    run.stop()


# Fixtures of the SLURM run: the last whole-DAG run to finish.
SLURM_RUN_FIXTURES = ("slurm_test_config_run", "second_test_config_run")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that read the SLURM run go last, in their order: the others run while it is
    still submitting and waiting, instead of on one core after it."""
    items.sort(key=lambda item: any(name in item.fixturenames for name in SLURM_RUN_FIXTURES))


@pytest.fixture(scope="session", autouse=True)
def start_background_runs_first(request: pytest.FixtureRequest) -> None:
    """Start the whole-DAG runs the selected tests need when the session starts, SLURM's first:
    they run beside the unit tests and each other, filling the time their jobs spend starting
    Python, submitting and waiting for status checks."""
    for fixture in ("slurm_run", "reference_rebuild", "local_run"):
        if any(fixture in item.fixturenames for item in request.session.items):
            request.getfixturevalue(fixture)


@pytest.fixture(scope="session")
def test_config_run(local_run: BackgroundRun) -> Path:
    """The working directory (its name holds a space) of one complete run of config/test.yaml."""
    return local_run.result()[0]


@pytest.fixture(scope="session")
def slurm_test_config_run(slurm_run: BackgroundRun | None) -> tuple[Path, str]:
    """Working directory and Snakemake output of config/test.yaml run through the SLURM profile."""
    if slurm_run is None:
        pytest.skip(unavailable())
    return slurm_run.result()


@pytest.fixture(scope="session")
def second_test_config_run(tmp_path_factory: pytest.TempPathFactory, test_config_repo: Path,
                           slurm_run: BackgroundRun | None) -> Path:
    """A second clean run of config/test.yaml: the SLURM run where SLURM can run, else a local one."""
    if slurm_run is not None:
        return slurm_run.result()[0]
    second = BackgroundRun.start("the second test-config DAG", tmp_path_factory.mktemp("second_run"),
                                 test_config_args(test_config_repo), {}, test_config_repo)
    return second.result()[0]
