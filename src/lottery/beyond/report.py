"""LaTeX of the "beyond both papers" section: the scaling-form table and every quoted number.

Each verdict is a sentence chosen by the numbers (an interval, a test, a count), with the
same rule for every activation, so the text never claims what the data do not show.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lottery.beyond.bias_variance import slope
from lottery.beyond.scaling_forms import FORMS, TIE
from lottery.core.texmacros import camel, format_number, macro_lines
from lottery.liu_tegmark.activations import get_activation

SIGNIFICANCE = 0.05  # p-value below which a correlation or a paired difference counts
FLOOR_SHARE = 0.5  # M2's floor "explains" a bend when it holds at least this share of the widest loss
NEGLIGIBLE_FLOOR = 0.1  # ... and is negligible below this share
NA = r"\text{n/a}"


@dataclass(frozen=True)
class ReportSettings:
    """What the section quotes of its config: ``beyond.forms``, ``beyond.imp`` and ``wide``, the
    width range of the scaling section's quoted exponent."""

    held_out: int
    bootstrap: int
    confidence: float
    wide: list[int]
    width: int
    seeds: int
    steps: int
    fraction: float
    rounds: int


def _num(x: float, digits: int = 3) -> str:
    return format_number(float(x), digits) if np.isfinite(x) else NA


def _pct(x: float) -> str:
    return f"{100 * x:.0f}" if np.isfinite(x) else NA


def _form_word(form: str) -> str:
    return {"M1": "MOne", "M2": "MTwo", "M3": "MThree", "M4": "MFour"}[form]


