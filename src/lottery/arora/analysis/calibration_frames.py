"""[AR] the data of Figs 5, 6 and S4, from stored IMP runs (weights and test probabilities), never
by retraining: full (round 0) vs best pruned models of the calibration start width.

Fig 5 rebuilds the mixture nets from their stored weights to evaluate them along the line
joining the centres and on fresh probe samples; Figs 6 and S4 need only the stored test
probabilities.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lottery.arora import mixtures as mix
from lottery.arora.analysis.imp import (best_rounds, classwise_reliability, posterior_frames,
                                    top_label_reliability)
from lottery.arora.models import architecture
from lottery.arora.store import StoredRun
from lottery.core.seeds import seed_address

FRAMES = ("line", "reliab5", "cloud", "classwise", "confidence", "s4")


@dataclass(frozen=True)
class CalibrationSettings:
    """What the calibration data depend on besides the runs (the config's ``imp`` section)."""

    seed: int
    bins: int
    dim: int
    bias: bool
    probe_samples: int
    line_points: int
    figure_nu: dict[str, float]  # per mixture: the nu of Figs 5, 7 and S4 (its first figure nu)

    @classmethod
    def from_settings(cls, s: dict) -> "CalibrationSettings":
        m = s["mixture"]
        return cls(s["seed"], s["bins"], m["dim"], bool(m["bias"]), m["probe_samples"], m["line_points"],
                   {task: m[task]["figure_nus"][0] for task in mix.TASKS})


def _kind_rounds(run: StoredRun) -> dict[str, np.ndarray]:
    """Round index of the full (0) and the best pruned model of each model of one run, in model order."""
    order = run.models[["nu", "repetition"]].reset_index(names="model")
    best = order.merge(best_rounds(run.rounds), on=["nu", "repetition"], how="left").sort_values("model")
    return {"full": np.zeros(len(best), dtype=int), "pruned": best["round"].to_numpy()}


def _selected(run: StoredRun, nu: float | None) -> np.ndarray:
    return np.arange(len(run.models)) if nu is None else np.flatnonzero(np.isclose(run.models["nu"], nu))


def _probs_by_kind(run: StoredRun, nu: float | None) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per kind (full, pruned): test probabilities ``[models, n, C]`` and clean/noisy labels ``[models, n]``
    of the models at ``nu`` (all models if None)."""
    sel = _selected(run, nu)
    out = {}
    for kind, r_of in _kind_rounds(run).items():
        p = np.stack([run.probs[i, r_of[i]] for i in sel])
        lab = [run.labels[run.labels["group"] == run.models["group"].iloc[i]] for i in sel]
        out[kind] = (p, *(np.stack([x[c].to_numpy() for x in lab]) for c in ("y_test", "y_test_noisy")))
    return out


def mixture_posteriors(run: StoredRun, s: CalibrationSettings) -> dict[str, pd.DataFrame]:
    """Fig 5 data of one mixture run at its figure nu: the models rebuilt from their stored weights."""
    task = str(run.models["dataset"].iloc[0])
    nu = s.figure_nu[task]
    sel = _selected(run, nu)
    mixture = mix.mixture(task, nu, s.dim)
    arch = architecture("fcn2")
    shapes = arch.shapes((s.dim,), 2, int(run.models["width"].iloc[0]), s.bias)
    weights = {k: run.layer(k, shape) for k, shape in shapes.items()}
    params, test_p0 = {}, {}
    for kind, r_of in _kind_rounds(run).items():
        params[kind] = {k: torch.as_tensor(np.stack([w[i, r_of[i]] for i in sel])) for k, w in weights.items()}
        test_p0[kind] = np.stack([run.probs[i, r_of[i], :, 0] for i in sel])
    y = run.labels[run.labels["group"] == int(run.models["group"].iloc[sel[0]])]["y_test"].to_numpy()
    rng = np.random.default_rng(seed_address(s.seed, "fig5 probe", task, f"{nu:g}"))
    cloud_x, _ = mix.sample(mixture, s.probe_samples, rng)
    frames = posterior_frames(mixture, arch.forward, params, test_p0, y, s.line_points, cloud_x, s.bins)
    return {k: v.assign(dataset=task) for k, v in frames.items()}


def calibration_frames(mixture_runs: list[StoredRun], real_runs: list[StoredRun],
                       s: CalibrationSettings) -> dict[str, pd.DataFrame]:
    """Frames of Figs 5 (line, reliab5, cloud), 6 (classwise, confidence) and S4 (s4): posteriors of the
    mixture runs at their figure nu, class-wise reliability and confidences of the real-data runs,
    and top-label reliability against clean and noisy test labels of all of them; a frame no run
    contributes to is left out (one family's runs alone)."""
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in FRAMES}
    panels = []
    for run in mixture_runs:
        for k, v in mixture_posteriors(run, s).items():
            frames[k].append(v)
        task = str(run.models["dataset"].iloc[0])
        panels.append((run, s.figure_nu[task], f"{task}, nu = {s.figure_nu[task]:g}"))
    for run in real_runs:
        dataset = str(run.models["dataset"].iloc[0])
        for kind, (p, y, _) in _probs_by_kind(run, None).items():
            frames["classwise"].append(classwise_reliability(p, y, s.bins).assign(dataset=dataset, kind=kind))
            confidence = p.max(-1).ravel()
            frames["confidence"].append(pd.DataFrame({"dataset": dataset, "kind": kind, "confidence": confidence}))
        panels.append((run, None, dataset))
    for run, nu, panel in panels:
        for kind, (p, y, y_noisy) in _probs_by_kind(run, nu).items():
            for which, lab in (("clean", y), ("noisy", y_noisy)):
                curve = top_label_reliability(p, lab, s.bins)
                frames["s4"].append(curve.assign(panel=panel, kind=kind, labels=which))
    return {k: pd.concat(v, ignore_index=True) for k, v in frames.items() if v}
