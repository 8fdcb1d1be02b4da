"""[AR] Iterative magnitude pruning under label noise: data, models, pruning, training,
calibration and the analyses behind the sparse-double-descent figures."""
