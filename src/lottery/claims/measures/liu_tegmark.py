"""Our values for the [LT] claims (Liu & Tegmark): Figs. 1c-13, Eqs. 2 and 11, Sec. 4.

Each function reads the [LT] stage's result files (grids' summaries, the width-2 analysis,
ensembling, symmetry, splitting, distillation, the other targets) and returns one
:class:`Measurement`; exponents carry the seed-bootstrap interval the scaling stage uses.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from lottery.claims.measures.base import Measurement, NotMeasurable, Results, fmt, measure, setting
from lottery.core.intervals import percentile_interval
from lottery.liu_tegmark.analysis.scaling import bootstrap_alphas, bootstrap_exponent, converged, median_exponent

FAMILY_SUMMARY = {"scaling": "scaling_summary", "targets": "targets_summary",
                  "multiplication": "multiplication_summary"}
PARAM_NAMES = ("w1", "w2", "b1", "b2", "v1", "v2", "c")


def _losses_by_width(table: pd.DataFrame, target: str, activation: str, lo: int, hi: int) -> dict[int, np.ndarray]:
    ok = converged(table)
    sel = ok[(ok["target"] == target) & (ok["activation"] == activation) & ok["width"].between(lo, hi)]
    return {int(w): g["test_loss"].to_numpy() for w, g in sel.groupby("width")}


@measure(sources=("scaling_summary",), sections=("scaling",))
def scaling_exponent(r: Results, config: dict, activation: str, widths: list[int], target: str = "x2") -> Measurement:
    """Exponent alpha of median loss ~ N^-alpha over a width range, with its bootstrap interval."""
    lo, hi = widths
    by_width = _losses_by_width(r.frame("scaling_summary", "table"), target, activation, lo, hi)
    if len(by_width) < 2:
        raise NotMeasurable(f"fewer than two widths of {lo}-{hi} in the {target} {activation} grid")
    a = setting(config, "scaling.analysis")
    alpha, _, low, high = bootstrap_exponent(by_width, a["bootstrap"], a["confidence"])
    return Measurement(alpha, f"{alpha:.2f} [{low:.2f}, {high:.2f}] (N = {min(by_width)}-{max(by_width)})", low, high)


@measure(sources=("scaling_summary",), sections=("scaling",))
def exponent_drop(r: Results, config: dict, activation: str, early: list[int], late: list[int],
                  target: str = "x2") -> Measurement:
    """Exponent over the early widths minus the one over the late widths, with a bootstrap interval
    (the two ranges share no width, so their resamples are independent)."""
    table = r.frame("scaling_summary", "table")
    parts = [_losses_by_width(table, target, activation, *span) for span in (early, late)]
    if any(len(p) < 2 for p in parts) or set(parts[0]) & set(parts[1]):
        raise NotMeasurable(f"needs two disjoint width ranges {early} and {late} with two widths each")
    a = setting(config, "scaling.analysis")
    rng = np.random.default_rng(0)
    diffs = bootstrap_alphas(parts[0], a["bootstrap"], rng) - bootstrap_alphas(parts[1], a["bootstrap"], rng)
    point = [median_exponent(p)[0] for p in parts]
    low, high = percentile_interval(diffs, a["confidence"])
    drop = point[0] - point[1]
    return Measurement(drop, f"{point[0]:.2f} - {point[1]:.2f} = {drop:.2f} [{low:.2f}, {high:.2f}]", low, high)


@measure(sources=("scaling_medians",), sections=("scaling",))
def median_loss_span(r: Results, config: dict, widths: list[int], target: str = "x2") -> Measurement:
    """Smallest and largest median test loss over the widths and activations of the x^2 grid."""
    m = r.frame("scaling_medians")
    sel = m[(m["target"] == target) & m["width"].between(*widths)]["median_test_loss"].dropna()
    if sel.empty:
        raise NotMeasurable(f"no widths of {widths[0]}-{widths[1]} in the scaling grid")
    return Measurement((float(sel.min()), float(sel.max())), f"{fmt(sel.min())} to {fmt(sel.max())}")


@measure(sources=("scaling_summary",), sections=("scaling",))
def width_one_floor(r: Results, config: dict, activation: str, target: str = "x2") -> Measurement:
    """Best width-1 loss over the median loss of the widest grid width (above 1: no width-1 net
    found the perfect one-neuron solution)."""
    ok = converged(r.frame("scaling_summary", "table"))
    ok = ok[(ok["target"] == target) & (ok["activation"] == activation)]
    widest = int(ok["width"].max())
    best_one = float(ok[ok["width"] == 1]["test_loss"].min())
    median_wide = float(ok[ok["width"] == widest]["test_loss"].median())
    ratio = best_one / median_wide
    return Measurement(ratio, f"ratio {fmt(ratio)}",
                       detail=f"best N = 1: {fmt(best_one)}; median N = {widest}: {fmt(median_wide)}")


@measure(sources=("algorithms",), sections=())
def silu_taylor_deviation(r: Results, config: dict, A: float, x_star: float, B: float) -> Measurement:
    """Largest relative difference between our SiLU expansion (A, |z*|, B) and the paper's."""
    t = r.frame("algorithms", "taylor").iloc[0]
    dev = max(abs(t["A"] - A) / abs(A), abs(abs(t["z_star"]) - x_star) / x_star, abs(t["B"] - B) / abs(B))
    return Measurement(dev, f"max deviation {dev:.1%}",
                       detail=f"A = {t['A']:.4f}, x* = {t['z_star']:.4f}, B = {t['B']:.4f}")


