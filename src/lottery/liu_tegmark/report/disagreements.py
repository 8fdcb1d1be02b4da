"""[LT] the scaling-law disagreements run down: each probe's exponent beside the main grid's.

A probe retrains the x^2 grid of one activation with one protocol setting changed (rules in
workflow/rules/probes.smk). Whether it explains a disagreement is decided from the intervals:
it moves the exponent when its interval excludes the main grid's exponent, and it reaches the
paper's N^-1 when its interval contains 1. The sentence the paper prints is generated here.
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from lottery.core.texmacros import camel, format_number, macro_lines
from lottery.liu_tegmark.activations import get_activation

PAPER_ALPHA = 1.0  # [LT] Sec. 2.2 / Fig. 1c: the slow regime both activations end in


class ProbesTex(NamedTuple):
    table: str
    macros: str


def probe_verdict(alpha: float, low: float, high: float, main_alpha: float) -> str:
    """What one probe shows, in words for the discussion."""
    moved = not (low <= main_alpha <= high)
    reaches = low <= PAPER_ALPHA <= high
    if reaches:
        return "reaches the paper's $N^{-1}$"
    if moved:
        direction = "towards" if abs(alpha - PAPER_ALPHA) < abs(main_alpha - PAPER_ALPHA) else "away from"
        return f"moves the exponent {direction} $N^{{-1}}$ but does not reach it"
    return "leaves the exponent where it was: not the cause"


def probes_tex(probe_fits: dict[str, pd.DataFrame], main_fits: pd.DataFrame, probes: list[dict]) -> ProbesTex:
    """The discussion's table and macros (``\\Probe<Name>Alpha``, ``...Verdict``, ``\\ProbesCount``)."""
    macros = {"ProbesCount": str(len(probes))}
    rows = []
    for probe in probes:
        fit = probe_fits[probe["name"]].query("range == 'probe'").iloc[0]
        main = main_fits.query("activation == @probe['activation'] and range == 'wide'").iloc[0]
        verdict = probe_verdict(fit.alpha, fit.alpha_low, fit.alpha_high, main.alpha)
        name = "Probe" + camel(probe["name"])
        macros[name + "Alpha"] = f"{fit.alpha:.2f}"
        macros[name + "Interval"] = f"[{fit.alpha_low:.2f}, {fit.alpha_high:.2f}]"
        macros[name + "Verdict"] = verdict
        rows.append(
            rf"{probe['cause']} & {get_activation(probe['activation']).latex} & {probe['seeds']} & "
            rf"{fit.width_min}--{fit.width_max} & {fit.alpha:.2f} [{fit.alpha_low:.2f}, {fit.alpha_high:.2f}] & "
            rf"{main.alpha:.2f} [{main.alpha_low:.2f}, {main.alpha_high:.2f}] & {verdict} \\"
        )
    if not rows:
        rows = [r"\multicolumn{7}{l}{no probes in this run's config (config key \texttt{probes})} \\"]
    table = "\n".join([
        r"\begin{tabular}{p{3.6cm}lrcccp{3.6cm}}", r"\toprule",
        r"cause tested & act. & seeds & widths & $\alpha$ probe & $\alpha$ main grid & outcome \\", r"\midrule",
        *rows, r"\bottomrule", r"\end{tabular}",
    ]) + "\n"
    macros["ProbesPaperAlpha"] = format_number(PAPER_ALPHA)
    return ProbesTex(table, macro_lines(macros))
