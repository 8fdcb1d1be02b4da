"""Compute plan of the [AR] IMP figures: what a config costs, per figure, on this machine and on one GPU.

    python bench/bench_imp.py [--config config/paper.yaml] [--gpu-flops 2.5e13] [--gpu-step-s 1e-3]

Every IMP job's work is counted from its settings (lottery.arora.plan, the rules' own source):
SGD steps = rounds x epochs x ceil(n_train / batch), each costing 3 forward passes of the
batch for every model of the job, plus one forward pass over the training and test sets per
round. Forward FLOPs per image come from torch's FLOP counter on the job's own architecture.
Short timed SGD steps of three probe jobs (a mixture FCN, an image FCN, ResNet-6) give this
machine's achieved FLOP rate per kind of net; the CPU estimate is FLOPs / rate, summed over
jobs and halved for two one-thread jobs at a time on 2 cores. The GPU estimate assumes a
sustained rate (``--gpu-flops``) and a floor per step (``--gpu-step-s``, Python and kernel
launches); it is a model, not a measurement. Prints one JSON object per figure.
"""
from __future__ import annotations

import argparse
import json
import math
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from lottery.arora.datasets import DATASETS, MIXTURES
from lottery.arora.models import architecture, init_models
from lottery.arora.plan import Run, figure_runs, job_settings
from lottery.arora.pruning import full_masks
from lottery.arora.trainer import ImpTrainSettings, Task, train_masked
from lottery.core.config import load_config

PROBES = (Run("linear", "fcn2", 1000, 2), Run("fashion_mnist", "fcn2", 1000, 10),
          Run("fashion_mnist", "resnet", 20, 10))


def kind(run: Run) -> str:
    """Which probe's rate a job runs at: mixture FCNs, image FCNs, or conv nets."""
    if run.dataset in MIXTURES:
        return "mixture"
    return "fcn" if run.arch.startswith("fcn") else "conv"


def shapes(imp: dict, run: Run) -> tuple[tuple[int, ...], int, int, int]:
    """(input shape, models per job, training and test examples per model) of one job."""
    s = job_settings(imp, run)
    if run.dataset in MIXTURES:
        m = s["mixture"]
        return (m["dim"],), s["repetitions"] * len(m["nus"]), m["n_train"], m["n_test"]
    data = DATASETS[run.dataset]
    n_train, n_test = data.counts or _digits_counts(s["images"]["test_fraction"])
    subset = s["images"]["train_subset"]
    n_train = min(subset, n_train) if subset else n_train
    return data.shape, s["repetitions"], math.ceil(n_train * run.classes / 10), math.ceil(n_test * run.classes / 10)


def _digits_counts(test_fraction: float) -> tuple[int, int]:
    from sklearn.datasets import load_digits

    n = load_digits().target.size
    return n - math.ceil(n * test_fraction), math.ceil(n * test_fraction)


def forward_flops(imp: dict, run: Run) -> float:
    """Forward FLOPs of one model on one example."""
    in_shape, _, _, _ = shapes(imp, run)
    s = job_settings(imp, run)
    arch = architecture(run.arch)
    params = init_models(arch, [0], in_shape, run.classes, run.width, s["bias"], torch.float32, torch.device("cpu"))
    with FlopCounterMode(display=False) as counter:
        arch.forward(params, torch.zeros(1, 1, *in_shape))
    return float(counter.get_total_flops())


def work(imp: dict, run: Run) -> dict:
    """FLOPs and SGD steps of one job."""
    s = job_settings(imp, run)
    _, models, n_train, n_test = shapes(imp, run)
    t, rounds = s["train"], s["prune"]["rounds"] + 1
    batch = t["batch_size"] or n_train
    steps = rounds * t["epochs"] * math.ceil(n_train / batch)
    f = forward_flops(imp, run)
    flops = models * f * (3 * rounds * t["epochs"] * n_train + rounds * (n_train + n_test))
    return {"flops": flops, "steps": steps}


def probe_rate(imp: dict, run: Run, steps: int = 4) -> float:
    """This machine's achieved FLOP/s on a few SGD steps of ``run`` (random data, the job's batch)."""
    in_shape, models, n_train, _ = shapes(imp, run)
    s = job_settings(imp, run)
    arch = architecture(run.arch)
    batch = s["train"]["batch_size"] or n_train
    params = init_models(arch, list(range(models)), in_shape, run.classes, run.width, s["bias"], torch.float32,
                         torch.device("cpu"))
    x = torch.rand(1, batch * steps, *in_shape)
    task = Task(x, torch.randint(0, run.classes, (1, batch * steps)), x[:, :1], torch.zeros(models, dtype=torch.long))
    settings = ImpTrainSettings(1, batch, 0.01, 0.0)
    start = time.process_time()
    train_masked(arch.forward, params, full_masks(params), task, settings, ("probe",))
    return models * forward_flops(imp, run) * 3 * batch * steps / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config/paper.yaml")
    parser.add_argument("--gpu-flops", type=float, default=2.5e13, help="assumed sustained FLOP/s of one GPU")
    parser.add_argument("--gpu-step-s", type=float, default=1e-3, help="assumed floor per SGD step on a GPU")
    args = parser.parse_args()
    torch.set_num_threads(1)
    imp = load_config(args.config, "config/schema.yaml")["imp"]
    rates = {kind(r): probe_rate(imp, r) for r in PROBES}
    print(json.dumps({"cpu_gflop_per_s_one_thread": {k: round(v / 1e9, 1) for k, v in rates.items()}}), flush=True)
    cache: dict[Run, dict] = {}
    figures = figure_runs(imp)
    figures["all (distinct jobs)"] = sorted({r for runs in figures.values() for r in runs})
    for figure, runs in figures.items():
        jobs = [cache.setdefault(r, work(imp, r)) for r in runs]
        cpu_s = sum(j["flops"] / rates[kind(r)] for r, j in zip(runs, jobs))
        gpu_s = sum(max(j["flops"] / args.gpu_flops, j["steps"] * args.gpu_step_s) for j in jobs)
        pflop = sum(j["flops"] for j in jobs) / 1e15
        print(json.dumps({"figure": figure, "jobs": len(runs), "pflop": float(f"{pflop:.3g}"),
                          "sgd_steps": sum(j["steps"] for j in jobs),
                          "cpu_hours_2_cores": float(f"{cpu_s / 2 / 3600:.3g}"),
                          "gpu_hours": float(f"{gpu_s / 3600:.3g}")}), flush=True)


if __name__ == "__main__":
    main()
