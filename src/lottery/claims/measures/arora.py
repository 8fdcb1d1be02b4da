"""Our values for the [AR] claims (Arora et al.): Figs. 1-7, S1, S3, S4, Table 1.

Everything comes from the IMP stage's ``summary.h5`` (every round of every trajectory and
each trajectory's best pruned model) and ``calibration.h5`` (Figs. 5, 6, S4 data).
Real-image claims are measured on one data set: the paper's own (MNIST, CIFAR-10) when the
run has it, else Fashion-MNIST, else the bundled 8x8 digits that stand in for them; the
text of every value names the data set.
"""
from __future__ import annotations

from typing import Callable, Mapping, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from lottery.arora.analysis.imp import MODEL_KEYS
from lottery.arora.datasets import MIXTURES
from lottery.claims.measures.base import Measurement, NotMeasurable, Results, fmt, measure, setting
from lottery.core.intervals import percentile_interval

REAL_PREFERENCE = ("mnist", "cifar10", "fashion_mnist", "digits")
SUMMARY, CALIBRATION = ("imp_summary",), ("imp_summary", "imp_calibration")
BOOTSTRAP, CONFIDENCE = 1000, 0.95


def _rounds(r: Results) -> pd.DataFrame:
    return r.frame("imp_summary", "rounds")


def _best(r: Results) -> pd.DataFrame:
    return r.frame("imp_summary", "best")


def _real_dataset(r: Results, dataset: str | None = None) -> str:
    """The real-image data set a claim is measured on (see the module docstring)."""
    present = set(_best(r)["dataset"]) - set(MIXTURES)
    if dataset is not None:
        if dataset not in present:
            raise NotMeasurable(f"no {dataset} results (config key imp.images.{dataset}_dir)")
        return dataset
    for name in REAL_PREFERENCE:
        if name in present:
            return name
    raise NotMeasurable("no real-image results")


def _real_fcn2(frame: pd.DataFrame, config: dict, dataset: str) -> pd.DataFrame:
    img = setting(config, "imp.images")
    return frame[(frame["dataset"] == dataset) & (frame["arch"] == "fcn2") & (frame["classes"] == img["classes"])
                 & frame["width"].isin(img["widths"])]


def _mixtures(frame: pd.DataFrame, config: dict, min_width: bool = True) -> pd.DataFrame:
    """Mixture rows; with ``min_width``, only start models large enough not to cap the effective
    count (imp.mixture.effective_min_width)."""
    mix = setting(config, "imp.mixture")
    sel = frame["dataset"].isin(MIXTURES) & frame["width"].isin(mix["widths"])
    if min_width:
        sel &= frame["width"] >= mix["effective_min_width"]
    return frame[sel]


def _pairs(r: Results) -> pd.DataFrame:
    """Per trajectory: its full model (round 0) beside its best pruned model."""
    full = _rounds(r)[_rounds(r)["round"] == 0]
    return full.merge(_best(r), on=MODEL_KEYS, suffixes=("_full", "_pruned"))


def _overparameterised(frame: pd.DataFrame, config: dict) -> pd.DataFrame:
    """Trajectories whose start model is large: mixtures from effective_min_width up, and every
    real-image start model of the full task."""
    real = frame[~frame["dataset"].isin(MIXTURES) & (frame["classes"] == setting(config, "imp.images.classes"))]
    return pd.concat([_mixtures(frame, config), real])


def _figs3_pairs(r: Results) -> pd.DataFrame:
    """Fig S3's own runs (three-layer FCN on Fashion-MNIST): full beside best pruned model."""
    rounds, best = r.frame("imp_figs3_summary", "rounds"), r.frame("imp_figs3_summary", "best")
    return rounds[rounds["round"] == 0].merge(best, on=MODEL_KEYS, suffixes=("_full", "_pruned"))


def scoped_pairs(r: Results, config: dict, scope: str) -> pd.DataFrame:
    """Full-vs-best pairs of the trajectories a group of claims is judged on: ``mixture`` (start
    models from effective_min_width up), ``images`` (the real data set's FCN-2 start models),
    ``overparameterised`` (both), ``calibration`` (Fig 5's mixture models), ``trajectory``
    (the real FCN-2 models of Figs 6, 7 and S4) or ``figs3`` (Fig S3's runs)."""
    if scope == "figs3":
        return _figs3_pairs(r)
    if scope == "calibration":
        return _calibration_models(r, config)
    pairs = _pairs(r)
    if scope == "mixture":
        return _mixtures(pairs, config)
    if scope == "overparameterised":
        return _overparameterised(pairs, config)
    d = _real_dataset(r)
    if scope == "images":
        return _real_fcn2(pairs, config, d)
    if scope == "trajectory":
        return _calibration_pairs(r, config)[1]
    raise ValueError(f"unknown scope {scope!r}")


