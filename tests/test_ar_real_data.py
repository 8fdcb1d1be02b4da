"""[AR] real data and OpenLTH's choices: which image sets run, the config errors that name them,
rewinding as OpenLTH does it, and Table S1 generated from the registries."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from lottery.arora.datasets import figs2_dataset, real_datasets
from lottery.arora.models import architecture, init_models, parameter_count
from lottery.arora.pruning import full_masks
from lottery.arora.report.table_s1 import table_s1
from lottery.arora.trainer import ImpTrainSettings, PruneSettings, Task, train_masked
from lottery.core.config import ConfigError, validate_config

SCHEMA = Path(__file__).resolve().parents[1] / "config" / "schema.yaml"


def _images(**overrides) -> dict:
    images = {"fashion_mnist_dir": "", "datasets": ["digits"], "figs3": {"dataset": "digits"}, **overrides}
    return validate_config({"imp": {"images": images}}, SCHEMA)["imp"]["images"]


def test_real_sets_are_the_listed_ones_plus_the_papers_when_configured(tmp_path):
    assert real_datasets(_images()) == ["digits"]
    with_mnist = real_datasets(_images(mnist_dir=str(tmp_path)))
    assert with_mnist == ["digits", "mnist"]
    assert figs2_dataset(with_mnist) == "mnist" and figs2_dataset(["digits"]) == "digits"


@pytest.mark.parametrize("images,key", [
    ({"datasets": ["fashion_mnist"]}, "imp.images.datasets"),
    ({"figs3": {"dataset": "mnist"}}, "imp.images.figs3.dataset"),
])
def test_a_chosen_set_without_its_directory_is_refused(images, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.") + r".*_dir' is empty"):
        validate_config({"imp": {"images": {"fashion_mnist_dir": "", "datasets": ["digits"],
                                            "figs3": {"dataset": "digits"}, **images}}}, SCHEMA)


def test_rewound_rounds_resume_at_the_rewinding_step():
    """OpenLTH retrains a rewound net from step k to the end: with plain SGD and all weights kept,
    rewinding to step k and training on from there repeats the dense run exactly."""
    arch = architecture("fcn2")
    params = init_models(arch, [0, 1], (5,), 2, 6, False, torch.float64, torch.device("cpu"))
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 40, 5, generator=g, dtype=torch.float64)
    task = Task(x, torch.randint(0, 2, (1, 40), generator=g), x[:, :10], torch.zeros(2, dtype=torch.long))
    s, masks = ImpTrainSettings(4, 16, 0.2, 0.0), full_masks(params)
    straight, step_k = train_masked(arch.forward, params, masks, task, s, ("rw",), snapshot_step=5)
    resumed, _ = train_masked(arch.forward, step_k, masks, task, s, ("rw",), first_step=5)
    for k in params:
        torch.testing.assert_close(resumed[k], straight[k], rtol=0, atol=0)


def test_rewinding_is_for_large_start_models_only():
    p = PruneSettings(0.2, 3, rewind_step=50, rewind_min_width=1000)
    assert p.at_width(500).rewind_step == 0 and p.at_width(1000).rewind_step == 50


def test_table_s1_comes_from_the_registry_and_the_config():
    s = validate_config({"imp": {"images": {"fashion_mnist_dir": "", "datasets": ["digits"], "widths": [8, 32],
                                            "calibration_width": 32,
                                            "classes_widths": [8],
                                            "architectures": [{"arch": "fcn3", "widths": [16]}],
                                            "figs2": {"resnet_widths": [4]},
                                            "figs3": {"dataset": "digits", "widths": [50], "train": {"epochs": 7}}}}},
                        SCHEMA)["imp"]
    tex = table_s1({**s, "real": ["digits"]})
    fcn2_small, fcn2_large = (parameter_count(architecture("fcn2"), (1, 8, 8), 10, w, True)[1] for w in (8, 32))
    assert f"FCN-2 & 8x8 digits & {architecture('fcn2').description}" in tex
    assert f"{fcn2_small}--{fcn2_large:,}".replace(",", "{,}") in tex
    rows = [line for line in tex.splitlines() if line.startswith("FCN-3")]
    assert len(rows) == 2 and any("& S3 & 50 &" in r and "& 7 &" in r for r in rows)  # Fig S3's own runs
    assert any(line.startswith("ResNet-6") and "S2" in line for line in tex.splitlines())
