"""[LT] one grid job: the rule's settings become a typed job, and its nets are the ones
train_grid gives from their seed addresses; grid files read back as the converged nets."""
from __future__ import annotations

import numpy as np
import torch

from lottery.core.seeds import seed_address
from lottery.liu_tegmark.data import make_regression_data
from lottery.liu_tegmark.job import GridJob, run_grid_job
from lottery.liu_tegmark.store import read_scalar_nets, write_grid
from lottery.liu_tegmark.nets import init_params
from lottery.liu_tegmark.trainer import GridTrainSettings, train_grid

# What rule train_grid passes (workflow/rules/scaling.smk) as its JSON settings.
RULE_SETTINGS = {
    "seeds": 3, "init_seed": 5, "dtype": "float64", "negative_slope": 0.2, "data_seed": 1, "device": "cpu",
    "threads": 1, "train": {"steps": 12, "lr": 0.01, "lr_decay": 0.5, "lr_decay_every": 4, "batch_size": 8,
                            "compile": False, "chunk_elements": 1000, "curve_points": 3, "checkpoint_every": 7},
}


def test_the_rule_settings_become_a_typed_job() -> None:
    job = GridJob.from_settings(RULE_SETTINGS, "x2", "leaky_relu", 4)
    assert job.checkpoint_every == 7 and job.label == "x2 leaky_relu N=4"
    assert job.train == GridTrainSettings(steps=12, lr=0.01, lr_decay=0.5, lr_decay_every=4, batch_size=8,
                                          activation="leaky_relu", negative_slope=0.2, chunk_elements=1000,
                                          compile=False, curve_points=3, data_seed=1)
    assert job.keys() == {"target": "x2", "activation": "leaky_relu", "width": 4}


def test_a_job_trains_the_nets_at_their_seed_addresses() -> None:
    job = GridJob.from_settings(RULE_SETTINGS, "x2", "leaky_relu", 4)
    data = make_regression_data("x2", 32, 16, -2.0, 2.0, 0)
    seeds, result = run_grid_job(job, data)
    init = init_params([seed_address(5, "x2", "leaky_relu", 4, s) for s in range(3)], 4, 1, torch.float64)
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    alone = train_grid(init, t(data.x_train), t(data.y_train), t(data.x_test), t(data.y_test), job.train)
    np.testing.assert_array_equal(seeds, [0, 1, 2])
    np.testing.assert_array_equal(result.test_loss, alone.test_loss)
    np.testing.assert_array_equal(result.params.w, alone.params.w)


def test_grid_files_read_back_as_the_converged_nets(tmp_path) -> None:
    job = GridJob.from_settings(RULE_SETTINGS, "x2", "silu", 2)
    seeds, result = run_grid_job(job, make_regression_data("x2", 32, 16, -2.0, 2.0, 0))
    result.diverged = np.array([False, True, False])
    write_grid(tmp_path / "N2.h5", job.keys(), seeds, result)
    nets = read_scalar_nets(tmp_path / "N2.h5")
    np.testing.assert_array_equal(nets.seeds, [0, 2])
    np.testing.assert_array_equal(nets.test_loss, result.test_loss[[0, 2]])
    np.testing.assert_array_equal(nets.w, result.params.w.numpy()[[0, 2], :, 0])
    np.testing.assert_array_equal(nets.c, result.params.c.numpy()[[0, 2]])
    assert nets.width == 2
    assert len(read_scalar_nets(tmp_path / "N2.h5", converged_only=False).seeds) == 3
