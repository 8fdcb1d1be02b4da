"""[AR] calibration of classifiers (Table 1, Figs 5-7, S4): expected calibration error (Guo et
al. 2017) and reliability curves.

Reliability curves are scikit-learn's ``calibration_curve`` (equal-width bins); the ECE uses
the same equal-width confidence bins and is vectorised over models.
"""
from __future__ import annotations

import numpy as np


def confidence_bins(confidence: np.ndarray, bins: int) -> np.ndarray:
    """Bin index of each confidence in [0, 1]: ``bins`` equal-width bins, 1.0 in the last."""
    return np.minimum((np.asarray(confidence) * bins).astype(np.int64), bins - 1)


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> np.ndarray:
    """Expected calibration error of each model: ``sum_b (n_b / n) |accuracy_b - confidence_b|``
    over equal-width bins of the predicted class's probability. ``probs [M, n, C]`` (or ``[n, C]``),
    ``labels [M or 1, n]`` (or ``[n]``); returns ``[M]`` (or a scalar)."""
    probs = np.asarray(probs, dtype=np.float64)
    single = probs.ndim == 2
    probs = probs[None] if single else probs
    labels = np.broadcast_to(np.asarray(labels), probs.shape[:2])
    conf, pred = probs.max(-1), probs.argmax(-1)
    correct = (pred == labels).astype(np.float64)
    b = confidence_bins(conf, bins) + bins * np.arange(len(probs))[:, None]
    size = np.bincount(b.ravel(), minlength=bins * len(probs)).reshape(len(probs), bins)
    gap = (np.bincount(b.ravel(), weights=(correct - conf).ravel(), minlength=bins * len(probs))
           .reshape(len(probs), bins))
    out = np.abs(gap).sum(1) / probs.shape[1]
    return out[0] if single else out


def error_rate(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """0-1 test error of each model (``probs [M, n, C]``, ``labels [M or 1, n]``)."""
    return (np.asarray(probs).argmax(-1) != np.asarray(labels)).mean(-1)


def log_loss(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean cross-entropy of each model."""
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.broadcast_to(np.asarray(labels), probs.shape[:-1])
    p = np.take_along_axis(probs, labels[..., None], -1)[..., 0]
    return -np.log(np.clip(p, 1e-12, None)).mean(-1)


def reliability(prob: np.ndarray, positive: np.ndarray, bins: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Observed frequency vs mean predicted probability per non-empty bin (scikit-learn)."""
    from sklearn.calibration import calibration_curve  # 1 s to import: only the reliability figures need it

    freq, mean_pred = calibration_curve(np.asarray(positive).astype(int), np.clip(prob, 0, 1), n_bins=bins,
                                        strategy="uniform")
    return mean_pred, freq