def forms_table(fits: pd.DataFrame) -> str:
    """One row per curve that has a held-out width with a fit: held-out widths, each form's
    extrapolation error [interval] and the best form."""
    lines = [r"\begin{tabular}{lll" + "c" * len(FORMS) + "l}", r"\toprule",
             r"grid & curve & held out & " + " & ".join(FORMS) + r" & best (share) \\", r"\midrule"]
    judged = fits.groupby(["family", "target", "activation"], sort=False).filter(
        lambda g: g["extrapolation_error"].notna().any())
    for (family, target, activation), g in judged.groupby(["family", "target", "activation"], sort=False):
        g = g.set_index("form")
        cells = []
        for form in FORMS:
            r = g.loc[form]
            if not r["fitted"] or not np.isfinite(r["extrapolation_error"]):
                cells.append("--")
                continue
            interval = (f" [{r['extrapolation_error_low']:.3f}, {r['extrapolation_error_high']:.3f}]"
                        if np.isfinite(r["extrapolation_error_low"]) else "")
            cells.append(f"{r['extrapolation_error']:.3f}{interval}")
        best = _best_form(g.reset_index())
        share = g.loc[best, "win_rate"] if best else np.nan
        best_cell = f"{best} ({_pct(share)}\\%)" if best and np.isfinite(share) else (best or "--")
        curve = f"{target.replace('_', '')}, {get_activation(activation).latex}"
        lines.append(rf"{family} & {curve} & {g['held_out_widths'].iloc[0].replace(' ', ', ')} & "
                     + " & ".join(cells) + rf" & {best_cell} \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def _best_form(g: pd.DataFrame) -> str | None:
    """The form that extrapolates best: highest bootstrap win rate, else lowest point error
    (within ``TIE``, the simplest form)."""
    ok = g[g["fitted"] & g["extrapolation_error"].notna()].set_index("form")
    if ok.empty:
        return None
    if ok["win_rate"].notna().all() and ok["win_rate"].sum() > 0:
        return str(ok["win_rate"].idxmax())
    near = ok[ok["extrapolation_error"] <= ok["extrapolation_error"].min() + TIE]
    return str(near.index[0])  # FORMS order: the simplest of the forms that tie


def _floor_verdict(g: pd.DataFrame, widest: float) -> tuple[float, str]:
    """Does M2's floor explain the curve's bend? (floor over the widest net's median, sentence)."""
    m1, m2 = g.loc["M1"], g.loc["M2"]
    if not m2["fitted"]:
        return np.nan, "cannot be judged, since the curve has too few fitted widths for M2"
    share = m2["e_inf"] / widest
    better = m2["extrapolation_error"] < m1["extrapolation_error"]
    if share > 1:
        return share, ("does not, since M2's floor lies above the loss the widest nets reach: the held-out widths "
                       "refute it")
    if share < NEGLIGIBLE_FLOOR:
        return share, ("does not, since M2's floor is negligible: M2 reduces to M1 and the slope is a power law, "
                       "not a floor")
    if better and share >= FLOOR_SHARE:
        return share, ("can, since M2 puts most of the widest net's loss in its floor and extrapolates better than a "
                       "pure power law, so the slow tail reads as a floor under a steeper law")
    if better:
        return share, ("does so only partly: M2 extrapolates better than M1, but its floor is a minor share of the "
                       "widest net's loss")
    return share, "does not, since M2 extrapolates no better than the pure power law M1"


def _saturation_verdict(m3: pd.Series, widest_width: int) -> str:
    """Where M3's power law levels off (``N ~ 1/g``), against the widths trained."""
    if not m3["fitted"]:
        return "cannot be located, since the curve has too few fitted widths for M3"
    width, floor = 1 / m3["g"], m3["b"] * m3["g"] ** (-m3["c"])
    if width > widest_width:
        return f"lies beyond the widest net ($N \\approx {_num(width)}$): no levelling off within the widths trained"
    return (f"lies within the widths trained ($N \\approx {_num(width)}$): M3 reads the curve as levelling off "
            f"towards $e \\approx {_num(floor)}$")


def _forms_macros(fits: pd.DataFrame, medians: pd.DataFrame, settings: ReportSettings) -> dict[str, str]:
    m = {"ByFormsBootstrap": format_number(settings.bootstrap),
         "ByFormsConfidence": _pct(settings.confidence), "ByFormsHeldOut": format_number(settings.held_out)}
    main = fits[fits["family"] == "scaling"]
    m["ByFormsFitWidths"] = main["fit_widths"].iloc[0].replace(" ", ", ")
    m["ByFormsHeldWidths"] = main["held_out_widths"].iloc[0].replace(" ", ", ")
    for activation, g in main.groupby("activation"):
        g, a = g.set_index("form"), camel(activation)
        for form in FORMS:
            r, f = g.loc[form], _form_word(form)
            for key, value in [("C", r["c"]), ("CLow", r["c_low"]), ("CHigh", r["c_high"]),
                               ("Err", r["extrapolation_error"])]:
                m[camel("ByForms", a, f, key)] = _num(value, 2 if key.startswith("C") else 3)
        best = _best_form(g.reset_index())
        m[camel("ByForms", a, "Best")] = best or NA
        m[camel("ByForms", a, "BestShare")] = _pct(g.loc[best, "win_rate"]) if best else NA
        m[camel("ByForms", a, "EInf")] = _num(g.loc["M2", "e_inf"])
        m[camel("ByForms", a, "MFourA")] = _num(g.loc["M4", "a"], 2)
        mm = medians[(medians["family"] == "scaling") & (medians["activation"] == activation)]
        share, verdict = _floor_verdict(g, float(mm.loc[mm["width"].idxmax(), "median_test_loss"]))
        m[camel("ByForms", a, "SatVerdict")] = _saturation_verdict(g.loc["M3"], int(mm["width"].max()))
        m[camel("ByForms", a, "FloorShare")] = _pct(share)
        m[camel("ByForms", a, "FloorVerdict")] = verdict
    bests = [b for _, g in fits.groupby(["family", "target", "activation"]) if (b := _best_form(g))]
    counts = {f: bests.count(f) for f in FORMS}
    top = max(counts, key=counts.get) if bests else None
    m["ByFormsCurves"] = format_number(len(bests))
    m["ByFormsSkipped"] = format_number(fits.groupby(["family", "target", "activation"]).ngroups - len(bests))
    m["ByFormsBestCounts"] = ", ".join(f"{f} on {counts[f]}" for f in FORMS)
    m["ByFormsTop"] = top or NA
    m["ByFormsLiterature"] = (
        "agrees with" if top == "M4" else "differs from") + " Alabdulmohsin et al., who found M4 best on most tasks"
    return m


def _bv_macros(decomposition: pd.DataFrame, ensembles: pd.DataFrame, wide: list[int]) -> dict[str, str]:
    lo, hi = wide
    m = {"ByBvWideRange": f"{lo}--{hi}", "ByBvGrids": format_number(len(decomposition)),
         "ByBvVarDominated": format_number(int((decomposition["variance_fraction"] > 0.5).sum()))}
    main = decomposition[decomposition["family"] == "scaling"]
    for activation, g in main.groupby("activation"):
        a = camel(activation)
        w = g[(g["width"] >= lo) & (g["width"] <= hi)].sort_values("width")
        frac = w["variance_fraction"].to_numpy()
        m[camel("ByBv", a, "FracMin")], m[camel("ByBv", a, "FracMax")] = _pct(frac.min()), _pct(frac.max())
        n_var = int((frac > 0.5).sum())
        m[camel("ByBv", a, "Verdict")] = (
            "variance-dominated at every width of that range, as ticket ensembling predicts" if n_var == len(frac)
            else "bias-dominated at every width of that range, not what ticket ensembling predicts" if n_var == 0
            else f"variance-dominated at only {n_var} of its {len(frac)} widths, so only partly what ticket "
                 f"ensembling predicts")
        for part, name in (("bias2", "BiasSlope"), ("variance", "VarSlope")):
            m[camel("ByBv", a, name)] = _num(slope(w["width"], w[part]), 2) if len(w) > 1 else NA
    m["ByBvEnsMaxDev"] = _pct(float(np.max(np.abs(ensembles["loss"] / ensembles["predicted"] - 1))))
    shares, parts = [], []
    for activation, by_act in ensembles.groupby("activation"):
        items = []
        for width, g in by_act.groupby("width"):
            g = g.set_index("k").sort_index()
            gain = g["loss"].iloc[0] / g["loss"].iloc[-1]
            shares.append(gain / (g.index[-1] / g.index[0]))
            items.append(f"${gain:.2f}\\times$ at $N={width}$ ($k={g.index[0]}\\to{g.index[-1]}$)")
        parts.append(f"{get_activation(activation).latex}: " + ", ".join(items))
    best = max(shares)
    m["ByBvEnsWidths"] = ", ".join(map(str, sorted(ensembles["width"].unique())))
    m["ByBvEnsGains"] = "; ".join(parts)
    m["ByBvEnsVerdict"] = (
        "close to the $1/k$ of ensembling theory at some width" if best >= 0.5 else
        f"far short of the $1/k$ of ensembling theory at every width (at best {100 * best:.0f}\\% of the $k$-fold "
        f"gain), because averaging seeds keeps their common bias")
    return m


def _imp_macros(best: pd.DataFrame, pairs: pd.DataFrame, settings: ReportSettings) -> dict[str, str]:
    m = {"ByImpWidth": format_number(settings.width), "ByImpSeeds": format_number(settings.seeds),
         "ByImpSteps": format_number(settings.steps), "ByImpFraction": _pct(settings.fraction),
         "ByImpRounds": format_number(settings.rounds), "ByImpDenseWeights": format_number(2 * settings.width)}
    for activation, b in best.groupby("activation"):
        a = camel(activation)
        eff, tick = b["effective_params"].to_numpy(float), b["effective_tickets"].to_numpy(float)
        m[camel("ByImp", a, "EffParams")] = _num(np.median(eff))
        m[camel("ByImp", a, "EffParamsLow")], m[camel("ByImp", a, "EffParamsHigh")] = (
            _num(q) for q in np.quantile(eff, [0.25, 0.75]))
        m[camel("ByImp", a, "DenseBest")] = format_number(int((b["round"] == 0).sum()))
        m[camel("ByImp", a, "EffTickets")] = _num(np.median(tick), 2)
        m[camel("ByImp", a, "Ratio")] = _num(np.median(eff / b["ticket_weights"].to_numpy(float)), 2)
        rho, p = stats.spearmanr(eff, tick) if np.ptp(eff) > 0 and np.ptp(tick) > 0 else (np.nan, np.nan)
        m[camel("ByImp", a, "Rho")], m[camel("ByImp", a, "RhoP")] = _num(rho, 2), _num(p, 2)
        m[camel("ByImp", a, "TrackVerdict")] = (
            "cannot be judged: the counts do not vary across seeds" if not np.isfinite(rho) else
            "tracks it: seeds with more independent tickets keep more weights" if rho > 0 and p < SIGNIFICANCE else
            "does not track it across seeds")
        pr = pairs[(pairs["activation"] == activation) & (pairs["round"] > 0)]
        per_seed = pr.groupby("seed")[["together", "chance"]].mean().dropna()
        m[camel("ByImp", a, "Together")] = _pct(per_seed["together"].mean())
        m[camel("ByImp", a, "Chance")] = _pct(per_seed["chance"].mean())
        excess = (per_seed["together"] - per_seed["chance"]).to_numpy()
        p_pair = stats.wilcoxon(excess).pvalue if len(excess) > 1 and np.any(excess != 0) else np.nan
        m[camel("ByImp", a, "PairP")] = _num(p_pair, 2)
        m[camel("ByImp", a, "PairVerdict")] = (
            "cannot be judged from so few pruned nets" if not np.isfinite(p_pair) else
            "keeps mirror pairs together more often than chance" if excess.mean() > 0 and p_pair < SIGNIFICANCE else
            "splits mirror pairs more often than chance" if p_pair < SIGNIFICANCE else
            "keeps mirror pairs together no more often than chance")
    return m


def beyond_macros(fits: pd.DataFrame, medians: pd.DataFrame, decomposition: pd.DataFrame,
                  ensembles: pd.DataFrame, best: pd.DataFrame, pairs: pd.DataFrame, settings: ReportSettings) -> str:
    """Every number and verdict of the section."""
    m = {**_forms_macros(fits, medians, settings),
         **_bv_macros(decomposition, ensembles, settings.wide),
         **_imp_macros(best, pairs, settings)}
    return macro_lines(m)
