"""The result files the claims are judged on, relative to a run's ``results/`` directory.

Kept free of heavy imports: ``workflow/rules/claims.smk`` reads this list to declare the
claims rule's inputs, so a measure can read only what the rule waits for.
"""
from __future__ import annotations

RESULT_FILES: dict[str, str] = {
    "scaling_summary": "scaling/summary.h5",
    "scaling_medians": "scaling/medians.csv",
    "scaling_fits": "scaling/fits.csv",
    "algorithms": "tickets/algorithms.h5",
    "ensembling": "tickets/ensembling.h5",
    "symmetry": "tickets/symmetry.h5",
    "splitting": "tickets/splitting.h5",
    "distill": "tickets/distill.h5",
    "targets_summary": "tickets/targets/summary.h5",
    "targets_fits": "tickets/targets/fits.csv",
    "multiplication_summary": "tickets/multiplication/summary.h5",
    "imp_summary": "imp/summary.h5",
    "imp_calibration": "imp/calibration.h5",
    "imp_figs3_summary": "imp/figs3_summary.h5",
    "beyond_bias_variance": "beyond/bias_variance.h5",
}
