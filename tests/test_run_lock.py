"""A killed run's lock is recognised and removed; a live or foreign lock is left alone."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, TEST_CONFIG, run_snakemake

from lottery.core.run_lock import LOCKS, OWNER, recover


def _lock(workdir: Path, pid: int, host: str | None = None) -> None:
    (workdir / LOCKS).mkdir(parents=True)
    (workdir / LOCKS / "0.output.lock").write_text("results/x\n")
    (workdir / OWNER).write_text(json.dumps({"host": host or socket.gethostname(), "pid": pid}))


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_dead_local_owner_loses_its_lock(tmp_path: Path) -> None:
    _lock(tmp_path, _dead_pid())
    news = recover(tmp_path)
    assert news and "removed the lock" in news
    assert not (tmp_path / LOCKS).exists()
    assert json.loads((tmp_path / OWNER).read_text())["pid"] == os.getpid()


def test_a_live_or_foreign_lock_is_kept_with_the_command_to_run(tmp_path: Path) -> None:
    _lock(tmp_path, _dead_pid(), host="another-node")
    assert "snakemake --unlock" in recover(tmp_path)
    assert (tmp_path / LOCKS / "0.output.lock").exists()
    (tmp_path / OWNER).unlink()
    assert "snakemake --unlock" in recover(tmp_path)
    assert (tmp_path / LOCKS / "0.output.lock").exists()


@pytest.mark.slow
def test_a_plain_rerun_recovers_after_kill_9(tmp_path: Path) -> None:
    """kill -9 of Snakemake mid-training, then the same command with no extra flag finishes."""
    target = "results/grids/x2/silu/N4.h5"
    cmd = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path),
           "--configfile", TEST_CONFIG, "--cores", "1", target]
    run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not (tmp_path / "logs" / "grids" / "x2" / "silu" / "N4.log").exists():
        assert run.poll() is None and time.monotonic() < deadline, "training never started"
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert any((tmp_path / LOCKS).glob("*.lock")), "the killed run left no lock to recover from"
    done = run_snakemake(tmp_path, "--configfile", TEST_CONFIG, "--cores", "1", target)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "removed the lock left by a killed run" in done.stderr
    assert (tmp_path / target).exists()
