"""[AR] one IMP job, from its typed settings to its result frames (the runs behind every figure
and Table 1): every (nu, repetition) model of one data set, start architecture and width, trained
and pruned together, checkpointed after every round.

The settings are read into dataclasses once, here (:meth:`ImpJob.from_settings`); from there
on the job's data come from :mod:`lottery.arora.datasets`, its models from
:mod:`lottery.arora.models` and its training from :mod:`lottery.arora.trainer`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lottery.arora.analysis.imp import round_metrics
from lottery.arora.datasets import DataSettings, ImageSettings, MixtureSettings, is_mixture, task_arrays
from lottery.arora.models import architecture, init_models
from lottery.arora.pruning import full_masks, remaining
from lottery.arora.tasks import TaskArrays
from lottery.arora.trainer import (ImpState, ImpTrainSettings, PruneSettings, RoundRecord, Task, imp_rounds, resume_imp,
                                   run_imp)
from lottery.core.checkpoint import Checkpoint, fingerprint
from lottery.core.devices import Runtime
from lottery.core.progress import Progress
from lottery.core.seeds import seed_address

log = logging.getLogger("lottery")


@dataclass(frozen=True)
class ImpJob:
    """Everything that determines one IMP job's result (and where it runs)."""

    dataset: str
    arch: str
    width: int
    classes: int
    seed: int
    runtime: Runtime
    bins: int
    repetitions: int
    bias: bool
    train: ImpTrainSettings
    prune: PruneSettings
    data: DataSettings

    @classmethod
    def from_settings(cls, dataset: str, arch: str, width: int, classes: int, s: dict) -> "ImpJob":
        """The job of one rule: its wildcards and its JSON settings (``imp_run_settings`` in imp_helpers.smk)."""
        data = MixtureSettings(**s["mixture"]) if is_mixture(dataset) else ImageSettings(**s["images"])
        return cls(dataset, arch, width, classes, s["seed"], Runtime.from_settings(s), s["bins"], s["repetitions"],
                   s["bias"], ImpTrainSettings(**s["train"]), PruneSettings(**s["prune"]).at_width(width), data)

    @property
    def keys(self) -> dict[str, object]:
        return {"dataset": self.dataset, "arch": self.arch, "width": self.width, "classes": self.classes}

    @property
    def label(self) -> str:
        return f"IMP {self.dataset} {self.arch} W={self.width} C={self.classes}"


@dataclass
class ImpRun:
    """The frames of a run file (:mod:`lottery.arora.store`): one row per model, per (model, round),
    the test labels per group, and every round's weights, masks and test probabilities."""

    models: pd.DataFrame
    rounds: pd.DataFrame
    labels: pd.DataFrame
    records: list[RoundRecord]


def _model_table(job: ImpJob, nus: np.ndarray) -> pd.DataFrame:
    """One row per model: the job's keys, its nu (group) and repetition."""
    group = np.repeat(np.arange(len(nus)), job.repetitions)
    return pd.DataFrame({**{k: [v] * len(group) for k, v in job.keys.items()}, "nu": nus[group],
                         "repetition": np.tile(np.arange(job.repetitions), len(nus)), "group": group})


def run_imp_job(job: ImpJob, checkpoint: Checkpoint | None = None) -> ImpRun:
    """Train and prune every model of ``job``; with a ``checkpoint``, save after every round, resume
    a matching saved state, and on a stop request save and raise
    :class:`~lottery.core.checkpoint.Interrupted`. A resumed job's result equals an uninterrupted one."""
    device, dtype = job.runtime.start()
    arrays = task_arrays(job.dataset, job.data, job.classes, job.seed)
    models = _model_table(job, arrays.nus)
    keys = tuple(job.keys.values())
    addresses = [seed_address(job.seed, *keys, f"{nu:g}", rep) for nu, rep in zip(models["nu"], models["repetition"])]
    arch = architecture(job.arch)
    init = init_models(arch, addresses, arrays.in_shape, arrays.n_classes, job.width, job.bias, dtype, device)
    t = lambda a, dt=dtype: torch.as_tensor(a, device=device, dtype=dt)  # noqa: E731
    group = t(models["group"].to_numpy(copy=True), torch.long)
    task = Task(t(arrays.x_train), t(arrays.y_train, torch.long), t(arrays.x_test), group)
    key = fingerprint(job, *init.values(), task.x_train, task.y_train, task.x_test) if checkpoint else ""
    state = resume_imp(checkpoint, key, device, lambda: ImpState(0, full_masks(init), init))
    if state.next_round:
        log.info("%s: resuming from checkpoint at round %d", job.label, state.next_round)
    train, prune = job.train, job.prune
    log.info("%s: %d models (%d groups x %d repetitions), %d rounds of %d epochs, on %s", job.label, len(models),
             len(arrays.nus), job.repetitions, prune.rounds + 1, train.epochs, device)
    progress = Progress(job.label, max(prune.rounds + 1 - state.next_round, 0) * train.epochs, "epochs", interval=0.0)

    def log_round(s: ImpState) -> None:
        r = s.records[-1]
        progress.advance(train.epochs, f"round {s.next_round - 1}: {int(remaining(r.masks)[0])} weights, "
                                       f"train error {float(r.train_error.mean()):.3f}")

    rounds = imp_rounds(arch.forward, init, task, train, prune, (job.seed, *keys, "batches"), state)
    state = run_imp(rounds, state, prune, checkpoint, key, log_round)
    progress.finish()
    return ImpRun(models, _round_frames(state.records, models, arrays, job.bins), _label_frame(arrays),
                  state.records)


def _round_frames(records: list[RoundRecord], models: pd.DataFrame, arrays: TaskArrays, bins: int) -> pd.DataFrame:
    """One row per (model, round): weights and parameters left, train error and loss, test metrics."""
    group = models["group"].to_numpy()
    y_test, y_noisy = arrays.y_test[group], arrays.y_test_noisy[group]
    frames = []
    for k, r in enumerate(records):
        metrics = round_metrics(r.test_probs.numpy(), y_test, y_noisy, bins)
        n_weights = remaining(r.masks).numpy()
        n_bias = sum(v[0].numel() for name, v in r.params.items() if name not in r.masks)
        frames.append(pd.concat([models.drop(columns="group"), pd.DataFrame({
            "round": k, "weights": n_weights, "params": n_weights + n_bias,
            "train_error": r.train_error.numpy(), "train_loss": r.train_loss.numpy()}), metrics], axis=1))
    return pd.concat(frames, ignore_index=True)


def _label_frame(arrays: TaskArrays) -> pd.DataFrame:
    """Clean and noisy test labels of every group."""
    return pd.DataFrame({"group": np.repeat(np.arange(len(arrays.nus)), arrays.y_test.shape[1]),
                         "y_test": arrays.y_test.ravel(), "y_test_noisy": arrays.y_test_noisy.ravel()})
