"""[AR] from IMP rounds to the paper's quantities (every figure and Table 1): per-round metrics,
best pruned models, effective parameter counts, dense and sparse double-descent curves,
Table 1, and posterior errors."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lottery.arora.analysis.calibration import ece, error_rate, log_loss

RUN_KEYS = ["dataset", "arch", "width", "classes"]
MODEL_KEYS = [*RUN_KEYS, "nu", "repetition"]


def round_metrics(probs: np.ndarray, labels: np.ndarray, noisy_labels: np.ndarray, bins: int) -> pd.DataFrame:
    """Test error, loss and ECE of M models (``probs [M, n, C]``, labels ``[M, n]``) against the clean
    and the noisy test labels."""
    return pd.DataFrame({
        "test_error": error_rate(probs, labels),
        "test_loss": log_loss(probs, labels),
        "ece": ece(probs, labels, bins),
        "test_error_noisy": error_rate(probs, noisy_labels),
        "ece_noisy": ece(probs, noisy_labels, bins),
    })


def best_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    """The best pruned model of each IMP trajectory: the round of lowest test error (ties: fewest
    weights). Its remaining weights are the trajectory's effective number of parameters."""
    order = rounds.sort_values([*MODEL_KEYS, "test_error", "weights"], na_position="first")
    best = order.groupby(MODEL_KEYS, dropna=False, sort=True).head(1)
    return best.rename(columns={"weights": "effective_params"}).reset_index(drop=True)


