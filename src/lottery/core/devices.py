"""Where and how a training job runs: the torch device, dtype and CPU threads named in the config."""
from __future__ import annotations

import ctypes
import logging
import os
from dataclasses import dataclass

import torch

from lottery.core.errors import DeviceError

log = logging.getLogger("lottery")

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def resolve_device(spec: str) -> torch.device:
    """``auto`` takes the GPU when one is visible (SLURM sets CUDA_VISIBLE_DEVICES), else CPU."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>")
    if spec == "cpu":
        return torch.device("cpu")
    if spec == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(
                f"config key 'device' is 'cuda' but no CUDA GPU is visible "
                f"(CUDA_VISIBLE_DEVICES={visible}); set device to 'auto' or 'cpu'"
            )
        return torch.device("cuda")
    if spec == "auto":
        if torch.cuda.is_available():
            log.info("device auto: using %s (CUDA_VISIBLE_DEVICES=%s)", torch.cuda.get_device_name(), visible)
            return torch.device("cuda")
        log.info("device auto: no CUDA GPU visible (CUDA_VISIBLE_DEVICES=%s), falling back to CPU", visible)
        return torch.device("cpu")
    raise DeviceError(f"config key 'device' is {spec!r}; allowed values: 'auto', 'cpu', 'cuda'")


def resolve_dtype(name: str) -> torch.dtype:
    try:
        return DTYPES[name]
    except KeyError:
        raise ValueError(f"dtype {name!r} is not one of {sorted(DTYPES)}") from None


@dataclass(frozen=True)
class Runtime:
    """The runtime of every training job ([LT] grids, [AR] IMP, beyond's IMP): config ``device``,
    the job's ``dtype`` and Snakemake's ``{threads}``. Device and threads change only speed
    (a checkpoint resumes under others); dtype changes results."""

    device: str
    dtype: str
    threads: int

    @classmethod
    def from_settings(cls, settings: dict) -> "Runtime":
        return cls(settings["device"], settings["dtype"], settings["threads"])

    def start(self) -> tuple[torch.device, torch.dtype]:
        """Give torch the job's CPU threads and memory that stays with the process; the job's
        resolved device and dtype."""
        torch.set_num_threads(self.threads)
        keep_freed_memory()
        return resolve_device(self.device), resolve_dtype(self.dtype)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def keep_freed_memory() -> None:
    """Make glibc's malloc keep freed blocks of up to 32 MiB (its largest mmap threshold) in the
    heap and return memory to the system only above 1 GiB free. By default it maps and unmaps an
    activation-sized block around every op, and each new mapping's page faults cost more than
    the op: the [AR] IMP step of wide models ran at 0.7-0.85x a per-model loop, and at 1.03-1.12x
    with this (bench/bench_imp_step.py). Allocation never changes a result (torch aligns every
    block alike). Other C libraries (macOS, musl) are left as they are."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except AttributeError:
        return
    mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)
    mallopt(_M_TRIM_THRESHOLD, 2**30)
