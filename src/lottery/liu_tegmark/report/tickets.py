"""[LT] Figs 2-13 and Sec. 4: the ticket sections' LaTeX (quoted numbers, the cluster table and the
other-targets exponent table). Comparisons with the paper's claims are generated from the
data (the text never asserts an agreement the numbers do not show)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from lottery.core.texmacros import camel, format_number, macro_lines
from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.targets import get_target

PAPER_CLUSTERS_MOD_SWAP = 4  # [LT] Appendix B: six clusters, four modulo the neuron swap
PAPER_CLUSTERS_RAW = 6
PAPER_PEAK_CUT = 1e-2  # [LT] Appendix B: the peaks below this loss are its four algorithms
PAPER_INDEPENDENT = {10: 1, 30: 2, 50: 3}  # [LT] Appendix C: independent tickets read off Fig 12
SYMMETRY_NAMES = {"none": "no symmetry", "swap": "the neuron swap", "mirror": r"$x\to-x$",
                  "both": r"the swap and $x\to-x$"}
PAIRING_NAMES = {"sign": "sign (ours)", "perfect": "$N/2$ pairs"}
R2_NAMES = {"refit": "refitted", "trained": "trained $v$"}
FAMILIES = ("targets", "multiplication", "wide")  # the ticket stage's own grids


@dataclass(frozen=True)
class GridFamily:
    """How one of the ticket stage's own grids was trained, as the text quotes it."""

    steps: int
    seeds: int
    widths: list[int]
    fit_range: list[int] | None
    paper_scale: tuple[list[str], int, int] = ([], 0, 0)  # targets trained at (seeds, steps) instead


@dataclass(frozen=True)
class TicketsReportSettings:
    """What the ticket sections quote about the run (config section ``tickets``)."""

    activation: str
    criterion: str
    shuffles: int
    ensembling_pairs: int
    distill_width: int
    llm_fit_range: str
    chinchilla_exponent: float
    families: dict[str, GridFamily]

    @classmethod
    def from_config(cls, tickets: dict) -> TicketsReportSettings:
        """From the validated config section ``tickets``."""
        families = {f: GridFamily(tickets[f]["train"]["steps"], tickets[f]["seeds"], tickets[f]["widths"],
                                  tickets[f].get("fit_range"), _paper_scale(tickets[f])) for f in FAMILIES}
        return cls(activation=tickets["activation"], criterion=tickets["algorithms"]["criterion"],
                   shuffles=tickets["wide"]["shuffles"], ensembling_pairs=tickets["ensembling"]["pairs"],
                   distill_width=tickets["distill"]["width"], llm_fit_range=tickets["llm"]["fit_range"],
                   chinchilla_exponent=tickets["llm"]["chinchilla_exponent"], families=families)


def _paper_scale(family: dict) -> tuple[list[str], int, int]:
    """The family's targets a reference-bundle part trained at the papers' scale, and that scale."""
    scale = family.get("paper_scale")
    if not scale or not scale["targets"]:
        return [], 0, 0
    return [t for t in family["targets"] if t in scale["targets"]], scale["seeds"], scale["train"]["steps"]


class TicketsTex(NamedTuple):
    macros: str
    clusters: str
    fits_table: str


def _num(x: float) -> str:
    return format_number(float(x))


def _algorithms_macros(a: dict, criterion: str) -> dict[str, str]:
    nets, clusters, lucky, peaks, taylor = a["nets"], a["clusters"], a["lucky"].iloc[0], a["peaks"], a["taylor"].iloc[0]
    n_clusters = len(clusters)
    m = {
        "TkWidthTwoNets": format_number(len(nets)),
        "TkPeaks": format_number(len(peaks)),
        "TkPeakLogLosses": ", ".join(f"{p:.1f}" for p in peaks["log10_loss"]),
        "TkCriterion": {"hdbscan": "HDBSCAN (clusters kept by stability)", "bic": "the lowest BIC of a Gaussian "
                        "mixture", "silhouette": "the highest silhouette of a Gaussian mixture"}[criterion],
        "TkClusters": format_number(n_clusters),
        "TkUnclustered": format_number(int((nets["cluster"] < 0).sum())),
        "TkLuckyLoss": _num(lucky["test_loss"]),
        "TkLuckySize": format_number(int(clusters.iloc[0]["size"])) if n_clusters else "0",
        "TkLuckyMeanLog": f"{clusters.iloc[0]['mean_log10_loss']:.2f}" if n_clusters else r"\text{n/a}",
    }
    for name in ("w1", "w2", "b1", "b2", "v1", "v2", "c"):
        m[camel("TkLucky", name.replace("1", "One").replace("2", "Two"))] = f"{lucky[name]:.4g}"
    asym = [lucky["asym_w"], lucky["asym_b"], lucky["asym_v"]]
    for key, value in zip("WBV", asym):
        m["TkLuckyAsym" + key] = f"{value:.3f}"
    m.update(_symmetry_macros(nets))
    m.update(TkSiluZStar=f"{taylor['z_star']:.4f}", TkSiluA=f"{taylor['A']:.4f}", TkSiluB=f"{taylor['B']:.4f}")
    return m


