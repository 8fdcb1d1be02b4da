"""The referee's judging: known-answer tests of the [AR] measures on planted IMP results, the
"inconclusive" conditions, and the guard that no decided verdict rests on a degenerate
comparison (the same model on both sides)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from lottery.arora.analysis.imp import summary_frames
from lottery.claims.decidability import DECIDERS
from lottery.claims.evaluate import judge_claim
from lottery.claims.measures import MEASURES, Measurement, Results, ResultsDir
from lottery.claims.registry import load_header, load_registry
from lottery.claims.sources import RESULT_FILES
from lottery.claims.verdicts import DECIDED, INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, judge
from lottery.core.config import validate_config
from lottery.core.storage import write_frames

REPO = Path(__file__).resolve().parents[1]
ROUNDS = 6


@pytest.fixture(scope="module")
def config() -> dict:
    return validate_config(yaml.safe_load((REPO / "config" / "config.yaml").read_text()), REPO / "config" / "schema.yaml")


def _trajectory(keys: dict, full_weights: int, best_round: int, interpolates: bool, rng) -> list[dict]:
    """One IMP trajectory: 20% fewer weights a round, test error lowest at ``best_round``."""
    rows = []
    for r in range(ROUNDS):
        err = 0.3 - 0.1 * (r == best_round) + 0.01 * abs(r - best_round) + rng.uniform(0, 1e-4)
        rows.append({**keys, "round": r, "weights": int(full_weights * 0.8 ** r), "params": int(full_weights * 0.8 ** r),
                     "train_error": (0.0 if interpolates else 0.2) + 0.02 * r, "train_loss": 0.1,
                     "test_error": err, "test_loss": 1.0, "ece": 0.2 - 0.01 * r, "test_error_noisy": err + 0.1,
                     "ece_noisy": 0.2 - 0.01 * r})
    return rows


def plant(root: Path, config: dict, best_round: int, interpolates: bool = True,
          xor_per_width: float = 2.0) -> None:
    """IMP summaries of every mixture and image start model the default config trains, every
    trajectory with its best model at ``best_round``; every mixture start model has the same
    weights (the sparse minima coincide), XOR ``xor_per_width`` times linear's."""
    rng = np.random.default_rng(0)
    mix, img = config["imp"]["mixture"], config["imp"]["images"]
    rows = []
    for task, scale in (("linear", 1.0), ("xor", xor_per_width)):
        for nu in sorted(set(mix["linear"]["nus"]) | set(mix["xor"]["nus"])):
            for width in mix["widths"]:
                for rep in range(mix["repetitions"]):
                    keys = dict(dataset=task, arch="fcn2", width=width, classes=2, nu=nu, repetition=rep)
                    rows += _trajectory(keys, int(scale * 5000), best_round, interpolates, rng)
    for width in img["widths"]:
        for rep in range(img["repetitions"]):
            keys = dict(dataset="fashion_mnist", arch="fcn2", width=width, classes=img["classes"], nu=np.nan,
                        repetition=rep)
            rows += _trajectory(keys, 800 * width, best_round, interpolates, rng)
    frames = summary_frames([pd.DataFrame(rows)])
    path = root / RESULT_FILES["imp_summary"]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_frames(path, frames, table=True)
    write_frames(root / RESULT_FILES["imp_figs3_summary"], frames, table=True)


def _measure(name: str, root: Path, config: dict, **args) -> Measurement:
    m = MEASURES[name]
    return m.fn(Results(ResultsDir(root), m.sources), config, **args)


def test_the_xor_linear_ratio_recovers_a_planted_ratio_at_shared_nus(tmp_path: Path, config: dict) -> None:
    config = {**config, "imp": {**config["imp"], "mixture": {
        **config["imp"]["mixture"], "linear": {"nus": [0.4, 0.6], "figure_nus": [0.4]}}}}
    plant(tmp_path, config, best_round=2, xor_per_width=2.0)
    m = _measure("xor_linear_ratio", tmp_path, config)
    assert m.value == pytest.approx(2.0, rel=0.02) and m.low <= 2.0 <= m.high
    assert "nu = 0.6" in m.detail, "only the nu both mixtures share is compared"
    assert judge({"kind": "equivalent", "target": 2, "factor": 1.35}, m).outcome == REPRODUCED