def dense_curve_bumps(r: Results, config: dict, scope: str, tolerance: float) -> pd.DataFrame:
    """Per panel of the scope (``mixture``: each task and nu over every width; ``images``: the
    real FCN-2 curve), the largest rise of the dense test error with width."""
    from lottery.arora.analysis.imp import dense_bumps

    if scope == "mixture":
        return dense_bumps(_mixtures(_rounds(r), config, min_width=False), ["dataset", "nu"], tolerance)
    return dense_bumps(_real_fcn2(_rounds(r), config, _real_dataset(r)), ["dataset"], tolerance)


def _same_models(pairs: pd.DataFrame) -> str:
    """Why comparing full with best pruned models decides nothing, or "": every best model is
    the unpruned one, so both sides are the same nets."""
    if len(pairs) and (pairs["round_pruned"] == 0).all():
        return f"the best model is the unpruned one in all {len(pairs)} trajectories compared"
    return ""


def _first_descent_bottom(dense: pd.Series) -> int:
    """Width at the first local minimum of a dense test-error curve (indexed by width)."""
    err = dense.sort_index()
    for i in range(len(err) - 1):
        if err.iloc[i] <= err.iloc[i + 1]:
            return int(err.index[i])
    return int(err.index[-1])


@measure(sources=SUMMARY, sections=("images",))
def effective_growth_exponent(r: Results, config: dict) -> Measurement:
    """log(growth of the median effective parameters) / log(growth of the full model's weights)
    from the smallest to the largest FCN-2 start width."""
    d = _real_dataset(r)
    best = _real_fcn2(_best(r), config, d).groupby("width")["effective_params"].median()
    full = _real_fcn2(_rounds(r)[_rounds(r)["round"] == 0], config, d).groupby("width")["weights"].median()
    if len(best) < 2:
        raise NotMeasurable("fewer than two FCN-2 start widths (imp.images.widths)")
    lo, hi = best.index.min(), best.index.max()
    g_full, g_eff = full[hi] / full[lo], best[hi] / best[lo]
    k = float(np.log(g_eff) / np.log(g_full))
    return Measurement(k, f"exponent {k:.2f}", detail=f"{d}, P = {lo}-{hi}: {g_full:.0f}x the weights give "
                                                      f"{g_eff:.1f}x the effective parameters")


@measure(sources=SUMMARY, sections=("mixture",))
def mixture_growth_exponent(r: Results, config: dict) -> Measurement:
    """Median over mixture panels (task, nu) of log(growth of the median effective parameters) over
    log(growth of the full model's weights), smallest to largest start width from
    effective_min_width (0: the sparse minima coincide; 1: they grow with the start model)."""
    best = _pruned_best(_mixtures(_best(r), config))
    full = _mixtures(_rounds(r)[_rounds(r)["round"] == 0], config)
    exps = {}
    for (task, nu), g in best.groupby(["dataset", "nu"]):
        eff = g.groupby("width")["effective_params"].median()
        if len(eff) < 2:
            continue
        size = full[(full["dataset"] == task) & np.isclose(full["nu"], nu)].groupby("width")["weights"].median()
        lo, hi = eff.index.min(), eff.index.max()
        exps[(task, nu)] = float(np.log(eff[hi] / eff[lo]) / np.log(size[hi] / size[lo]))
    if not exps:
        raise NotMeasurable("no mixture panel has pruned best models of two start widths (imp.mixture.widths)")
    k = float(np.median(list(exps.values())))
    return Measurement(k, f"{k:.2f} (median of {len(exps)} panels)",
                       detail=", ".join(f"{t} nu={nu:g}: {v:.2f}" for (t, nu), v in exps.items()))


@measure(sources=SUMMARY, sections=("images",))
def effective_vs_first_descent(r: Results, config: dict) -> Measurement:
    """Median effective parameters of the start models at or above the bottom of the first
    descent (smaller ones cannot show it), over the weights of the dense model at that bottom."""
    d = _real_dataset(r)
    dense = _real_fcn2(_rounds(r)[_rounds(r)["round"] == 0], config, d).groupby("width")
    bottom = _first_descent_bottom(dense["test_error"].mean())
    weights = float(dense["weights"].mean()[bottom])
    best = _real_fcn2(_best(r), config, d)
    eff = float(best[best["width"] >= bottom]["effective_params"].median())
    return Measurement(eff / weights, f"ratio {eff / weights:.2f}",
                       detail=f"{d}: {fmt(eff)} effective vs {fmt(weights)} weights at P = {bottom}")


