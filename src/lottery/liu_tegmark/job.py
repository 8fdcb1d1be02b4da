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

from lottery.core.checkpoint import Checkpoint
from lottery.core.devices import Runtime
from lottery.core.seeds import seed_address
from lottery.liu_tegmark.data import RegressionData
from lottery.liu_tegmark.nets import NetParams, init_params
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
    runtime: Runtime
    train: GridTrainSettings
    checkpoint_every: int

    @classmethod
    def from_settings(cls, settings: dict, target: str, activation: str, width: int) -> GridJob:
        """The job from the rule's JSON settings (``train`` is ``scaling.train``) and its wildcards."""
        train = dict(settings["train"])
        every = train.pop("checkpoint_every")
        return cls(
            target=target, activation=activation, width=width, seeds=settings["seeds"],
            init_seed=settings["init_seed"], runtime=Runtime.from_settings(settings), checkpoint_every=every,
            train=GridTrainSettings(activation=activation, negative_slope=settings["negative_slope"],
                                    data_seed=settings["data_seed"], **train),
        )

    @property
    def label(self) -> str:
        return f"{self.target} {self.activation} N={self.width}"

    def keys(self) -> dict[str, object]:
        """The constant columns of the job's grid file."""
        return {"target": self.target, "activation": self.activation, "width": self.width}


@dataclass
class GridStart:
    """The seeds of a grid, their initial parameters and the data, on the job's device."""

    seeds: np.ndarray
    init: NetParams
    tensors: list[torch.Tensor]  # x_train, y_train, x_test, y_test


def start_grid(data: RegressionData, target: str, activation: str, width: int, seeds: int, init_seed: int,
               runtime: Runtime) -> GridStart:
    """Seeds 0..seeds-1 of a grid initialised at their seed addresses, the one place that maps a
    net to its initialisation (other studies of the grid's nets call it to start from the same nets)."""
    device_, dtype_ = runtime.start()
    numbers = np.arange(seeds)
    addresses = [seed_address(init_seed, target, activation, width, int(k)) for k in numbers]
    init = init_params(addresses, width, data.dim, dtype_).map(lambda t: t.to(device_))
    tensors = [torch.as_tensor(a, dtype=dtype_, device=device_) for a in (data.x_train, data.y_train, data.x_test,
                                                                          data.y_test)]
    return GridStart(numbers, init, tensors)


def run_grid_job(
    job: GridJob, data: RegressionData, checkpoint: Checkpoint | None = None
) -> tuple[np.ndarray, GridResult]:
    """Train the job's seeds on ``data``; returns the seed numbers and the result.

    With a ``checkpoint``, a stop request saves and raises :class:`~lottery.core.checkpoint.Interrupted`,
    and a rerun resumes bit-identically.
    """
    start = start_grid(data, job.target, job.activation, job.width, job.seeds, job.init_seed, job.runtime)
    log.info("%s: %d seeds, %d steps, %s on %s", job.label, len(start.seeds), job.train.steps, job.runtime.dtype,
             start.init.w.device)
    return start.seeds, train_grid(start.init, *start.tensors, job.train, job.label, checkpoint)