def test_mixtures_without_a_shared_nu_cannot_give_the_ratio(tmp_path: Path, config: dict) -> None:
    plant(tmp_path, config, best_round=2)
    row = judge_claim(next(c for c in load_registry() if c.id == "AR-fig3a-xor-twice"), ResultsDir(tmp_path),
                      config, ["fashion_mnist"])
    assert row["verdict"] == "not tested" and "share no nu" in row["reason"]


def test_a_best_round_of_zero_makes_pruned_vs_full_degenerate(tmp_path: Path, config: dict) -> None:
    plant(tmp_path, config, best_round=0)
    m = _measure("pruned_error_better_fraction", tmp_path, config)
    assert m.degenerate and judge({"kind": "threshold", "at_least": 0.9}, m).outcome == INCONCLUSIVE
    plant(tmp_path, config, best_round=3)
    assert not _measure("pruned_error_better_fraction", tmp_path, config).degenerate


@pytest.mark.parametrize("best_round, interpolates, failing", [
    (0, True, "pruned_best_rounds"), (3, False, "dense_interpolates"), (3, True, None)])
def test_the_decidability_conditions_fail_exactly_when_planted(tmp_path: Path, config: dict, best_round: int,
                                                              interpolates: bool, failing: str | None) -> None:
    plant(tmp_path, config, best_round=best_round, interpolates=interpolates)
    results = Results(ResultsDir(tmp_path), ("imp_summary", "imp_figs3_summary"))
    reasons = {"pruned_best_rounds": DECIDERS["pruned_best_rounds"].fn(config, results, "mixture", 0.5),
               "dense_interpolates": DECIDERS["dense_interpolates"].fn(config, results, "images", 0.02)}
    assert {k for k, v in reasons.items() if v} == ({failing} if failing else set())


def test_no_decided_ar_verdict_rests_on_the_same_model_on_both_sides(tmp_path: Path, config: dict) -> None:
    """Every trajectory's best model is its unpruned parent: no [AR] finding that compares pruned
    with full models, or counts effective parameters, may be decided."""
    plant(tmp_path, config, best_round=0)
    dense_only = {"dense_double_descent", "error_nu_correlation"}  # read the dense models or the set-up
    decided = []
    for claim in load_registry():
        if claim.paper != "AR" or claim.measure in dense_only or "imp_calibration" in MEASURES[claim.measure].sources:
            continue
        row = judge_claim(claim, ResultsDir(tmp_path), config, ["fashion_mnist"])
        if row["verdict"] in DECIDED:
            decided.append((claim.id, row["verdict"], row["reason"]))
    assert not decided, decided


def _trajectories_with(ece_min_at_worst: bool, n: int = 4) -> list[pd.DataFrame]:
    """Ten rounds; test error lowest at round 4; the clean ECE lowest at the worst round or at random."""
    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        err = 0.2 + 0.02 * np.abs(np.arange(10) - 4)
        ece = rng.uniform(0.1, 0.2, 10)
        if ece_min_at_worst:
            ece[np.argmax(err)] = 0.01
        out.append(pd.DataFrame({"round": np.arange(10), "test_error": err, "ece": ece, "ece_noisy": ece}))
    return out


def test_the_ece_minimum_is_judged_against_chance() -> None:
    from lottery.claims.measures.arora import _against_chance, _excess_error_at_min

    stat = lambda t: _excess_error_at_min(t, "ece")  # noqa: E731
    planted, p_planted, _ = _against_chance(_trajectories_with(True), stat, "ece", "greater")
    p_random = _against_chance(_trajectories_with(False), stat, "ece", "greater").p_value
    assert planted > 0 and p_planted < 0.01
    assert p_random > 0.05, "a random ECE minimum is what chance gives"