@measure(sources=("symmetry",), sections=("wide",))
def mirror_symmetry_ratio(r: Results, config: dict) -> Measurement:
    """Mean distance to the nearest mirrored neuron over that of a bias-shuffled cloud (0: exact
    mirror pairs; 1: chance)."""
    s = r.frame("symmetry", "stats").iloc[0]
    return Measurement(float(s["ratio"]), f"{s['ratio']:.2f} (N = {int(s['width'])})")


@measure(sources=("symmetry",), sections=("wide",))
def bell_curve_correlation(r: Results, config: dict) -> Measurement:
    """Spearman correlation of |w| with b over the wide net's neurons (strongly negative: b peaks
    at w = 0 and falls off on both sides, a bell)."""
    n = r.frame("symmetry", "neurons")
    rho = float(stats.spearmanr(np.abs(n["w"]), n["b"]).statistic)
    return Measurement(rho, f"rho = {rho:.2f}", detail=f"Spearman rho(|w|, b) over {len(n)} neurons")


@measure(sources=("algorithms",), sections=("scaling",))
def width_two_peaks(r: Results, config: dict, below_loss: float | None = None) -> Measurement:
    """Peaks of the width-2 log-loss density (all, or those below a loss)."""
    logs = r.frame("algorithms", "peaks")["log10_loss"]
    if below_loss is not None:
        logs = logs[logs < np.log10(below_loss)]
    where = ", ".join(f"{x:.1f}" for x in logs)
    return Measurement(float(len(logs)), f"{len(logs)} (log10 loss {where})" if len(logs) else "0")


def _lowest_cluster(r: Results) -> pd.DataFrame:
    nets = r.frame("algorithms", "nets")
    lucky = nets[nets["cluster"] == 0]
    if lucky.empty:
        raise NotMeasurable("the width-2 nets formed no cluster")
    return lucky


@measure(sources=("algorithms",), sections=("scaling",))
def lucky_mirror_fraction(r: Results, config: dict, tolerance: float) -> Measurement:
    """Fraction of the lowest-loss cluster's nets whose neurons are a mirror pair (every relative
    asymmetry of w, b, v below ``tolerance``)."""
    from lottery.liu_tegmark.analysis.clusters import mirror_asymmetry

    lucky = _lowest_cluster(r)
    mirror = [max(mirror_asymmetry(p).values()) < tolerance for p in lucky[list(PARAM_NAMES)].to_numpy()]
    frac = float(np.mean(mirror))
    return Measurement(frac, f"{frac:.0%} of {len(lucky)} nets")


