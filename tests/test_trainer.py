"""The vectorised trainer against a standalone per-seed reference, and its seed independence."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lottery.liu_tegmark.data import make_regression_data
from lottery.liu_tegmark.activations import ACTIVATIONS
from lottery.liu_tegmark.nets import NetParams, init_params
from lottery.core.seeds import seed_address
from lottery.liu_tegmark.trainer import GridTrainSettings, train_grid

STEPS = 120


def _data(dtype: torch.dtype, target: str = "x2", n_train: int = 64):
    d = make_regression_data(target, n_train, 128, -2.0, 2.0, 0)
    t = lambda a: torch.as_tensor(a, dtype=dtype)  # noqa: E731
    return t(d.x_train), t(d.y_train), t(d.x_test), t(d.y_test)


def _init(seeds: list[int], width: int, dim: int, dtype: torch.dtype, activation: str = "silu") -> NetParams:
    return init_params([seed_address(0, "x2", activation, width, s) for s in seeds], width, dim, dtype)


def _reference(p: NetParams, s: int, x, y, settings: GridTrainSettings) -> NetParams:
    """Seed ``s`` trained alone: nn.Sequential + torch.optim.Adam + StepLR, autograd."""
    width, dim, dtype = p.width, p.dim, p.w.dtype
    act = {"silu": torch.nn.SiLU(), "leaky_relu": torch.nn.LeakyReLU(settings.negative_slope),
           "relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh()}[settings.activation]
    net = torch.nn.Sequential(torch.nn.Linear(dim, width), act, torch.nn.Linear(width, 1)).to(dtype)
    with torch.no_grad():
        net[0].weight.copy_(p.w[s])
        net[0].bias.copy_(p.b[s])
        net[2].weight.copy_(p.v[s][None])
        net[2].bias.copy_(p.c[s : s + 1])
    opt = torch.optim.Adam(net.parameters(), lr=settings.lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, settings.lr_decay_every, settings.lr_decay)
    g = None
    for step in range(settings.steps):
        xb, yb = x, y
        if settings.batch_size:
            per_epoch = x.shape[0] // settings.batch_size
            epoch, i = divmod(step, per_epoch)
            if i == 0:
                g = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(settings.data_seed * 1_000_003 + epoch))
            rows = g[i * settings.batch_size : (i + 1) * settings.batch_size]
            xb, yb = x[rows], y[rows]
        opt.zero_grad()
        ((net(xb)[:, 0] - yb) ** 2).mean().backward()
        opt.step()
        sched.step()
    return NetParams(net[0].weight.detach()[None], net[0].bias.detach()[None],
                     net[2].weight.detach()[0][None], net[2].bias.detach())


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("batch_size", [0, 16])
def test_each_seed_follows_its_standalone_trajectory_float64(activation: str, batch_size: int) -> None:
    x, y, xt, yt = _data(torch.float64)
    p = _init(list(range(5)), 6, 1, torch.float64, activation)
    settings = GridTrainSettings(steps=STEPS, lr_decay_every=40, activation=activation, batch_size=batch_size)
    result = train_grid(p, x, y, xt, yt, settings)
    for s in (0, 3):
        ref = _reference(p, s, x, y, settings)
        for got, want in zip(result.params.map(lambda t: t[s : s + 1]).tensors(), ref.tensors()):
            torch.testing.assert_close(got, want, rtol=1e-7, atol=1e-9)


def test_float32_matches_reference_to_float_tolerance() -> None:
    x, y, xt, yt = _data(torch.float32)
    p = _init([0, 1, 2], 8, 1, torch.float32)
    settings = GridTrainSettings(steps=STEPS, lr_decay_every=40)
    result = train_grid(p, x, y, xt, yt, settings)
    ref = _reference(p, 1, x, y, settings)
    for got, want in zip(result.params.map(lambda t: t[1:2]).tensors(), ref.tensors()):
        torch.testing.assert_close(got, want, rtol=2e-4, atol=2e-5)


def test_multidimensional_target_matches_reference() -> None:
    x, y, xt, yt = _data(torch.float64, target="mul3")
    p = _init([0, 1], 5, 3, torch.float64)
    settings = GridTrainSettings(steps=60, lr_decay_every=20)
    result = train_grid(p, x, y, xt, yt, settings)
    ref = _reference(p, 1, x, y, settings)
    torch.testing.assert_close(result.params.w[1:2], ref.w, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("chunk_elements", [1, 6 * 64 * 3, 10**7])
def test_seed_result_independent_of_batch_company_and_chunking(chunk_elements: int) -> None:
    """Seed 4 alone, among 7 others, or chunked in any way: the same numbers."""
    x, y, xt, yt = _data(torch.float64)
    settings = GridTrainSettings(steps=60, lr_decay_every=20, chunk_elements=chunk_elements)
    many = train_grid(_init(list(range(8)), 6, 1, torch.float64), x, y, xt, yt, settings)
    alone = train_grid(_init([4], 6, 1, torch.float64), x, y, xt, yt, GridTrainSettings(steps=60, lr_decay_every=20))
    np.testing.assert_array_equal(many.test_loss[4:5], alone.test_loss)
    torch.testing.assert_close(many.params.w[4:5], alone.params.w, rtol=0, atol=0)


def test_initialisation_depends_only_on_the_address() -> None:
    a = init_params([seed_address(0, "x2", "silu", 3, 7)], 3, 1, torch.float64)
    b = init_params([seed_address(0, "x2", "silu", 3, s) for s in (5, 7, 9)], 3, 1, torch.float64)
    torch.testing.assert_close(a.w[0], b.w[1], rtol=0, atol=0)
    assert not torch.equal(b.w[0], b.w[1])
    bound = 1 / np.sqrt(3)
    assert b.v.abs().max() <= bound and b.w.abs().max() <= 1.0


def test_diverging_net_is_flagged_and_others_unaffected() -> None:
    x, y, xt, yt = _data(torch.float32)
    p = _init([0, 1, 2], 4, 1, torch.float32)
    p.v[1] = float("nan")
    settings = GridTrainSettings(steps=50, lr_decay_every=20)
    result = train_grid(p, x, y, xt, yt, settings)
    assert result.diverged.tolist() == [False, True, False]
    clean = train_grid(_init([0, 2], 4, 1, torch.float32), x, y, xt, yt, settings)
    np.testing.assert_array_equal(result.test_loss[[0, 2]], clean.test_loss)


def test_training_reduces_the_loss_and_records_curves() -> None:
    x, y, xt, yt = _data(torch.float32)
    settings = GridTrainSettings(steps=400, lr_decay_every=200, curve_points=10)
    result = train_grid(_init(list(range(6)), 10, 1, torch.float32), x, y, xt, yt, settings)
    assert result.curves.shape == (6, 10)
    assert result.curve_steps[-1] == 399
    assert np.all(result.curves[:, -1] < 0.2 * result.curves[:, 0])
    assert np.all(np.isfinite(result.test_loss)) and not result.diverged.any()
