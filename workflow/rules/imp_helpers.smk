# Helpers of the [AR] IMP rules (imp.smk): which run files the figures need, and each job's settings.
from lottery.arora.datasets import real_datasets
from lottery.arora.plan import FAMILIES, Run, calibration_runs, figure_runs, job_settings, ladder_runs, summary_runs

IMP = config["imp"]
# Image sets of the real-data figures: those imp.images.datasets lists, plus MNIST / CIFAR-10 when configured.
IMP_REAL = real_datasets(IMP["images"])
IMP_SETTINGS = settings(IMP, real=IMP_REAL)


def imp_run_settings(wildcards, study="runs"):
    """The JSON settings of one IMP job, from its wildcards and the imp config section (study
    "figs3": Fig S3's own runs, with imp.images.figs3's repetitions and training; "ladder": a
    scale-ladder run of {n_train} points)."""
    n_train = int(wildcards.n_train) if study == "ladder" else 0
    return settings(job_settings(IMP, Run(wildcards.dataset, wildcards.arch, int(wildcards.width),
                                          int(wildcards.classes), study, n_train)))


# Which run files each figure and the summary read (lottery.arora.plan: one source for the rules
# and the compute plan in docs/performance.md). The summary and the calibration data are made per
# family (mixtures, images) and then combined, so retraining one family leaves the other's as it is.
IMP_SUMMARY_RUNS = {family: [r.path for r in runs] for family, runs in summary_runs(IMP).items()}
IMP_FIGS3_RUNS = [r.path for r in figure_runs(IMP)["figs3"]]
IMP_CAL_RUNS = {family: [r.path for r in runs] for family, runs in calibration_runs(IMP).items()}
IMP_SUMMARY = "results/imp/summary.h5"
IMP_CALIBRATION = "results/imp/calibration.h5"
IMP_SUMMARY_FAMILY = "results/imp/summary/{family}.h5"
IMP_CALIBRATION_FAMILY = "results/imp/calibration/{family}.h5"
IMP_FIGS3_SUMMARY = "results/imp/figs3_summary.h5"
# The scale ladder: per training-set size, its runs and its rung directory (results laid out as a run's).
IMP_LADDER_RUNS = {n: [r.path for r in runs] for n, runs in ladder_runs(IMP).items()}
IMP_LADDER_RUNGS = {n: f"results/imp/ladder/N{n}" for n in IMP_LADDER_RUNS}