def _symmetry_macros(nets: pd.DataFrame) -> dict[str, str]:
    """Cluster counts modulo each symmetry group, and which of them equals the paper's four."""
    counts, low = {}, {}
    for group in SYMMETRY_NAMES:
        labels = nets[f"cluster_{group}"]
        found = labels[labels >= 0]
        medians = nets.loc[found.index].groupby(found)["test_loss"].median()
        counts[group], low[group] = len(medians), int((medians < PAPER_PEAK_CUT).sum())
    m = {camel("TkClustersMod", g): format_number(n) for g, n in counts.items()}
    m.update({camel("TkClustersLowMod", g): format_number(n) for g, n in low.items()})
    m["TkPaperPeakCut"] = _num(PAPER_PEAK_CUT)
    four = [SYMMETRY_NAMES[g] for g, n in counts.items() if n == PAPER_CLUSTERS_MOD_SWAP]
    four_low = [SYMMETRY_NAMES[g] for g, n in low.items() if n == PAPER_CLUSTERS_MOD_SWAP]
    raw = "match" if counts["none"] == PAPER_CLUSTERS_RAW else "differ from"
    swap = "matches" if counts["swap"] == PAPER_CLUSTERS_MOD_SWAP else "differs from"
    m["TkClusterSymmetry"] = (
        f"The paper's {PAPER_CLUSTERS_RAW} clusters with no symmetry removed {raw} our {counts['none']}, and "
        f"its {PAPER_CLUSTERS_MOD_SWAP}, which its text counts modulo the neuron swap, {swap} our "
        f"{counts['swap']} modulo the swap. "
        + (f"Our count is {PAPER_CLUSTERS_MOD_SWAP} modulo {' and modulo '.join(four)}"
           if four else f"None of our counts is {PAPER_CLUSTERS_MOD_SWAP}")
        + "; counting only clusters with median loss below the paper's cut for its algorithms, "
        + (f"it is {PAPER_CLUSTERS_MOD_SWAP} modulo {' and modulo '.join(four_low)}."
           if four_low else f"none is {PAPER_CLUSTERS_MOD_SWAP}."))
    return m


def _ensembling_macros(table: pd.DataFrame) -> dict[str, str]:
    m = {"TkEnsWidths": ", ".join(map(str, table["width"]))}
    for r in table.itertuples():
        m[camel("TkEnsKs", "N", r.width)] = f"{r.ks:.2f}"
        m[camel("TkEnsWass", "N", r.width)] = f"{r.wasserstein:.2f}"
        m[camel("TkEnsMedActual", "N", r.width)] = f"{r.median_log10_actual:.2f}"
        m[camel("TkEnsMedEnsemble", "N", r.width)] = f"{r.median_log10_ensemble:.2f}"
    best, worst = table.loc[table["ks"].idxmin()], table.loc[table["ks"].idxmax()]
    m.update(TkEnsBestN=str(int(best["width"])), TkEnsBestKs=f"{best['ks']:.2f}",
             TkEnsWorstN=str(int(worst["width"])), TkEnsWorstKs=f"{worst['ks']:.2f}")
    rows = [rf"{r.width} & {r.median_log10_actual:.2f} & {r.median_log10_ensemble:.2f} & {r.ks:.2f} & "
            rf"{r.wasserstein:.2f} \\" for r in table.itertuples()]
    m["TkEnsRows"] = " ".join(rows)
    return m


