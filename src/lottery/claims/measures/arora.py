"""Our values for the [AR] claims (Arora et al.): Figs. 1-7, S1, S3, S4, Table 1.

Everything comes from the IMP stage's ``summary.h5`` (every round of every trajectory and
each trajectory's best pruned model) and ``calibration.h5`` (Figs. 5, 6, S4 data).
Real-image claims are measured on one data set: the paper's own (MNIST, CIFAR-10) when the
run has it, else Fashion-MNIST, else the bundled 8x8 digits that stand in for them; the
text of every value names the data set.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from lottery.arora.analysis import MODEL_KEYS
from lottery.arora.datasets import MIXTURES
from lottery.claims.measures.base import Measurement, NotMeasurable, Results, fmt, measure, setting

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
    return Measurement(k, f"{d}, P = {lo}-{hi}: {g_full:.0f}x the weights give {g_eff:.1f}x the effective "
                          f"parameters (exponent {k:.2f})")


@measure(sources=SUMMARY, sections=("images",))
def effective_vs_first_descent(r: Results, config: dict) -> Measurement:
    """Median effective parameters over the weights of the dense model at the bottom of the first descent."""
    d = _real_dataset(r)
    dense = _real_fcn2(_rounds(r)[_rounds(r)["round"] == 0], config, d).groupby("width")
    bottom = _first_descent_bottom(dense["test_error"].mean())
    weights = float(dense["weights"].mean()[bottom])
    eff = float(_real_fcn2(_best(r), config, d)["effective_params"].median())
    return Measurement(eff / weights, f"{d}: {fmt(eff)} vs {fmt(weights)} weights at P = {bottom} "
                                      f"(ratio {eff / weights:.2f})")


@measure(sources=SUMMARY, sections=("mixture",))
def dense_double_descent(r: Results, config: dict, tolerance: float) -> Measurement:
    """Fraction of mixture panels (task, nu) whose dense test error rises with width by more than
    ``tolerance`` above its lowest value at a smaller width."""
    from lottery.arora.analysis import dense_bumps

    bumps = dense_bumps(_mixtures(_rounds(r), config, min_width=False), ["dataset", "nu"], tolerance)
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
    return Measurement(float(better.mean()), f"{int(better.sum())} of {len(p)} trajectories")


@measure(sources=SUMMARY, sections=("mixture", "images"))
def pruned_train_error_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of trajectories of each task's widest start model whose best pruned model has a
    higher training error than the full model (does not interpolate)."""
    p = _pairs(r)
    widest = p.groupby(["dataset", "arch", "classes"], dropna=False)["width"].transform("max")
    p = p[p["width"] == widest]
    higher = p["train_error_pruned"] > p["train_error_full"]
    return Measurement(float(higher.mean()), f"{int(higher.sum())} of {len(p)} (median train error "
                                             f"{p['train_error_full'].median():.3f} full, "
                                             f"{p['train_error_pruned'].median():.3f} pruned)")


@measure(sources=SUMMARY, sections=("images",))
def rescue_spread_ratio(r: Results, config: dict) -> Measurement:
    """Range over FCN-2 start widths of the best pruned models' mean test error, over the range of
    the full models'."""
    d = _real_dataset(r)
    by_width = _real_fcn2(_pairs(r), config, d).groupby("width")[["test_error_full", "test_error_pruned"]].mean()
    spread = by_width.max() - by_width.min()
    if spread["test_error_full"] == 0:
        raise NotMeasurable("the full models' test errors do not vary with width")
    ratio = float(spread["test_error_pruned"] / spread["test_error_full"])
    return Measurement(ratio, f"{d}: pruned errors span {spread['test_error_pruned']:.3f}, full "
                              f"{spread['test_error_full']:.3f} (ratio {ratio:.2f})")


@measure(sources=SUMMARY, sections=("images",))
def interpolation_peak_rescue(r: Results, config: dict) -> Measurement:
    """At the FCN-2 start width of highest dense test error: best pruned over full test error."""
    d = _real_dataset(r)
    by_width = _real_fcn2(_pairs(r), config, d).groupby("width")[["test_error_full", "test_error_pruned"]].mean()
    peak = by_width["test_error_full"].idxmax()
    full, pruned = by_width.loc[peak]
    return Measurement(float(pruned / full), f"{d}, P = {peak}: pruned {pruned:.3f}, full {full:.3f}")


def _effective(r: Results, config: dict, dataset: str) -> pd.Series:
    if dataset in MIXTURES:
        best = _mixtures(_best(r), config)
        return best[best["dataset"] == dataset]["effective_params"]
    best = _best(r)
    return best[(best["dataset"] == _real_dataset(r, dataset))
                & (best["classes"] == setting(config, "imp.images.classes"))]["effective_params"]


@measure(sources=SUMMARY, sections=("mixture", "images"))
def effective_params_median(r: Results, config: dict, dataset: str) -> Measurement:
    """Median effective number of parameters (best pruned models of large start models)."""
    eff = _effective(r, config, dataset)
    if eff.empty:
        raise NotMeasurable(f"no {dataset} trajectories")
    return Measurement(float(eff.median()), f"{fmt(eff.median())} (quartiles {fmt(eff.quantile(0.25))}-"
                                            f"{fmt(eff.quantile(0.75))}, {len(eff)} models)")