@measure(sources=("algorithms",), sections=("scaling",))
def lucky_ticket_deviation(r: Results, config: dict, params: dict[str, float]) -> Measurement:
    """Largest relative difference between the lowest-loss cluster's representative and Eq. 2."""
    clusters = r.frame("algorithms", "clusters")
    if clusters.empty:
        raise NotMeasurable("the width-2 nets formed no cluster")
    rep = clusters[clusters["cluster"] == 0].iloc[0]
    dev = max(abs(rep[k] - v) / abs(v) for k, v in params.items())
    shown = ", ".join(f"{rep[k]:.3g}" for k in PARAM_NAMES)
    return Measurement(float(dev), f"max deviation {dev:.0%}", detail=f"({shown})")


@measure(sources=("algorithms",), sections=("scaling",))
def width_two_clusters(r: Results, config: dict) -> Measurement:
    """Clusters of width-2 nets in parameter space, neuron swap removed."""
    clusters, nets = r.frame("algorithms", "clusters"), r.frame("algorithms", "nets")
    return Measurement(float(len(clusters)), f"{len(clusters)} ({int((nets['cluster'] < 0).sum())} nets unclustered)")


@measure(sources=("algorithms",), sections=("scaling",))
def mirror_clusters(r: Results, config: dict, tolerance: float) -> Measurement:
    """(symmetric, asymmetric) clusters: those whose representative net is a mirror pair, and the rest."""
    from lottery.liu_tegmark.analysis.clusters import mirror_asymmetry

    clusters = r.frame("algorithms", "clusters")
    mirror = sum(max(mirror_asymmetry(p).values()) < tolerance for p in clusters[list(PARAM_NAMES)].to_numpy())
    return Measurement((float(mirror), float(len(clusters) - mirror)),
                       f"{mirror} symmetric, {len(clusters) - mirror} asymmetric")


def _histograms(r: Results, config: dict, family: str, targets: list[str] | None) -> pd.DataFrame:
    table = converged(r.frame(FAMILY_SUMMARY[family], "table"))
    if family == "scaling":
        table = table[(table["target"] == "x2") & (table["activation"] == setting(config, "tickets.activation"))]
    if targets is not None:
        table = table[table["target"].isin(targets)]
    return table


@measure(sources=tuple(FAMILY_SUMMARY.values()), sections=("{family}",))
def histogram_modality(r: Results, config: dict, family: str, want: str, targets: list[str] | None = None,
                       width_min: int = 0, width_max: int = 10**9) -> Measurement:
    """Fraction of the (target, width) loss histograms in a width window that are ``want``
    (multimodal: two or more density peaks; unimodal: one), peaks found as in Fig. 2b."""
    from lottery.liu_tegmark.analysis.clusters import log_loss_peaks

    table = _histograms(r, config, family, targets)
    table = table[table["width"].between(width_min, width_max)]
    if table.empty:
        raise NotMeasurable(f"no {family} grid has widths in {width_min}-{width_max}")
    prominence = setting(config, "tickets.algorithms.peak_prominence")
    peaks = {key: len(log_loss_peaks(g["test_loss"].to_numpy(), prominence=prominence))
             for key, g in table.groupby(["target", "width"])}
    hits = [(n >= 2) == (want == "multimodal") for n in peaks.values()]
    shown = ", ".join(f"{t} N={w}: {n}" for (t, w), n in peaks.items())
    return Measurement(float(np.mean(hits)), f"{sum(hits)} of {len(hits)} {want}", detail=f"peaks: {shown}")


def _ensembling_row(r: Results, width: int) -> pd.Series:
    table = r.frame("ensembling", "table")
    row = table[table["width"] == width]
    if row.empty:
        raise NotMeasurable(f"width {width} is not in tickets.ensembling.widths")
    return row.iloc[0]


