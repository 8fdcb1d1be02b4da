"""The scale ladder: which runs each rung trains, and its verdicts judged as the claims table's."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from lottery.arora.plan import Run, job_settings, ladder_runs
from lottery.claims.ladder import heading, judge_ladder, rung_config
from lottery.claims.registry import load_registry
from lottery.claims.verdicts import INCONCLUSIVE, NOT_REPRODUCED, PARTLY, REPRODUCED
from lottery.core.config import validate_config
from test_claims_judging import plant

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config() -> dict:
    return validate_config(yaml.safe_load((REPO / "config" / "config.yaml").read_text()), REPO / "config" / "schema.yaml")


def test_each_rung_trains_fig5s_start_models_and_the_sections_own_size_reuses_its_run(config: dict) -> None:
    imp = config["imp"]
    mix = imp["mixture"]
    runs = ladder_runs(imp)
    assert sorted(runs) == sorted(mix["ladder_sizes"])
    assert runs[mix["n_train"]] == [Run(t, "fcn2", mix["calibration_width"], 2) for t in ("linear", "xor")]
    small = min(mix["ladder_sizes"])
    assert small != mix["n_train"]
    linear = runs[small][0]
    assert linear.path == f"results/imp/ladder/N{small}/runs/linear_fcn2_W{mix['calibration_width']}_C2.h5"
    data = job_settings(imp, linear)["mixture"]
    assert data["n_train"] == small and data["nus"] == mix["linear"]["figure_nus"][:1]
    assert job_settings(imp, linear)["train"] == mix["train"]


def test_a_rungs_config_is_the_runs_narrowed_to_what_it_trained(config: dict) -> None:
    rung = rung_config(config, 300)["imp"]["mixture"]
    assert rung["n_train"] == 300 and rung["widths"] == [config["imp"]["mixture"]["calibration_width"]]
    assert rung["xor"]["nus"] == config["imp"]["mixture"]["xor"]["figure_nus"][:1]
    assert config["imp"]["mixture"]["n_train"] == 1000  # the run's config is left as it was


def test_a_rung_is_judged_with_the_registrys_conditions(tmp_path: Path, config: dict) -> None:
    """A rung whose best models are the unpruned ones cannot decide; one whose are pruned can."""
    plant(tmp_path / "N300", config, best_round=0)
    plant(tmp_path / "N3000", config, best_round=3)
    claims = [c for c in load_registry() if c.id == "AR-linear-effective"]
    frame = judge_ladder(claims, {300: tmp_path / "N300", 3000: tmp_path / "N3000"}, config)
    assert list(frame["verdict"]) == [INCONCLUSIVE, NOT_REPRODUCED]
    assert "unpruned" in frame["reason"].iloc[0]
    assert frame["value"].iloc[1] == pytest.approx(5000 * 0.8 ** 3, rel=0.01)
    assert heading(frame) == "Decided from 3,000 points on: not reproduced."


@pytest.mark.parametrize("verdicts, expected", [
    ([NOT_REPRODUCED, PARTLY, REPRODUCED], "towards"),
    ([REPRODUCED, INCONCLUSIVE, NOT_REPRODUCED], "away from"),
    ([PARTLY, PARTLY, PARTLY], "The same verdict, partly"),
    ([INCONCLUSIVE, INCONCLUSIVE, INCONCLUSIVE], "No size decides it"),
])
def test_the_heading_compares_the_smallest_and_largest_decided_sizes(verdicts: list[str], expected: str) -> None:
    rows = pd.DataFrame({"n_train": [300, 1000, 3000], "verdict": verdicts})
    assert expected in heading(rows)


def test_every_ladder_claim_is_in_the_registry_and_reads_only_what_a_rung_holds() -> None:
    from lottery.claims.ladder import LADDER_CLAIMS
    from lottery.claims.measures import MEASURES

    claims = {c.id: c for c in load_registry()}
    for claim_id in LADDER_CLAIMS:
        assert set(MEASURES[claims[claim_id].measure].sources) <= {"imp_summary", "imp_calibration"}, claim_id
