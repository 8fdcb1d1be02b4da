"""[AR] names have one source: the config schema's architecture (and data-set) enums equal the
registries in lottery.arora, and the data-set registry covers exactly the mixtures and the image
loaders."""
from __future__ import annotations

from pathlib import Path

import yaml

from lottery.arora.mixtures import TASKS
from lottery.arora.datasets import DATASETS, IMAGE_DATASETS, MIXTURES
from lottery.arora.images import IMAGE_SETS
from lottery.arora.models import ARCHITECTURES, architecture, parameter_count

SCHEMA = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "schema.yaml").read_text())
IMAGES = SCHEMA["properties"]["imp"]["properties"]["images"]["properties"]


def test_schema_architecture_enum_is_the_registry():
    enum = IMAGES["architectures"]["items"]["properties"]["arch"]["enum"]
    assert sorted(enum) == sorted(ARCHITECTURES)


def test_dataset_registry_is_the_mixtures_and_the_image_loaders():
    assert MIXTURES == TASKS
    assert set(DATASETS) == set(TASKS) | set(IMAGE_SETS)
    assert sorted(IMAGE_DATASETS) == sorted(IMAGE_SETS)
    assert all(d.label for d in DATASETS.values())


def test_every_architecture_has_a_label_and_its_name():
    for name, arch in ARCHITECTURES.items():
        assert arch.name == name and arch.title


def test_parameter_count_of_fcn2_by_hand():
    # 8x8 inputs, width 5, 10 classes: 64*5 + 5*10 weights, plus 5 + 10 biases
    assert parameter_count(architecture("fcn2"), (1, 8, 8), 10, 5, True) == (370, 385)
    assert parameter_count(architecture("fcn2"), (1, 8, 8), 10, 5, False) == (370, 370)


def test_schema_dataset_enums_are_the_image_registry():
    for enum in (IMAGES["datasets"]["items"]["enum"], IMAGES["figs3"]["properties"]["dataset"]["enum"]):
        assert sorted(enum) == sorted(IMAGE_DATASETS)


def test_every_image_set_has_a_shape_and_its_directory_key_exists():
    for name in IMAGE_DATASETS:
        d = DATASETS[name]
        assert d.shape and (d.dir_key is None or d.dir_key in IMAGES)