def _splitting_macros(split: dict) -> dict[str, str]:
    counts, variants = split["counts"], split["variants"]
    m = {}
    med = counts.groupby("width")[["tickets", "effective", "blocks", "best_r2"]].median()
    nets = counts.groupby("width").size()
    rows = []
    for width, r in med.iterrows():
        m[camel("TkSplitEff", "N", width)] = f"{r['effective']:.1f}"
        m[camel("TkSplitBlocks", "N", width)] = f"{r['blocks']:.0f}"
        rows.append(rf"{width} & {nets[width]} & {r['tickets']:.0f} & {r['effective']:.1f} & {r['blocks']:.0f} & "
                    rf"{r['best_r2']:.4f} \\")
    m["TkSplitRows"] = " ".join(rows)
    m["TkSplitWidths"] = ", ".join(map(str, med.index))
    by = variants.groupby(["width", "pairing", "r2_method"])
    table = by[["tickets", "effective", "blocks"]].median().join(by["high_r2"].mean())
    m["TkSplitVariantRows"] = " ".join(
        rf"{w} & {PAIRING_NAMES[p]} & {R2_NAMES[r]} & {t.tickets:.0f} & {t.effective:.1f} & {t.blocks:.0f} & "
        rf"{t.high_r2:.2f} \\" for (w, p, r), t in zip(table.index, table.itertuples()))
    shared = [w for w in PAPER_INDEPENDENT if w in med.index]
    if shared:
        def listed(p: str, r: str, column: str, spec: str) -> str:
            return ", ".join(format(table.loc[(w, p, r), column], spec) for w in shared)
        splits = dict.fromkeys((p, r) for _, p, r in table.index)
        lines = [f"{PAIRING_NAMES[p]} pairing and {R2_NAMES[r]} $R^2$, {listed(p, r, 'effective', '.1f')} by "
                 f"participation ratio and {listed(p, r, 'blocks', '.0f')} by blocks" for p, r in splits]
        paper = ", ".join(str(PAPER_INDEPENDENT[w]) for w in shared)
        m["TkSplitPaperComparison"] = (f"For $N = {', '.join(map(str, shared))}$ the paper reads {paper} independent "
                                       "tickets; our medians are, with " + "; with ".join(lines) + ".")
    else:
        m["TkSplitPaperComparison"] = ("None of the widths the paper counts independent tickets for "
                                       f"({', '.join(map(str, PAPER_INDEPENDENT))}) was split.")
    return m


def _distill_variant_rows(variants: pd.DataFrame, ordinary: pd.DataFrame) -> str:
    """Per ticket split: median and best distilled loss and the median gap to ordinary nets (decades)."""
    ordinary_median = np.median(np.log10(ordinary["test_loss"]))
    rows = []
    for (p, r), g in variants.groupby(["pairing", "r2_method"]):
        gap = np.median(np.log10(g["test_loss"])) - ordinary_median
        rows.append(rf"{PAIRING_NAMES[p]} & {R2_NAMES[r]} & ${_num(g['test_loss'].median())}$ & "
                    rf"${_num(g['test_loss'].min())}$ & {gap:+.2f} \\")
    return " ".join(rows)


def _distill_macros(d: dict) -> dict[str, str]:
    distilled, ordinary = d["distilled"], d["ordinary"]
    best = distilled.loc[distilled["test_loss"].idxmin()]
    m = {
        "TkDistillVariantRows": _distill_variant_rows(d["variants"], ordinary),
        "TkDistillNets": format_number(len(distilled)),
        "TkDistillMedian": _num(distilled["test_loss"].median()),
        "TkOrdinaryMedian": _num(ordinary["test_loss"].median()),
        "TkOrdinaryBest": _num(ordinary["test_loss"].min()),
        "TkDistillBest": _num(best["test_loss"]),
        "TkDistillBelowOrdinary": format_number(int((distilled["test_loss"] < ordinary["test_loss"].min()).sum())),
    }
    for name in ("w1", "w2", "b1", "b2", "v1", "v2", "c"):
        m[camel("TkDistill", name.replace("1", "One").replace("2", "Two"))] = f"{best[name]:.6g}"
    return m


def _targets_macros(fits: pd.DataFrame, key: str) -> dict[str, str]:
    covers = fits[(fits["alpha_low"] <= 1) & (fits["alpha_high"] >= 1)]
    return {
        f"Tk{key}AlphaMin": f"{fits['alpha'].min():.2f}",
        f"Tk{key}AlphaMax": f"{fits['alpha'].max():.2f}",
        f"Tk{key}Count": format_number(len(fits)),
        f"Tk{key}CoverOne": format_number(len(covers)),
    }


