"""The ticket section's comparisons with the paper follow the data, never a fixed wording."""
from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import REPO
from lottery.liu_tegmark.analysis.clusters import PARAM_NAMES
from lottery.core.config import validate_config
from lottery.liu_tegmark.report.tickets import TicketsReportSettings, tickets_macros


def _frames(n_clusters: int, lucky_v2: float, ks: list[float], ratio: float, best_distilled: float) -> dict:
    params = dict(zip(PARAM_NAMES, [-0.5, 0.5, -1.3, -1.3, 4.0, 4.0, 1.0]))
    clusters = pd.DataFrame([{"cluster": k, "size": 10, "mean_log10_loss": -3.0 + k, **params}
                             for k in range(n_clusters)])
    lucky = {**params, "v2": lucky_v2, "test_loss": 1e-4, "seed": 0,
             "asym_w": 0.0, "asym_b": 0.0, "asym_v": abs(4.0 - lucky_v2) / (4.0 + abs(lucky_v2))}
    fits = pd.DataFrame([{"target": "x2", "activation": "silu", "range": "wide", "alpha": 1.0, "alpha_low": 0.9,
                          "alpha_high": 1.1, "width_min": 10, "width_max": 50}])
    return {
        "algorithms": {"nets": pd.DataFrame({"cluster": np.zeros(5), "test_loss": 1e-4,
                                             **{f"cluster_{g}": np.zeros(5) for g in ("none", "swap", "mirror", "both")}}),
                       "clusters": clusters,
                       "lucky": pd.DataFrame([lucky]), "peaks": pd.DataFrame({"log10_loss": [-3.0, -1.5]}),
                       "taylor": pd.DataFrame([{"z_star": -1.28, "A": 0.11, "B": -0.28}])},
        "ensembling": pd.DataFrame({"width": [2, 4, 20, 40], "ks": ks, "wasserstein": 0.1,
                                    "median_log10_actual": -2.0, "median_log10_ensemble": -2.0}),
        "symmetry": pd.DataFrame([{"width": 1000, "mirror_distance": ratio, "shuffled_distance": 1.0,
                                   "ratio": ratio}]),
        "splitting": {"counts": pd.DataFrame({"width": [10, 10], "tickets": 5, "effective": [2.0, 3.0], "blocks": 2,
                                              "best_r2": 0.99}),
                      "variants": pd.DataFrame({"width": 10, "pairing": "sign", "r2_method": "refit", "tickets": [5],
                                                "effective": 2.0, "blocks": 2, "high_r2": 0.5})},
        "distill": {"distilled": pd.DataFrame([{**params, "test_loss": best_distilled}]),
                    "variants": pd.DataFrame([{"pairing": "sign", "r2_method": "refit", "test_loss": best_distilled}]),
                    "ordinary": pd.DataFrame({"test_loss": [1e-3, 1e-2]})},
        "target_fits": fits, "mult_fits": fits, "scaling_fits": fits,
    }


def test_the_ticket_macros_carry_numbers_and_leave_the_verdicts_to_the_claims_table() -> None:
    """The section once chose "as in the paper" or "unlike the paper" by thresholds of its own,
    which could contradict the claims table in the same PDF; now it quotes the table's verdicts."""
    config = TicketsReportSettings.from_config(validate_config({}, REPO / "config" / "schema.yaml")["tickets"])
    for frames in (_frames(4, 4.0, [0.9, 0.5, 0.1, 0.1], 0.1, 1e-17), _frames(6, -4.0, [0.1, 0.1, 0.9, 0.5], 0.9, 1e-6)):
        macros = tickets_macros(frames, config)
        assert "\\TkSymRatio" in macros and "\\TkDistillBest" in macros
        for word in ("as in the paper", "unlike the paper", "as the paper reports", "matches the paper's",
                     "beyond chance", "machine precision"):
            assert word not in macros, word

def test_the_text_names_the_targets_a_bundle_part_trained_at_the_papers_scale() -> None:
    tickets = validate_config({}, REPO / "config" / "schema.yaml")["tickets"]
    tickets["targets"].update(seeds=200, paper_scale={**tickets["targets"]["paper_scale"], "targets": ["x3", "x2"]})
    config = TicketsReportSettings.from_config(tickets)
    macros = tickets_macros(_frames(4, 4.0, [0.9, 0.5, 0.1, 0.1], 0.1, 1e-17), config)
    assert "\\TkTargetsSeeds}{200}" in macros
    assert "(except $x^2$, $x^3$, trained at the papers' scale: 1{,}000 seeds and 50{,}000 steps)" in macros
    assert "\\TkMultiplicationPaperScale}{}" in macros
