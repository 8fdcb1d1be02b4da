"""The claims registry and its verdicts: the registry is well formed, every rule kind can give
each of its outcomes, measures read what they declare and fail naming a missing file, unmet
preconditions give "not tested" with the reason (the tables and macros: tests/test_claims_report.py)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO
from lottery.claims.evaluate import judge_claim, causes_tested
from lottery.claims.measures import MEASURES, Measurement, Results, ResultsDir
from lottery.claims.measures.base import setting
from lottery.claims.preconditions import PRECONDITIONS
from lottery.claims.registry import FIELDS, Claim, RegistryError, load_registry
from lottery.claims.scale import row_scale, scale_sentence
from lottery.claims.sources import RESULT_FILES
from lottery.claims.verdicts import INCONCLUSIVE, NOT_REPRODUCED, NOT_TESTED, OUTCOMES, PARTLY, REPRODUCED, RULES, judge
from lottery.cli import main
from lottery.core.config import validate_config
from lottery.core.errors import ResultsError
from lottery.core.storage import write_table

SCHEMA = REPO / "config" / "schema.yaml"


def _config(name: str) -> dict:
    return validate_config(yaml.safe_load((REPO / "config" / name).read_text()), SCHEMA)


@pytest.fixture(scope="module")
def default_config() -> dict:
    return _config("config.yaml")


# ---------------------------------------------------------------- the registry


def test_registry_has_every_field_and_unique_ids() -> None:
    claims = load_registry()
    assert len(claims) >= 25
    assert len({c.id for c in claims}) == len(claims)
    assert {"LT", "AR"} <= {c.paper for c in claims}
    for c in claims:
        for name in FIELDS:
            assert getattr(c, name) not in ("", None) or name == "paper_value", (c.id, name)
        assert c.rule["kind"] in RULES and c.measure in MEASURES
        assert all(req["kind"] in PRECONDITIONS for req in c.requires)


def test_every_config_key_a_precondition_names_exists(default_config: dict) -> None:
    for c in load_registry():
        for req in c.requires:
            if "path" in req:
                setting(default_config, req["path"])  # raises KeyError naming the key


def test_the_lt_scaling_claims_encode_what_the_paper_says() -> None:
    """[LT]: LeakyReLU starts like N^-4 and bends to N^-1; SiLU follows N^-1 (not alpha = 1 for both)."""
    rules = {c.id: (c.args, c.rule) for c in load_registry()}
    assert {r["kind"] for _, r in rules.values() if "target" in r and r["target"] in (1, 4)} >= {"equivalent"}
    assert rules["LT-scaling-leaky-early"][1]["target"] == 4
    assert rules["LT-scaling-leaky-tail"][1]["target"] == 1
    assert rules["LT-scaling-silu"][1]["target"] == 1
    assert rules["LT-scaling-leaky-early"][0]["widths"][1] < rules["LT-scaling-leaky-tail"][0]["widths"][0]


HEADER = {"verdict_words": {o: "w" for o in OUTCOMES}, "margins": {"exponent": 1.15}}


def _write_registry(tmp_path: Path, **change) -> Path:
    entry = {"id": "LT-x", "short": "x", "paper": "LT", "where": "Fig. 1", "claim": "c", "paper_value": "1",
             "measure": "distill_best_loss", "rule": {"kind": "threshold", "at_most": 1.0}, **change}
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump_all([HEADER, [{"group": "g"}, entry, {**entry, "id": "LT-y"}]]))
    return path


def test_registry_text_has_no_control_characters() -> None:
    """A backslash in a double-quoted YAML string is an escape: "\\to" would become a tab and "o"."""
    for c in load_registry():
        for name in ("where", "claim", "paper_value", "causes"):
            text = getattr(c, name)
            assert not any(ord(ch) < 32 for ch in text), f"claim {c.id}: control character in {name}: {text!r}"


@pytest.mark.parametrize("change, message", [
    ({"measure": "no_such_measure"}, "unknown measure"),
    ({"rule": {"kind": "no_such_rule"}}, "unknown rule kind"),
    ({"requires": [{"kind": "no_such_precondition"}]}, "unknown precondition kind"),
    ({"args": {"no_such_argument": 1}}, "do not fit measure"),
    ({"paper": "XX"}, "paper must be one of"),
    ({"colour": "red"}, "unknown fields"),
    ({"decides": [{"kind": "no_such_condition"}]}, "unknown decidability kind"),
    ({"rule": {"kind": "equivalent", "target": 1, "factor": "no_such_margin"}}, "names margin"),
    ({"derived_from": "LT-nowhere"}, "derived_from names no claim"),
    ({"kind": "opinion"}, "kind must be one of"),
])
def test_a_malformed_registry_is_refused(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        load_registry(_write_registry(tmp_path, **change))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = _write_registry(tmp_path)
    header, entries = yaml.safe_load_all(path.read_text())
    path.write_text(yaml.safe_dump_all([header, [entries[1], entries[1]]]))
    with pytest.raises(RegistryError, match="duplicate claim ids"):
        load_registry(path)


# ---------------------------------------------------------------- verdict rules

POINT = lambda v: Measurement(v, str(v))  # noqa: E731
SPAN = lambda v, lo, hi: Measurement(v, str(v), lo, hi)  # noqa: E731

RULE_CASES = [
    ({"kind": "equivalent", "target": 1, "factor": 1.15, "partly_factor": 1.5}, SPAN(1.04, 1.01, 1.08), REPRODUCED),
    ({"kind": "equivalent", "target": 1, "factor": 1.15, "partly_factor": 1.5}, SPAN(1.1, 0.9, 1.3), INCONCLUSIVE),
    ({"kind": "equivalent", "target": 1, "factor": 1.15, "partly_factor": 1.5}, SPAN(1.4, 1.3, 1.5), PARTLY),
    ({"kind": "equivalent", "target": 1, "factor": 1.15, "partly_factor": 1.5}, SPAN(2.5, 2.4, 2.6), NOT_REPRODUCED),
    ({"kind": "interval_side", "bound": 0, "side": "above"}, SPAN(1.0, 0.2, 1.8), REPRODUCED),
    ({"kind": "interval_side", "bound": 0, "side": "above"}, SPAN(1.0, -0.2, 1.8), INCONCLUSIVE),
    ({"kind": "interval_side", "bound": 0, "side": "above"}, SPAN(-1.0, -1.5, -0.2), NOT_REPRODUCED),
    ({"kind": "beats_chance", "bound": 0, "side": "above", "alpha": 0.05}, Measurement(0.1, "", p_value=0.01),
     REPRODUCED),
    ({"kind": "threshold", "at_most": 0.5, "partly_below": 1.0}, POINT(0.5), REPRODUCED),
    ({"kind": "threshold", "at_most": 0.5, "partly_below": 1.0}, POINT(0.9), PARTLY),
    ({"kind": "threshold", "at_most": 0.5, "partly_below": 1.0}, POINT(1.0), NOT_REPRODUCED),
    ({"kind": "threshold", "above": 0.0}, POINT(0.0), NOT_REPRODUCED),
    ({"kind": "threshold", "at_least": 1.0, "partly_above": 0.0}, POINT(1.0), REPRODUCED),
    ({"kind": "threshold", "at_least": 1.0, "partly_above": 0.0}, POINT(0.3), PARTLY),
    ({"kind": "range_within", "low": 200, "high": 500, "partly_low": 100, "partly_high": 1000}, POINT(300), REPRODUCED),
    ({"kind": "range_within", "low": 200, "high": 500, "partly_low": 100, "partly_high": 1000}, POINT(800), PARTLY),
    ({"kind": "range_within", "low": 200, "high": 500, "partly_low": 100, "partly_high": 1000}, POINT(50),
     NOT_REPRODUCED),
    ({"kind": "range_within", "low": 1e-7, "high": 1e-5}, Measurement((2e-7, 3e-6), ""), REPRODUCED),
    ({"kind": "range_within", "low": 1e-7, "high": 1e-5}, Measurement((2e-7, 3e-4), ""), NOT_REPRODUCED),
    ({"kind": "outside_range", "low": 0.8, "high": 1.25}, POINT(0.5), REPRODUCED),
    ({"kind": "outside_range", "low": 0.8, "high": 1.25}, POINT(1.0), NOT_REPRODUCED),
    ({"kind": "outside_range", "low": 0.8, "high": 1.25, "above": 0}, POINT(-0.5), NOT_REPRODUCED),
    ({"kind": "ratio_within", "target": 2, "factor": 1.35, "partly_factor": 2}, POINT(1.6), REPRODUCED),
    ({"kind": "ratio_within", "target": 2, "factor": 1.35, "partly_factor": 2}, POINT(3.5), PARTLY),
    ({"kind": "ratio_within", "target": 2, "factor": 1.35, "partly_factor": 2}, POINT(0.9), NOT_REPRODUCED),
    ({"kind": "count_equals", "target": 4, "partly_tolerance": 1}, POINT(4.0), REPRODUCED),
    ({"kind": "count_equals", "target": 4, "partly_tolerance": 1}, POINT(5.0), PARTLY),
    ({"kind": "count_equals", "target": 4, "partly_tolerance": 1}, POINT(6.0), NOT_REPRODUCED),
    ({"kind": "ordering", "direction": "decreasing"}, Measurement((0.9, 0.5, 0.1), ""), REPRODUCED),
    ({"kind": "ordering", "direction": "decreasing"}, Measurement((0.9, 0.95, 0.1), ""), PARTLY),
    ({"kind": "ordering", "direction": "decreasing"}, Measurement((0.1, 0.5, 0.9), ""), NOT_REPRODUCED),
    ({"kind": "sequence_equals", "target": [1, 2, 3], "partly": "increasing"}, Measurement((1.2, 2.4, 2.7), ""),
     REPRODUCED),
    ({"kind": "sequence_equals", "target": [1, 2, 3], "partly": "increasing"}, Measurement((2.2, 2.7, 2.8), ""),
     PARTLY),
    ({"kind": "sequence_equals", "target": [1, 2, 3], "partly": "increasing"}, Measurement((2.2, 2.1, 2.8), ""),
     NOT_REPRODUCED),
    ({"kind": "threshold", "at_most": 0.5}, POINT(float("nan")), NOT_TESTED),
]


@pytest.mark.parametrize("rule, measured, outcome", RULE_CASES)
def test_each_rule_kind_gives_each_outcome(rule: dict, measured: Measurement, outcome: str) -> None:
    verdict = judge(rule, measured)
    assert verdict.outcome == outcome, verdict.reason
    assert verdict.reason


def test_every_rule_kind_is_exercised() -> None:
    assert {rule["kind"] for rule, _, _ in RULE_CASES} == set(RULES)


def test_a_rule_needing_an_interval_refuses_a_bare_number() -> None:
    with pytest.raises(ValueError, match="interval"):
        judge({"kind": "equivalent", "target": 1, "factor": 1.15}, POINT(1.0))


# ---------------------------------------------------------------- measures and preconditions


def _scaling_results(root: Path, alpha: float, seeds: int = 200) -> None:
    """A scaling summary whose median loss falls exactly like N^-alpha, with seed scatter."""
    rng = np.random.default_rng(1)
    rows = [dict(target="x2", activation="silu", width=w, seed=s, train_loss=0.0, diverged=False, c=0.0,
                 test_loss=float(w ** -alpha * np.exp(rng.normal(0, 0.1))))
            for w in (10, 20, 30, 40, 50) for s in range(seeds)]
    path = root / RESULT_FILES["scaling_summary"]
    path.parent.mkdir(parents=True)
    write_table(pd.DataFrame(rows), path)


def test_scaling_exponent_recovers_a_known_exponent(tmp_path: Path, default_config: dict) -> None:
    _scaling_results(tmp_path, alpha=1.0)
    m = MEASURES["scaling_exponent"]
    measured = m.fn(Results(ResultsDir(tmp_path), m.sources), default_config, activation="silu", widths=[10, 50])
    assert measured.low < 1.0 < measured.high and abs(measured.value - 1.0) < 0.05
    assert judge({"kind": "equivalent", "target": 4, "factor": 1.15}, measured).outcome == NOT_REPRODUCED


def test_a_measure_reads_only_the_files_it_declares(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="without declaring it"):
        Results(ResultsDir(tmp_path), ("distill",)).frame("imp_summary", "best")


def test_a_missing_results_file_is_named(tmp_path: Path, default_config: dict) -> None:
    m = MEASURES["distill_best_loss"]
    with pytest.raises(ResultsError, match=r"tickets/distill\.h5 does not exist"):
        m.fn(Results(ResultsDir(tmp_path), m.sources), default_config)


def test_the_command_fails_in_one_line_naming_the_missing_file(tmp_path: Path, default_config: dict,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "out"
    code = main(["claims", "--results-dir", str(tmp_path), "--config-json", json.dumps(default_config),
                 "--table-tex", str(out / "t.tex"), "--macros", str(out / "m.tex"), "--table-md", str(out / "t.md"),
                 "--csv", str(out / "t.csv")])
    assert code == 2
    assert "does not exist" in caplog.text and str(tmp_path) in caplog.text


def test_an_unmet_precondition_gives_not_tested_with_its_reason(tmp_path: Path, default_config: dict) -> None:
    claim = Claim(id="LT-test", short="c", paper="LT", where="Fig. 1c", claim="c", paper_value="1",
                  measure="scaling_exponent", args={"activation": "leaky_relu", "widths": [30, 50]},
                  rule={"kind": "equivalent", "target": 1, "factor": 1.15},
                  requires=[{"kind": "config_includes", "path": "scaling.widths", "items": [30, 60]}])
    row = judge_claim(claim, ResultsDir(tmp_path), default_config, [])  # nothing is read: no results needed
    assert row["verdict"] == NOT_TESTED
    assert "60" in row["reason"] and "scaling.widths" in row["reason"]


def test_a_value_the_run_cannot_give_is_not_tested(tmp_path: Path, default_config: dict) -> None:
    _scaling_results(tmp_path, alpha=1.0)
    claim = Claim(id="LT-test", short="c", paper="LT", where="Fig. 1c", claim="c", paper_value="1",
                  measure="scaling_exponent", args={"activation": "silu", "widths": [60, 90]},
                  rule={"kind": "equivalent", "target": 1, "factor": 1.15})
    row = judge_claim(claim, ResultsDir(tmp_path), default_config, [])
    assert row["verdict"] == NOT_TESTED and "60-90" in row["reason"]


def test_scale_marks_the_default_config_as_laptop_scale(default_config: dict) -> None:
    paper = _config("paper.yaml")
    assert row_scale(("scaling",), default_config, [])[1] is False
    assert row_scale(("scaling",), paper, [])[1] is True and row_scale(("scaling",), paper, [])[0][1] == "paper"
    assert row_scale(("images",), paper, ["digits"])[1] is False, "the digits stand in for MNIST: below scale"
    assert "laptop scale" in scale_sentence([True, False], default_config)
    assert "papers' scale" in scale_sentence([True, True], paper)
    mixed = scale_sentence([True, True, False], paper)
    assert mixed.startswith("2 of 3 verdicts were measured at the papers' scale") and "laptop" not in mixed


def _with_part(config: dict, targets: list[str]) -> dict:
    """A below-scale ticket family with a bundle part: ``targets`` at the papers' scale."""
    config = json.loads(json.dumps(config))
    section = config["tickets"]["targets"]
    section["seeds"], section["train"]["steps"] = 200, 5000
    section["paper_scale"]["targets"] = targets
    return validate_config(config, SCHEMA)


