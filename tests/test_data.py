"""Fixed regression data and the target registry."""
from __future__ import annotations

import numpy as np
import pytest

from lottery.liu_tegmark.data import load_regression_data, make_regression_data, save_regression_data
from lottery.liu_tegmark.targets import TARGETS, get_target


def test_data_is_reproducible_and_per_target(tmp_path) -> None:
    a = make_regression_data("x2", 100, 50, -2, 2, seed=3)
    b = make_regression_data("x2", 100, 50, -2, 2, seed=3)
    c = make_regression_data("sin", 100, 50, -2, 2, seed=3)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    np.testing.assert_allclose(a.y_train, a.x_train[:, 0] ** 2)
    assert a.x_train.min() >= -2 and a.x_train.max() <= 2
    assert not np.array_equal(a.x_train[:50], a.x_test)
    save_regression_data(a, tmp_path / "d.npz")
    np.testing.assert_array_equal(load_regression_data(tmp_path / "d.npz").y_test, a.y_test)


def test_multiplication_targets_have_their_dimension() -> None:
    d = make_regression_data("mul4", 10, 10, -1, 1, seed=0)
    assert d.dim == 4
    np.testing.assert_allclose(d.y_train, np.prod(d.x_train, axis=1))


def test_registry_has_the_papers_targets_and_refuses_unknown() -> None:
    assert {"x2", "x3", "x4", "sin", "cos", "exp", "sin2", "expx2", "tanh", "relu"} <= set(TARGETS)
    assert {f"mul{d}" for d in range(2, 6)} <= set(TARGETS)
    with pytest.raises(KeyError, match="known targets"):
        get_target("x7")
    with pytest.raises(ValueError, match="x_min"):
        make_regression_data("x2", 10, 10, 2, -2, seed=0)
