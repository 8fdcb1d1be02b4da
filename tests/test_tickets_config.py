"""The `tickets` config section: defaults at the paper's scale, cross-section checks named."""
from __future__ import annotations

import pytest

from conftest import REPO
from lottery.core.config import ConfigError, validate_config

SCHEMA = REPO / "config" / "schema.yaml"


def test_ticket_defaults_are_the_papers_settings() -> None:
    tickets = validate_config({}, SCHEMA)["tickets"]
    assert tickets["ensembling"]["widths"] == [2, 4, 20, 40]
    assert tickets["splitting"]["widths"] == [10, 30, 50, 1000]
    assert tickets["wide"]["widths"] == [1000, 10000] and tickets["wide"]["seeds"] == 1
    assert tickets["targets"]["seeds"] == 1000 and tickets["targets"]["train"]["steps"] == 50000
    assert len(tickets["targets"]["targets"]) == 10 and len(tickets["multiplication"]["targets"]) == 4


@pytest.mark.parametrize(
    "tickets, message",
    [
        ({"ensembling": {"widths": [6]}}, r"'tickets\.ensembling\.widths' holds 6, but 6 and 3"),
        ({"splitting": {"widths": [7]}}, r"'tickets\.splitting\.widths' holds 7"),
        ({"distill": {"width": 5}}, r"must hold 5 \(needed by tickets\.distill\.width\)"),
        ({"llm": {"fit_range": "nope"}}, r"'tickets\.llm\.fit_range' \(nope\); allowed: all, narrow, wide"),
        ({"targets": {"widths": [2, 10], "fit_range": [20, 50]}}, r"'tickets\.targets\.fit_range'"),
        ({"ensembling": {"widths": [3]}}, r"tickets\.ensembling\.widths\[0\]"),
    ],
)
def test_inconsistent_ticket_settings_are_refused(tickets: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        validate_config({"tickets": tickets}, SCHEMA)


def test_a_paper_scale_part_trains_its_targets_at_the_papers_scale_and_reuses_the_scaling_grid(tmp_path) -> None:
    """Dry run of a config like the reference bundle's: x^2 at the papers' scale is the scaling grid
    itself (same nets), sin is trained at the papers' scale, cos keeps the family's scale."""
    import json

    import yaml

    from conftest import run_snakemake

    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config["scaling"]["activations"] = ["silu"]
    train = config["scaling"]["train"]
    config["tickets"]["targets"].update(targets=["x2", "sin", "cos"], widths=[2, 10],
                                        paper_scale={"targets": ["x2", "sin"], "seeds": 24, "train": train})
    path = tmp_path / "part.yaml"
    path.write_text(yaml.safe_dump(config))
    done = run_snakemake(tmp_path, "--configfile", str(path), "-n", "--cores", "1", "--printshellcmds",
                         "results/tickets/targets/summary.h5")
    assert done.returncode == 0, done.stderr[-3000:]
    jobs = done.stdout + done.stderr
    assert "results/tickets/grids/targets/x2/" not in jobs, "x^2 at the scaling grid's settings was trained twice"
    assert "results/grids/x2/silu/N10.h5" in jobs
    settings = {t: json.loads(line.split("--settings '")[1].split("'")[0]) for line in jobs.splitlines()
                for t in ("sin", "cos") if f"--target {t} " in line and "train-grid" in line}
    assert settings["sin"]["seeds"] == 24 and settings["sin"]["train"]["steps"] == train["steps"]
    assert settings["cos"]["seeds"] == 6 and settings["cos"]["train"]["steps"] == 50