@measure(sources=SUMMARY, sections=("mixture",))
def dense_double_descent(r: Results, config: dict, tolerance: float) -> Measurement:
    """Fraction of mixture panels (task, nu) whose dense test error rises with width by more than
    ``tolerance`` above its lowest value at a smaller width."""
    bumps = dense_curve_bumps(r, config, "mixture", tolerance)
    return Measurement(float(bumps["bump"].mean()), f"{int(bumps['bump'].sum())} of {len(bumps)} panels "
                                                     f"(largest rise {bumps['rise'].max():.3f})")


def _shows_sparse_dd(err: np.ndarray) -> bool:
    """Error first worsens, then falls to an interior minimum below the full model's."""
    i = int(np.argmin(err))
    return 1 < i < len(err) - 1 and err[i] < err[0] and err[1:i].max() > err[0]


@measure(sources=SUMMARY, sections=("mixture", "images"))
def sparse_double_descent(r: Results, config: dict) -> Measurement:
    """Fraction of sparse curves (mean over repetitions) of large start models that worsen first,
    then reach an interior minimum below the full model's error."""
    rounds = _overparameterised(_rounds(r), config)
    curves = rounds.groupby(["dataset", "arch", "classes", "nu", "width", "round"], dropna=False)["test_error"].mean()
    shows = [_shows_sparse_dd(c.to_numpy()) for _, c in curves.groupby(level=[0, 1, 2, 3, 4], dropna=False)]
    return Measurement(float(np.mean(shows)), f"{sum(shows)} of {len(shows)} curves")


@measure(sources=SUMMARY, sections=("mixture", "images"))
def pruned_error_better_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of large-start trajectories whose best pruned model has a strictly lower test error."""
    p = _overparameterised(_pairs(r), config)
    better = p["test_error_pruned"] < p["test_error_full"]
    return Measurement(float(better.mean()), f"{int(better.sum())} of {len(p)} trajectories",
                       degenerate=_same_models(p))


@measure(sources=SUMMARY, sections=("mixture", "images"))
def pruned_train_error_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of trajectories of each task's widest start model whose best pruned model has a
    higher training error than the full model (does not interpolate)."""
    p = _pairs(r)
    widest = p.groupby(["dataset", "arch", "classes"], dropna=False)["width"].transform("max")
    p = p[p["width"] == widest]
    higher = p["train_error_pruned"] > p["train_error_full"]
    return Measurement(float(higher.mean()), f"{int(higher.sum())} of {len(p)}",
                       detail=f"median train error {p['train_error_full'].median():.3f} full, "
                              f"{p['train_error_pruned'].median():.3f} pruned", degenerate=_same_models(p))


@measure(sources=SUMMARY, sections=("images",))
def rescue_spread_ratio(r: Results, config: dict) -> Measurement:
    """Range over FCN-2 start widths of the best pruned models' mean test error, over the range of
    the full models'."""
    d = _real_dataset(r)
    pairs = _real_fcn2(_pairs(r), config, d)
    by_width = pairs.groupby("width")[["test_error_full", "test_error_pruned"]].mean()
    spread = by_width.max() - by_width.min()
    if spread["test_error_full"] == 0:
        raise NotMeasurable("the full models' test errors do not vary with width")
    ratio = float(spread["test_error_pruned"] / spread["test_error_full"])
    return Measurement(ratio, f"ratio {ratio:.2f}", degenerate=_same_models(pairs),
                       detail=f"{d}: pruned errors span {spread['test_error_pruned']:.3f}, full "
                              f"{spread['test_error_full']:.3f}")


@measure(sources=SUMMARY, sections=("images",))
def interpolation_peak_rescue(r: Results, config: dict, train_error_at_most: float) -> Measurement:
    """Among the FCN-2 start widths whose dense models interpolate (mean train error at most
    ``train_error_at_most``), at the one of highest dense test error: best pruned over full test error."""
    d = _real_dataset(r)
    pairs = _real_fcn2(_pairs(r), config, d)
    by_width = pairs.groupby("width")[["train_error_full", "test_error_full", "test_error_pruned"]].mean()
    fitting = by_width[by_width["train_error_full"] <= train_error_at_most]
    if fitting.empty:
        raise NotMeasurable(f"no {d} start width interpolates (train error <= {train_error_at_most:g})")
    peak = fitting["test_error_full"].idxmax()
    _, full, pruned = fitting.loc[peak]
    return Measurement(float(pruned / full), f"{d}, P = {peak}: pruned {pruned:.3f}, full {full:.3f}",
                       degenerate=_same_models(pairs[pairs["width"] == peak]))


