"""[LT] vectorised training of S independent nets as one tensor program (every [LT] figure).

The gradient of each net's mean squared error and the Adam update are written out by hand
(no autograd graph). Three implementations run them: the eager torch step, the same step
compiled whole by ``torch.compile`` (the GPU path), and a fused C++ kernel that runs many
steps per call with each seed's state in cache (the CPU path; :mod:`lottery.liu_tegmark.fused`).
Seeds are independent: the objective is the *sum* over seeds of each seed's own loss, so
seed s follows exactly the trajectory a standalone ``nn.Module`` + ``torch.optim.Adam``
would. Seeds are processed in chunks whose working set stays in cache; a chunk runs all
its steps before the next starts. Measurements: docs/performance.md.
"""
from __future__ import annotations

import ctypes
import logging
import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from lottery.core.checkpoint import Checkpoint, fingerprint, run_checkpointed
from lottery.core.progress import Progress
from lottery.core.seeds import random_order
from lottery.liu_tegmark import fused
from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.nets import NetParams, mse

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8

log = logging.getLogger("lottery")


@dataclass(frozen=True)
class GridTrainSettings:
    """Optimisation settings of one [LT] grid job (config ``scaling.train`` plus the activation);
    see ``config/schema.yaml`` for each key. [AR]'s are :class:`lottery.arora.trainer.ImpTrainSettings`."""

    steps: int
    lr: float = 1e-2
    lr_decay: float = 0.2
    lr_decay_every: int = 10_000
    batch_size: int = 0
    activation: str = "silu"
    negative_slope: float = 0.01
    chunk_elements: int = 1_000_000
    compile: bool = False
    curve_points: int = 100
    data_seed: int = 0

    def lr_at(self, step: int) -> float:
        """Step schedule: ``lr * decay^(step // every)``."""
        return self.lr * self.lr_decay ** (step // self.lr_decay_every)

    def curve_steps(self) -> np.ndarray:
        """Steps at which each seed's training loss is recorded (always includes the last)."""
        n = min(self.curve_points, self.steps)
        return np.unique(np.linspace(0, self.steps - 1, n).round().astype(int))


@dataclass
class GridResult:
    """Final parameters and losses of S nets, plus their subsampled training curves."""

    params: NetParams
    train_loss: np.ndarray
    test_loss: np.ndarray
    diverged: np.ndarray
    curve_steps: np.ndarray
    curves: np.ndarray
    seconds: float = 0.0


def _make_step(activation: str, negative_slope: float) -> Callable:
    """One Adam step on all nets of a chunk: forward, hand-derived backward, update."""
    act, dact = get_activation(activation).torch_pair(negative_slope)

    def step(params, m, s, x, y, lr, bc1, bc2_sqrt):
        w, b, v, c = params
        z = b[:, :, None]
        for k in range(x.shape[1]):
            z = z + w[:, :, k, None] * x[:, k]
        a = act(z)
        r = (v[:, :, None] * a).sum(1) + c[:, None] - y
        loss = (r * r).mean(1)
        g = r * (2.0 / x.shape[0])
        gz = g[:, None, :] * v[:, :, None] * dact(z)
        gw = torch.stack([(gz * x[:, k]).sum(2) for k in range(x.shape[1])], dim=-1)
        grads = (gw, gz.sum(2), (g[:, None, :] * a).sum(2), g.sum(1))
        new_p, new_m, new_s = [], [], []
        for p_, m_, s_, g_ in zip(params, m, s, grads):
            m_ = m_ + (1 - BETA1) * (g_ - m_)
            s_ = s_ * BETA2 + (1 - BETA2) * g_ * g_
            p_ = p_ - (lr / bc1) * m_ / (s_.sqrt() / bc2_sqrt + EPS)
            new_p.append(p_)
            new_m.append(m_)
            new_s.append(s_)
        return tuple(new_p), tuple(new_m), tuple(new_s), loss

    return step


_COMPILED: dict[tuple[str, float], Callable] = {}

IMPLEMENTATIONS = ("fused", "compiled", "eager")


def _step_fn(activation: str, negative_slope: float, compiled: bool) -> Callable:
    """The torch step, eager or compiled with ``torch.compile`` (cached per activation)."""
    if not compiled:
        return _make_step(activation, negative_slope)
    key = (activation, negative_slope)
    if key not in _COMPILED:
        # Each width is a new shape; the default limit of 8 recompiles is too low for
        # tests and benchmarks that sweep widths in one process.
        torch._dynamo.config.recompile_limit = 64
        torch._dynamo.config.accumulated_recompile_limit = 4096
        _COMPILED[key] = torch.compile(_make_step(*key), fullgraph=True, dynamic=False)
    return _COMPILED[key]


def choose_implementation(settings: GridTrainSettings, device: torch.device) -> str:
    """``compile: false`` is the eager torch step; ``compile: true`` is the fastest compiled one.

    On CPU that is the fused C++ kernel (:mod:`lottery.liu_tegmark.fused`), on GPU the whole step compiled
    by ``torch.compile``. Without a C++ compiler both compiled paths are unavailable on CPU,
    so it falls back to eager (logged). The choice depends only on the machine and the
    settings, so every chunk of a grid uses the same implementation.
    """
    if not settings.compile:
        return "eager"
    if device.type != "cpu":
        return "compiled"
    return "fused" if fused.load() is not None else "eager"


def _keep_freed_memory() -> None:
    """Stop glibc from returning freed blocks to the OS after every op (2.7x on the torch paths)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 32 << 20)
    libc.mallopt(m_trim_threshold, 1 << 30)


class BatchSchedule:
    """Which training points step t sees: all of them, or an epoch-wise shuffled slice.

    The shuffle depends only on (data seed, epoch), never on the seeds being trained, so
    every net sees the same stream of minibatches and a resumed run sees the same ones.
    """

    def __init__(self, n_train: int, batch_size: int, data_seed: int) -> None:
        self.full = batch_size <= 0 or batch_size >= n_train
        self.n, self.batch, self.seed = n_train, batch_size, data_seed
        self.per_epoch = 1 if self.full else n_train // batch_size
        self._epoch, self._perm = -1, None

    def indices(self, step: int) -> torch.Tensor | None:
        if self.full:
            return None
        epoch, i = divmod(step, self.per_epoch)
        if epoch != self._epoch:
            self._epoch, self._perm = epoch, random_order(self.n, self.seed * 1_000_003 + epoch)
        return self._perm[i * self.batch : (i + 1) * self.batch]


def chunk_size(seeds: int, width: int, batch: int, chunk_elements: int) -> int:
    """Seeds per chunk so that one ``[chunk, width, batch]`` intermediate has ~chunk_elements."""
    return max(1, min(seeds, chunk_elements // max(1, width * batch)))


@dataclass
class ChunkState:
    """All a chunk of nets needs to continue: parameters, Adam moments, next step, curves.

    Tensors are ``(w, b, v, c)`` tuples padded to the chunk size; ``curves`` is
    ``[chunk, curve points]`` of recorded training losses (NaN where not reached yet).
    """

    params: tuple[torch.Tensor, ...]
    m: tuple[torch.Tensor, ...]
    s: tuple[torch.Tensor, ...]
    step: int
    curves: torch.Tensor


class ChunkRunner:
    """Runs Adam over one chunk of nets for a range of steps with one implementation.

    ``implementation`` is one of :data:`IMPLEMENTATIONS`; by default
    :func:`choose_implementation` picks it from ``settings.compile`` and the device.
    """

    #: the fused kernel runs this many ``seed x unit x point`` elements per call (~0.1 s)
    call_elements = 100_000_000

    def __init__(
        self,
        settings: GridTrainSettings,
        x_train: torch.Tensor,
        y_train: torch.Tensor,
        implementation: str | None = None,
    ) -> None:
        self.settings, self.x, self.y = settings, x_train, y_train
        self.schedule = BatchSchedule(x_train.shape[0], settings.batch_size, settings.data_seed)
        self.batch = x_train.shape[0] if self.schedule.full else settings.batch_size
        self.implementation = implementation or choose_implementation(settings, x_train.device)
        if self.implementation not in IMPLEMENTATIONS:
            raise ValueError(f"implementation {self.implementation!r} is not one of {IMPLEMENTATIONS}")
        self.curve_steps = settings.curve_steps()
        self.curve_index = {int(t): j for j, t in enumerate(self.curve_steps)}
        dtype, device = x_train.dtype, x_train.device
        if self.implementation == "fused":
            self.kernel = fused.load()
            if self.kernel is None or device.type != "cpu":
                raise ValueError("the fused implementation needs CPU tensors and a C++ compiler")
            steps = range(settings.steps)
            self.step_size = torch.tensor([settings.lr_at(t) / (1 - BETA1 ** (t + 1)) for t in steps], dtype=dtype)
            self.bc2_sqrt = torch.tensor([math.sqrt(1 - BETA2 ** (t + 1)) for t in steps], dtype=dtype)
            self.full_batch = (x_train.T.contiguous()[None], y_train.contiguous()[None])
        else:
            _keep_freed_memory()
            self.step_fn = _step_fn(settings.activation, settings.negative_slope, self.implementation == "compiled")
            self.lrs = [torch.tensor(settings.lr_at(t), dtype=dtype, device=device) for t in range(settings.steps)]

    def start(self, init: NetParams, lo: int, size: int) -> ChunkState:
        """Nets ``lo..lo+size`` of ``init``, padded with copies of the last one to ``size``.

        Padding keeps every chunk one shape, hence one compilation; padded rows are
        independent copies and are dropped at the end.
        """
        idx = torch.arange(lo, lo + size, device=init.w.device).clamp(max=init.seeds - 1)
        params = tuple(t[idx].clone() for t in init.tensors())
        zeros = lambda: tuple(torch.zeros_like(t) for t in params)  # noqa: E731
        curves = torch.full((size, len(self.curve_steps)), float("nan"), dtype=init.w.dtype)
        return ChunkState(params, zeros(), zeros(), 0, curves)

    def run(self, state: ChunkState, until: int, on_step: Callable[[int, torch.Tensor], None]) -> ChunkState:
        """Advance ``state`` to step ``until``; ``on_step(t, loss)`` sees each step's losses.

        ``state``'s tensors are not modified (its curves are filled in); the result does not
        depend on how a range of steps is split over calls.
        """
        run = self._run_fused if self.implementation == "fused" else self._run_torch
        params, m, s = run(state, until, on_step)
        return ChunkState(params, m, s, max(until, state.step), state.curves)

    def _record(self, state: ChunkState, t: int, loss: torch.Tensor, on_step: Callable) -> None:
        j = self.curve_index.get(t)
        if j is not None:
            state.curves[:, j] = loss.cpu()
        on_step(t, loss)

    def _run_torch(self, state: ChunkState, until: int, on_step: Callable) -> tuple:
        params, m, s = state.params, state.m, state.s
        dtype, device = self.x.dtype, self.x.device
        for t in range(state.step, until):
            rows = self.schedule.indices(t)
            xb, yb = (self.x, self.y) if rows is None else (self.x[rows], self.y[rows])
            bc1 = torch.tensor(1 - BETA1 ** (t + 1), dtype=dtype, device=device)
            bc2 = torch.tensor(math.sqrt(1 - BETA2 ** (t + 1)), dtype=dtype, device=device)
            params, m, s, loss = self.step_fn(params, m, s, xb, yb, self.lrs[t], bc1, bc2)
            self._record(state, t, loss, on_step)
        return params, m, s

    def _batches(self, t: int, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs ``[kx, d, B]`` and targets ``[kx, B]`` of steps ``t..t+k`` (kx = 1 when full batch)."""
        if self.schedule.full:
            return self.full_batch
        rows = torch.stack([self.schedule.indices(i) for i in range(t, t + k)])
        return self.x[rows].transpose(1, 2).contiguous(), self.y[rows].contiguous()

    def _run_fused(self, state: ChunkState, until: int, on_step: Callable) -> tuple:
        params, m, s = (tuple(x.clone().contiguous() for x in ts) for ts in (state.params, state.m, state.s))
        seeds, width = params[0].shape[:2]
        per_call = max(1, self.call_elements // (seeds * width * self.batch))
        t, threads = state.step, torch.get_num_threads()
        while t < until:
            k = min(per_call, until - t)
            xs, ys = self._batches(t, k)
            losses = torch.empty(k, seeds, dtype=self.x.dtype)
            self.kernel.train(params, m, s, xs, ys, self.step_size[t : t + k], self.bc2_sqrt[t : t + k], losses,
                              self.settings.activation, self.settings.negative_slope, threads)
            for i in range(k):
                self._record(state, t + i, losses[i], on_step)
            t += k
        return params, m, s


def _progress(done: list, state: ChunkState | None) -> dict:
    """What a checkpoint holds: the finished chunks and the running chunk's state, if any."""
    fields = None if state is None else {
        "params": state.params, "m": state.m, "s": state.s, "step": state.step, "curves": state.curves
    }
    return {"chunks": done, "state": fields}


def _finite_rows(t: torch.Tensor) -> np.ndarray:
    return torch.isfinite(t.reshape(t.shape[0], -1)).all(1).cpu().numpy()


def train_grid(
    init: NetParams,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_test: torch.Tensor,
    y_test: torch.Tensor,
    settings: GridTrainSettings,
    label: str = "train",
    checkpoint: Checkpoint | None = None,
) -> GridResult:
    """Train every net in ``init`` with Adam on shared data; all tensors on one device.

    With a ``checkpoint``, progress is saved every ``checkpoint.every`` steps and after each
    chunk, a matching saved checkpoint is resumed, and a stop request saves and raises
    :class:`~lottery.core.checkpoint.Interrupted`. Every step is a pure function of the saved
    state, so a resumed run's result is bit-identical to an uninterrupted one.
    """
    start = time.perf_counter()
    runner = ChunkRunner(settings, x_train, y_train)
    size = chunk_size(init.seeds, init.width, runner.batch, settings.chunk_elements)
    n_chunks = math.ceil(init.seeds / size)
    progress = Progress(label, init.seeds * settings.steps, "seed-steps")
    key = fingerprint(settings, *init.tensors(), x_train, y_train) if checkpoint else ""
    saved = checkpoint.load(key) if checkpoint else None
    to_device = lambda ts: tuple(t.to(init.w.device) for t in ts)  # noqa: E731
    done = [(to_device(p), c) for p, c in saved["chunks"]] if saved else []
    if saved:
        log.info("%s: resuming from checkpoint %s (%d of %d chunks done)", label, checkpoint.path, len(done), n_chunks)
    for ci, lo in enumerate(range(0, init.seeds, size)):
        live = min(size, init.seeds - lo)
        if ci < len(done):
            progress.done += live * settings.steps
            continue

        def report(t: int, loss: torch.Tensor) -> None:
            progress.done += live
            if progress.due() or t == settings.steps - 1:
                q = torch.nan_to_num(loss[:live].float(), nan=float("inf")).quantile(
                    torch.tensor([0.1, 0.5, 0.9], device=loss.device)
                )
                progress.advance(
                    0,
                    f"chunk {ci + 1}/{n_chunks} step {t + 1}/{settings.steps} | train loss "
                    f"q10/q50/q90 {q[0]:.2e}/{q[1]:.2e}/{q[2]:.2e}",
                    force=True,
                )

        state = runner.start(init, lo, size)
        if saved and saved["state"] is not None:
            st, saved = saved["state"], None
            state = ChunkState(*(to_device(st[k]) for k in ("params", "m", "s")), st["step"], st["curves"])
            progress.done += live * state.step
            log.info("%s: chunk %d/%d resumes at step %d", label, ci + 1, n_chunks, state.step)
        state = run_checkpointed(state, lambda st, until: runner.run(st, until, report), lambda st: st.step,
                                 settings.steps, checkpoint, key, lambda st: _progress(done, st),
                                 lambda st: f"at step {st.step} of {settings.steps} of chunk {ci + 1}/{n_chunks}")
        done.append((tuple(p[:live] for p in state.params), state.curves[:live]))
        if checkpoint:
            checkpoint.save(key, _progress(done, None))
    final = NetParams(*(torch.cat(ts) for ts in zip(*(p for p, _ in done))))
    curves = [c for _, c in done]
    act, _ = get_activation(settings.activation).torch_pair(settings.negative_slope)
    with torch.no_grad():
        train_loss = mse(final, x_train, y_train, act).cpu().numpy()
        test_loss = mse(final, x_test, y_test, act).cpu().numpy()
    finite_params = np.all([_finite_rows(t) for t in final.tensors()], axis=0)
    diverged = ~(np.isfinite(train_loss) & np.isfinite(test_loss) & finite_params)
    progress.finish(f"{int(diverged.sum())} of {init.seeds} nets diverged")
    return GridResult(
        params=final.map(lambda t: t.cpu()),
        train_loss=train_loss,
        test_loss=test_loss,
        diverged=diverged,
        curve_steps=runner.curve_steps,
        curves=torch.cat(curves).numpy(),
        seconds=time.perf_counter() - start,
    )
