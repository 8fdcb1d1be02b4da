"""The test config's DAG through the SLURM profile, on a real single-node SLURM on localhost.

The run is the ``slurm_test_config_run`` fixture (tests/conftest.py). The cluster
(tests/slurm/localslurm.py) is installed with apt-get when missing and we are
root, started in a temporary directory, and its daemons are stopped by PID at the end.
Its node has two fake GPUs, so the profile's GPU requests are really scheduled: SLURM
sets CUDA_VISIBLE_DEVICES for the training jobs, and ``device: auto`` falls back to the
CPU with a log line because torch sees no GPU.
"""
from __future__ import annotations

import re

import pandas as pd


def test_dag_completes_with_the_paper(slurm_test_config_run) -> None:
    workdir, _ = slurm_test_config_run
    assert (workdir / "paper" / "paper.pdf").stat().st_size > 10_000


def test_training_ran_as_slurm_jobs_on_an_allocated_gpu(slurm_test_config_run) -> None:
    workdir, output = slurm_test_config_run
    assert re.search(r"Job \d+ has been submitted with SLURM jobid \d+", output)
    logs = sorted((workdir / ".snakemake" / "slurm_logs" / "rule_train_grid").rglob("*.log"))
    assert logs, "each training job has a SLURM log"
    grid_log = (workdir / "logs" / "grids" / "x2" / "silu" / "N10.log").read_text()
    assert re.search(r"device auto: no CUDA GPU visible \(CUDA_VISIBLE_DEVICES=\d\), falling back to CPU", grid_log)


def test_small_rules_stay_local_and_are_grouped(slurm_test_config_run) -> None:
    _, output = slurm_test_config_run
    for rule in ("fig_scaling_law", "scaling_tex", "paper", "scaling_fit", "claims", "imp_figs3_summary",
                 "imp_summary_family", "imp_summary", "imp_calibration"):
        assert f"localrule {rule}:" in output, f"{rule} runs in the main process, not as a SLURM job"
    for rule in ("train_grid", "imp_calibration_family", "tickets_splitting"):
        assert f"localrule {rule}:" not in output, f"{rule} evaluates nets: it belongs on a compute node"
    # A group job's SLURM log directory names the group and its rules.
    for group, rules in [("small", "probe_data_regression_data"), ("ar_analyses", "imp_calibration_family_imp_ladder_rung"),
                         ("lt_analyses", "beyond_bias_variance_tickets_distill_tickets_ensembling_tickets_splitting")]:
        assert len(re.findall(rf"submitted with SLURM jobid \d+ \(log: \S*/group_{group}_{rules}/", output)) == 1, \
            f"the {group} jobs go to SLURM as one group job"


def test_cluster_results_equal_the_local_run(slurm_test_config_run, test_config_run) -> None:
    workdir, _ = slurm_test_config_run
    for table in ("medians.csv", "fits.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(workdir / "results" / "scaling" / table),
                                      pd.read_csv(test_config_run / "results" / "scaling" / table), check_exact=True)