@measure(sources=SUMMARY, sections=("mixture",))
def xor_linear_ratio(r: Results, config: dict) -> Measurement:
    """Median effective parameters XOR over linear, with a bootstrap interval over trajectories."""
    lin, xor = (_effective(r, config, t).to_numpy() for t in MIXTURES)
    if not len(lin) or not len(xor):
        raise NotMeasurable("needs both mixtures' trajectories")
    rng = np.random.default_rng(0)
    boots = [np.median(rng.choice(xor, len(xor))) / np.median(rng.choice(lin, len(lin))) for _ in range(BOOTSTRAP)]
    low, high = np.quantile(boots, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    ratio = float(np.median(xor) / np.median(lin))
    return Measurement(ratio, f"{ratio:.2f} [{low:.2f}, {high:.2f}] ({fmt(np.median(xor))} / {fmt(np.median(lin))})",
                       float(low), float(high))


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
    return Measurement(rho, f"{d}: rho = {rho:+.2f} (" + ", ".join(f"{k}: {fmt(v)}" for k, v in eff.items()) + ")")


@measure(sources=SUMMARY, sections=("images",))
def classes_effective_exponent(r: Results, config: dict) -> Measurement:
    """log(effective-parameter ratio) / log(class-count ratio), fewest to most classes (1: linear)."""
    d, eff = _classes_effective(r, config)
    k = float(np.log(eff.iloc[-1] / eff.iloc[0]) / np.log(eff.index[-1] / eff.index[0]))
    return Measurement(k, f"{d}: {eff.index[0]} to {eff.index[-1]} classes, exponent {k:.2f}")


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
    return Measurement(float(spread), f"{d}: " + ", ".join(f"{a} {fmt(v)}" for a, v in med.items())
                       + f" ({spread:.1f}x)")


@measure(sources=SUMMARY, sections=("images",))
def dataset_effective_ratio(r: Results, config: dict, numerator: str, denominator: str) -> Measurement:
    """Median effective parameters of one real data set over another's."""
    num, den = (float(_effective(r, config, d).median()) for d in (numerator, denominator))
    return Measurement(num / den, f"{numerator} {fmt(num)} / {denominator} {fmt(den)}")


@measure(sources=CALIBRATION, sections=("mixture",))
def posterior_line_gap_ratio(r: Results, config: dict, dataset: str) -> Measurement:
    """Mean |predicted - true p(y=0)| along the centre line: best pruned over full."""
    line = r.frame("imp_calibration", "line")
    gap = (line["p0"] - line["true_p0"]).abs()[line["dataset"] == dataset].groupby(line["kind"]).mean()
    return Measurement(float(gap["pruned"] / gap["full"]), f"pruned {gap['pruned']:.3f}, full {gap['full']:.3f}")


@measure(sources=CALIBRATION, sections=("mixture",))
def posterior_cloud_better_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of mixtures where the best pruned model's mean |predicted - true| over fresh
    samples is below the full model's."""
    gap = r.frame("imp_calibration", "cloud").groupby(["dataset", "kind"])["gap"].mean().unstack()
    better = gap["pruned"] < gap["full"]
    return Measurement(float(better.mean()), ", ".join(f"{d}: pruned {g['pruned']:.3f}, full {g['full']:.3f}"
                                                        for d, g in gap.iterrows()))


@measure(sources=CALIBRATION, sections=("mixture",))
def full_boundary_gap(r: Results, config: dict, dataset: str, quantile: float) -> Measurement:
    """A high quantile of the full model's |predicted - true p(y=0)| over fresh samples."""
    cloud = r.frame("imp_calibration", "cloud")
    q = float(cloud[(cloud["dataset"] == dataset) & (cloud["kind"] == "full")]["gap"].quantile(quantile))
    return Measurement(q, f"{q:.2f} ({quantile:.0%} quantile)")


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
    ece = _calibration_models(r, config).groupby("dataset")[f"ece_{kind}"].mean()
    return Measurement(float(ece.max()), ", ".join(f"{d} {v:.3f}" for d, v in ece.items()))


@measure(sources=SUMMARY, sections=("mixture",))
def mixture_full_worse_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of mixtures whose full Fig. 5 models have a higher mean ECE than the best pruned ones."""
    ece = _calibration_models(r, config).groupby("dataset")[["ece_full", "ece_pruned"]].mean()
    worse = ece["ece_full"] > ece["ece_pruned"]
    return Measurement(float(worse.mean()), ", ".join(f"{d}: full {e.ece_full:.3f}, pruned {e.ece_pruned:.3f}"
                                                       for d, e in ece.iterrows()))


@measure(sources=SUMMARY, sections=("mixture",))
def small_dense_ece_gap(r: Results, config: dict) -> Measurement:
    """Largest |ECE of the best small full model - ECE of the best pruned model| over the mixtures;
    the best small full model is the dense model at the bottom of the first descent."""
    mix = setting(config, "imp.mixture")
    rounds, pruned = _rounds(r), _calibration_models(r, config).groupby("dataset")["ece_pruned"].mean()
    gaps = {}
    for t in MIXTURES:
        dense = rounds[(rounds["dataset"] == t) & (rounds["round"] == 0) & rounds["width"].isin(mix["widths"])
                       & np.isclose(rounds["nu"], mix[t]["figure_nus"][0])].groupby("width")
        bottom = _first_descent_bottom(dense["test_error"].mean())
        gaps[t] = (bottom, float(dense["ece"].mean()[bottom]), float(pruned[t]))
    worst = max(abs(s - p) for _, s, p in gaps.values())
    return Measurement(worst, ", ".join(f"{t}: P = {b} {s:.3f} vs pruned {p:.3f}" for t, (b, s, p) in gaps.items()))


def _calibration_pairs(r: Results, config: dict) -> tuple[str, pd.DataFrame]:
    d = _real_dataset(r)
    p = _real_fcn2(_pairs(r), config, d)
    return d, p[p["width"] == setting(config, "imp.images.calibration_width")]


@measure(sources=CALIBRATION, sections=("images",))
def real_confidence_pattern(r: Results, config: dict) -> Measurement:
    """Share of the two Fig. 6 signs that hold: full models over-confident (mean confidence above
    accuracy), best pruned models under-confident (below)."""
    d, p = _calibration_pairs(r, config)
    conf = r.frame("imp_calibration", "confidence")
    conf = conf[conf["dataset"] == d].groupby("kind")["confidence"].mean()
    excess = {k: float(conf[k] - (1 - p[f"test_error_{k}"].mean())) for k in ("full", "pruned")}
    share = (float(excess["full"] > 0) + float(excess["pruned"] < 0)) / 2
    return Measurement(share, f"{d}: confidence - accuracy {excess['full']:+.3f} full, {excess['pruned']:+.3f} pruned")


@measure(sources=SUMMARY, sections=("images",))
def noisy_ece_ratio(r: Results, config: dict) -> Measurement:
    """Mean ECE against noisy test labels: best pruned over full (calibration width)."""
    d, p = _calibration_pairs(r, config)
    full, pruned = p["ece_noisy_full"].mean(), p["ece_noisy_pruned"].mean()
    return Measurement(float(pruned / full), f"{d}: pruned {pruned:.3f}, full {full:.3f}")


def _trajectory(r: Results, config: dict) -> tuple[str, pd.DataFrame]:
    """Fig. 7: mean over repetitions, per round, of the calibration-width FCN-2 trajectory."""
    d = _real_dataset(r)
    rounds = _real_fcn2(_rounds(r), config, d)
    rounds = rounds[rounds["width"] == setting(config, "imp.images.calibration_width")]
    return d, rounds.groupby("round")[["test_error", "ece", "ece_noisy"]].mean().sort_index()


def _initial_rise(ece: np.ndarray) -> float:
    before = ece[1:int(np.argmin(ece))]
    return float((before.max() if len(before) else ece[min(1, len(ece) - 1)]) - ece[0])


@measure(sources=SUMMARY, sections=("images",))
def ece_initial_rise(r: Results, config: dict) -> Measurement:
    """Smallest, over clean and noisy labels, rise of the ECE above the full model's before its minimum."""
    d, t = _trajectory(r, config)
    rise = {c: _initial_rise(t[c].to_numpy()) for c in ("ece", "ece_noisy")}
    return Measurement(min(rise.values()), f"{d}: {rise['ece']:+.3f} clean, {rise['ece_noisy']:+.3f} noisy")


@measure(sources=SUMMARY, sections=("images",))
def ece_fall_ratio(r: Results, config: dict) -> Measurement:
    """Largest, over clean and noisy labels, ratio of the lowest ECE along IMP to the full model's."""
    d, t = _trajectory(r, config)
    ratio = {c: float(t[c].min() / t[c].iloc[0]) for c in ("ece", "ece_noisy")}
    return Measurement(max(ratio.values()), f"{d}: {ratio['ece']:.2f} clean, {ratio['ece_noisy']:.2f} noisy")


@measure(sources=SUMMARY, sections=("images",))
def clean_ece_minimum_excess_error(r: Results, config: dict) -> Measurement:
    """Test error at the round of lowest clean-label ECE minus the lowest test error along IMP."""
    d, t = _trajectory(r, config)
    at_min = float(t["test_error"].loc[t["ece"].idxmin()])
    excess = at_min - float(t["test_error"].min())
    return Measurement(excess, f"{d}: round {t['ece'].idxmin()} has error {at_min:.3f} "
                               f"(lowest {t['test_error'].min():.3f})")


@measure(sources=SUMMARY, sections=("mixture", "images"))
def pruned_ece_better_fraction(r: Results, config: dict) -> Measurement:
    """Fraction of large-start trajectories whose best pruned model has a lower ECE than the full one."""
    p = _overparameterised(_pairs(r), config)
    better = p["ece_pruned"] < p["ece_full"]
    return Measurement(float(better.mean()), f"{int(better.sum())} of {len(p)} trajectories")
