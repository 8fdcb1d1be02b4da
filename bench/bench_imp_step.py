"""The vectorised IMP step against what a user would write, and against the machine's matmul rate.

    python bench/bench_imp_step.py [--widths 10 100 200 500 1000] [--models 30 30 18 10 6] [--repeats 5]

One thread, the [AR] mixture FCN-2 (D = 100 -> P -> 2, no biases), batch 1,024 of 10,000
training points, plain SGD (lr 0.1, momentum 0, the paper's). Per width, in one paired run
(the three take turns, best of ``--repeats``):
- ``imp``: :func:`lottery.arora.trainer.train_masked`, all models of a job at once, one epoch;
- ``loop``: one ``nn.Module`` + ``torch.optim.SGD`` per model, its gradient masked, the same steps;
- ``mm``: ``torch.mm`` at the layer's shapes (forward and both backward products), the rate the
  step's FLOPs could run at.
Prints one JSON line per width: ms per SGD step (all models), the ratio imp/loop speed, and the
step's FLOP rate as a fraction of the matmul rate. Issue targets: never slower than the loop,
at least 60% of the matmul rate.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from typing import Callable

import torch
from torch import nn

from lottery.arora.models import architecture, init_models
from lottery.arora.pruning import full_masks
from lottery.arora.trainer import ImpTrainSettings, Task, train_masked
from lottery.core.devices import Runtime

D, CLASSES, N_TRAIN, BATCH = 100, 2, 10_000, 1024


def step_flops(width: int, models: int) -> float:
    """Multiply-adds x 2 of one SGD step of every model: forward, and the two backward products."""
    per_layer = [BATCH * D * width, BATCH * width * CLASSES]
    return 2 * 3 * sum(per_layer) * models


def _paired_best(fns: list[Callable[[], object]], repeats: int) -> list[float]:
    """Each function's best time over ``repeats`` rounds that run them in turn: this machine's
    speed drifts by tens of percent over seconds, and taking turns exposes all to the same drift."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, spent in zip(fns, times):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def imp_epoch(width: int, models: int, task: Task) -> Callable[[], object]:
    arch = architecture("fcn2")
    params = init_models(arch, list(range(models)), (D,), CLASSES, width, False, torch.float32, torch.device("cpu"))
    settings = ImpTrainSettings(epochs=1, batch_size=BATCH, lr=0.1, momentum=0.0)
    masks = full_masks(params)
    return lambda: train_masked(arch.forward, params, masks, task, settings, (0,))


def loop_epoch(width: int, models: int, x: torch.Tensor, y: torch.Tensor) -> Callable[[], object]:
    nets = [nn.Sequential(nn.Linear(D, width, bias=False), nn.ReLU(), nn.Linear(width, CLASSES, bias=False))
            for _ in range(models)]
    opts = [torch.optim.SGD(net.parameters(), lr=0.1) for net in nets]
    masks = [[torch.ones_like(p) for p in net.parameters()] for net in nets]

    def epoch() -> None:
        order = torch.randperm(N_TRAIN)
        for idx in order.split(BATCH):
            for net, opt, mask in zip(nets, opts, masks):
                opt.zero_grad()
                nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
                for p, m in zip(net.parameters(), mask):
                    p.grad.mul_(m)
                opt.step()
    return epoch


def mm_products(width: int) -> Callable[[], object]:
    """20 rounds of torch.mm at one model's forward and backward shapes."""
    a, w1, h, w2 = torch.randn(BATCH, D), torch.randn(D, width), torch.randn(BATCH, width), torch.randn(width, CLASSES)
    g2 = torch.randn(BATCH, CLASSES)

    def products() -> None:
        for _ in range(20):
            torch.mm(a, w1), torch.mm(h, w2), torch.mm(g2, w2.T), torch.mm(h.T, g2), torch.mm(h, w1.T), torch.mm(a.T, h)
    return products


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[10, 100, 200, 500, 1000])
    parser.add_argument("--models", type=int, nargs="+", default=[30, 30, 18, 10, 6])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    Runtime("cpu", "float32", threads=1).start()  # as a training job runs: one thread, memory kept
    torch.manual_seed(0)
    x, y = torch.randn(N_TRAIN, D), torch.randint(0, CLASSES, (N_TRAIN,))
    task = Task(x[None], y[None], x[None, :10], torch.zeros(1, dtype=torch.long))
    steps = math.ceil(N_TRAIN / BATCH)
    for width, models in zip(args.widths, args.models):
        task_m = Task(task.x_train, task.y_train, task.x_test, torch.zeros(models, dtype=torch.long))
        imp, loop, mm_seconds = _paired_best([imp_epoch(width, models, task_m), loop_epoch(width, models, x, y),
                                              mm_products(width)], args.repeats)
        imp, loop = imp / steps, loop / steps
        flops, mm = step_flops(width, models), 20 * step_flops(width, 1) / mm_seconds
        print(json.dumps({"width": width, "models": models, "imp_ms_per_step": round(1e3 * imp, 2),
                          "loop_ms_per_step": round(1e3 * loop, 2), "imp_speed_over_loop": round(loop / imp, 2),
                          "imp_gflops": round(flops / imp / 1e9, 1), "mm_gflops": round(mm / 1e9, 1),
                          "imp_fraction_of_mm": round(flops / imp / mm, 2)}), flush=True)


if __name__ == "__main__":
    main()
