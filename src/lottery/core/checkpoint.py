"""Checkpoints that let a killed job resume with bit-identical results: one format and one
policy for both papers ([LT] grid jobs, [AR] IMP jobs).

A checkpoint is a dict of tensors, numbers, strings and lists (``torch.load`` with
``weights_only=True`` reads it back; no pickled classes), tagged with a fingerprint of
everything that determines the result (settings, initial parameters, data), so a stale
checkpoint is never resumed after a config change. It is written to a temporary file in the
same directory and renamed over the previous one (``os.replace`` is atomic on POSIX), so a
job killed at any instant leaves the old checkpoint or the new one, never half a file. A
checkpoint that cannot be read, or that was made with other settings, is logged and the job
starts afresh. One loop, :func:`run_checkpointed`, saves and stops every training job: [LT]
saves the finished chunks and the running chunk's full state every ``every`` steps; the IMP
jobs ([AR], and beyond's [LT] nets) save after every round.
"""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import torch

log = logging.getLogger("lottery")
State = TypeVar("State")


class Interrupted(RuntimeError):
    """Training stopped on request (SIGTERM) after writing a checkpoint."""


# Fields of a job that change where and how fast it runs, never its result: a job may resume under others.
RUNTIME_FIELDS = ("device", "threads")


def _results_only(value: object) -> object:
    """``value`` with the runtime fields left out at every depth, keys sorted."""
    if isinstance(value, dict):
        return sorted((k, _results_only(v)) for k, v in value.items() if k not in RUNTIME_FIELDS)
    return value


def fingerprint(settings: object, *tensors: torch.Tensor) -> str:
    """Hash of a settings dataclass (less its runtime fields) and tensors: equal exactly when a
    resume is valid."""
    h = hashlib.sha256(repr(_results_only(asdict(settings))).encode())
    for t in tensors:
        h.update(str((t.dtype, tuple(t.shape))).encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def save_atomic(obj: object, path: str | Path) -> None:
    """``torch.save`` to a temporary file, flushed to disk, then renamed over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass
class Checkpoint:
    """Where and how often a job checkpoints; ``stop`` is set to ask it to save and stop.

    ``every`` counts optimisation steps of the running chunk; a finished chunk is always
    saved. ``stop`` is polled between slices of at most ``poll_steps`` steps, so a stop
    request is honoured within a few seconds even when ``every`` is large. An IMP job
    ([AR]) saves after every round and polls ``stop`` there; it uses neither count.
    """

    path: Path
    every: int
    poll_steps: int = 100
    stop: threading.Event = field(default_factory=threading.Event)

    def load(self, key: str) -> dict | None:
        """The saved progress (on the CPU) if it exists and matches ``key``, else None."""
        if not self.path.exists():
            return None
        try:
            saved = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as err:  # a checkpoint from an older format or a damaged disk
            log.warning("checkpoint %s unreadable (%s); starting afresh", self.path, err)
            return None
        if saved.get("key") != key:
            log.warning("checkpoint %s was made with other settings or data; starting afresh", self.path)
            return None
        return saved

    def save(self, key: str, progress: dict) -> None:
        save_atomic({"key": key, **progress}, self.path)

    def remove(self) -> None:
        """Delete the checkpoint once the job's results are safely written."""
        self.path.unlink(missing_ok=True)


def run_checkpointed(state: State, advance: Callable[[State, int], State], position: Callable[[State], int],
                     end: int, checkpoint: Checkpoint | None, key: str, progress: Callable[[State], dict],
                     where: Callable[[State], str]) -> State:
    """Advance ``state`` to unit ``end`` (a step, a round), saving ``progress(state)`` every
    ``checkpoint.every`` units and, when a stop was requested (polled every ``poll_steps``
    units), saving and raising :class:`Interrupted`; ``where(state)`` says where it stopped.

    ``advance(state, until)`` must be a pure function of the state it is given, so a resumed
    run's result is bit-identical to an uninterrupted one. The end is not saved: reaching it,
    the caller writes its results, and a stop requested in the last unit lets it finish."""
    if checkpoint is None:
        return advance(state, end)
    while position(state) < end:
        next_save = (position(state) // checkpoint.every + 1) * checkpoint.every
        state = advance(state, min(end, next_save, position(state) + checkpoint.poll_steps))
        if position(state) == end:
            break
        if checkpoint.stop.is_set():
            checkpoint.save(key, progress(state))
            raise Interrupted(f"stopped {where(state)}; checkpoint written to {checkpoint.path}")
        if position(state) == next_save:
            checkpoint.save(key, progress(state))
    return state


@contextmanager
def stop_on_sigterm(checkpoint: Checkpoint) -> Iterator[Checkpoint]:
    """Within the block, SIGTERM (SLURM's time-limit signal) asks ``checkpoint`` to stop."""

    def handler(signum: int, frame: object) -> None:
        log.warning("received signal %d: writing a checkpoint and stopping", signum)
        checkpoint.stop.set()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield checkpoint
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def exit_on_stop(checkpoint: Checkpoint | None, label: str) -> Iterator[None]:
    """A training command's body: SIGTERM asks ``checkpoint`` to save and stop, and the stopped
    job exits with status 143 (a terminated job's), so that a rerun resumes it."""
    try:
        if checkpoint is None:
            yield
        else:
            with stop_on_sigterm(checkpoint):
                yield
    except Interrupted as err:
        log.warning("%s: %s", label, err)
        raise SystemExit(143) from None