@measure(sources=("ensembling",), sections=("scaling",))
def ensemble_gap(r: Results, config: dict, width: int) -> Measurement:
    """Decades by which width-N nets beat the half-harmonic ensembles of two width-N/2 nets
    (median log10 loss of the ensembles minus that of the width-N nets)."""
    row = _ensembling_row(r, width)
    gap = float(row["median_log10_ensemble"] - row["median_log10_actual"])
    return Measurement(gap, f"{gap:+.2f} decades", detail=f"median log10 loss: width {width} "
                       f"{row['median_log10_actual']:.2f}, ensembles {row['median_log10_ensemble']:.2f}")


@measure(sources=("ensembling",), sections=("scaling",))
def ensemble_distance(r: Results, config: dict, widths: list[int]) -> Measurement:
    """Largest Wasserstein-1 distance (decades of loss) between width-N nets and ensembles."""
    rows = [_ensembling_row(r, w) for w in widths]
    worst = max(float(row["wasserstein"]) for row in rows)
    return Measurement(worst, ", ".join(f"N={w}: {row['wasserstein']:.2f}" for w, row in zip(widths, rows)))


@measure(sources=("ensembling",), sections=("scaling",))
def ensemble_distances(r: Results, config: dict) -> Measurement:
    """KS statistic between width-N nets and ensembles, in increasing N."""
    table = r.frame("ensembling", "table").sort_values("width")
    if len(table) < 2:
        raise NotMeasurable("tickets.ensembling.widths has fewer than two widths")
    return Measurement(tuple(float(k) for k in table["ks"]), ", ".join(f"{k:.2f}" for k in table["ks"]),
                       detail="KS statistic " + ", ".join(f"N={w}: {k:.2f}" for w, k in zip(table["width"], table["ks"])))


@measure(sources=("scaling_fits",), sections=("scaling",))
def llm_parameter_exponent(r: Results, config: dict) -> Measurement:
    """Our x^2 exponent of the ticket-ensembling activation divided by 3 (width ~ P^(1/3))."""
    fits = r.frame("scaling_fits")
    name = setting(config, "tickets.llm.fit_range")
    row = fits[(fits["target"] == "x2") & (fits["activation"] == setting(config, "tickets.activation"))
               & (fits["range"] == name)]
    if row.empty:
        raise NotMeasurable(f"no x2 fit over the range {name!r} (tickets.llm.fit_range)")
    f = row.iloc[0]
    value, low, high = f["alpha"] / 3, f["alpha_low"] / 3, f["alpha_high"] / 3
    return Measurement(value, f"{value:.3f} [{low:.3f}, {high:.3f}]", low, high)


def _within(f: dict, factor: float) -> bool:
    return 1 / factor <= f["alpha_low"] and f["alpha_high"] <= factor


TARGET_TESTS = {
    "equivalent_one": _within,
    "between_zero_and_one": lambda f, factor: f["alpha"] > 0 and f["alpha_high"] < 1,
    "not_decreasing": lambda f, factor: f["alpha_low"] <= 0,
}


def _target_fit(r: Results, config: dict, target: str, widths: list[int] | None) -> dict:
    """A target's fitted exponent with its interval: the family fit, or a fit over ``widths``."""
    if widths is None:
        rows = r.frame("targets_fits")
        rows = rows[rows["target"] == target]
        if rows.empty:
            raise NotMeasurable(f"no fit for {target} (tickets.targets.targets)")
        return rows.iloc[0].to_dict()
    table = r.frame("targets_summary", "table")
    activation = setting(config, "tickets.activation")
    by_width = _losses_by_width(table, target, activation, *widths)
    if len(by_width) < 2:
        raise NotMeasurable(f"fewer than two widths of {widths[0]}-{widths[1]} in the {target} grid")
    a = setting(config, "scaling.analysis")
    alpha, _, low, high = bootstrap_exponent(by_width, a["bootstrap"], a["confidence"])
    return {"target": target, "alpha": alpha, "alpha_low": low, "alpha_high": high}


