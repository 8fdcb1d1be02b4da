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
