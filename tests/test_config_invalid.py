"""Bad input: invalid configs are refused before any job runs, naming the key and what is allowed;
a truncated results file names itself and the rule that makes it; diverging nets are flagged,
not fatal."""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from conftest import REPO, run_snakemake
from lottery.core.config import ConfigError, validate_config
from lottery.core.storage import ResultsError, read_frame

SCHEMA = REPO / "config" / "schema.yaml"
BASE = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
DELETE = object()

# (config changes as {dotted key: value}, the key the message must name, what it must say is allowed)
CASES = {
    "device unknown": ({"device": "tpu"}, "'device'", "auto, cpu, cuda"),
    "device impossible index": ({"device": "cuda:7"}, "'device'", "auto, cpu, cuda"),
    "device wrong type": ({"device": 0}, "'device'", "auto, cpu, cuda"),
    "threads wrong type": ({"threads": "two"}, "'threads'", "type integer"),
    "threads zero": ({"threads": 0}, "'threads'", ">= 1"),
    "paper-scale target not trained": ({"tickets.targets.targets": ["x2", "sin"], "tickets.targets.paper_scale.targets": ["cos"]},
                                      "'tickets.targets.paper_scale.targets'", "does not train"),
    "unknown top-level key": ({"devices": "cpu"}, "'devices'", "allowed keys: beyond, device,"),
    "unknown scaling key": ({"scaling.seed": 3}, "'scaling.seed'", "allowed keys: activations,"),
    "unknown train key typo": ({"scaling.train.step": 10}, "'scaling.train.step'", "steps"),
    "scaling not a mapping": ({"scaling": [1, 2]}, "'scaling'", "type object"),
    "empty width grid": ({"scaling.widths": []}, "'scaling.widths'", "at least 2 items"),
    "one-width grid": ({"scaling.widths": [10]}, "'scaling.widths'", "at least 2 items"),
    "negative width": ({"scaling.widths": [1, -3]}, "'scaling.widths[1]'", ">= 1"),
    "zero width": ({"scaling.widths": [0, 2]}, "'scaling.widths[0]'", ">= 1"),
    "fractional width": ({"scaling.widths": [1, 2.5]}, "'scaling.widths[1]'", "type integer"),
    "repeated widths": ({"scaling.widths": [1, 2, 2]}, "'scaling.widths'", "no repeated items"),
    "width grid not a list": ({"scaling.widths": "1,2,10"}, "'scaling.widths'", "type array"),
    "unknown activation": ({"scaling.activations": ["gelu"]}, "'scaling.activations[0]'",
                           "silu, leaky_relu, relu, tanh"),
    "empty activations": ({"scaling.activations": []}, "'scaling.activations'", "at least 1 items"),
    "unknown target": ({"scaling.targets": ["x2", "x7"]}, "'scaling.targets[1]'", "x2, x3, x4"),
    "empty targets": ({"scaling.targets": []}, "'scaling.targets'", "at least 1 items"),
    "targets without x2": ({"scaling.targets": ["x3"]}, "'scaling.targets'", "include 'x2'"),
    "zero seeds": ({"scaling.seeds": 0}, "'scaling.seeds'", ">= 1"),
    "fractional seeds": ({"scaling.seeds": 2.5}, "'scaling.seeds'", "type integer"),
    "half precision": ({"scaling.dtype": "float16"}, "'scaling.dtype'", "float32, float64"),
    "leaky slope of one": ({"scaling.negative_slope": 1.0}, "'scaling.negative_slope'", "< 1"),
    "negative learning rate": ({"scaling.train.lr": -0.01}, "'scaling.train.lr'", "> 0"),
    "learning rate as text": ({"scaling.train.lr": "1e-2"}, "'scaling.train.lr'", "type number"),
    "zero steps": ({"scaling.train.steps": 0}, "'scaling.train.steps'", ">= 1"),
    "lr decay above one": ({"scaling.train.lr_decay": 2.0}, "'scaling.train.lr_decay'", "<= 1"),
    "negative batch": ({"scaling.train.batch_size": -1}, "'scaling.train.batch_size'", ">= 0"),
    "batch above training set": ({"scaling.train.batch_size": 1000}, "'scaling.train.batch_size'", "n_train"),
    "compile as text": ({"scaling.train.compile": "yes"}, "'scaling.train.compile'", "type boolean"),
    "zero checkpoint interval": ({"scaling.train.checkpoint_every": 0}, "'scaling.train.checkpoint_every'", ">= 1"),
    "one curve point": ({"scaling.train.curve_points": 1}, "'scaling.train.curve_points'", ">= 2"),
    "empty input range": ({"scaling.data.x_min": 3.0}, "'scaling.data.x_min'", "x_min < x_max"),
    "no training points": ({"scaling.data.n_train": 0}, "'scaling.data.n_train'", ">= 1"),
    "confidence above one": ({"scaling.analysis.confidence": 1.5}, "'scaling.analysis.confidence'", "< 1"),
    "too few bootstraps": ({"scaling.analysis.bootstrap": 5}, "'scaling.analysis.bootstrap'", ">= 10"),
    "no fit ranges": ({"scaling.analysis.fit_ranges": {}}, "'scaling.analysis.fit_ranges'", "at least 1 entries"),
    "fit range of one number": ({"scaling.analysis.fit_ranges": {"all": [1]}}, "'scaling.analysis.fit_ranges.all'",
                                "at least 2 items"),
    "fit range missing the grid": ({"scaling.analysis.fit_ranges": {"all": [30, 50]}},
                                   "'scaling.analysis.fit_ranges.all'", "at least 2 of them"),
    "fit range reversed": ({"scaling.analysis.fit_ranges": {"all": [20, 1]}}, "'scaling.analysis.fit_ranges.all'",
                           "an ordered range"),
    "MNIST directory missing": ({"imp.images.mnist_dir": "/nonexistent/mnist"}, "'imp.images.mnist_dir'",
                                "existing directory"),
    "CIFAR directory missing": ({"imp.images.cifar10_dir": "data/no-cifar"}, "'imp.images.cifar10_dir'",
                                "existing directory"),
}