def summary_frames(rounds: list[pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The IMP summary: every round of every run (``rounds``) and each trajectory's best pruned
    model (``best``)."""
    every = pd.concat(rounds, ignore_index=True)
    return {"rounds": every, "best": best_rounds(every)}


def full_vs_best(rounds: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """Per trajectory: the full (round 0) model next to its best pruned model."""
    full = rounds[rounds["round"] == 0][[*MODEL_KEYS, "weights", "test_error", "ece"]]
    pruned = best[[*MODEL_KEYS, "round", "effective_params", "test_error", "ece"]]
    return full.merge(pruned, on=MODEL_KEYS, suffixes=("_full", "_pruned"))


def table_one(rounds: pd.DataFrame, best: pd.DataFrame, cases: list[dict]) -> pd.DataFrame:
    """Table 1 / S2: for each case (a dict of key values, e.g. dataset, arch, width, classes, nu),
    the mean and standard deviation over repetitions of parameter count, test error and ECE of
    the full and of the best pruned models."""
    pairs = full_vs_best(rounds, best)
    rows = []
    for case in cases:
        sel = pairs
        for k, v in case.items():
            sel = sel[np.isclose(sel[k], v)] if k == "nu" else sel[sel[k] == v]
        if sel.empty:
            continue
        row = dict(case, repetitions=len(sel))
        for col in ["weights", "test_error_full", "ece_full", "effective_params", "test_error_pruned", "ece_pruned"]:
            row[col], row[col + "_sd"] = sel[col].mean(), sel[col].std(ddof=0)
        rows.append(row)
    return pd.DataFrame(rows)


def sparse_curves(rounds: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean over repetitions of train and test error per (``by`` keys, width, round): one sparse
    double-descent curve per start width; round 0 rows form the dense curve."""
    cols = ["weights", "train_error", "test_error", "ece", "test_loss"]
    return rounds.groupby([*by, "width", "round"], dropna=False)[cols].mean().reset_index()


def effective_summary(best: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Median, quartiles and mean of the effective parameters over start models and repetitions."""
    g = best.groupby(by, dropna=False)["effective_params"]
    return pd.DataFrame({
        "median": g.median(), "q25": g.quantile(0.25), "q75": g.quantile(0.75), "mean": g.mean(), "count": g.size(),
    }).reset_index()


def posterior_gap(predicted_p0: np.ndarray, true_p0: np.ndarray) -> np.ndarray:
    """|predicted - true| probability of class 0, per point (Fig 5c)."""
    return np.abs(np.asarray(predicted_p0) - np.asarray(true_p0))


def pooled_reliability(prob: np.ndarray, positive: np.ndarray, bins: int) -> pd.DataFrame:
    """Reliability curve of probabilities pooled over models (scikit-learn's calibration_curve)."""
    from lottery.arora.analysis.calibration import reliability

    mean_pred, freq = reliability(np.ravel(prob), np.ravel(positive), bins)
    return pd.DataFrame({"mean_predicted": mean_pred, "observed": freq})


def classwise_reliability(probs: np.ndarray, labels: np.ndarray, bins: int) -> pd.DataFrame:
    """One reliability curve per class (one-vs-rest), probabilities ``[..., n, C]`` pooled over models."""
    labels = np.broadcast_to(labels, np.shape(probs)[:-1]).ravel()
    probs = np.asarray(probs).reshape(-1, np.shape(probs)[-1])
    parts = [pooled_reliability(probs[:, c], labels == c, bins).assign(**{"class": c}) for c in range(probs.shape[1])]
    return pd.concat(parts, ignore_index=True)


def top_label_reliability(probs: np.ndarray, labels: np.ndarray, bins: int) -> pd.DataFrame:
    """Accuracy vs confidence of the predicted class, pooled over models."""
    labels = np.broadcast_to(labels, np.shape(probs)[:-1]).ravel()
    probs = np.asarray(probs).reshape(-1, np.shape(probs)[-1])
    return pooled_reliability(probs.max(-1), probs.argmax(-1) == labels, bins)


def posterior_frames(mixture, forward, params: dict, test_p0: dict, y_test: np.ndarray, line_points: int,
                     cloud_x: np.ndarray, bins: int) -> dict[str, pd.DataFrame]:
    """Fig 5 for one mixture: per kind (full, pruned) with ``params[kind]`` the models' weights
    (leading model dimension) and ``test_p0[kind]`` their test p(y=0) ``[models, n]``:
    predicted vs true p(y=0) along the centre line, the test-set reliability curve (pooled),
    and |predicted - true| on fresh samples, every model of each."""
    import torch

    from lottery.arora import mixtures as mix
    from lottery.arora.trainer import predict

    t, line_x = mix.centre_line(mixture, line_points)
    true_line, true_cloud = mix.true_posterior(mixture, line_x), mix.true_posterior(mixture, cloud_x)
    uv = mix.projection(mixture, cloud_x)
    out: dict[str, list[pd.DataFrame]] = {"line": [], "reliab5": [], "cloud": []}
    for kind, p in params.items():
        n_models = next(iter(p.values())).shape[0]
        group = torch.zeros(n_models, dtype=torch.long)
        p_line = predict(forward, p, torch.as_tensor(line_x)[None], group)[..., 0].numpy()
        p_cloud = predict(forward, p, torch.as_tensor(cloud_x)[None], group)[..., 0].numpy()
        for i in range(n_models):
            out["line"].append(pd.DataFrame({"kind": kind, "model": i, "t": t, "p0": p_line[i], "true_p0": true_line}))
            out["cloud"].append(pd.DataFrame({"kind": kind, "model": i, "u": uv[:, 0], "v": uv[:, 1],
                                              "true_p0": true_cloud, "gap": posterior_gap(p_cloud[i], true_cloud)}))
        positive = np.broadcast_to(y_test == 0, test_p0[kind].shape)
        out["reliab5"].append(pooled_reliability(test_p0[kind], positive, bins).assign(kind=kind))
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


def dense_bumps(rounds: pd.DataFrame, by: list[str], tolerance: float) -> pd.DataFrame:
    """Per ``by`` group, the largest rise of the dense (round 0, mean over repetitions) test error
    with width above its lowest value at any smaller width: a rise above ``tolerance`` is a
    double-descent bump; ``bump`` flags it."""
    dense = rounds[rounds["round"] == 0].groupby([*by, "width"], dropna=False)["test_error"].mean().reset_index()
    rows = []
    for key, g in dense.groupby(by, dropna=False):
        err = g.sort_values("width")["test_error"].to_numpy()
        rise = float(np.max(err - np.minimum.accumulate(err))) if len(err) else 0.0
        rows.append(dict(zip(by, key if isinstance(key, tuple) else (key,)), rise=rise, bump=rise > tolerance))
    return pd.DataFrame(rows)
