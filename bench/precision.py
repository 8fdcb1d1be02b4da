"""Does float32 floor the loss? The x^2 grid in float32 and float64 from the same initialisations.

    python bench/precision.py [--seeds 48] [--steps 50000] [--activation silu]

Same nets (seed addresses), data and schedule in both precisions; prints one JSON object per
width with both medians of the test loss and the paired per-seed ratio float32/float64.
Results and the decision they support: docs/precision.md.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from lottery.liu_tegmark.activations import ACTIVATIONS
from lottery.liu_tegmark.data import make_regression_data
from lottery.liu_tegmark.nets import init_params
from lottery.core.seeds import seed_address
from lottery.liu_tegmark.trainer import GridTrainSettings, train_grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=48)
    parser.add_argument("--steps", type=int, default=50_000)
    parser.add_argument("--activation", default="silu", choices=list(ACTIVATIONS))
    parser.add_argument("--widths", type=int, nargs="+", default=[2, 3, 4, 10, 20, 30, 40, 50])
    args = parser.parse_args()
    d = make_regression_data("x2", 256, 1024, -2.0, 2.0, 0)
    settings = GridTrainSettings(steps=args.steps, lr_decay_every=args.steps // 5, activation=args.activation,
                                 compile=True, curve_points=2)
    for width in args.widths:
        addresses = [seed_address(0, "x2", args.activation, width, s) for s in range(args.seeds)]
        loss, seconds = {}, {}
        for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
            t = lambda a: torch.as_tensor(a, dtype=dtype)  # noqa: E731
            start = time.perf_counter()
            result = train_grid(init_params(addresses, width, 1, dtype), t(d.x_train), t(d.y_train),
                                t(d.x_test), t(d.y_test), settings)
            loss[name], seconds[name] = result.test_loss.astype(np.float64), time.perf_counter() - start
        ratio = loss["float32"] / loss["float64"]
        print(json.dumps({
            "width": width, "seeds": args.seeds, "steps": args.steps, "activation": args.activation,
            "median_float32": float(np.median(loss["float32"])), "median_float64": float(np.median(loss["float64"])),
            "min_float32": float(loss["float32"].min()), "min_float64": float(loss["float64"].min()),
            "paired_ratio_q10_q50_q90": np.quantile(ratio, [0.1, 0.5, 0.9]).tolist(),
            "seconds": seconds,
        }), flush=True)


if __name__ == "__main__":
    main()