def _pruned_best(best: pd.DataFrame) -> pd.DataFrame:
    """Best models that are pruned (round above 0): a best model that is the unpruned parent
    measures the parent's size, not an effective number of parameters (Def. 2)."""
    return best[best["round"] > 0]


def _effective(r: Results, config: dict, dataset: str, nus: list[float] | None = None) -> pd.Series:
    if dataset in MIXTURES:
        best = _pruned_best(_mixtures(_best(r), config))
        best = best[best["dataset"] == dataset]
        return best[np.isclose(best["nu"].to_numpy()[:, None], nus).any(axis=1)]["effective_params"] if nus \
            else best["effective_params"]
    best = _pruned_best(_best(r))
    return best[(best["dataset"] == _real_dataset(r, dataset))
                & (best["classes"] == setting(config, "imp.images.classes"))]["effective_params"]


@measure(sources=SUMMARY, sections=("mixture", "images"))
def effective_params_median(r: Results, config: dict, dataset: str) -> Measurement:
    """Median effective number of parameters (pruned best models of large start models)."""
    eff = _effective(r, config, dataset)
    if eff.empty:
        raise NotMeasurable(f"no {dataset} trajectories")
    return Measurement(float(eff.median()), fmt(eff.median()), detail=f"quartiles {fmt(eff.quantile(0.25))}-"
                                                                     f"{fmt(eff.quantile(0.75))}, {len(eff)} models")


@measure(sources=SUMMARY, sections=("mixture",))
def xor_linear_ratio(r: Results, config: dict) -> Measurement:
    """Median effective parameters XOR over linear at the nu values both mixtures share (the
    paper compares them "at the same nu"), with a bootstrap interval over trajectories."""
    mix = setting(config, "imp.mixture")
    shared = sorted(set(mix["linear"]["nus"]) & set(mix["xor"]["nus"]))
    if not shared:
        raise NotMeasurable("the mixtures share no nu (config keys imp.mixture.linear.nus and imp.mixture.xor.nus)")
    lin, xor = (_effective(r, config, t, shared).to_numpy() for t in MIXTURES)
    if not len(lin) or not len(xor):
        raise NotMeasurable(f"needs pruned best models of both mixtures at nu = {shared}")
    rng = np.random.default_rng(0)
    boots = [np.median(rng.choice(xor, len(xor))) / np.median(rng.choice(lin, len(lin))) for _ in range(BOOTSTRAP)]
    low, high = percentile_interval(boots, CONFIDENCE)
    ratio = float(np.median(xor) / np.median(lin))
    return Measurement(ratio, f"{ratio:.2f} [{low:.2f}, {high:.2f}]", float(low), float(high),
                       detail=f"median XOR {fmt(np.median(xor))} / linear {fmt(np.median(lin))} at nu = "
                              f"{', '.join(f'{n:g}' for n in shared)} ({len(xor)} and {len(lin)} pruned best models)")


@measure(sources=SUMMARY, sections=("mixture",))
def error_nu_correlation(r: Results, config: dict) -> Measurement:
    """Largest (least negative) Spearman correlation, over the two mixtures, of nu with the best
    pruned models' mean test error."""
    best = _mixtures(_best(r), config)
    rho = {}
    for task, g in best.groupby("dataset"):
        per_nu = g.groupby("nu")["test_error"].mean()
        if len(per_nu) < 2:
            raise NotMeasurable(f"{task} has fewer than two nu values")
        rho[task] = float(stats.spearmanr(per_nu.index, per_nu.to_numpy()).statistic)
    return Measurement(max(rho.values()), ", ".join(f"{t} {v:+.2f}" for t, v in rho.items()))


def _classes_effective(r: Results, config: dict) -> tuple[str, pd.Series]:
    img = setting(config, "imp.images")
    d = _real_dataset(r)
    best = _best(r)
    sel = best[(best["dataset"] == d) & (best["arch"] == "fcn2") & best["width"].isin(img["classes_widths"])
               & best["classes"].isin(img["classes_kept"])]
    eff = sel.groupby("classes")["effective_params"].median()
    if len(eff) < 2:
        raise NotMeasurable("fewer than two class counts (imp.images.classes_kept)")
    return d, eff


@measure(sources=SUMMARY, sections=("images",))
def classes_effective_correlation(r: Results, config: dict) -> Measurement:
    """Spearman correlation of the classes kept with the median effective parameters."""
    d, eff = _classes_effective(r, config)
    rho = float(stats.spearmanr(eff.index, eff.to_numpy()).statistic)
    return Measurement(rho, f"rho = {rho:+.2f}", detail=f"{d}, median effective parameters by classes kept: "
                                                        + ", ".join(f"{k}: {fmt(v)}" for k, v in eff.items()))