@measure(sources=("targets_fits", "targets_summary"), sections=("targets/{targets}",))
def target_exponents_matching(r: Results, config: dict, targets: list[str], test: str, factor: float = 1.0,
                              early: list[str] | None = None, early_widths: list[int] | None = None,
                              other_ranges: list[list[int]] | None = None) -> Measurement:
    """Fraction of the named targets whose exponent passes ``test`` (see TARGET_TESTS; ``factor``:
    the equivalence margin); targets in ``early`` are fitted over ``early_widths`` only, where
    the paper says they follow the law in an early stage. A target that fails is refitted over
    each of ``other_ranges`` (a cause tested: the width range of the fit), shown in the detail;
    the verdict stays the one over the family's range."""
    fits = [_target_fit(r, config, t, early_widths if t in (early or []) else None) for t in targets]
    passed = [bool(TARGET_TESTS[test](f, factor)) for f in fits]
    show = lambda f: f"{f['alpha']:.2f} [{f['alpha_low']:.2f}, {f['alpha_high']:.2f}]"  # noqa: E731
    shown = ", ".join(f"{f['target']}{' (early)' if f['target'] in (early or []) else ''} {show(f)}" for f in fits)
    refits = [f"{f['target']} over N = {lo}-{hi}: {show(_target_fit(r, config, f['target'], [lo, hi]))}"
              for f, ok in zip(fits, passed) if not ok and f["target"] not in (early or [])
              for lo, hi in other_ranges or []]
    if refits:
        shown += "; refitted: " + ", ".join(refits)
    return Measurement(float(np.mean(passed)), f"{sum(passed)} of {len(passed)}", detail=shown)


def _log_losses(r: Results, width_min: int) -> dict[str, dict[int, np.ndarray]]:
    """Per target and width from ``width_min``, the converged nets' log10 test losses."""
    table = converged(r.frame("targets_summary", "table"))
    table = table[table["width"] >= width_min]
    return {t: {int(w): np.log10(g["test_loss"].to_numpy()) for w, g in by_t.groupby("width")}
            for t, by_t in table.groupby("target")}


def _target_log_losses(r: Results, target: str, width_min: int) -> dict[str, dict[int, np.ndarray]]:
    """:func:`_log_losses`, refusing a run without the target's grid."""
    losses = _log_losses(r, width_min)
    if target not in losses:
        raise NotMeasurable(f"no {target} grid at widths from {width_min} (tickets.targets.targets, .widths)")
    return losses


def _quantile_skew(x: np.ndarray) -> float:
    """Bowley's skewness over the 10/50/90% quantiles: the tail's side, blind to a few outliers."""
    q10, q50, q90 = np.quantile(x, [0.1, 0.5, 0.9])
    return float((q90 - 2 * q50 + q10) / (q90 - q10)) if q90 > q10 else 0.0


@measure(sources=("targets_summary",), sections=("targets/{target}",))
def log_loss_skewness(r: Results, config: dict, target: str, width_min: int,
                      other_width_min: int | None = None) -> Measurement:
    """Median over widths from ``width_min`` of the skewness of the target's log10 losses
    (negative: a heavy tail to the left, towards low losses). The detail also gives, as causes
    tested, the outlier-proof quantile skewness and both reads over widths from ``other_width_min``."""
    by_width = _target_log_losses(r, target, min(width_min, other_width_min or width_min))[target]
    reads = {w: (float(stats.skew(x)), _quantile_skew(x)) for w, x in by_width.items()}  # (moments, quantiles)
    kept = {w: read for w, read in reads.items() if w >= width_min}
    value = float(np.median([skew for skew, _ in kept.values()]))
    detail = ", ".join(f"N={w}: {skew:+.2f}" for w, (skew, _) in kept.items())
    detail += "; quantile skewness " + ", ".join(f"N={w}: {q:+.2f}" for w, (_, q) in kept.items())
    if other_width_min is not None:
        skews, quantiles = zip(*reads.values())
        detail += (f"; over widths from {other_width_min}: median skewness {np.median(skews):+.2f}, "
                   f"quantile skewness {np.median(quantiles):+.2f}")
    return Measurement(value, f"{target}: {value:+.2f}", detail=detail)


