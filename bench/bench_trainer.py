"""Seed-steps per second of the grid trainer against a per-seed ``nn.Module`` + Adam loop.

    python bench/bench_trainer.py [--quick | --full] [--threads N]

Prints one JSON object per line: a measurement per (method, width, batch, dtype), the ratios
of each method to the per-seed loop, the estimated (and with ``--full`` the measured) wall
time of the paper-scale x^2 grid for one activation, the rate at input dimension 1 and 5
(App. A's unary targets and five-digit multiplication), and peak resident memory. Rates count
wall time; ``cpu_seed_steps_per_s`` counts process CPU time, which is what to compare when
other jobs share the machine. See docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import time

import numpy as np
import torch

from lottery.liu_tegmark import fused
from lottery.liu_tegmark.data import make_regression_data
from lottery.liu_tegmark.nets import NetParams, init_params
from lottery.core.seeds import seed_address
from lottery.liu_tegmark.trainer import ChunkRunner, GridTrainSettings, chunk_size, train_grid

PAPER_WIDTHS = (1, 2, 3, 4, 10, 20, 30, 40, 50)
PAPER_SEEDS, PAPER_STEPS = 1000, 50_000
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def emit(**record) -> None:
    print(json.dumps(record), flush=True)


def data(n_train: int, dtype: torch.dtype, target: str = "x2") -> tuple[torch.Tensor, ...]:
    d = make_regression_data(target, n_train, 1024, -2.0, 2.0, 0)
    return tuple(torch.as_tensor(a, dtype=dtype) for a in (d.x_train, d.y_train, d.x_test, d.y_test))


def nets(seeds: int, width: int, dtype: torch.dtype, target: str = "x2", dim: int = 1) -> NetParams:
    return init_params([seed_address(0, target, "silu", width, s) for s in range(seeds)], width, dim, dtype)


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def per_seed_loop(p: NetParams, x: torch.Tensor, y: torch.Tensor, steps: int) -> tuple[float, float]:
    """Seconds (wall, CPU) to train each seed alone: nn.Sequential, autograd, torch.optim.Adam, 1 thread."""

    def run(seeds: range, steps: int) -> None:
        for s in seeds:
            net = torch.nn.Sequential(torch.nn.Linear(1, p.width), torch.nn.SiLU(), torch.nn.Linear(p.width, 1))
            net = net.to(p.w.dtype)
            with torch.no_grad():
                net[0].weight.copy_(p.w[s])
                net[0].bias.copy_(p.b[s])
                net[2].weight.copy_(p.v[s][None])
                net[2].bias.copy_(p.c[s : s + 1])
            opt = torch.optim.Adam(net.parameters(), lr=1e-2)
            for _ in range(steps):
                opt.zero_grad()
                ((net(x)[:, 0] - y) ** 2).mean().backward()
                opt.step()

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: a second thread only adds synchronisation
    try:
        run(range(1), 3)  # the first Adam step imports and initialises a lot: keep it out of the timing
        return timed(lambda: run(range(p.seeds), steps))
    finally:
        torch.set_num_threads(threads)


def grid_trainer(impl: str, p: NetParams, x: torch.Tensor, y: torch.Tensor, steps: int) -> tuple[float, ...]:
    """(wall, CPU, warm-up wall) seconds of ``steps`` steps on all seeds, chunked as train_grid does.

    The first call (kernel build or torch.compile, first-touch) is timed apart as warm-up.
    """
    settings = GridTrainSettings(steps=steps + 1)
    runner = ChunkRunner(settings, x, y, impl)
    size = chunk_size(p.seeds, p.width, x.shape[0], settings.chunk_elements)
    states = [runner.start(p, lo, size) for lo in range(0, p.seeds, size)]
    warm = time.perf_counter()
    states[0] = runner.run(states[0], 1, lambda t, loss: None)
    warm = time.perf_counter() - warm
    states[1:] = [runner.run(st, 1, lambda t, loss: None) for st in states[1:]]
    wall, cpu = timed(lambda: [runner.run(st, steps + 1, lambda t, loss: None) for st in states])
    return wall, cpu, warm


def measure(methods: list[str], widths, batches, dtypes, budget: float, seeds: int) -> list[dict]:
    """One record per (method, width, batch, dtype); steps sized to ~``budget`` elements."""
    records = []
    for dtype_name in dtypes:
        for batch in batches:
            x, y, _, _ = data(batch, DTYPES[dtype_name])
            for width in widths:
                p = nets(seeds, width, DTYPES[dtype_name])
                steps = int(np.clip(budget / (seeds * width * batch), 3, 400))
                loop_steps = 50
                wall, cpu = per_seed_loop(p.map(lambda t: t[:2]), x, y, loop_steps)
                base = dict(width=width, batch=batch, dtype=dtype_name, threads=torch.get_num_threads())
                rows = [dict(method="per_seed_loop", seeds=2, steps=loop_steps, seconds=wall,
                             seed_steps_per_s=2 * loop_steps / wall, cpu_seed_steps_per_s=2 * loop_steps / cpu)]
                for impl in methods:
                    wall, cpu, warm = grid_trainer(impl, p, x, y, steps)
                    rows.append(dict(method=f"trainer_{impl}", seeds=seeds, steps=steps, seconds=wall,
                                     warmup_s=warm, seed_steps_per_s=seeds * steps / wall,
                                     cpu_seed_steps_per_s=seeds * steps / cpu))
                for row in rows:
                    emit(**base, **row)
                    records.append({**base, **row})
    return records


def ratios(records: list[dict]) -> None:
    loops = {(r["width"], r["batch"], r["dtype"]): r for r in records if r["method"] == "per_seed_loop"}
    for r in records:
        loop = loops[(r["width"], r["batch"], r["dtype"])]
        if r is not loop:
            emit(ratio=f"{r['method']}/per_seed_loop", width=r["width"], batch=r["batch"], dtype=r["dtype"],
                 wall=r["seed_steps_per_s"] / loop["seed_steps_per_s"],
                 cpu=r["cpu_seed_steps_per_s"] / loop["cpu_seed_steps_per_s"])


def estimate_paper_grid(budget: float) -> None:
    """Paper-scale x^2 grid for one activation, from a short run at each of its widths."""
    x, y, _, _ = data(256, torch.float32)
    wall_s = cpu_s = 0.0
    for width in PAPER_WIDTHS:
        p = nets(PAPER_SEEDS, width, torch.float32)
        steps = int(np.clip(budget / (PAPER_SEEDS * width * 256), 3, 400))
        wall, cpu, _ = grid_trainer("fused", p, x, y, steps)
        wall_s += wall / steps * PAPER_STEPS
        cpu_s += cpu / steps * PAPER_STEPS
    emit(estimate="paper_x2_grid_one_activation", widths=list(PAPER_WIDTHS), seeds=PAPER_SEEDS, steps=PAPER_STEPS,
         wall_minutes=wall_s / 60, cpu_minutes_per_thread=cpu_s / 60 / torch.get_num_threads(),
         threads=torch.get_num_threads())


def input_dimensions(budget: float) -> None:
    """[LT] App. A: the fused kernel at d = 1 (a unary target, N = 50) and d = 5 (five-digit
    multiplication, N = 100), 1000 seeds, batch 256, float32. The first layer's cost grows with d,
    so the rate per (seed, unit, point) element shows what d costs; the CPU rate is the one to
    compare when other jobs share the machine."""
    for target, dim, width in (("x2", 1, 50), ("mul5", 5, 100)):
        x, y, _, _ = data(256, torch.float32, target)
        steps = int(np.clip(budget / (PAPER_SEEDS * width * 256), 3, 400))
        wall, cpu, _ = grid_trainer("fused", nets(PAPER_SEEDS, width, torch.float32, target, dim), x, y, steps)
        emit(measurement="input_dimension", target=target, dim=dim, width=width, seeds=PAPER_SEEDS, batch=256,
             steps=steps, seed_steps_per_s=PAPER_SEEDS * steps / wall, cpu_seed_steps_per_s=PAPER_SEEDS * steps / cpu,
             cpu_elements_per_s=PAPER_SEEDS * steps * width * 256 / cpu,
             paper_job_cpu_minutes=cpu / steps * PAPER_STEPS / 60)


def run_paper_grid() -> None:
    """The paper-scale grid end to end: data, initialisation, kernel build, training, evaluation."""
    start, cpu = time.perf_counter(), time.process_time()
    settings = GridTrainSettings(steps=PAPER_STEPS, compile=True)
    x, y, xt, yt = data(256, torch.float32)
    medians = {}
    for width in PAPER_WIDTHS:
        result = train_grid(nets(PAPER_SEEDS, width, torch.float32), x, y, xt, yt, settings, f"bench N={width}")
        medians[width] = float(np.median(result.test_loss))
        emit(paper_grid_width=width, seconds=result.seconds, median_test_loss=medians[width])
    emit(measured="paper_x2_grid_one_activation", activation="silu", dtype="float32", seeds=PAPER_SEEDS,
         steps=PAPER_STEPS, wall_minutes=(time.perf_counter() - start) / 60,
         cpu_minutes=(time.process_time() - cpu) / 60, threads=torch.get_num_threads(), median_test_loss=medians)


def _single_net(queue, threads: int) -> None:
    torch.set_num_threads(threads)
    x, y, _, _ = data(256, torch.float32)
    wall, _, _ = grid_trainer("fused", nets(1, 10_000, torch.float32), x, y, 50)
    queue.put((50 / wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20))


def single_wide_net(threads: int) -> None:
    """One net of width 10,000 in a fresh process, so its peak resident memory is its own."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_single_net, args=(queue, threads))
    proc.start()
    rate, peak = queue.get()
    proc.join()
    emit(measurement="single_net", width=10_000, batch=256, dtype="float32", seed_steps_per_s=rate,
         peak_rss_gib=peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="fused trainer vs per-seed loop only (< 1 minute)")
    mode.add_argument("--full", action="store_true", help="all methods, and the paper-scale grid measured (~30 min)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    emit(machine=platform.processor() or platform.machine(), threads=args.threads, torch=torch.__version__)
    wall, _ = timed(fused.load)
    emit(startup="fused_kernel_build_or_load", seconds=wall, available=fused.load() is not None)
    methods = ["fused"] if args.quick else ["fused", "compiled", "eager"]
    budget = 1.5e8 if args.quick else 1e9
    records = measure(methods, (2, 50), (256, 1024), ("float32", "float64"), budget, 1000)
    ratios(records)
    estimate_paper_grid(budget)
    input_dimensions(budget)
    single_wide_net(args.threads)
    if args.full:
        run_paper_grid()
    emit(peak_rss_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)


if __name__ == "__main__":
    main()
