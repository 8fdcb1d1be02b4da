"""[AR] which stored rows each figure and Table 1 show: the configured start widths, classes and
architectures picked out of the summary of all IMP runs (Figs 1, 2, 3a, 3b, 4, 7, S1, S2, Table 1)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lottery.arora.datasets import MIXTURES, figs2_dataset


@dataclass(frozen=True)
class Selection:
    """The config keys that choose rows (``imp.mixture.*``, ``imp.images.*``, the real data sets run)."""

    real: list[str]
    mixture_widths: list[int]
    effective_min_width: int
    mixture_calibration_width: int
    figure_nus: dict[str, list[float]]
    classes: int
    image_widths: list[int]
    image_calibration_width: int
    classes_widths: list[int]
    classes_kept: list[int]
    architectures: list[tuple[str, list[int]]]
    figs2_dataset: str
    figs2_resnet_widths: list[int]

    @classmethod
    def from_settings(cls, s: dict) -> "Selection":
        m, img = s["mixture"], s["images"]
        return cls(list(s["real"]), m["widths"], m["effective_min_width"], m["calibration_width"],
                   {t: m[t]["figure_nus"] for t in MIXTURES}, img["classes"], img["widths"],
                   img["calibration_width"], img["classes_widths"], img["classes_kept"],
                   [(a["arch"], a["widths"]) for a in img["architectures"]], figs2_dataset(list(s["real"])),
                   img["figs2"]["resnet_widths"])

    @property
    def arch_names(self) -> list[str]:
        return [a for a, _ in self.architectures]


def real_fcn2(frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Rows of the real-data two-layer FCN runs of Fig 1 (all classes, the configured widths)."""
    return frame[frame["dataset"].isin(sel.real) & (frame["arch"] == "fcn2") & (frame["classes"] == sel.classes)
                 & frame["width"].isin(sel.image_widths)]


def mixtures(frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Rows of the mixture runs at the configured start widths (Figs 2, 3a, S1)."""
    return frame[frame["dataset"].isin(MIXTURES) & frame["width"].isin(sel.mixture_widths)]


def effective_mixtures(best: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Best pruned mixture models of start widths large enough not to cap the effective count."""
    best = mixtures(best, sel)
    return best[best["width"] >= sel.effective_min_width]


def classes_kept(best: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Fig 3b: best pruned real-data FCN-2 models of the class-count runs."""
    return best[best["dataset"].isin(sel.real) & (best["arch"] == "fcn2") & best["width"].isin(sel.classes_widths)
                & best["classes"].isin(sel.classes_kept)]


def architectures(best: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Fig 4: best pruned real-data models of every configured architecture and its start widths."""
    keep = pd.concat([best[(best["arch"] == a) & best["width"].isin(w)] for a, w in sel.architectures])
    return keep[keep["dataset"].isin(sel.real) & (keep["classes"] == sel.classes)]


def trajectories(rounds: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Fig 7: repetition 0 of the calibration start model of each task."""
    parts = []
    for task in MIXTURES:
        nu = sel.figure_nus[task][0]
        rows = rounds[(rounds["dataset"] == task) & np.isclose(rounds["nu"], nu)
                      & (rounds["width"] == sel.mixture_calibration_width) & (rounds["repetition"] == 0)]
        parts.append(rows.assign(panel=f"{task}, nu = {nu:g}, P = {sel.mixture_calibration_width}"))
    for d in sel.real:
        rows = rounds[(rounds["dataset"] == d) & (rounds["arch"] == "fcn2") & (rounds["classes"] == sel.classes)
                      & (rounds["width"] == sel.image_calibration_width) & (rounds["repetition"] == 0)]
        parts.append(rows.assign(panel=f"{d}, FCN2, P = {sel.image_calibration_width}"))
    return pd.concat(parts, ignore_index=True)


def figs2_runs(rounds: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Fig S2: the two-layer FCN (Fig 1's start widths) and ResNet-6 (its own start widths) runs on
    the Fig S2 image set, all classes."""
    fcn2 = (rounds["arch"] == "fcn2") & rounds["width"].isin(sel.image_widths)
    resnet = (rounds["arch"] == "resnet") & rounds["width"].isin(sel.figs2_resnet_widths)
    return rounds[(rounds["dataset"] == sel.figs2_dataset) & (rounds["classes"] == sel.classes) & (fcn2 | resnet)]