def _patched(changes: dict) -> dict:
    config = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = config
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return config


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_the_base_config_is_valid() -> None:
    validate_config(BASE, SCHEMA)


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_config_is_refused_naming_the_key_and_allowed_values(name: str) -> None:
    changes, key, allowed = CASES[name]
    with pytest.raises(ConfigError) as err:
        validate_config(_patched(changes), SCHEMA)
    message = str(err.value)
    assert f"config key {key}" in message, message
    assert allowed in message, message


def test_dry_run_refuses_an_invalid_config_before_any_job(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_patched({"scaling.widths": [1, -3], "scaling.activations": ["gelu"]})))
    done = run_snakemake(tmp_path, "--configfile", str(bad), "-n", "--cores", "1")
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "config key 'scaling.widths[1]'" in out and ">= 1" in out
    assert "config key 'scaling.activations[0]'" in out and "allowed values: silu, leaky_relu, relu, tanh" in out
    assert "Building DAG" not in out and not (tmp_path / "results").exists()


def test_truncated_results_file_names_the_file_and_its_rule(test_config_run, tmp_path, monkeypatch) -> None:
    """A truncated grid file, read where Snakemake made it, names itself and rule train_grid."""
    rel = "results/grids/x2/silu/N10.h5"
    shutil.copytree(test_config_run / ".snakemake" / "metadata", tmp_path / ".snakemake" / "metadata")
    (tmp_path / rel).parent.mkdir(parents=True)
    data = (test_config_run / rel).read_bytes()
    (tmp_path / rel).write_bytes(data[: len(data) // 2])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ResultsError, match=r"results/grids/x2/silu/N10\.h5 \(made by rule train_grid\) is unreadable"):
        read_frame(rel, "summary")
    # The rule that reads it fails with that one line and status 2, not a traceback.
    done = subprocess.run(
        [sys.executable, "-m", "lottery", "scaling-fit", "--grids", rel, "--settings",
         '{"fit_ranges": {"all": [1, 20]}, "bootstrap": 10, "confidence": 0.9}', "--summary", "s.h5",
         "--medians", "m.csv", "--fits", "f.csv"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ},
    )
    assert done.returncode == 2
    assert "N10.h5 (made by rule train_grid) is unreadable" in done.stderr and "Traceback" not in done.stderr


def test_diverging_nets_are_flagged_not_fatal_and_counted_in_the_report() -> None:
    from lottery.liu_tegmark.analysis.scaling import median_losses
    from lottery.liu_tegmark.data import make_regression_data
    from lottery.liu_tegmark.nets import init_params
    from lottery.core.seeds import seed_address
    from lottery.liu_tegmark.report.scaling import ScalingReportSettings, scaling_macros
    from lottery.liu_tegmark.trainer import GridTrainSettings, train_grid

    d = make_regression_data("x2", 32, 64, -2.0, 2.0, 0)
    t = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    init = init_params([seed_address(0, "x2", "silu", 4, s) for s in range(6)], 4, 1, torch.float32)
    # A learning rate of 1e30 sends every net's parameters to inf or NaN within a few steps.
    settings = GridTrainSettings(steps=50, lr=1e30)
    result = train_grid(init, t(d.x_train), t(d.y_train), t(d.x_test), t(d.y_test), settings)
    assert result.diverged.all()
    diverging = pd.DataFrame({"target": "x2", "activation": "silu", "width": 4, "seed": np.arange(6),
                              "test_loss": result.test_loss, "diverged": result.diverged})
    healthy = diverging.assign(width=2, test_loss=1e-3, diverged=False)
    medians = median_losses(pd.concat([diverging, healthy], ignore_index=True))
    config = validate_config(BASE, SCHEMA)["scaling"]
    macros = scaling_macros(medians, pd.DataFrame(columns=["target", "activation", "range"]),
                            ScalingReportSettings.from_config(config))
    assert re.search(r"\\ScalingDiverged\}\{6\}", macros), macros
    assert re.search(r"\\ScalingNets\}\{12\}", macros), macros


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_device_cuda_without_a_gpu_is_a_clear_error(monkeypatch) -> None:
    from lottery.core.devices import DeviceError, resolve_device

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with pytest.raises(DeviceError, match=r"config key 'device' is 'cuda' but no CUDA GPU is visible "
                                          r"\(CUDA_VISIBLE_DEVICES=\); set device to 'auto' or 'cpu'"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"
