"""[LT] the hand-fused CPU training kernel (``fused.cpp``): building, caching and calling it.

The kernel runs forward, hand-derived backward and Adam for many steps per call with each
seed's state in cache, which is ~1.5x faster than the best ``torch.compile`` step on CPU
(docs/performance.md). It is built once per (source, compiler, flags, CPU) into a cache
directory with the system C++ compiler and loaded through ctypes, so no torch headers are
compiled (a few seconds, once). Without a compiler, :func:`load` returns ``None`` and the
trainer uses its torch implementation instead.
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import torch

from lottery.liu_tegmark.activations import get_activation

log = logging.getLogger("lottery")

SOURCE = Path(__file__).with_name("fused.cpp")
FLAGS = ("-O3", "-march=native", "-fno-math-errno", "-std=c++17", "-shared", "-fPIC", "-pthread")
_CTYPE = {torch.float32: ctypes.c_float, torch.float64: ctypes.c_double}


def _job_type(scalar: type) -> type:
    """The ctypes mirror of ``Job<T>`` in fused.cpp."""
    quad = ctypes.c_void_p * 4
    fields = [(k, ctypes.c_int64) for k in ("seeds", "width", "dim", "batch")]
    fields += [("p", quad), ("m", quad), ("s", quad), ("xs", ctypes.c_void_p), ("ys", ctypes.c_void_p)]
    fields += [("kx", ctypes.c_int64), ("steps", ctypes.c_int64), ("step_size", ctypes.c_void_p)]
    fields += [("bc2_sqrt", ctypes.c_void_p), ("losses", ctypes.c_void_p), ("slope", scalar)]
    return type(f"Job_{scalar.__name__}", (ctypes.Structure,), {"_fields_": fields})


_JOBS = {dtype: _job_type(scalar) for dtype, scalar in _CTYPE.items()}


def cache_dir() -> Path:
    """``$LOTTERY_CACHE``, else ``$XDG_CACHE_HOME/lottery``, else ``~/.cache/lottery``."""
    if os.environ.get("LOTTERY_CACHE"):
        return Path(os.environ["LOTTERY_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lottery"


def _compiler() -> str | None:
    return shutil.which(os.environ.get("CXX", "g++")) or shutil.which("c++")


def _build_key(cxx: str) -> str:
    """Hash of everything the binary depends on; ``-march=native`` makes the CPU part of it."""
    native = subprocess.run([cxx, "-march=native", "-Q", "--help=target"], capture_output=True, text=True)
    version = subprocess.run([cxx, "--version"], capture_output=True, text=True)
    text = "\n".join([SOURCE.read_text(), " ".join(FLAGS), version.stdout, native.stdout])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _build(cxx: str) -> Path:
    """Compile into the cache unless already there; concurrent jobs race safely via rename."""
    target = cache_dir() / f"fused-{_build_key(cxx)}.so"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=target.parent)
    os.close(fd)
    try:
        done = subprocess.run([cxx, *FLAGS, str(SOURCE), "-o", tmp], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{cxx} failed:\n{done.stderr[-2000:]}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    log.info("built the fused training kernel: %s", target)
    return target


class FusedKernel:
    """Calls into the loaded library; all tensors are updated or written in place."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._fns = {torch.float32: lib.lottery_fused_train_f32, torch.float64: lib.lottery_fused_train_f64}
        for dtype, fn in self._fns.items():
            fn.argtypes = [ctypes.POINTER(_JOBS[dtype]), ctypes.c_int, ctypes.c_int64]
            fn.restype = ctypes.c_int

    def train(
        self,
        params: tuple[torch.Tensor, ...],
        m: tuple[torch.Tensor, ...],
        s: tuple[torch.Tensor, ...],
        xs: torch.Tensor,
        ys: torch.Tensor,
        step_size: torch.Tensor,
        bc2_sqrt: torch.Tensor,
        losses: torch.Tensor,
        activation: str,
        negative_slope: float,
        threads: int,
    ) -> None:
        """Run ``len(step_size)`` Adam steps on ``(w, b, v, c)`` and their moments in place.

        ``xs [kx, d, B]`` and ``ys [kx, B]`` hold one batch per step (``kx`` = steps) or one
        batch for all (``kx`` = 1); ``losses [steps, S]`` receives each step's training loss.
        """
        w = params[0]
        dtype, (seeds, width, dim), batch, steps = w.dtype, w.shape, xs.shape[2], step_size.shape[0]
        tensors = (*params, *m, *s, xs, ys, step_size, bc2_sqrt, losses)
        if dtype not in self._fns or any(t.dtype != dtype or t.device.type != "cpu" for t in tensors):
            raise ValueError(f"fused kernel needs CPU tensors of one dtype in {list(self._fns)}")
        if not all(t.is_contiguous() for t in tensors):
            raise ValueError("fused kernel needs contiguous tensors")
        if xs.shape[:2] != (ys.shape[0], dim) or ys.shape[1] != batch or xs.shape[0] not in (1, steps):
            raise ValueError(f"batches xs {tuple(xs.shape)} / ys {tuple(ys.shape)} do not fit {steps} steps")
        if tuple(losses.shape) != (steps, seeds):
            raise ValueError(f"losses must be [{steps}, {seeds}], got {tuple(losses.shape)}")
        quad = lambda ts: (ctypes.c_void_p * 4)(*(t.data_ptr() for t in ts))  # noqa: E731
        job = _JOBS[dtype](
            seeds, width, dim, batch, quad(params), quad(m), quad(s), xs.data_ptr(), ys.data_ptr(),
            xs.shape[0], steps, step_size.data_ptr(), bc2_sqrt.data_ptr(), losses.data_ptr(), negative_slope,
        )
        if self._fns[dtype](ctypes.byref(job), get_activation(activation).kernel_code, threads) != 0:
            raise ValueError(f"fused kernel does not know activation {activation!r}")


@lru_cache(maxsize=None)
def load() -> FusedKernel | None:
    """The kernel, building it on first use; ``None`` (logged once) where it cannot be built."""
    if os.environ.get("LOTTERY_NO_FUSED"):
        log.info("LOTTERY_NO_FUSED is set: not using the fused training kernel")
        return None
    cxx = _compiler()
    if cxx is None:
        log.warning("no C++ compiler found (set CXX): falling back from the fused kernel to torch")
        return None
    try:
        return FusedKernel(ctypes.CDLL(str(_build(cxx))))
    except (OSError, RuntimeError) as err:
        log.warning("could not build the fused training kernel, falling back to torch: %s", err)
        return None
