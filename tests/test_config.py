"""The shipped configs validate, defaults are filled in, and a bad key stops the run early."""
from __future__ import annotations

import pytest
import yaml

from conftest import REPO
from lottery.core.config import ConfigError, load_config, validate_config

SCHEMA = REPO / "config" / "schema.yaml"


@pytest.mark.parametrize("name", ["config.yaml", "test.yaml", "paper.yaml"])
def test_shipped_configs_are_valid(name: str) -> None:
    config = load_config(REPO / "config" / name, SCHEMA)
    assert config["scaling"]["train"]["steps"] >= 1


def test_defaults_are_the_papers_settings() -> None:
    config = validate_config({}, SCHEMA)
    train = config["scaling"]["train"]
    assert (train["steps"], train["lr"], train["lr_decay"], train["lr_decay_every"]) == (50000, 0.01, 0.2, 10000)
    assert config["scaling"]["seeds"] == 1000
    assert config["scaling"]["widths"] == [1, 2, 3, 4, 10, 20, 30, 40, 50]


def test_paper_config_is_the_papers_scale() -> None:
    paper = yaml.safe_load((REPO / "config" / "paper.yaml").read_text())
    assert paper["scaling"]["seeds"] == 1000 and paper["scaling"]["train"]["steps"] == 50000


def test_validation_does_not_mutate_its_input() -> None:
    raw = {"scaling": {"seeds": 3}}
    validate_config(raw, SCHEMA)
    assert raw == {"scaling": {"seeds": 3}}


def test_unknown_key_is_named() -> None:
    with pytest.raises(ConfigError, match=r"unknown config key 'scaling\.sedes'.*allowed keys:.*seeds"):
        validate_config({"scaling": {"sedes": 3}}, SCHEMA)


def test_the_quoted_fit_range_must_exist() -> None:
    with pytest.raises(ConfigError, match=r"scaling\.analysis\.fit_ranges.*'wide'"):
        validate_config({"scaling": {"analysis": {"fit_ranges": {"all": [1, 50]}}}}, SCHEMA)
