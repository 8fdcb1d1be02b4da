"""[AR] which IMP jobs each figure and table needs, and each job's settings, from the ``imp``
config section: the one source of the run lists and job settings that the rules
(workflow/rules/imp_helpers.smk) and the compute plan (bench/bench_imp.py, docs/performance.md)
use."""
from __future__ import annotations

from dataclasses import dataclass

from lottery.arora.datasets import MIXTURES, figs2_dataset, real_datasets


@dataclass(frozen=True, order=True)
class Run:
    """One IMP job: every (nu, repetition) model of one data set, start architecture, width and
    number of classes; ``study`` is ``runs``, ``figs3`` for Fig S3's runs of their own, or
    ``ladder`` for a scale-ladder run of ``n_train`` training points (Fig 5's nu only)."""

    dataset: str
    arch: str
    width: int
    classes: int
    study: str = "runs"
    n_train: int = 0

    @property
    def path(self) -> str:
        study = f"ladder/N{self.n_train}/runs" if self.study == "ladder" else self.study
        return f"results/imp/{study}/{self.dataset}_{self.arch}_W{self.width}_C{self.classes}.h5"


def _mixture(imp: dict) -> list[Run]:
    return [Run(t, "fcn2", w, 2) for t in MIXTURES for w in imp["mixture"]["widths"]]


# The two families of [AR] runs, summarised apart so that retraining one (say, the mixtures at a
# larger scale) leaves the other's summary and calibration data as they are.
FAMILIES = ("mixtures", "images")


def calibration_runs(imp: dict) -> dict[str, list[Run]]:
    """The runs of the calibration start widths (Figs 5, 6, 7, S4) by family: mixtures, images."""
    mix, img = imp["mixture"], imp["images"]
    return {"mixtures": [Run(t, "fcn2", mix["calibration_width"], 2) for t in MIXTURES],
            "images": [Run(d, "fcn2", img["calibration_width"], img["classes"]) for d in real_datasets(img)]}


def figure_runs(imp: dict) -> dict[str, list[Run]]:
    """The runs behind each [AR] figure (Table 1 and the text read the summary of them all)."""
    img = imp["images"]
    real, k = real_datasets(img), img["classes"]
    mixture = _mixture(imp)
    fcn2 = [Run(d, "fcn2", w, k) for d in real for w in img["widths"]]
    cal = calibration_runs(imp)
    cal_mix, cal_real = cal["mixtures"], cal["images"]
    out = {
        "fig1": fcn2, "fig2": mixture, "fig3a": mixture, "figs1": mixture,
        "fig3b": [Run(d, "fcn2", w, c) for d in real for w in img["classes_widths"] for c in img["classes_kept"]],
        "fig4": [Run(d, a["arch"], w, k) for d in real for a in img["architectures"] for w in a["widths"]],
        "fig5": cal_mix, "fig6": cal_real, "fig7": cal_mix + cal_real, "figs4": cal_mix + cal_real,
        "figs2": [r for r in fcn2 if r.dataset == figs2_dataset(real)]
        + [Run(figs2_dataset(real), "resnet", w, k) for w in img["figs2"]["resnet_widths"]],
        "figs3": [Run(img["figs3"]["dataset"], "fcn3", w, k, "figs3") for w in img["figs3"]["widths"]],
    }
    return {name: list(dict.fromkeys(runs)) for name, runs in out.items()}


def ladder_runs(imp: dict) -> dict[int, list[Run]]:
    """The scale ladder's runs by training-set size: each mixture's Fig 5 start model (calibration
    width) at each size of ``imp.mixture.ladder_sizes``; the size the section trains anyway reuses
    its run (the ladder reads only Fig 5's nu from it)."""
    mix = imp["mixture"]
    return {n: [Run(t, "fcn2", mix["calibration_width"], 2) if n == mix["n_train"]
                else Run(t, "fcn2", mix["calibration_width"], 2, "ladder", n) for t in MIXTURES]
            for n in mix["ladder_sizes"]}


def summary_runs(imp: dict) -> dict[str, list[Run]]:
    """Every run the IMP summary holds, by family: the mixture runs in config order; the
    real-data runs of every figure but Fig S3 (whose runs stay apart), sorted by path."""
    mixture = _mixture(imp)
    real = {r for name, rs in figure_runs(imp).items() if name != "figs3" for r in rs} - set(mixture)
    return {"mixtures": mixture, "images": sorted(real, key=lambda r: r.path)}


IMAGE_DATA_KEYS = ("mnist_dir", "fashion_mnist_dir", "cifar10_dir", "train_subset", "test_fraction", "noise",
                   "test_noise")


def job_settings(imp: dict, run: Run) -> dict:
    """The settings of one IMP job (what :meth:`lottery.arora.job.ImpJob.from_settings` reads, less
    the runtime keys): the mixture or image settings, and for images the training of its
    architecture (``train_by_arch``) and, for Fig S3's runs, ``figs3``'s repetitions and training."""
    base = {"seed": imp["seed"], "dtype": imp["dtype"], "bins": imp["bins"]}
    if run.dataset in MIXTURES:
        mix = imp["mixture"]
        task = mix[run.dataset]
        data = {**{k: mix[k] for k in ("dim", "n_train", "n_test")},
                **{k: task[k] for k in ("nus", "noise", "test_noise")}}
        if run.study == "ladder":
            data = {**data, "n_train": run.n_train, "nus": task["figure_nus"][:1]}
        return {**base, "repetitions": mix["repetitions"], "bias": mix["bias"], "train": mix["train"],
                "prune": mix["prune"], "mixture": data}
    img = imp["images"]
    figs3 = img["figs3"] if run.study == "figs3" else {"repetitions": img["repetitions"], "train": {}}
    train = {**img["train"], **img["train_by_arch"].get(run.arch, {}), **figs3["train"]}
    return {**base, "repetitions": figs3["repetitions"], "bias": img["bias"], "train": train, "prune": img["prune"],
            "images": {k: img[k] for k in IMAGE_DATA_KEYS}}