@measure(sources=SUMMARY, sections=("images",))
def classes_effective_exponent(r: Results, config: dict) -> Measurement:
    """log(effective-parameter ratio) / log(class-count ratio), fewest to most classes (1: linear)."""
    d, eff = _classes_effective(r, config)
    k = float(np.log(eff.iloc[-1] / eff.iloc[0]) / np.log(eff.index[-1] / eff.index[0]))
    return Measurement(k, f"exponent {k:.2f}", detail=f"{d}: {eff.index[0]} to {eff.index[-1]} classes")


@measure(sources=SUMMARY, sections=("images",))
def architecture_spread(r: Results, config: dict, dataset: str | None = None) -> Measurement:
    """Largest over smallest median effective parameters of the compared architectures."""
    d = _real_dataset(r, dataset)
    best = _best(r)
    best = best[(best["dataset"] == d) & (best["classes"] == setting(config, "imp.images.classes"))]
    med = {a["arch"]: best[(best["arch"] == a["arch"]) & best["width"].isin(a["widths"])]["effective_params"].median()
           for a in setting(config, "imp.images.architectures")}
    med = {a: v for a, v in med.items() if np.isfinite(v)}
    if len(med) < 2:
        raise NotMeasurable("fewer than two architectures (imp.images.architectures)")
    spread = max(med.values()) / min(med.values())
    return Measurement(float(spread), f"{spread:.1f}x", detail=f"{d}: " + ", ".join(f"{a} {fmt(v)}" for a, v in med.items()))


@measure(sources=SUMMARY, sections=("images",))
def dataset_effective_ratio(r: Results, config: dict, numerator: str, denominator: str) -> Measurement:
    """Median effective parameters of one real data set over another's."""
    num, den = (float(_effective(r, config, d).median()) for d in (numerator, denominator))
    return Measurement(num / den, f"{numerator} {fmt(num)} / {denominator} {fmt(den)}")


@measure(sources=("imp_figs3_summary",), sections=("images",))
def figs3_effective_median(r: Results, config: dict) -> Measurement:
    """Median effective parameters of Fig S3's own runs (three-layer FCN, Fashion-MNIST), pruned
    best models only."""
    best = _pruned_best(r.frame("imp_figs3_summary", "best"))
    if best.empty:
        raise NotMeasurable("no pruned best model among Fig S3's runs")
    eff = best["effective_params"]
    return Measurement(float(eff.median()), f"{fmt(eff.median())} ({fmt(eff.min())}-{fmt(eff.max())})",
                       detail=f"{len(eff)} pruned best models of start widths "
                              f"{', '.join(map(str, sorted(best['width'].unique())))}")


@measure(sources=SUMMARY, sections=("images",))
def dataset_error_ratio(r: Results, config: dict, numerator: str, denominator: str) -> Measurement:
    """Mean test error of one real data set's best pruned FCN-2 models over another's."""
    err = {}
    for d in (numerator, denominator):
        err[d] = float(_real_fcn2(_pruned_best(_best(r)), config, _real_dataset(r, d))["test_error"].mean())
    return Measurement(err[numerator] / err[denominator], f"{numerator} {err[numerator]:.3f} / "
                                                           f"{denominator} {err[denominator]:.3f}")


@measure(sources=CALIBRATION, sections=("mixture",))
def posterior_line_gap_ratio(r: Results, config: dict, dataset: str) -> Measurement:
    """Mean |predicted - true p(y=0)| along the centre line over every Fig. 5 model: best pruned over full."""
    line = r.frame("imp_calibration", "line")
    gap = (line["p0"] - line["true_p0"]).abs()[line["dataset"] == dataset].groupby(line["kind"]).mean()
    models = _calibration_models(r, config)
    return Measurement(float(gap["pruned"] / gap["full"]), f"pruned {gap['pruned']:.3f}, full {gap['full']:.3f}",
                       degenerate=_same_models(models[models["dataset"] == dataset]))


def _bootstrap_mean(x: np.ndarray) -> tuple[float, float]:
    """Percentile interval of the mean of ``x`` over resamples of its items."""
    rng = np.random.default_rng(0)
    return percentile_interval([rng.choice(x, len(x)).mean() for _ in range(BOOTSTRAP)], CONFIDENCE)