def test_a_part_at_the_papers_scale_makes_exactly_its_targets_rows_paper_scale() -> None:
    config = _with_part(_config("paper.yaml"), ["x2", "x3", "tanh"])
    (text, short), full = row_scale(("targets/x2,x3,tanh",), config, [])
    assert full and short == "paper" and "1,000 seeds, 50,000 steps" in text
    (text, short), full = row_scale(("targets/x3,sin",), config, [])
    assert not full and "x3: 1,000 seeds, 50,000 steps" in text and "sin: 200 seeds, 5,000 steps" in text
    assert short == "1,000 x 50k (1); 200 x 5k (1)"
    assert row_scale(("targets",), config, [])[1] is False, "the whole family is not at the papers' scale"


def test_paper_steps_decides_a_claim_only_when_every_target_it_names_trained_as_long_as_the_paper() -> None:
    from lottery.claims.decidability import paper_steps

    config = _with_part(_config("paper.yaml"), ["x2", "x3", "tanh"])
    assert paper_steps(config, None, "tickets.targets", 50_000, targets=["x2", "x3", "tanh"]) is None
    reason = paper_steps(config, None, "tickets.targets", 50_000, targets=["sin", "x3", "cos"])
    assert reason.startswith("tickets.targets (sin, cos) trained 5,000 steps")
    assert paper_steps(config, None, "tickets.targets", 50_000) is not None, "all targets: not all at scale"


# ---------------------------------------------------------------- causes (the tables: tests/test_claims_report.py)


def test_probe_causes_are_this_runs_probes_of_the_claims_activation() -> None:
    claim = next(c for c in load_registry() if c.causes == "probes")
    probes = [{"cause": "range $[-1,1]$", "activation": claim.args["activation"]},
              {"cause": "other net", "activation": "tanh"}]
    assert causes_tested(claim, {"probes": probes}).endswith(": range $[-1,1]$")
    assert causes_tested(claim, {"probes": []}) == "", "no probe run: no cause tested"


def test_the_claims_room_is_never_imported_by_the_papers() -> None:
    for room in ("liu_tegmark", "arora", "core"):
        for path in (REPO / "src" / "lottery" / room).rglob("*.py"):
            assert "lottery.claims" not in path.read_text(), path


def test_the_rule_declares_every_file_a_measure_reads() -> None:
    smk = (REPO / "workflow" / "rules" / "claims.smk").read_text()
    assert "RESULT_FILES.values()" in smk
    read = {s for m in MEASURES.values() for s in m.sources}
    assert read <= set(RESULT_FILES)

