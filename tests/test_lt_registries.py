"""Every [LT] name has one source: config/schema.yaml's activation, target and clustering enums,
and the fused kernel's activation codes, equal the registries in lottery.liu_tegmark."""
from __future__ import annotations

import re
from typing import Iterator

import numpy as np
import pytest
import torch
import yaml

from conftest import REPO
from lottery.liu_tegmark.activations import ACTIVATIONS, get_activation
from lottery.liu_tegmark.analysis.clusters import CRITERIA
from lottery.liu_tegmark.targets import TARGETS

SCHEMA = yaml.safe_load((REPO / "config" / "schema.yaml").read_text())
UNARY = [name for name, t in TARGETS.items() if t.dim == 1]
MULTIPLICATION = [name for name, t in TARGETS.items() if t.dim > 1]


def _enums(node: object, path: str = "") -> Iterator[tuple[str, list]]:
    """``(dotted config key, enum)`` of every enum in the schema, items of arrays included."""
    if isinstance(node, dict):
        if "enum" in node:
            yield path, node["enum"]
        for key, sub in node.items():
            step = "" if key in ("properties", "items") else key
            yield from _enums(sub, f"{path}.{step}".strip(".") if step else path)


def test_every_activation_enum_of_the_schema_is_the_registry() -> None:
    keys = [(key, enum) for key, enum in _enums(SCHEMA) if key.split(".")[-1] in ("activation", "activations")]
    assert {"scaling.activations", "tickets.activation", "tickets.targets.activations",
            "tickets.multiplication.activations"} <= {key for key, _ in keys}
    for key, enum in keys:
        assert enum == list(ACTIVATIONS), f"config/schema.yaml {key}: set its enum to {list(ACTIVATIONS)}"


def test_the_target_enums_of_the_schema_are_the_registry() -> None:
    enums = dict(_enums(SCHEMA))
    assert enums["scaling.targets"] == list(TARGETS), f"scaling.targets: set its enum to {list(TARGETS)}"
    assert enums["tickets.targets.targets"] == UNARY, f"tickets.targets.targets: set its enum to {UNARY}"
    assert enums["tickets.multiplication.targets"] == MULTIPLICATION, (
        f"tickets.multiplication.targets: set its enum to {MULTIPLICATION}")


def test_the_clustering_criteria_of_the_schema_are_the_analysis_ones() -> None:
    assert dict(_enums(SCHEMA))["tickets.algorithms.criterion"] == list(CRITERIA)


def test_the_kernel_codes_are_the_fused_kernels_enum() -> None:
    source = (REPO / "src" / "lottery" / "liu_tegmark" / "fused.cpp").read_text()
    body = re.search(r"enum Act \{([^}]*)\}", source).group(1)
    kernel = {name.strip().lower(): int(code) for name, code in re.findall(r"(\w+)\s*=\s*(\d+)", body)}
    assert kernel == {name: a.kernel_code for name, a in ACTIVATIONS.items()}
    for name in ACTIVATIONS:
        assert re.search(rf"case {name.upper()}: train<T, {name.upper()}>", source), f"the kernel never runs {name}"


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_each_derivative_is_the_derivative_of_its_activation(name: str) -> None:
    act, dact = get_activation(name).torch_pair(negative_slope=0.1)
    z = torch.linspace(-3, 3, 61, dtype=torch.float64)
    z = z[z.abs() > 1e-3]  # the kinks of relu and leaky_relu
    h = 1e-6
    np.testing.assert_allclose(dact(z), (act(z + h) - act(z - h)) / (2 * h), atol=1e-6)
    np.testing.assert_array_equal(get_activation(name).numpy(0.1)(z.numpy()), act(z).numpy())


def test_every_activation_has_a_distinct_colour_and_a_latex_name() -> None:
    colours = [a.color for a in ACTIVATIONS.values()]
    assert len(set(colours)) == len(colours)
    assert all(a.latex for a in ACTIVATIONS.values())
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        get_activation("gelu")


def test_each_name_list_is_written_once_in_the_schema() -> None:
    """One source per enum: later uses are YAML aliases of the first (``*activations``), so a new
    activation, target, dtype or data set is added in one place."""
    text = (REPO / "config" / "schema.yaml").read_text()
    for names in (list(ACTIVATIONS), UNARY, MULTIPLICATION, ["float32", "float64"]):
        assert text.count("[" + ", ".join(names) + "]") == 1, names
