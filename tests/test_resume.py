"""Checkpoints: a killed or stopped grid job resumes and ends bit-identical to an uninterrupted one."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from lottery.liu_tegmark import fused
from lottery.core.checkpoint import Checkpoint, Interrupted, save_atomic
from lottery.liu_tegmark.data import make_regression_data
from lottery.liu_tegmark.nets import init_params
from lottery.core.seeds import seed_address
from lottery.liu_tegmark.trainer import GridResult, GridTrainSettings, train_grid
from stress.kill_resume import GridJob, differences


class StopAfterSaves(Checkpoint):
    """A checkpoint that asks the job to stop after ``saves`` saves (a deterministic kill)."""

    def __init__(self, path: Path, every: int, saves: int) -> None:
        super().__init__(path, every, poll_steps=7)
        self.left = saves

    def save(self, key: str, progress: dict) -> None:
        super().save(key, progress)
        self.left -= 1
        if self.left == 0:
            self.stop.set()


def _problem(dtype: torch.dtype, batch_size: int, steps: int = 90, compile: bool = False):
    d = make_regression_data("x2", 32, 64, -2.0, 2.0, 0)
    t = lambda a: torch.as_tensor(a, dtype=dtype)  # noqa: E731
    init = init_params([seed_address(0, "x2", "silu", 5, s) for s in range(10)], 5, 1, dtype)
    # Chunks of 4 seeds: three chunks, the last padded, so stops land inside and between chunks.
    settings = GridTrainSettings(steps=steps, lr_decay_every=30, batch_size=batch_size,
                                 chunk_elements=4 * 5 * (batch_size or 32), curve_points=10, compile=compile)
    return init, (t(d.x_train), t(d.y_train), t(d.x_test), t(d.y_test)), settings


def _train_with_stops(init, data, settings: GridTrainSettings, path: Path) -> tuple[GridResult, int]:
    """Train to the end, stopping after every second checkpoint save; (result, stops)."""
    stops = 0
    while True:
        try:
            return train_grid(init, *data, settings, checkpoint=StopAfterSaves(path, every=20, saves=2)), stops
        except Interrupted:
            stops += 1


def _assert_identical(a: GridResult, b: GridResult) -> None:
    for x, y in zip(a.params.tensors(), b.params.tensors()):
        assert torch.equal(x, y)
    for name in ("train_loss", "test_loss", "diverged", "curve_steps", "curves"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch_size", [0, 8])
def test_stopped_every_few_saves_and_resumed_is_bit_identical(tmp_path, dtype, batch_size) -> None:
    init, data, settings = _problem(dtype, batch_size)
    reference = train_grid(init, *data, settings)
    result, stops = _train_with_stops(init, data, settings, tmp_path / "ck.pt")
    assert stops >= 5, "the job was stopped several times, inside and between chunks"
    _assert_identical(result, reference)


@pytest.mark.skipif(fused.load() is None, reason="no C++ compiler for the fused kernel")
@pytest.mark.parametrize("batch_size", [0, 8])
def test_fused_kernel_stopped_and_resumed_is_bit_identical(tmp_path, batch_size) -> None:
    """``compile: true`` on CPU is the fused C++ kernel, which runs many steps per call."""
    init, data, settings = _problem(torch.float32, batch_size, compile=True)
    reference = train_grid(init, *data, settings)
    result, stops = _train_with_stops(init, data, settings, tmp_path / "ck.pt")
    assert stops >= 5
    _assert_identical(result, reference)


def test_checkpoint_of_other_settings_is_ignored(tmp_path) -> None:
    init, data, settings = _problem(torch.float64, 0)
    path = tmp_path / "ck.pt"
    other = GridTrainSettings(**{**vars(settings), "lr": 0.02})
    with pytest.raises(Interrupted):
        train_grid(init, *data, other, checkpoint=StopAfterSaves(path, every=20, saves=1))
    assert path.exists()
    resumed = train_grid(init, *data, settings, checkpoint=Checkpoint(path, 20))
    _assert_identical(resumed, train_grid(init, *data, settings))


def test_atomic_save_leaves_the_old_file_when_writing_fails(tmp_path) -> None:
    path = tmp_path / "ck.pt"
    save_atomic({"step": 1}, path)
    with pytest.raises(Exception):
        save_atomic({"step": lambda: 2}, path)  # not picklable: fails midway through writing
    assert torch.load(path)["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["ck.pt"], "no temporary file is left behind"


def _wait_for(predicate, proc, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, "the job finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)


GRID_JOB = dict(steps=1200, seeds=48)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory):
    """The results file of an uninterrupted grid job of each dtype, trained once for the tests that
    interrupt the same job (the checkpoint interval changes nothing in the results)."""
    made: dict[str, Path] = {}

    def results(dtype: str) -> Path:
        if dtype not in made:
            workdir = tmp_path_factory.mktemp(f"uninterrupted_{dtype}")
            out, log = workdir / "reference.h5", workdir / "job.log"
            assert GridJob(workdir, dtype=dtype, **GRID_JOB).run(out, log, checkpoint=False) == 0, log.read_text()
            made[dtype] = out
        return made[dtype]

    return results


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_training_rule_killed_mid_run_resumes_bit_identical(tmp_path, dtype, uninterrupted) -> None:
    job = GridJob(tmp_path, dtype=dtype, **GRID_JOB)
    reference, resumed, log = uninterrupted(dtype), tmp_path / "resumed.h5", tmp_path / "job.log"
    proc = job.start(resumed, log)
    _wait_for(lambda: job.checkpoint.exists(), proc)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not resumed.exists()
    assert job.run(resumed, log) == 0, log.read_text()
    assert "resuming from checkpoint" in log.read_text()
    assert differences(reference, resumed) == []
    assert not job.checkpoint.exists(), "the checkpoint is removed once the results are written"


def test_sigterm_writes_a_checkpoint_and_exits_nonzero(tmp_path, uninterrupted) -> None:
    # Periodic checkpoints never come (every > steps): only SIGTERM can write one mid-chunk.
    job = GridJob(tmp_path, dtype="float64", **GRID_JOB, checkpoint_every=10**6)
    reference, resumed, log = uninterrupted("float64"), tmp_path / "resumed.h5", tmp_path / "job.log"
    proc = job.start(resumed, log)
    _wait_for(lambda: log.exists() and "chunk 1/3 step" in log.read_text(), proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    saved = torch.load(job.checkpoint, weights_only=True)
    assert saved["state"] is not None and 0 < saved["state"]["step"] < GRID_JOB["steps"]
    assert "received signal 15" in log.read_text()
    assert job.run(resumed, log) == 0, log.read_text()
    assert differences(reference, resumed) == []