def test_the_header_states_every_verdict_word_and_the_exponent_margin() -> None:
    header = load_header()
    assert set(header.verdict_words) == {"reproduced", "partly", "not reproduced", "inconclusive", "not tested"}
    exponent_rows = [c for c in load_registry() if c.rule["kind"] == "equivalent" and c.id.startswith("LT-scaling")]
    assert exponent_rows and all(c.rule["factor"] == header.margins["exponent"] for c in exponent_rows)


def test_derived_and_set_up_rows_are_marked() -> None:
    claims = {c.id: c for c in load_registry()}
    assert claims["LT-sec4-llm"].derived_from == "LT-scaling-silu"
    assert claims["AR-figS1-error-nu"].kind == "set-up check"


@pytest.mark.parametrize("m, outcome", [
    (Measurement(0.1, "", p_value=0.01), REPRODUCED), (Measurement(0.1, "", p_value=0.3), INCONCLUSIVE),
    (Measurement(-0.1, "", p_value=0.01), NOT_REPRODUCED)])
def test_beats_chance(m: Measurement, outcome: str) -> None:
    assert judge({"kind": "beats_chance", "bound": 0, "side": "above", "alpha": 0.05}, m).outcome == outcome


def test_a_failing_target_exponent_is_refitted_over_the_other_width_ranges(tmp_path: Path, config: dict) -> None:
    """Planted: loss ~ N^-0.5 at widths 10-30 and ~ N^-1 beyond; the family fit over 10-50 fails
    the N^-1 test, and the detail reports the refits (20-50 near 1, 10-30 near 0.5)."""
    rng = np.random.default_rng(0)
    widths = [10, 20, 30, 40, 50]
    median = {w: (w / 10) ** -0.5 if w <= 30 else 3 ** -0.5 * (w / 30) ** -1.0 for w in widths}
    rows = [dict(target="x3", activation=config["tickets"]["activation"], width=w, seed=s,
                 train_loss=median[w] * np.exp(rng.normal(0, 0.05)), test_loss=median[w] * np.exp(rng.normal(0, 0.05)),
                 diverged=False, c=0.0) for w in widths for s in range(40)]
    write_frames(tmp_path / RESULT_FILES["targets_summary"], {"table": pd.DataFrame(rows)}, table=True)
    pd.DataFrame([dict(target="x3", activation=config["tickets"]["activation"], range="targets", width_min=10,
                       width_max=50, n_widths=5, alpha=0.7, prefactor=1.0, alpha_low=0.65, alpha_high=0.75)]
                 ).to_csv(tmp_path / RESULT_FILES["targets_fits"], index=False)
    m = _measure("target_exponents_matching", tmp_path, config, targets=["x3"], test="equivalent_one", factor=1.15,
                 other_ranges=[[30, 50], [10, 30]])
    assert m.value == 0.0 and "refitted" in m.detail
    refit = {r: float(a) for r, a in re.findall(r"x3 over N = (\d+-\d+): (-?[\d.]+)", m.detail)}
    assert abs(refit["30-50"] - 1.0) < 0.1 and abs(refit["10-30"] - 0.5) < 0.1, m.detail


def test_the_quantile_skewness_reads_the_tails_side_and_ignores_a_few_outliers() -> None:
    from lottery.claims.measures.liu_tegmark import _quantile_skew

    rng = np.random.default_rng(0)
    left = -rng.exponential(1.0, 2000)  # a heavy tail towards low values
    assert _quantile_skew(left) < -0.2 < 0.2 < _quantile_skew(-left)
    symmetric = np.concatenate([rng.normal(0, 1, 2000), [40.0, 50.0]])  # two outliers
    assert abs(_quantile_skew(symmetric)) < 0.1