def tickets_macros(frames: dict, s: TicketsReportSettings) -> str:
    """Every number the ticket sections quote, and the generated comparisons."""
    m = _algorithms_macros(frames["algorithms"], s.criterion)
    m.update(_ensembling_macros(frames["ensembling"]))
    sym = frames["symmetry"].iloc[0]
    m.update(TkSymWidth=format_number(int(sym["width"])), TkSymDistance=_num(sym["mirror_distance"]),
             TkSymShuffled=_num(sym["shuffled_distance"]), TkSymRatio=f"{sym['ratio']:.2f}",
             TkSymShuffles=format_number(s.shuffles))
    m.update(_splitting_macros(frames["splitting"]))
    m.update(_distill_macros(frames["distill"]))
    m.update(_targets_macros(frames["target_fits"], "Targets"))
    m.update(_targets_macros(frames["mult_fits"], "Mult"))
    for family, grid in s.families.items():
        key = camel("Tk", family)
        m[key + "Steps"] = format_number(grid.steps)
        m[key + "Seeds"] = format_number(grid.seeds)
        m[key + "Widths"] = ", ".join(map(str, grid.widths))
        if grid.fit_range is not None:
            m[key + "FitRange"] = "--".join(map(str, grid.fit_range))
        targets, seeds, steps = grid.paper_scale
        m[key + "PaperScale"] = (
            f" (except {', '.join(get_target(t).latex for t in targets)}, trained at the papers' scale: "
            f"{format_number(seeds)} seeds and {format_number(steps)} steps)" if targets else "")
    m["TkDistillWidth"] = format_number(s.distill_width)
    m["TkEnsPairs"] = format_number(s.ensembling_pairs)
    m["TkActivation"] = get_activation(s.activation).latex
    sc = frames["scaling_fits"]
    row = sc[(sc["target"] == "x2") & (sc["activation"] == s.activation) & (sc["range"] == s.llm_fit_range)]
    alpha = float(row["alpha"].iloc[0]) if len(row) else float("nan")
    lo, hi = (float(row["alpha_low"].iloc[0]), float(row["alpha_high"].iloc[0])) if len(row) else (np.nan, np.nan)
    m.update(TkLlmAlpha=f"{alpha:.2f}", TkLlmParamExponent=f"{alpha / 3:.3f}", TkLlmParamLow=f"{lo / 3:.3f}",
             TkLlmParamHigh=f"{hi / 3:.3f}", TkLlmTheory=f"{1 / 3:.3f}",
             TkChinchilla=f"{s.chinchilla_exponent:.2f}",
             TkLlmRange="--".join(map(str, row[["width_min", "width_max"]].iloc[0])) if len(row) else "n/a")
    return macro_lines(m)


def cluster_table(clusters: pd.DataFrame) -> str:
    """One row per width-2 cluster: size, mean log loss, its representative's parameters."""
    lines = [r"\begin{tabular}{rrr" + "r" * 7 + "}", r"\toprule",
             r"cluster & nets & $\overline{\log_{10} L}$ & $w_1$ & $w_2$ & $b_1$ & $b_2$ & $v_1$ & $v_2$ & $c$ \\",
             r"\midrule"]
    for c in clusters.itertuples():
        params = " & ".join(f"{getattr(c, k):.3g}" for k in ("w1", "w2", "b1", "b2", "v1", "v2", "c"))
        lines.append(rf"{c.cluster} & {c.size} & {c.mean_log10_loss:.2f} & {params} \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def target_fits_table(fits: pd.DataFrame) -> str:
    """Exponent of every other target, with its bootstrap interval."""
    lines = [r"\begin{tabular}{llccc}", r"\toprule",
             r"target & activation & widths & $\alpha$ & interval \\", r"\midrule"]
    for f in fits.itertuples():
        lines.append(rf"{get_target(f.target).latex} & {get_activation(f.activation).latex} & "
                     rf"{f.width_min}--{f.width_max} & {f.alpha:.2f} & [{f.alpha_low:.2f}, {f.alpha_high:.2f}] \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def tickets_tex(frames: dict, settings: TicketsReportSettings) -> TicketsTex:
    """The ticket sections' macros, the cluster table and the other-targets exponent table.

    ``frames``: the analyses' frames by name (``algorithms`` and ``distill`` are dicts of
    their files' frames), plus the fitted exponents ``target_fits``, ``mult_fits`` and
    ``scaling_fits``.
    """
    return TicketsTex(
        macros=tickets_macros(frames, settings),
        clusters=cluster_table(frames["algorithms"]["clusters"]),
        fits_table=target_fits_table(pd.concat([frames["target_fits"], frames["mult_fits"]])),
    )
