"""Recovering from a killed Snakemake run with no extra flags: stale locks are recognised.

Snakemake locks its working directory (``.snakemake/locks/``) for the length of a run and
cannot tell a live lock from one left by a run that died (``kill -9``, an out-of-memory kill,
a closed laptop): the next run stops with "Directory cannot be locked". The Snakefile calls
:func:`recover` in the main Snakemake process, before Snakemake takes its lock. It records
which process owns the run (host and pid) and, when the locks on disk belong to a process of
this host that no longer exists, removes them and says so. Locks of a live run, of another
host (a shared file system) or of unknown origin are left alone, and the message names the
one command to run if that run is known to be dead.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

LOCKS = Path(".snakemake", "locks")
OWNER = Path(".snakemake", "lottery-run-owner.json")
UNLOCK_HINT = "if no other snakemake runs in this directory, run `snakemake --unlock` once, then rerun"


def _read_owner(path: Path) -> dict | None:
    try:
        owner = json.loads(path.read_text())
        return owner if isinstance(owner.get("pid"), int) and isinstance(owner.get("host"), str) else None
    except (OSError, ValueError, AttributeError):
        return None


def _snakemake_alive(pid: int) -> bool:
    """Whether ``pid`` is a live Snakemake process (a reused pid of another program is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    return not cmdline.exists() or b"snakemake" in cmdline.read_bytes()


def _record_owner(path: Path) -> None:
    """This process (the Snakefile runs inside the main Snakemake process) owns the next lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}))


def recover(workdir: str | Path = ".") -> str | None:
    """Remove a dead local run's locks and record this run as the owner; returns what to tell the user."""
    workdir = Path(workdir)
    locks, owner_file = workdir / LOCKS, workdir / OWNER
    if not any(locks.glob("*.lock")):
        _record_owner(owner_file)
        return None
    owner = _read_owner(owner_file)
    if owner is None:
        return f"the working directory is locked by a run this pipeline did not record; {UNLOCK_HINT}"
    if owner["host"] != socket.gethostname():
        return f"the working directory is locked by a run on host {owner['host']} (pid {owner['pid']}); {UNLOCK_HINT}"
    if _snakemake_alive(owner["pid"]):
        return f"another snakemake (pid {owner['pid']}) is running in this directory; wait for it, or stop it first"
    shutil.rmtree(locks)
    _record_owner(owner_file)
    return f"removed the lock left by a killed run (pid {owner['pid']}); its unfinished jobs are redone or resumed"
