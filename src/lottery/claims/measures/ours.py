"""Our values for our own claims (group "our claims", paper ``BY``): the mechanism test of the
"beyond both papers" section, judged by the same rules and words as the papers' claims.

Ticket ensembling predicts that the seed variance of the x^2 nets falls like N^-1 while the
bias of their seed average stays flat. :func:`mechanism_exponent` is the exponent of either
part (``part ~ N^-exponent``, as [LT] write their alpha) with its bootstrap interval over
seeds (:func:`lottery.beyond.bias_variance.mechanism_slopes`).
"""
from __future__ import annotations

from lottery.claims.measures.base import Measurement, NotMeasurable, Results, measure

PARTS = {"variance": "seed variance", "bias2": "squared bias"}


@measure(sources=("beyond_bias_variance",), sections=("scaling",))
def mechanism_exponent(r: Results, config: dict, activation: str, part: str, widths: list[int],
                       trimmed: bool = False, target: str = "x2") -> Measurement:
    """Exponent of bias^2 or of the seed variance ``~ N^-exponent`` over ``widths`` of the
    scaling grids, with its percentile interval; ``trimmed``: without each width's worst seeds."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; choose one of {sorted(PARTS)}")
    m = r.frame("beyond_bias_variance", "mechanism")
    lo, hi = widths
    sel = m[(m["target"] == target) & (m["activation"] == activation) & (m["width_lo"] == lo)
            & (m["width_hi"] == hi) & (m["trimmed"] == trimmed) & (m["part"] == part)] if len(m) else m
    if sel.empty:
        raise NotMeasurable(f"no mechanism slope over widths {lo}-{hi} for {target} {activation}: the range is not "
                            f"in config key beyond.bias_variance.slope_ranges or has fewer than two grid widths")
    row = sel.iloc[0]
    exponent, low, high = -float(row["slope"]), -float(row["high"]), -float(row["low"])
    seeds = ", without the worst seeds" if trimmed else ""
    return Measurement(exponent, f"{exponent:.2f} [{low:.2f}, {high:.2f}] ({PARTS[part]}, N = {lo}-{hi}{seeds})",
                       low, high)