def _paired_gain(per_model: pd.DataFrame, degenerate: str) -> Measurement:
    """Per mixture, full minus pruned over its models (positive: pruned better), with a bootstrap
    interval over models; the value is the mixture where pruning gains least."""
    parts = {}
    for task, g in per_model.groupby("dataset"):
        diff = (g["full"] - g["pruned"]).to_numpy()
        if len(diff) < 2:
            raise NotMeasurable(f"{task}: fewer than two models to compare (config key imp.mixture.repetitions)")
        parts[task] = (float(diff.mean()), *_bootstrap_mean(diff))
    task = min(parts, key=lambda t: parts[t][0])
    value, low, high = parts[task]
    return Measurement(value, f"{task} {value:+.3f} [{low:+.3f}, {high:+.3f}]", low, high, degenerate=degenerate,
                       detail="full minus pruned per mixture: " + ", ".join(
                           f"{t} {v:+.3f} [{lo:+.3f}, {hi:+.3f}]" for t, (v, lo, hi) in parts.items()))


def _cloud(r: Results) -> pd.DataFrame:
    """Fig. 5c's fresh samples; results made before every model was evaluated hold one model."""
    cloud = r.frame("imp_calibration", "cloud")
    if "model" not in cloud or "true_p0" not in cloud:
        raise NotMeasurable("the calibration results hold the first model's fresh samples only, without the true "
                            "posterior (made before every model was evaluated): rerun rule imp_calibration")
    return cloud


@measure(sources=CALIBRATION, sections=("mixture",))
def posterior_cloud_gain(r: Results, config: dict) -> Measurement:
    """Mean |predicted - true p(y=0)| over fresh samples, full minus best pruned, per Fig. 5 model;
    the mixture where pruning gains least, with a bootstrap interval over models."""
    per_model = _cloud(r).groupby(["dataset", "kind", "model"])["gap"].mean().unstack("kind").reset_index()
    return _paired_gain(per_model, _same_models(_calibration_models(r, config)))


@measure(sources=CALIBRATION, sections=("mixture",))
def full_boundary_gap(r: Results, config: dict, dataset: str, band: float) -> Measurement:
    """Median |predicted - true p(y=0)| of the full models over the fresh samples near the Bayes
    boundary (true p(y=0) within ``band`` of 1/2), where the paper sees the full model confidently wrong."""
    cloud = _cloud(r)
    near = cloud[(cloud["dataset"] == dataset) & (cloud["kind"] == "full") & ((cloud["true_p0"] - 0.5).abs() <= band)]
    if near.empty:
        raise NotMeasurable(f"no fresh sample within {band:g} of the boundary (config key imp.mixture.probe_samples)")
    q = float(near["gap"].median())
    return Measurement(q, f"{q:.2f} ({len(near):,} samples with |p* - 1/2| <= {band:g})")


def _calibration_models(r: Results, config: dict) -> pd.DataFrame:
    """Full-vs-pruned pairs of the mixtures' Fig. 5 start models (calibration width, first figure nu)."""
    mix = setting(config, "imp.mixture")
    p = _pairs(r)
    parts = [p[(p["dataset"] == t) & (p["width"] == mix["calibration_width"])
               & np.isclose(p["nu"], mix[t]["figure_nus"][0])] for t in MIXTURES]
    return pd.concat(parts)


@measure(sources=SUMMARY, sections=("mixture",))
def mixture_ece(r: Results, config: dict, kind: str) -> Measurement:
    """Largest mean ECE over the two mixtures of the full or best pruned Fig. 5 models."""
    models = _calibration_models(r, config)
    ece = models.groupby("dataset")[f"ece_{kind}"].mean()
    return Measurement(float(ece.max()), ", ".join(f"{d} {v:.3f}" for d, v in ece.items()),
                       degenerate=_same_models(models))


@measure(sources=SUMMARY, sections=("mixture",))
def mixture_ece_gain(r: Results, config: dict) -> Measurement:
    """ECE of the full minus the best pruned Fig. 5 models, paired per model; the mixture where
    pruning gains least, with a bootstrap interval over models."""
    models = _calibration_models(r, config)
    return _paired_gain(models.rename(columns={"ece_full": "full", "ece_pruned": "pruned"}), _same_models(models))