@measure(sources=("targets_summary",), sections=("targets",))
def log_loss_spread_ratio(r: Results, config: dict, target: str, width_min: int) -> Measurement:
    """The target's interquartile range of log10 loss (median over widths from ``width_min``) over
    the median of the other targets' (small: concentrated like a delta function)."""
    spread = {t: float(np.median([stats.iqr(x) for x in by_width.values()]))
              for t, by_width in _target_log_losses(r, target, width_min).items()}
    if len(spread) < 2:
        raise NotMeasurable(f"needs {target} and another target (tickets.targets.targets)")
    others = float(np.median([v for t, v in spread.items() if t != target]))
    ratio = spread[target] / others
    return Measurement(ratio, f"ratio {ratio:.2f}", detail=f"{target} {spread[target]:.2f} vs others {others:.2f} "
                       "decades; " + ", ".join(f"{t} {v:.2f}" for t, v in spread.items()))


@measure(sources=("targets_summary", "multiplication_summary"), sections=("{family}",))
def local_exponent_contains_one(r: Results, config: dict, family: str) -> Measurement:
    """Fraction of targets with at least one pair of neighbouring widths whose exponent interval
    contains 1 (some range of the curve follows N^-1)."""
    ok = converged(r.frame(FAMILY_SUMMARY[family], "table"))
    a = setting(config, "scaling.analysis")
    found = {}
    for (target, activation), g in ok.groupby(["target", "activation"]):
        widths = sorted(g["width"].unique())
        found[target] = None
        for lo, hi in zip(widths, widths[1:]):
            by_width = {int(w): g[g["width"] == w]["test_loss"].to_numpy() for w in (lo, hi)}
            _, _, low, high = bootstrap_exponent(by_width, a["bootstrap"], a["confidence"])
            if low <= 1 <= high:
                found[target] = f"{lo}-{hi}"
                break
    if not found:
        raise NotMeasurable(f"the {family} grid is empty")
    shown = ", ".join(f"{t}: {span or 'none'}" for t, span in found.items())
    hits = sum(s is not None for s in found.values())
    return Measurement(hits / len(found), f"{hits} of {len(found)}", detail=f"widths whose exponent interval holds 1: {shown}")


def _splitting(r: Results, key: str, width_min: int, width_max: int) -> pd.DataFrame:
    frame = r.frame("splitting", key)
    frame = frame[frame["width"].between(width_min, width_max)]
    if frame.empty:
        raise NotMeasurable(f"no split net of width {width_min}-{width_max} (tickets.splitting.widths)")
    return frame


@measure(sources=("splitting",), sections=("scaling", "wide"))
def ticket_r2_fraction(r: Results, config: dict, r2: float, width_min: int = 0, width_max: int = 10**9) -> Measurement:
    """Fraction of the tickets of the shown (median-loss) nets with R^2 of at least ``r2``."""
    t = _splitting(r, "tickets", width_min, width_max)
    frac = float((t["r2"] >= r2).mean())
    return Measurement(frac, f"{frac:.0%} of {len(t)} tickets (N = {', '.join(map(str, sorted(t['width'].unique())))})")


