"""[AR] LaTeX fragments of the IMP section: Table 1 / S2 and the numbers the text quotes.

Only numbers: whether they agree with the paper is the claims stage's verdict, which the
section quotes by its macros, so no threshold lives here.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from lottery.arora.analysis import selection as pick
from lottery.arora.analysis.imp import best_rounds, table_one
from lottery.arora.datasets import DATASETS, MIXTURES, PAPER_IMAGE_SETS, figs2_dataset
from lottery.arora.models import ARCHITECTURES
from lottery.arora.analysis.selection import Selection
from lottery.core.texmacros import camel, format_number, macro_lines

log = logging.getLogger("lottery")


def name(key: str) -> str:
    """How the paper prints a data set or architecture (from their registries)."""
    if key in DATASETS:
        return DATASETS[key].label
    return ARCHITECTURES[key].title if key in ARCHITECTURES else key


def table_cases(sel: Selection) -> list[dict]:
    """Rows of Table 1: each mixture at its figure nus and the largest start width; each real data
    set and architecture at its largest start width."""
    cases = [{"dataset": t, "arch": "fcn2", "width": max(sel.mixture_widths), "nu": nu}
             for t in MIXTURES for nu in sel.figure_nus[t]]
    archs = [("fcn2", sel.image_widths), *sel.architectures]
    seen = set()
    for d in sel.real:
        for arch, widths in archs:
            if (d, arch) not in seen:
                seen.add((d, arch))
                cases.append({"dataset": d, "arch": arch, "width": max(widths), "classes": sel.classes})
    return cases


def _pm(mean: float, sd: float, digits: int = 3) -> str:
    return f"{mean:.{digits}f} $\\pm$ {sd:.{digits}f}"


def table_tex(table: pd.DataFrame) -> str:
    """Full vs best pruned models: weights, test error and ECE (mean $\\pm$ sd over repetitions)."""
    lines = [r"\begin{tabular}{lrrccrcc}", r"\toprule",
             r" & & \multicolumn{3}{c}{full model} & \multicolumn{3}{c}{best pruned model} \\",
             r"\cmidrule(lr){3-5}\cmidrule(lr){6-8}",
             r"task & width & weights & test error & ECE & weights & test error & ECE \\", r"\midrule"]
    for r in table.itertuples():
        task = name(r.dataset)
        task += f", $\\nu={r.nu:g}$" if r.dataset in MIXTURES else f", {name(r.arch)}"
        lines.append(
            f"{task} & {r.width} & {format_number(int(round(r.weights)))} & "
            f"{_pm(r.test_error_full, r.test_error_full_sd)}"
            f" & {_pm(r.ece_full, r.ece_full_sd)} & {format_number(int(round(r.effective_params)))} & "
            f"{_pm(r.test_error_pruned, r.test_error_pruned_sd)} & {_pm(r.ece_pruned, r.ece_pruned_sd)} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def _list(values: list) -> str:
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


def _reset(p: dict) -> str:
    """Where the survivors of a pruning round restart from (rewinding as OpenLTH does it)."""
    if p["rewind_step"] == 0:
        return "reset to their initial values"
    which = f"start models of width at least {p['rewind_min_width']}" if p["rewind_min_width"] else "all start models"
    return (f"rewound, for {which}, to their values after step {p['rewind_step']} of the dense training and "
            f"retrained from that step on (the others reset to their initial values)")


def setting_macros(s: dict) -> dict[str, str]:
    """The run's settings, quoted by the methods paragraph."""
    m, img = s["mixture"], s["images"]
    out = {
        "ImpDim": str(m["dim"]), "ImpNTrain": format_number(m["n_train"]), "ImpNTest": format_number(m["n_test"]),
        "ImpWidths": _list(m["widths"]), "ImpLinearNus": _list(m["linear"]["nus"]), "ImpXorNus": _list(m["xor"]["nus"]),
        "ImpLinearNoise": format_number(round(100 * m["linear"]["noise"])),
        "ImpXorNoise": format_number(round(100 * m["xor"]["noise"])),
        "ImpMixReps": str(m["repetitions"]), "ImpEffMinWidth": str(m["effective_min_width"]),
        "ImpCalWidth": str(m["calibration_width"]),
        "ImpProbe": format_number(m["probe_samples"]), "ImpBins": str(s["bins"]),
        "ImpImgNoise": format_number(round(100 * img["noise"])), "ImpImgReps": str(img["repetitions"]),
        "ImpImgWidths": _list(img["widths"]), "ImpImgCalWidth": str(img["calibration_width"]),
        "ImpClassesKept": _list(img["classes_kept"]), "ImpClassesWidths": _list(img["classes_widths"]),
        "ImpArchs": "; ".join(f"{name(a['arch'])} at widths {_list(a['widths'])}"
                              for a in img["architectures"]),
        "ImpRealData": ", ".join(name(d) for d in s["real"]),
    }
    for section, prefix in ((m, "ImpMix"), (img, "ImpImg")):
        t, p = section["train"], section["prune"]
        out.update({
            f"{prefix}Epochs": format_number(t["epochs"]),
            f"{prefix}Batch": "full batch" if t["batch_size"] == 0 else f"minibatches of {t['batch_size']}",
            f"{prefix}Lr": format_number(t["lr"]), f"{prefix}Momentum": format_number(t["momentum"]),
            f"{prefix}Fraction": format_number(round(100 * p["fraction"])), f"{prefix}Rounds": str(p["rounds"]),
            f"{prefix}Reset": _reset(p),
        })
    overrides = [f"{name(a)}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in o.items())
                 for a, o in img["train_by_arch"].items() if o]
    out["ImpArchTrain"] = ("Per-architecture training overrides: " + "; ".join(overrides) + ".") if overrides else ""
    return {**out, **data_macros(s)}