@measure(sources=SUMMARY, sections=("mixture",))
def small_dense_ece_gap(r: Results, config: dict) -> Measurement:
    """Largest |ECE of the best small full model - ECE of the best pruned model| over the mixtures;
    the best small full model is the dense model at the bottom of the first descent."""
    mix = setting(config, "imp.mixture")
    models = _calibration_models(r, config)
    rounds, pruned = _rounds(r), models.groupby("dataset")["ece_pruned"].mean()
    gaps = {}
    for t in MIXTURES:
        dense = rounds[(rounds["dataset"] == t) & (rounds["round"] == 0) & rounds["width"].isin(mix["widths"])
                       & np.isclose(rounds["nu"], mix[t]["figure_nus"][0])].groupby("width")
        bottom = _first_descent_bottom(dense["test_error"].mean())
        gaps[t] = (bottom, float(dense["ece"].mean()[bottom]), float(pruned[t]))
    worst = max(abs(s - p) for _, s, p in gaps.values())
    return Measurement(worst, f"largest gap {worst:.3f}", degenerate=_same_models(models),
                       detail=", ".join(f"{t}: P = {b} {s:.3f} vs pruned {p:.3f}" for t, (b, s, p) in gaps.items()))


def _calibration_pairs(r: Results, config: dict) -> tuple[str, pd.DataFrame]:
    d = _real_dataset(r)
    p = _real_fcn2(_pairs(r), config, d)
    return d, p[p["width"] == setting(config, "imp.images.calibration_width")]


# Fig. 6: the smallest difference in (confidence - accuracy) between full and pruned models that
# counts as "pruned less over-confident" for "partly".
CONFIDENCE_MIN_EFFECT = 0.01


@measure(sources=CALIBRATION, sections=("images",))
def real_confidence_pattern(r: Results, config: dict) -> Measurement:
    """Fig. 6's pattern: 1 if the full models are over-confident (mean confidence above accuracy) and
    the best pruned ones under-confident; 0.5 if only the direction holds (pruned less over-confident
    than full by at least CONFIDENCE_MIN_EFFECT); else 0."""
    d, p = _calibration_pairs(r, config)
    conf = r.frame("imp_calibration", "confidence")
    conf = conf[conf["dataset"] == d].groupby("kind")["confidence"].mean()
    excess = {k: float(conf[k] - (1 - p[f"test_error_{k}"].mean())) for k in ("full", "pruned")}
    if excess["full"] > 0 > excess["pruned"]:
        value = 1.0
    elif excess["full"] - excess["pruned"] >= CONFIDENCE_MIN_EFFECT:
        value = 0.5
    else:
        value = 0.0
    return Measurement(value, f"{excess['full']:+.3f} full, {excess['pruned']:+.3f} pruned", degenerate=_same_models(p),
                       detail=f"{d}: mean confidence minus accuracy")


@measure(sources=SUMMARY, sections=("images",))
def noisy_ece_ratio(r: Results, config: dict) -> Measurement:
    """Mean ECE against noisy test labels: best pruned over full (calibration width)."""
    d, p = _calibration_pairs(r, config)
    full, pruned = p["ece_noisy_full"].mean(), p["ece_noisy_pruned"].mean()
    return Measurement(float(pruned / full), f"pruned {pruned:.3f}, full {full:.3f}", degenerate=_same_models(p),
                       detail=f"{d}: mean noisy-label ECE")


def _trajectories(r: Results, config: dict) -> tuple[str, list[pd.DataFrame]]:
    """Fig. 7: each repetition's IMP trajectory (rounds in order) of the calibration-width FCN-2."""
    d = _real_dataset(r)
    rounds = _real_fcn2(_rounds(r), config, d)
    rounds = rounds[rounds["width"] == setting(config, "imp.images.calibration_width")]
    if rounds.empty:
        raise NotMeasurable(f"no {d} FCN-2 trajectory at imp.images.calibration_width")
    return d, [g.sort_values("round") for _, g in rounds.groupby("repetition")]


PERMUTATIONS = 2000


class Chance(NamedTuple):
    """A statistic against its permutation baseline: the observed mean, how often chance gives as
    much (``p_value``), and chance's own mean."""

    observed: float
    p_value: float
    null_mean: float


Columns = Mapping[str, np.ndarray]


def _against_chance(trajectories: list[pd.DataFrame], statistic: Callable[[Columns], float], column: str,
                    alternative: str) -> Chance:
    """The mean over trajectories of ``statistic(trajectory)``, and how often shuffling ``column``
    over each trajectory's rounds gives a mean at least as large (``greater``) or as small
    (``less``): a permutation baseline over rounds. The statistic reads each trajectory's columns as
    arrays: a data frame per permutation would make the baseline cost seconds."""
    columns = [{c: t[c].to_numpy() for c in t.columns} for t in trajectories]
    observed = float(np.mean([statistic(t) for t in columns]))
    rng = np.random.default_rng(0)
    null = np.empty(PERMUTATIONS)
    for k in range(PERMUTATIONS):
        null[k] = np.mean([statistic({**t, column: rng.permutation(t[column])}) for t in columns])
    hits = null >= observed if alternative == "greater" else null <= observed
    return Chance(observed, float((1 + hits.sum()) / (1 + PERMUTATIONS)), float(null.mean()))


