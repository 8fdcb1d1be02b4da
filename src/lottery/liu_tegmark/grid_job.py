"""[LT] one grid job (rule ``train_grid``, every [LT] figure): all seeds of one
(target, activation, width) trained as one vectorised program.

The job's settings arrive as one typed :class:`GridJob`; this module turns them into
initial parameters at each net's seed address, tensors on the chosen device, and a call of
:func:`~lottery.liu_tegmark.trainer.train_grid`. The command reads and writes the files.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch

from lottery.core.checkpoint import Checkpoint, stop_on_sigterm
from lottery.core.devices import resolve_device, resolve_dtype
from lottery.core.seeds import seed_address
from lottery.liu_tegmark.data import RegressionData
from lottery.liu_tegmark.nets import init_params
from lottery.liu_tegmark.trainer import GridResult, GridTrainSettings, train_grid

log = logging.getLogger("lottery")


@dataclass(frozen=True)
class GridJob:
    """Config ``scaling`` (or a ticket family's grid) narrowed to one job; see ``config/schema.yaml``."""

    target: str
    activation: str
    width: int
    seeds: int
    init_seed: int
    dtype: str
    device: str
    threads: int
    train: GridTrainSettings
    checkpoint_every: int

    @classmethod
    def from_settings(cls, settings: dict, target: str, activation: str, width: int) -> GridJob:
        """The job from the rule's JSON settings (``train`` is ``scaling.train``) and its wildcards."""
        train = dict(settings["train"])
        every = train.pop("checkpoint_every")
        return cls(
            target=target, activation=activation, width=width, seeds=settings["seeds"],
            init_seed=settings["init_seed"], dtype=settings["dtype"], device=settings["device"],
            threads=settings["threads"], checkpoint_every=every,
            train=GridTrainSettings(activation=activation, negative_slope=settings["negative_slope"],
                                    data_seed=settings["data_seed"], **train),
        )

    @property
    def label(self) -> str:
        return f"{self.target} {self.activation} N={self.width}"

    def keys(self) -> dict[str, object]:
        """The constant columns of the job's grid file."""
        return {"target": self.target, "activation": self.activation, "width": self.width}


def run_grid_job(
    job: GridJob, data: RegressionData, checkpoint: Checkpoint | None = None
) -> tuple[np.ndarray, GridResult]:
    """Train the job's seeds on ``data``; returns the seed numbers and the result.

    With a ``checkpoint``, SIGTERM saves and raises :class:`~lottery.core.checkpoint.Interrupted`,
    and a rerun resumes bit-identically.
    """
    torch.set_num_threads(job.threads)
    device, dtype = resolve_device(job.device), resolve_dtype(job.dtype)
    seeds = np.arange(job.seeds)
    addresses = [seed_address(job.init_seed, job.target, job.activation, job.width, int(k)) for k in seeds]
    init = init_params(addresses, job.width, data.dim, dtype).map(lambda t: t.to(device))
    tensors = [torch.as_tensor(a, dtype=dtype, device=device) for a in (data.x_train, data.y_train, data.x_test,
                                                                        data.y_test)]
    log.info("%s: %d seeds, %d steps, %s on %s", job.label, len(seeds), job.train.steps, job.dtype, device)
    if checkpoint is None:
        return seeds, train_grid(init, *tensors, job.train, job.label)
    with stop_on_sigterm(checkpoint):
        return seeds, train_grid(init, *tensors, job.train, job.label, checkpoint)
