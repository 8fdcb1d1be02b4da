"""[LT] Fig 1c and the exponent table: the scaling section's LaTeX (its table and quoted numbers)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from lottery.core.texmacros import camel, format_number, macro_lines
from lottery.liu_tegmark.activations import get_activation

TRAIN_KEYS = ("steps", "lr", "lr_decay", "lr_decay_every", "batch_size")
DATA_KEYS = ("x_min", "x_max", "n_train", "n_test")


@dataclass(frozen=True)
class ScalingReportSettings:
    """What the scaling section's methods paragraph quotes about the run (config section ``scaling``)."""

    seeds: int
    widths: list[int]
    dtype: str
    steps: int
    lr: float
    lr_decay: float
    lr_decay_every: int
    batch_size: int
    x_min: float
    x_max: float
    n_train: int
    n_test: int
    bootstrap: int
    confidence: float
    wide_range: list[int]

    @classmethod
    def from_config(cls, scaling: dict) -> ScalingReportSettings:
        """From the validated config section ``scaling``."""
        train, data, analysis = scaling["train"], scaling["data"], scaling["analysis"]
        return cls(seeds=scaling["seeds"], widths=scaling["widths"], dtype=scaling["dtype"],
                   **{k: train[k] for k in TRAIN_KEYS}, **{k: data[k] for k in DATA_KEYS},
                   bootstrap=analysis["bootstrap"], confidence=analysis["confidence"],
                   wide_range=analysis["fit_ranges"]["wide"])


class ScalingTex(NamedTuple):
    table: str
    macros: str


def scaling_table(fits: pd.DataFrame) -> str:
    """A booktabs table: target, activation, width range, alpha with its interval."""
    lines = [r"\begin{tabular}{llccc}", r"\toprule",
             r"target & activation & widths & $\alpha$ & interval \\", r"\midrule"]
    for f in fits.sort_values(["target", "activation", "width_min", "width_max"]).itertuples():
        target = f.target.replace("_", r"\_")
        lines.append(
            rf"{target} & {get_activation(f.activation).latex} & "
            rf"{f.width_min}--{f.width_max} & {f.alpha:.2f} & [{f.alpha_low:.2f}, {f.alpha_high:.2f}] \\"
        )
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def scaling_macros(medians: pd.DataFrame, fits: pd.DataFrame, s: ScalingReportSettings) -> str:
    """Every number the scaling section and its methods paragraph quote, as macros."""
    m = {
        "ScalingSeeds": format_number(s.seeds),
        "ScalingSteps": format_number(s.steps),
        "ScalingLr": format_number(s.lr),
        "ScalingLrDecay": format_number(s.lr_decay),
        "ScalingLrDecayEvery": format_number(s.lr_decay_every),
        "ScalingBatch": "full batch" if s.batch_size == 0 else f"minibatches of {s.batch_size}",
        "ScalingXMin": format_number(s.x_min),
        "ScalingXMax": format_number(s.x_max),
        "ScalingNTrain": format_number(s.n_train),
        "ScalingNTest": format_number(s.n_test),
        "ScalingDtype": s.dtype,
        "ScalingWidths": ", ".join(map(str, s.widths)),
        "ScalingBootstrap": format_number(s.bootstrap),
        "ScalingConfidence": format_number(round(100 * s.confidence)),
        "ScalingDiverged": format_number(int(medians["diverged"].sum())),
        "ScalingNets": format_number(int(medians["seeds"].sum())),
        "ScalingWideRange": "--".join(map(str, s.wide_range)),
    }
    for f in fits.itertuples():
        key = camel("alpha", f.target, f.activation, f.range)
        m[key] = f"{f.alpha:.2f}"
        m[key + "Low"] = f"{f.alpha_low:.2f}"
        m[key + "High"] = f"{f.alpha_high:.2f}"
    for r in medians.itertuples():
        m[camel("median", r.target, r.activation, "N", r.width)] = format_number(r.median_test_loss)
    return macro_lines(m)


def scaling_tex(medians: pd.DataFrame, fits: pd.DataFrame, settings: ScalingReportSettings) -> ScalingTex:
    """The exponent table and the section's macros, from the fit's medians and exponents."""
    return ScalingTex(table=scaling_table(fits), macros=scaling_macros(medians, fits, settings))