@measure(sources=("splitting",), sections=("scaling",))
def split_mirror_symmetry(r: Results, config: dict, widths: list[int], shuffles: int = 200) -> Measurement:
    """Largest, over the shown (median-loss) nets of ``widths`` as in Fig. 12, mirror-symmetry ratio of
    their first layer (nearest mirrored neuron over a bias-shuffled baseline; 0 exact pairs, 1
    chance); the detail gives the median ratio over every net of each width."""
    from lottery.liu_tegmark.analysis.tickets import mirror_symmetry

    every = r.frame("splitting", "counts").groupby("width")["mirror_ratio"].median()
    neurons = r.frame("splitting", "neurons")
    ratios = {}
    for w in widths:
        n = neurons[neurons["width"] == w]
        if n.empty:
            raise NotMeasurable(f"width {w} was not split (tickets.splitting.widths)")
        ratios[w] = mirror_symmetry(n["w"].to_numpy(), n["b"].to_numpy(), shuffles, np.random.default_rng(0))["ratio"]
    return Measurement(max(ratios.values()), ", ".join(f"N={w}: {v:.2f}" for w, v in ratios.items()),
                       detail="median over every net: " + ", ".join(f"N={w}: {every[w]:.2f}" for w in widths))


@measure(sources=("splitting",), sections=("scaling",))
def independent_tickets(r: Results, config: dict, widths: list[int]) -> Measurement:
    """Median participation ratio of the ticket error correlations, per width."""
    counts = r.frame("splitting", "counts")
    med = counts.groupby("width")["effective"].median()
    missing = [w for w in widths if w not in med.index]
    if missing:
        raise NotMeasurable(f"widths {missing} were not split (tickets.splitting.widths)")
    values = tuple(float(med[w]) for w in widths)
    return Measurement(values, ", ".join(f"N={w}: {v:.1f}" for w, v in zip(widths, values)))


@measure(sources=("splitting",), sections=("scaling",))
def ticket_error_correlation(r: Results, config: dict, width_max: int) -> Measurement:
    """Mean off-diagonal correlation C_ij of the tickets' error functions in the shown nets."""
    corr = _splitting(r, "corr", 0, width_max)
    off = corr[corr["row"] != corr["col"]]["value"]
    if off.empty:
        raise NotMeasurable(f"the split nets up to width {width_max} have fewer than two tickets")
    return Measurement(float(off.mean()), f"mean C_ij = {off.mean():.2f}")


@measure(sources=("splitting",), sections=("scaling",))
def error_node_ratio(r: Results, config: dict, nodes: list[float], half_width: float, width_max: int) -> Measurement:
    """Mean |e_i(x)| within ``half_width`` of the nodes over its mean elsewhere, each curve scaled
    by its own mean |e| so that no ticket dominates."""
    curves = _splitting(r, "curves", 0, width_max)
    size = curves["error"].abs() / curves.groupby(["width", "rank"])["error"].transform(lambda e: e.abs().mean())
    near = np.min(np.abs(curves["x"].to_numpy()[:, None] - np.asarray(nodes)[None]), axis=1) <= half_width
    ratio = float(size[near].mean() / size[~near].mean())
    return Measurement(ratio, f"{ratio:.2f}")


@measure(sources=("distill",), sections=("scaling",))
def distill_median_gap(r: Results, config: dict) -> Measurement:
    """Median log10 loss of distilled width-2 nets minus that of ordinary ones (decades)."""
    d, o = r.frame("distill", "distilled")["test_loss"], r.frame("distill", "ordinary")["test_loss"]
    gap = float(np.median(np.log10(d)) - np.median(np.log10(o)))
    return Measurement(gap, f"{gap:+.2f} decades", detail=f"median distilled {fmt(d.median())}, ordinary {fmt(o.median())}")


@measure(sources=("distill",), sections=("scaling",))
def distill_best_loss(r: Results, config: dict) -> Measurement:
    """Lowest test loss of a distilled width-2 net."""
    best = float(r.frame("distill", "distilled")["test_loss"].min())
    return Measurement(best, fmt(best))


@measure(sources=("distill",), sections=("scaling",))
def distill_output_scale(r: Results, config: dict) -> Measurement:
    """log10 of the largest output weight |v| of the best distilled net (ill-conditioning)."""
    d = r.frame("distill", "distilled")
    best = d.loc[d["test_loss"].idxmin()]
    v = max(abs(best["v1"]), abs(best["v2"]))
    return Measurement(float(np.log10(v)), f"max|v| = {fmt(v)} (log10 {np.log10(v):.1f})")
