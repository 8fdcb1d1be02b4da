"""The fused C++ kernel and the compiled path against the per-seed reference, and their fallbacks."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from test_trainer import _data, _init, _reference

from lottery.liu_tegmark import fused
from lottery.liu_tegmark.activations import ACTIVATIONS
from lottery.liu_tegmark.trainer import ChunkRunner, GridTrainSettings, choose_implementation, train_grid

needs_kernel = pytest.mark.skipif(fused.load() is None, reason="no C++ compiler: fused kernel unavailable")


def _train(implementation: str, p, x, y, settings: GridTrainSettings, splits: tuple[int, ...] = ()) -> tuple:
    """Final (params, m, s) and per-step losses of one chunk, run in pieces ending at ``splits``."""
    runner = ChunkRunner(settings, x, y, implementation)
    state, losses = runner.start(p, 0, p.seeds), []
    for until in (*splits, settings.steps):
        state = runner.run(state, until, lambda t, loss: losses.append(loss.clone()))
    return state, torch.stack(losses)


@needs_kernel
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("batch_size", [0, 16])
def test_fused_seed_follows_its_standalone_trajectory_float64(activation: str, batch_size: int) -> None:
    x, y, xt, yt = _data(torch.float64)
    p = _init(list(range(4)), 6, 1, torch.float64, activation)
    settings = GridTrainSettings(steps=120, lr_decay_every=40, activation=activation, batch_size=batch_size,
                                 compile=True)
    result = train_grid(p, x, y, xt, yt, settings)
    for s in (0, 3):
        ref = _reference(p, s, x, y, settings)
        for got, want in zip(result.params.map(lambda t: t[s : s + 1]).tensors(), ref.tensors()):
            torch.testing.assert_close(got, want, rtol=1e-7, atol=1e-9)


@needs_kernel
@pytest.mark.parametrize("dtype, tol", [(torch.float32, 2e-5), (torch.float64, 1e-12)])
def test_fused_matches_eager_step_by_step(dtype: torch.dtype, tol: float) -> None:
    """Same losses at every step and same final state as the torch step, multi-input target, batch not a
    multiple of the SIMD width."""
    x, y, _, _ = _data(dtype, target="mul3", n_train=50)
    p = _init(list(range(3)), 7, 3, dtype)
    settings = GridTrainSettings(steps=80, lr_decay_every=30, batch_size=20)
    got, got_loss = _train("fused", p, x, y, settings)
    want, want_loss = _train("eager", p, x, y, settings)
    torch.testing.assert_close(got_loss, want_loss, rtol=tol, atol=tol)
    for a, b in zip(got.params + got.m + got.s, want.params + want.m + want.s):
        torch.testing.assert_close(a, b, rtol=tol * 10, atol=tol)


@needs_kernel
def test_fused_split_runs_threads_and_company_are_bit_identical() -> None:
    """Any split of the steps over calls, any thread count, any other seeds in the chunk: same bits."""
    x, y, _, _ = _data(torch.float32)
    settings = GridTrainSettings(steps=90, lr_decay_every=30, batch_size=16)
    p = _init(list(range(5)), 10, 1, torch.float32)
    whole, whole_loss = _train("fused", p, x, y, settings)
    split, split_loss = _train("fused", p, x, y, settings, splits=(1, 33, 34, 70))
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        alone, _ = _train("fused", _init([3], 10, 1, torch.float32), x, y, settings)
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(whole_loss, split_loss)
    for a, b, c in zip(whole.params + whole.s, split.params + split.s, alone.params + alone.s):
        assert torch.equal(a, b) and torch.equal(a[3:4], c)


@needs_kernel
def test_fused_run_leaves_the_input_state_untouched() -> None:
    x, y, _, _ = _data(torch.float64)
    runner = ChunkRunner(GridTrainSettings(steps=10), x, y, "fused")
    start = runner.start(_init([0, 1], 3, 1, torch.float64), 0, 2)
    before = [t.clone() for t in start.params]
    runner.run(start, 10, lambda t, loss: None)
    assert all(torch.equal(a, b) for a, b in zip(before, start.params))


def test_compiled_torch_step_matches_eager() -> None:
    """The GPU's implementation (whole step under torch.compile), checked on CPU."""
    pytest.importorskip("torch._inductor")
    if fused.load() is None:
        pytest.skip("torch.compile on CPU needs a C++ compiler")
    x, y, _, _ = _data(torch.float64)
    p = _init(list(range(3)), 5, 1, torch.float64)
    settings = GridTrainSettings(steps=30, lr_decay_every=10)
    got, got_loss = _train("compiled", p, x, y, settings)
    want, want_loss = _train("eager", p, x, y, settings)
    torch.testing.assert_close(got_loss, want_loss, rtol=1e-12, atol=1e-14)


def test_implementation_choice_and_fallback(monkeypatch) -> None:
    on, off = GridTrainSettings(steps=1, compile=True), GridTrainSettings(steps=1, compile=False)
    assert choose_implementation(off, torch.device("cpu")) == "eager"
    assert choose_implementation(on, torch.device("cuda")) == "compiled"
    monkeypatch.setattr(fused, "load", lambda: None)
    assert choose_implementation(on, torch.device("cpu")) == "eager"
    with pytest.raises(ValueError, match="fused"):
        ChunkRunner(on, torch.zeros(4, 1), torch.zeros(4), "fused")


def test_missing_compiler_falls_back_cleanly(monkeypatch) -> None:
    monkeypatch.setenv("CXX", "no-such-compiler")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert fused.load.__wrapped__() is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")
def test_cuda_matches_cpu() -> None:
    x, y, xt, yt = _data(torch.float64)
    p = _init(list(range(4)), 6, 1, torch.float64)
    settings = GridTrainSettings(steps=60, lr_decay_every=20, compile=True)
    cpu = train_grid(p, x, y, xt, yt, settings)
    to = lambda t: t.cuda()  # noqa: E731
    gpu = train_grid(p.map(to), to(x), to(y), to(xt), to(yt), settings)
    np.testing.assert_allclose(gpu.test_loss, cpu.test_loss, rtol=1e-9)
