"""LaTeX of the "beyond both papers" section: the scaling-form and mechanism tables and every
quoted number.

Each verdict is a sentence chosen by the numbers (an interval, a test, a count), with the
same rule for every activation, so the text never claims what the data do not show: a cause
is named only where a computed test supports it, a fit with a parameter at a bound is called
one, and the forms are compared per family of grids, each at its own scale.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lottery.beyond.bias_variance import mechanism_rules, mechanism_verdict, slope
from lottery.beyond.pair_fates import per_seed_rates
from lottery.beyond.scaling_forms import A_MAX, BOUND_TOL, C_MIN, CONTESTANTS, LOG_G, TAIL, TIE
from lottery.core.intervals import percentile_interval
from lottery.core.texmacros import camel, format_number, macro_lines
from lottery.liu_tegmark.activations import get_activation

SIGNIFICANCE = 0.05  # p-value below which a paired difference counts
FLOOR_SHARE = 0.5  # M2's floor "explains" a bend when it holds at least this share of the widest loss
NEGLIGIBLE_FLOOR = 0.1  # ... and is negligible below this share
ENSEMBLE_AGREEMENT = 0.1  # averaged nets' loss within this of bias^2 + variance/k: the bias is what stays
NA = r"\text{n/a}"
FAMILY_NAMES = {"scaling": "$x^2$ scaling grids", "targets": "other unary targets",
                "multiplication": "multiplication targets"}
BOUND_WORDS = {
    ("c", "lower"): f"$c$ at its bound ${C_MIN:g}$", ("c", "upper"): "$c$ at its bound 0",
    ("e_inf", "lower"): r"$e_\infty$ at its bound 0",
    ("e_inf", "upper"): r"$e_\infty$ at its bound, the smallest fitted loss",
    ("g", "lower"): f"$g$ at its bound $e^{{{LOG_G[0]:g}}}$", ("g", "upper"): f"$g$ at its bound $e^{{{LOG_G[1]:g}}}$",
    ("a", "lower"): "$a$ at its bound 0 (M4 reduces to M2)", ("a", "upper"): f"$a$ at its bound {A_MAX:g}",
}


@dataclass(frozen=True)
class ReportSettings:
    """What the section quotes of its config: ``beyond.forms``, ``beyond.imp``, the mechanism
    test's ``beyond.bias_variance`` keys (``bootstrap`` and ``confidence`` as ``mechanism_``
    ones), ``wide`` (the width range of the scaling section's quoted exponent) and ``scales``
    (each grid family's [seeds, steps])."""

    held_out: int
    bootstrap: int
    confidence: float
    seed: int
    wide: list[int]
    width: int
    seeds: int
    steps: int
    fraction: float
    rounds: int
    scales: dict[str, list[int]]
    slope_ranges: list[list[int]]
    trim: float
    mechanism_bootstrap: int
    mechanism_confidence: float


def _num(x: float, digits: int = 3) -> str:
    return format_number(float(x), digits) if np.isfinite(x) else NA


def _pct(x: float) -> str:
    return f"{100 * x:.0f}" if np.isfinite(x) else NA


def _interval(value: float, low: float, high: float, digits: int = 2) -> str:
    """``value [low, high]`` in math mode."""
    return f"${_num(value, digits)}$ $[{_num(low, digits)}, {_num(high, digits)}]$"


def _form_word(form: str) -> str:
    return {"M1": "MOne", "M2": "MTwo", "M3": "MThree", "M4": "MFour", TAIL: "Tail"}[form]


def _form_tex(form: str) -> str:
    return r"\emph{tail}" if form == TAIL else form


def _scale(scales: dict[str, list[int]], family: str) -> str:
    """``seeds x steps`` of a family's grids."""
    seeds, steps = scales[family]
    return f"{format_number(seeds)} seeds $\\times$ {format_number(steps)} steps"


def interval_bounds(r: pd.Series) -> str:
    """The bounds that a fit's bootstrap intervals reach (``"c:lower"``...), for ``c``, ``g`` and
    ``a``, whose bounds are fixed (``e_inf``'s moves with each resample's smallest loss)."""
    tol = {"c": BOUND_TOL * -C_MIN, "a": BOUND_TOL * A_MAX}
    hits = [("c:lower", r["c_low"] <= C_MIN + tol["c"]), ("a:lower", r["a_low"] <= tol["a"]),
            ("a:upper", r["a_high"] >= A_MAX - tol["a"]),
            ("g:lower", r["g_low"] <= np.exp(LOG_G[0] + BOUND_TOL * (LOG_G[1] - LOG_G[0]))),
            ("g:upper", r["g_high"] >= np.exp(LOG_G[1] - BOUND_TOL * (LOG_G[1] - LOG_G[0])))]
    return " ".join(name for name, hit in hits if hit)


def at_a_bound(r: pd.Series) -> bool:
    """Whether a fit is a boundary solution: its point, or one end of an interval, at a bound."""
    return bool(r["at_bound"]) or bool(interval_bounds(r))


def bound_phrase(at_bound: str) -> str:
    """The parameters of a fit that sit at a bound (``"c:lower a:lower"``), in words; empty if none."""
    return " and ".join(BOUND_WORDS[tuple(hit.split(":"))] for hit in at_bound.split())


def forms_table(fits: pd.DataFrame, scales: dict[str, list[int]]) -> str:
    """One row per curve that has a held-out width with a fit: its grids' scale, held-out
    widths, each contestant's extrapolation error [interval] and the best (share); a dagger
    marks a fit with a parameter at a bound."""
    lines = [r"\begin{tabular}{llll" + "c" * len(CONTESTANTS) + "l}", r"\toprule",
             r"grid & seeds $\times$ steps & curve & held out & " + " & ".join(map(_form_tex, CONTESTANTS))
             + r" & best (share) \\", r"\midrule"]
    judged = fits.groupby(["family", "target", "activation"], sort=False).filter(
        lambda g: g["extrapolation_error"].notna().any())
    for (family, target, activation), g in judged.groupby(["family", "target", "activation"], sort=False):
        g = g.set_index("form")
        cells = []
        for form in CONTESTANTS:
            r = g.loc[form]
            if not r["fitted"] or not np.isfinite(r["extrapolation_error"]):
                cells.append("--")
                continue
            interval = (f" [{r['extrapolation_error_low']:.3f}, {r['extrapolation_error_high']:.3f}]"
                        if np.isfinite(r["extrapolation_error_low"]) else "")
            cells.append(f"{r['extrapolation_error']:.3f}{interval}" + (r"$^\dagger$" if at_a_bound(r) else ""))
        best = best_form(g.reset_index())
        share = g.loc[best, "win_rate"] if best else np.nan
        mark = r"$^\dagger$" if best and at_a_bound(g.loc[best]) else ""
        best_cell = (f"{_form_tex(best)}{mark} ({_pct(share)}\\%)" if best and np.isfinite(share)
                     else (_form_tex(best) + mark if best else "--"))
        seeds, steps = scales[family]
        curve = f"{target.replace('_', '')}, {get_activation(activation).latex}"
        held = g["held_out_widths"].iloc[0].replace(" ", ", ")
        lines.append(rf"{family} & {seeds:,} $\times$ {steps:,} & {curve} & {held} & " + " & ".join(cells)
                     + rf" & {best_cell} \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def best_form(g: pd.DataFrame) -> str | None:
    """The contestant that extrapolates best: highest bootstrap win rate, else lowest point
    error (within ``TIE``, the simplest)."""
    ok = g[g["fitted"] & g["extrapolation_error"].notna()].set_index("form")
    if ok.empty:
        return None
    if ok["win_rate"].notna().all() and ok["win_rate"].sum() > 0:
        return str(ok["win_rate"].idxmax())
    near = ok[ok["extrapolation_error"] <= ok["extrapolation_error"].min() + TIE]
    return str(near.index[0])  # CONTESTANTS order: the simplest of those that tie


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


def _bound_clause(form: str, r: pd.Series) -> str:
    """How a fit meets its bounds: at its point (and in what share of the resamples), or at one
    end of an interval; empty if it does not."""
    if r["at_bound"]:
        return (f"{_form_tex(form)} has {bound_phrase(r['at_bound'])} (so do {_pct(r['bound_share'])}\\% of its "
                f"resampled fits)")
    reached = interval_bounds(r)
    if reached:
        return (f"{_form_tex(form)}'s interval reaches {bound_phrase(reached)} ({_pct(r['bound_share'])}\\% of its "
                f"resampled fits sit at a bound)")
    return ""


def _bounds_sentence(g: pd.DataFrame) -> str:
    """Which of a curve's fits meet a bound, at their point or at one end of an interval."""
    hits = [c for form, r in g.iterrows() if r["fitted"] and (c := _bound_clause(form, r))]
    return "; ".join(hits) if hits else "no fitted parameter or interval reaches a bound"


def _best_note(g: pd.DataFrame, best: str | None) -> str:
    """Empty, or a clause saying that the winning fit is a boundary solution."""
    if not best or not at_a_bound(g.loc[best]):
        return ""
    return ", a boundary solution (" + _bound_clause(best, g.loc[best]) + "), so read its win with care"


def _family_sentence(fits: pd.DataFrame, family: str, scales: dict[str, list[int]]) -> str:
    """Per family of grids: its scale, how many curves each contestant wins, and at a bound how often."""
    curves = fits[fits["family"] == family].groupby(["target", "activation"])
    bests = [(b, at_a_bound(g.set_index("form").loc[b])) for _, g in curves if (b := best_form(g))]
    if not bests:
        return f"the {FAMILY_NAMES[family]} have no curve with a held-out width"
    wins = []
    for form in CONTESTANTS:
        n = sum(b == form for b, _ in bests)
        bound = sum(b == form and hit for b, hit in bests)
        if n:
            wins.append(f"{_form_tex(form)} on {n}" + (f" ({bound} of them at a bound)" if bound else ""))
    return (f"on the {FAMILY_NAMES[family]} ({_scale(scales, family)}; {len(bests)} curves) the best extrapolator is "
            + ", ".join(wins))


def _forms_macros(fits: pd.DataFrame, medians: pd.DataFrame, settings: ReportSettings) -> dict[str, str]:
    m = {"ByFormsBootstrap": format_number(settings.bootstrap),
         "ByFormsConfidence": _pct(settings.confidence), "ByFormsHeldOut": format_number(settings.held_out)}
    main = fits[fits["family"] == "scaling"]
    m["ByFormsFitWidths"] = main["fit_widths"].iloc[0].replace(" ", ", ")
    m["ByFormsHeldWidths"] = main["held_out_widths"].iloc[0].replace(" ", ", ")
    tail = main[main["form"] == TAIL]["fit_widths"].iloc[0]
    m["ByFormsTailWidths"] = tail.replace(" ", ", ") if tail else NA
    m["ByFormsScalingScale"] = _scale(settings.scales, "scaling")
    for activation, g in main.groupby("activation"):
        g, a = g.set_index("form"), camel(activation)
        for form in CONTESTANTS:
            r, f = g.loc[form], _form_word(form)
            for key, value in [("C", r["c"]), ("CLow", r["c_low"]), ("CHigh", r["c_high"]),
                               ("Err", r["extrapolation_error"])]:
                m[camel("ByForms", a, f, key)] = _num(value, 2 if key.startswith("C") else 3)
        best = best_form(g.reset_index())
        m[camel("ByForms", a, "Best")] = _form_tex(best) if best else NA
        m[camel("ByForms", a, "BestShare")] = _pct(g.loc[best, "win_rate"]) if best else NA
        m[camel("ByForms", a, "BestNote")] = _best_note(g, best)
        m[camel("ByForms", a, "Bounds")] = _bounds_sentence(g)
        m[camel("ByForms", a, "EInf")] = _num(g.loc["M2", "e_inf"])
        m[camel("ByForms", a, "MFourA")] = _num(g.loc["M4", "a"], 2)
        mm = medians[(medians["family"] == "scaling") & (medians["activation"] == activation)]
        share, verdict = _floor_verdict(g, float(mm.loc[mm["width"].idxmax(), "median_test_loss"]))
        m[camel("ByForms", a, "SatVerdict")] = _saturation_verdict(g.loc["M3"], int(mm["width"].max()))
        m[camel("ByForms", a, "FloorShare")] = _pct(share)
        m[camel("ByForms", a, "FloorVerdict")] = verdict
    families = [f for f in FAMILY_NAMES if f in set(fits["family"])]
    sentence = "; ".join(_family_sentence(fits, f, settings.scales) for f in families)
    m["ByFormsFamilies"] = sentence[:1].upper() + sentence[1:]
    m4 = [f"{sum(best_form(g) == 'M4' for _, g in fits[fits['family'] == f].groupby(['target', 'activation']))} "
          f"of the {FAMILY_NAMES[f]}' curves" for f in families]
    m["ByFormsLiterature"] = "M4 is best on " + ", ".join(m4)
    return m


def _mechanism_row(mech: pd.DataFrame, activation: str, lo: int, hi: int, trimmed: bool) -> dict | None:
    """(bias^2 row, variance row) of the mechanism test, or None where the range was skipped."""
    sel = mech[(mech["activation"] == activation) & (mech["width_lo"] == lo) & (mech["width_hi"] == hi)
               & (mech["trimmed"] == trimmed)].set_index("part")
    return None if sel.empty else {"bias": sel.loc["bias2"], "variance": sel.loc["variance"]}


def mechanism_table(mech: pd.DataFrame, trim: float) -> str:
    """One row per activation, width range and seed set: the slopes of bias^2 and of the seed
    variance against width with their intervals, and whether ticket ensembling's prediction holds."""
    lines = [r"\begin{tabular}{lllccl}", r"\toprule",
             r"activation & widths & seeds & bias$^2$ slope & variance slope & prediction holds \\", r"\midrule"]
    for (activation, lo, hi, trimmed), g in mech.groupby(["activation", "width_lo", "width_hi", "trimmed"]):
        g = g.set_index("part")
        outcome, _ = mechanism_verdict(g.loc["bias2"], g.loc["variance"], mechanism_rules(activation))
        seeds = f"without worst {_pct(trim)}\\%" if trimmed else "all"
        cells = [_interval(g.loc[p, "slope"], g.loc[p, "low"], g.loc[p, "high"]) for p in ("bias2", "variance")]
        lines.append(rf"{get_activation(activation).latex} & {lo}--{hi} & {seeds} & " + " & ".join(cells)
                     + rf" & {outcome} \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def _mechanism_macros(mech: pd.DataFrame, widths: pd.DataFrame, settings: ReportSettings) -> dict[str, str]:
    """The mechanism test's slopes on the main (first) range with all seeds, its verdict, and
    whether the verdict survives the other ranges and the loss of the worst seeds."""
    ranges = settings.slope_ranges
    m = {"ByMechTrim": _pct(settings.trim), "ByMechBootstrap": format_number(settings.mechanism_bootstrap),
         "ByMechConfidence": _pct(settings.mechanism_confidence),
         "ByMechRanges": " and ".join(f"{lo}--{hi}" for lo, hi in ranges)}
    lo, hi = ranges[0]
    m["ByMechMainRange"] = f"{lo}--{hi}"
    for activation in sorted(mech["activation"].unique()):
        a, rules = camel(activation), mechanism_rules(activation)
        main = _mechanism_row(mech, activation, lo, hi, False)
        for part in ("bias", "variance"):
            r = main[part] if main else pd.Series({"slope": np.nan, "low": np.nan, "high": np.nan})
            m[camel("ByMech", a, part, "Slope")] = _interval(r["slope"], r["low"], r["high"])
        outcome = mechanism_verdict(main["bias"], main["variance"], rules)[0] if main else None
        others = [(f"over widths {r_lo}--{r_hi}" + (f" without the worst {_pct(settings.trim)}\\% of seeds"
                                                      if trimmed else ""), row)
                  for r_lo, r_hi in ranges for trimmed in (False, True)
                  if (r_lo, r_hi, trimmed) != (lo, hi, False)
                  and (row := _mechanism_row(mech, activation, r_lo, r_hi, trimmed)) is not None]
        flipped = [where for where, row in others
                   if mechanism_verdict(row["bias"], row["variance"], rules)[0] != outcome]
        m[camel("ByMech", a, "Robust")] = (
            "the verdict is the same " + ", ".join(where for where, _ in others) if not flipped
            else "the verdict differs " + ", ".join(flipped))
        w = widths[(widths["activation"] == activation) & ~widths["trimmed"]].set_index("width")
        worst = int(w["worst_share"].idxmax())
        trimmed_share = widths[(widths["activation"] == activation) & widths["trimmed"]].set_index("width")
        m[camel("ByMech", a, "WorstWidth")] = format_number(worst)
        m[camel("ByMech", a, "WorstShare")] = _pct(w.loc[worst, "worst_share"])
        m[camel("ByMech", a, "WorstVarShare")] = _pct(w.loc[worst, "variance_fraction"])
        m[camel("ByMech", a, "WorstVarShareTrimmed")] = _pct(trimmed_share.loc[worst, "variance_fraction"])
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
            "variance-dominated at every width of that range" if n_var == len(frac)
            else "bias-dominated at every width of that range" if n_var == 0
            else f"variance-dominated at {n_var} of its {len(frac)} widths")
        for part, name in (("bias2", "BiasSlope"), ("variance", "VarSlope")):
            m[camel("ByBv", a, name)] = _num(slope(w["width"], w[part]), 2) if len(w) > 1 else NA
    deviation = float(np.max(np.abs(ensembles["loss"] / ensembles["predicted"] - 1)))
    m["ByBvEnsMaxDev"] = _pct(deviation)
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
    cause = (", because averaging seeds keeps their common bias (the measured loss follows bias$^2$ + "
             "variance$/k$)" if deviation <= ENSEMBLE_AGREEMENT else "")
    m["ByBvEnsVerdict"] = (
        "close to the $1/k$ of ensembling theory at some width" if best >= 0.5 else
        f"far short of the $1/k$ of ensembling theory at every width (at best {100 * best:.0f}\\% of the $k$-fold "
        f"gain){cause}")
    return m


def _spearman_interval(x: np.ndarray, y: np.ndarray, n_boot: int, confidence: float,
                       rng: np.random.Generator) -> tuple[float, float, float]:
    """Spearman's rho of paired samples and its percentile interval over resampled pairs."""
    rho = stats.spearmanr(x, y)[0] if np.ptp(x) > 0 and np.ptp(y) > 0 else np.nan
    draws = []
    for _ in range(n_boot):
        i = rng.integers(0, len(x), len(x))
        if np.ptp(x[i]) > 0 and np.ptp(y[i]) > 0:
            draws.append(stats.spearmanr(x[i], y[i])[0])
    return (float(rho), *percentile_interval(draws, confidence))


def _track_verdict(rho: float, low: float, high: float) -> str:
    if not np.isfinite(rho):
        return "cannot be judged: the counts do not vary across seeds"
    if low > 0:
        return "correlates with it positively at this scale"
    if high < 0:
        return "correlates with it negatively at this scale"
    return "shows no detectable correlation with it (the interval includes 0)"


def _pair_verdict(together: float, decoy: float, p: float) -> str:
    if not np.isfinite(p):
        return "cannot be judged from so few pruned nets"
    if p >= SIGNIFICANCE:
        return "keeps mirror pairs together no more often than magnitude-matched decoys"
    return ("keeps mirror pairs together more often than magnitude-matched decoys" if together > decoy
            else "keeps mirror pairs together less often than magnitude-matched decoys")


def _imp_macros(best: pd.DataFrame, rounds: pd.DataFrame, pairs: pd.DataFrame, grid: pd.DataFrame,
                settings: ReportSettings) -> dict[str, str]:
    m = {"ByImpWidth": format_number(settings.width), "ByImpSeeds": format_number(settings.seeds),
         "ByImpSteps": format_number(settings.steps), "ByImpFraction": _pct(settings.fraction),
         "ByImpRounds": format_number(settings.rounds), "ByImpDenseWeights": format_number(2 * settings.width),
         "ByImpGridSteps": format_number(settings.scales["scaling"][1])}
    rng = np.random.default_rng(settings.seed)
    rates = per_seed_rates(pairs)
    for activation, b in best.groupby("activation"):
        a = camel(activation)
        eff, tick = b["effective_params"].to_numpy(float), b["effective_tickets"].to_numpy(float)
        m[camel("ByImp", a, "BelowScale")] = _num(dense_over_grid(rounds, grid, activation, settings.width), 3)
        m[camel("ByImp", a, "EffParams")] = _num(np.median(eff))
        m[camel("ByImp", a, "EffParamsLow")], m[camel("ByImp", a, "EffParamsHigh")] = (
            _num(q) for q in np.quantile(eff, [0.25, 0.75]))
        m[camel("ByImp", a, "DenseBest")] = format_number(int((b["round"] == 0).sum()))
        m[camel("ByImp", a, "EarlyBest")] = format_number(int((b["round"] <= 1).sum()))
        m[camel("ByImp", a, "Distinct")] = format_number(int(b["effective_params"].nunique()))
        m[camel("ByImp", a, "EffTickets")] = _num(np.median(tick), 2)
        m[camel("ByImp", a, "Ratio")] = _num(np.median(eff / b["ticket_weights"].to_numpy(float)), 2)
        rho, low, high = _spearman_interval(eff, tick, settings.bootstrap, settings.confidence, rng)
        m[camel("ByImp", a, "Rho")] = _interval(rho, low, high)
        m[camel("ByImp", a, "TrackVerdict")] = _track_verdict(rho, low, high)
        r = rates[rates["activation"] == activation]
        excess = (r["together"] - r["decoy"]).to_numpy()
        p_pair = stats.wilcoxon(excess).pvalue if len(excess) > 1 and np.any(excess != 0) else np.nan
        together, decoy, chance = (r[k].mean() for k in ("together", "decoy", "chance"))
        pr = pairs[(pairs["activation"] == activation) & (pairs["round"] > 0)]
        m[camel("ByImp", a, "Informative")] = format_number(int(pr["informative"].sum()))
        m[camel("ByImp", a, "PrunedRounds")] = format_number(len(pr))
        m[camel("ByImp", a, "Together")] = _num(together, 3)
        m[camel("ByImp", a, "Decoy")] = _num(decoy, 3)
        m[camel("ByImp", a, "Chance")] = _num(chance, 3)
        m[camel("ByImp", a, "DecoyShare")] = _pct((decoy - chance) / (together - chance))
        m[camel("ByImp", a, "PairP")] = _num(p_pair, 2)
        m[camel("ByImp", a, "PairVerdict")] = _pair_verdict(together, decoy, p_pair)
    return m


def dense_over_grid(rounds: pd.DataFrame, grid: pd.DataFrame, activation: str, width: int) -> float:
    """Median over seeds of the dense IMP net's test loss over the same seed's grid net of the
    same width (trained at the grid's own steps); NaN where the grid lacks that width."""
    dense = rounds[(rounds["activation"] == activation) & (rounds["round"] == 0)].set_index("seed")["test_loss"]
    g = grid[(grid["activation"] == activation) & (grid["width"] == width) & (grid["target"] == "x2")
             & ~grid["diverged"]].set_index("seed")["test_loss"]
    common = dense.index.intersection(g.index)
    return float(np.median(dense[common] / g[common])) if len(common) else np.nan


def beyond_macros(fits: pd.DataFrame, medians: pd.DataFrame, bias_variance: dict[str, pd.DataFrame],
                  imp: dict[str, pd.DataFrame], grid: pd.DataFrame, settings: ReportSettings) -> str:
    """Every number and verdict of the section. ``bias_variance``: the frames of
    :func:`~lottery.beyond.bias_variance.seed_ensembles`; ``imp``: ``rounds``, ``best`` and
    ``pairs`` (:func:`~lottery.beyond.pair_fates.pair_fates`); ``grid``: the x^2 grids' per-seed summary."""
    m = {**_forms_macros(fits, medians, settings),
         **_bv_macros(bias_variance["decomposition"], bias_variance["ensembles"], settings.wide),
         **_mechanism_macros(bias_variance["mechanism"], bias_variance["mechanism_widths"], settings),
         **_imp_macros(imp["best"], imp["rounds"], imp["pairs"], grid, settings)}
    return macro_lines(m)
