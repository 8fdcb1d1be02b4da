"""LaTeX fragments of the scaling-law section: the exponent table and the quoted numbers."""
from __future__ import annotations

import pandas as pd

from lottery.core.texmacros import camel, format_number, macro_lines

ACTIVATION_NAMES = {"silu": "SiLU", "leaky_relu": "LeakyReLU", "relu": "ReLU", "tanh": "tanh"}


def scaling_table(fits: pd.DataFrame) -> str:
    """A booktabs table: target, activation, width range, alpha with its interval."""
    lines = [r"\begin{tabular}{llccc}", r"\toprule",
             r"target & activation & widths & $\alpha$ & interval \\", r"\midrule"]
    for f in fits.sort_values(["target", "activation", "width_min", "width_max"]).itertuples():
        target = f.target.replace("_", r"\_")
        lines.append(
            rf"{target} & {ACTIVATION_NAMES.get(f.activation, f.activation)} & "
            rf"{f.width_min}--{f.width_max} & {f.alpha:.2f} & [{f.alpha_low:.2f}, {f.alpha_high:.2f}] \\"
        )
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def exponent_verdict(alpha: float, low: float, high: float, claimed: float = 1.0) -> str:
    """Text comparing a fitted exponent with the paper's claim, decided by the interval alone."""
    if low <= claimed <= high:
        return f"consistent with the paper's $\\alpha \\approx {claimed:g}$ (the interval contains it)"
    side = "steeper" if low > claimed else "shallower"
    return f"{side} than the paper's $\\alpha \\approx {claimed:g}$: our interval excludes it, so here we do not reproduce the claim"


def scaling_macros(medians: pd.DataFrame, fits: pd.DataFrame, config: dict) -> str:
    """Every number the scaling section and its methods paragraph quote, as macros."""
    train, data = config["train"], config["data"]
    m = {
        "ScalingSeeds": format_number(config["seeds"]),
        "ScalingSteps": format_number(train["steps"]),
        "ScalingLr": format_number(train["lr"]),
        "ScalingLrDecay": format_number(train["lr_decay"]),
        "ScalingLrDecayEvery": format_number(train["lr_decay_every"]),
        "ScalingBatch": "full batch" if train["batch_size"] == 0 else f"minibatches of {train['batch_size']}",
        "ScalingXMin": format_number(data["x_min"]),
        "ScalingXMax": format_number(data["x_max"]),
        "ScalingNTrain": format_number(data["n_train"]),
        "ScalingNTest": format_number(data["n_test"]),
        "ScalingDtype": config["dtype"],
        "ScalingWidths": ", ".join(map(str, config["widths"])),
        "ScalingBootstrap": format_number(config["analysis"]["bootstrap"]),
        "ScalingConfidence": format_number(round(100 * config["analysis"]["confidence"])),
        "ScalingDiverged": format_number(int(medians["diverged"].sum())),
        "ScalingNets": format_number(int(medians["seeds"].sum())),
        "ScalingWideRange": "--".join(map(str, config["analysis"]["fit_ranges"]["wide"])),
    }
    for f in fits.itertuples():
        key = camel("alpha", f.target, f.activation, f.range)
        m[key] = f"{f.alpha:.2f}"
        m[key + "Low"] = f"{f.alpha_low:.2f}"
        m[key + "High"] = f"{f.alpha_high:.2f}"
        m[key + "Verdict"] = exponent_verdict(f.alpha, f.alpha_low, f.alpha_high)
    for r in medians.itertuples():
        m[camel("median", r.target, r.activation, "N", r.width)] = format_number(r.median_test_loss)
    return macro_lines(m)