def _key(key: str) -> str:
    return "\\texttt{" + key.replace("_", "\\_") + "}"


def _split(d: str, img: dict) -> str:
    """How one real set is split and cut: the digits are split by us, the others keep their test set."""
    if d == "digits":
        return f"{name(d)}: {format_number(round(100 * img['test_fraction']))}\\% held out (stratified; our choice)"
    subset = img["train_subset"]
    kept = f"a fixed random subset of {format_number(subset)} training images" if subset else "all training images"
    return f"{name(d)}: {kept} and the whole test set"


def data_macros(s: dict) -> dict[str, str]:
    """Which image sets stand in for the paper's MNIST and CIFAR-10, at what scale (Figs 1-7, S2, S3)."""
    img, real = s["images"], list(s["real"])
    missing = [d for d in PAPER_IMAGE_SETS if d not in real]
    if missing:
        note = (f"No local copy of the paper's {' or '.join(name(d) for d in missing)} was configured (config keys "
                f"{', '.join(_key('imp.images.' + DATASETS[d].dir_key) for d in missing)}); in their place every "
                f"real-data figure and Table~\\ref{{tab:imp}} use {' and '.join(name(d) for d in real)}.")
    else:
        note = "The paper's MNIST and CIFAR-10 were both configured."
    d2, f3 = figs2_dataset(real), img["figs3"]
    return {
        "ImpMissingData": note,
        "ImpSplit": "; ".join(_split(d, img) for d in real),
        "ImpTrainSubset": format_number(img["train_subset"]) if img["train_subset"] else "all",
        "ImpSTwoData": name(d2),
        "ImpSTwoNote": "MNIST, as in the paper" if d2 == "mnist" else
        f"{name(d2)}, standing in for the paper's MNIST (config key {_key('imp.images.mnist_dir')} is empty)",
        "ImpSTwoWidths": _list(img["figs2"]["resnet_widths"]),
        "ImpSThreeData": name(f3["dataset"]), "ImpSThreeWidths": _list(f3["widths"]),
        "ImpSThreeReps": str(f3["repetitions"]), "ImpSThreeEpochs": format_number(f3["train"]["epochs"]),
    }


def figs3_macros(rounds: pd.DataFrame) -> dict[str, str]:
    """Fig S3's numbers: median effective parameters and test error of the best pruned models per start width."""
    best = best_rounds(rounds).groupby("width")
    eff, err = best["effective_params"].median(), best["test_error"].mean()
    return {"ImpSThreeEffective": "; ".join(f"{format_number(int(round(v)))} (P = {w})" for w, v in eff.items()),
            "ImpSThreeError": "; ".join(f"{v:.3f} (P = {w})" for w, v in err.items())}


def result_macros(table: pd.DataFrame, best_mix: pd.DataFrame, cloud: pd.DataFrame) -> dict[str, str]:
    """Effective parameters linear vs XOR, calibration and error of full vs pruned, posterior gaps."""
    med = best_mix.groupby("dataset")["effective_params"].median()
    lin, xor = float(med.get("linear", np.nan)), float(med.get("xor", np.nan))
    ratio = xor / lin if lin > 0 else float("nan")
    count = lambda v: format_number(int(round(v))) if np.isfinite(v) else format_number(v)  # noqa: E731
    out = {"ImpEffLinear": count(lin), "ImpEffXor": count(xor), "ImpEffRatio": f"{ratio:.2f}"}
    for task, eff in best_mix.groupby("dataset")["effective_params"]:
        out[camel("imp eff spread", task)] = f"{eff.quantile(0.75) / max(eff.quantile(0.25), 1):.1f}"
    out.update({
        "ImpCases": str(len(table)), "ImpEceBetter": str(int((table["ece_pruned"] < table["ece_full"]).sum())),
        "ImpErrBetter": str(int((table["test_error_pruned"] < table["test_error_full"]).sum())),
        "ImpEceFullMean": f"{table['ece_full'].mean():.3f}", "ImpEcePrunedMean": f"{table['ece_pruned'].mean():.3f}",
    })
    gaps = cloud.groupby(["dataset", "kind"])["gap"].mean()
    for (task, kind), v in gaps.items():
        out[camel("imp gap", task, kind)] = f"{v:.3f}"
    return out


def imp_macros(s: dict, table: pd.DataFrame, best_mix: pd.DataFrame, cloud: pd.DataFrame) -> str:
    return macro_lines({**setting_macros(s), **result_macros(table, best_mix, cloud)})


def imp_tex(rounds: pd.DataFrame, best: pd.DataFrame, cloud: pd.DataFrame, figs3: pd.DataFrame,
            s: dict) -> tuple[str, str]:
    """Table 1 / S2 and the section's macros from the IMP summary (all rounds, best pruned models),
    the Fig 5 posterior gaps, the rounds of the Fig S3 runs and the ``imp`` settings."""
    sel = Selection.from_settings(s)
    table = table_one(rounds, best, table_cases(sel))
    log.info("Table 1:\n%s", table.to_string())
    macros = imp_macros(s, table, pick.effective_mixtures(best, sel), cloud) + macro_lines(figs3_macros(figs3))
    return table_tex(table), macros