def _initial_rise(t: Columns, column: str) -> float:
    """Rise of the ECE above the full model's before its minimum (at round 1 if the minimum is there)."""
    ece = t[column]
    before = ece[1:int(np.argmin(ece))]
    return float((before.max() if len(before) else ece[min(1, len(ece) - 1)]) - ece[0])


@measure(sources=SUMMARY, sections=("images",))
def ece_initial_rise(r: Results, config: dict) -> Measurement:
    """Smaller, over clean and noisy labels, mean rise of the ECE above the full model's before its
    minimum, with its permutation baseline over rounds (the larger p of the two)."""
    d, traj = _trajectories(r, config)
    res = {c: _against_chance(traj, lambda t, c=c: _initial_rise(t, c), c, "greater") for c in ("ece", "ece_noisy")}
    value, p = min(c.observed for c in res.values()), max(c.p_value for c in res.values())
    return Measurement(value, f"{res['ece'].observed:+.3f} clean, {res['ece_noisy'].observed:+.3f} noisy", p_value=p,
                       detail=f"{d}: permutation p = {res['ece'].p_value:.2f} clean, {res['ece_noisy'].p_value:.2f} noisy "
                              f"({len(traj)} trajectories)")


@measure(sources=SUMMARY, sections=("images",))
def ece_fall_ratio(r: Results, config: dict) -> Measurement:
    """Larger, over clean and noisy labels, ratio of the lowest ECE along IMP to the full model's
    (mean over repetitions per round)."""
    d, traj = _trajectories(r, config)
    mean = pd.concat(traj).groupby("round")[["ece", "ece_noisy"]].mean().sort_index()
    ratio = {c: float(mean[c].min() / mean[c].iloc[0]) for c in ("ece", "ece_noisy")}
    return Measurement(max(ratio.values()), f"{ratio['ece']:.2f} clean, {ratio['ece_noisy']:.2f} noisy", detail=d)


def _excess_error_at_min(t: Columns, column: str) -> float:
    """Test error at the round of lowest ``column`` minus the lowest test error of the trajectory."""
    return float(t["test_error"][int(np.argmin(t[column]))] - t["test_error"].min())


@measure(sources=SUMMARY, sections=("images",))
def clean_ece_minimum_excess_error(r: Results, config: dict) -> Measurement:
    """Mean over trajectories of the test error at the round of lowest clean-label ECE minus the
    lowest test error, with its permutation baseline (the ECE shuffled over rounds)."""
    d, traj = _trajectories(r, config)
    excess, p, _ = _against_chance(traj, lambda t: _excess_error_at_min(t, "ece"), "ece", "greater")
    return Measurement(excess, f"{excess:+.3f} (p = {p:.2f})", p_value=p,
                       detail=f"{d}: test error above the lowest at the round of lowest clean ECE, {len(traj)} trajectories")


def _noisy_ece_excess(t: Columns) -> float:
    """Noisy-label ECE of the best (lowest test error) round minus the lowest noisy-label ECE."""
    return float(t["ece_noisy"][int(np.argmin(t["test_error"]))] - t["ece_noisy"].min())


@measure(sources=SUMMARY, sections=("images",))
def noisy_ece_at_best(r: Results, config: dict) -> Measurement:
    """How far the best pruned model's noisy-label ECE lies above the lowest along IMP, minus what
    chance gives (the noisy-label ECE shuffled over rounds); negative: closer to optimal than chance."""
    d, traj = _trajectories(r, config)
    excess, p, chance = _against_chance(traj, _noisy_ece_excess, "ece_noisy", "less")
    best_rounds = [int(t["round"].iloc[int(np.argmin(t["test_error"].to_numpy()))]) for t in traj]
    return Measurement(excess - chance, f"{excess:.3f} (chance {chance:.3f})", p_value=p,
                       detail=f"{d}: noisy-label ECE of the best round above the lowest along IMP",
                       degenerate="" if any(best_rounds) else "the best round is 0 in every trajectory")


@measure(sources=SUMMARY, sections=("mixture", "images"))
def pruned_ece_better_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of large-start trajectories whose best pruned model has a lower ECE than the full one."""
    p = _overparameterised(_pairs(r), config)
    better = p["ece_pruned"] < p["ece_full"]
    return Measurement(float(better.mean()), f"{int(better.sum())} of {len(p)} trajectories",
                       degenerate=_same_models(p))
