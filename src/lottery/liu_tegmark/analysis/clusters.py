"""[LT] Figs 2b, 2c, 9-11, Eqs 2-4: the "algorithms" (local minima) of width-2 nets.

A width-2 net is a point in R^7 ``(w1, w2, b1, b2, v1, v2, c)``. Two symmetries of the x^2
task map a net to one with the same loss: swapping its two neurons (same function), and
x -> -x, i.e. ``(w, b, v) -> (-w, b, v)`` for both neurons (the mirrored function, and x^2 is
even on inputs symmetric about 0). Nets are put in a canonical form modulo a chosen group
of these before they are compared, and the cluster count is reported modulo each group
(the paper's six clusters are four modulo the swap). Peaks of the log-loss histogram,
clusters in parameter space and the SiLU's quadratic expansion are found here; plots and
I/O live elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import optimize, signal, stats
from sklearn.cluster import HDBSCAN
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

if TYPE_CHECKING:
    from lottery.liu_tegmark.store import ScalarNets

PARAM_NAMES = ("w1", "w2", "b1", "b2", "v1", "v2", "c")
CRITERIA = ("hdbscan", "bic", "silhouette")
SYMMETRIES = ("none", "swap", "mirror", "both")  # groups a net is taken modulo


@dataclass(frozen=True)
class ClusterSettings:
    """Config ``tickets.algorithms``: how peaks and clusters of the width-2 nets are found."""

    criterion: str
    max_clusters: int
    min_cluster_fraction: float
    peak_prominence: float
    random_state: int
    symmetry: str = "swap"


def log_loss_peaks(losses: np.ndarray, grid_points: int = 512, prominence: float = 0.05) -> pd.DataFrame:
    """Modes of the log10-loss distribution: peaks of a Gaussian KDE (Scott's bandwidth).

    A peak counts when its prominence exceeds ``prominence`` times the highest density, so
    noise wiggles in the tails are not taken for local minima. Returns one row per peak
    (``log10_loss``, ``density``), lowest loss first.
    """
    logs = np.log10(losses[np.isfinite(losses) & (losses > 0)])
    grid = np.linspace(logs.min() - 0.5, logs.max() + 0.5, grid_points)
    density = stats.gaussian_kde(logs)(grid)
    idx, _ = signal.find_peaks(density, prominence=prominence * density.max())
    return pd.DataFrame({"log10_loss": grid[idx], "density": density[idx]})


def canonical_width2(
    w: np.ndarray, b: np.ndarray, v: np.ndarray, c: np.ndarray, symmetry: str = "swap"
) -> np.ndarray:
    """``[S, 7]`` parameter vectors, one representative per orbit of the ``symmetry`` group.

    ``w [S, 2]`` (scalar input), ``b, v [S, 2]``, ``c [S]``. ``none``: as trained.
    ``swap``: neurons ordered so that ``w1 <= w2`` (removes the symmetry that mirrors the
    paper's PCA plot about PC1). ``mirror``: signs of both w flipped when ``w1 < 0``
    (neuron order as trained). ``both``: flipped so that the neuron with the larger |w| has
    w >= 0, then ordered, so ``w2 = max|w|``; a mirror pair ``(w, -w)`` is its own image
    under swap-and-mirror and lands on one point whichever neuron is larger.
    """
    if symmetry not in SYMMETRIES:
        raise ValueError(f"tickets.algorithms.symmetry {symmetry!r}; choose one of {SYMMETRIES}")
    if symmetry in ("mirror", "both"):
        pivot = np.zeros(len(w), int) if symmetry == "mirror" else np.argmax(np.abs(w), axis=1)
        w = w * np.where(w[np.arange(len(w)), pivot] < 0, -1.0, 1.0)[:, None]
    if symmetry in ("swap", "both"):
        order = np.argsort(w, axis=1, kind="stable")
        w, b, v = (np.take_along_axis(a, order, axis=1) for a in (w, b, v))
    return np.column_stack([w, b, v, c])


def standardised_pca(points: np.ndarray, components: int = 2) -> np.ndarray:
    """Project standardised parameter vectors onto their first principal components.

    Standardising first keeps one large-magnitude parameter (the output weights of lucky
    tickets can be orders of magnitude larger than the rest) from being the only axis.
    """
    return PCA(n_components=components).fit_transform(StandardScaler().fit_transform(points))


def choose_clusters(
    features: np.ndarray, criterion: str, max_clusters: int, min_cluster_fraction: float, random_state: int = 0
) -> tuple[np.ndarray, pd.DataFrame]:
    """Clusters of standardised features, their number chosen by a stated criterion.

    ``hdbscan``: density-based clusters kept by their stability (scikit-learn's HDBSCAN,
    excess of mass) with at least ``min_cluster_fraction`` of the points each; points in
    no cluster get label -1. ``bic`` / ``silhouette``: Gaussian mixtures of 1 (2) to
    ``max_clusters`` components, the count with the lowest BIC / highest silhouette.
    Returns labels (arbitrary numbering; see :func:`relabel_by_loss`) and the criterion
    per cluster count tried.
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion {criterion!r}; choose one of {CRITERIA}")
    # These fits are tiny: extra BLAS/OpenMP threads only contend (50x slower on a busy box).
    with threadpool_limits(limits=1):
        return _choose_clusters(StandardScaler().fit_transform(features), criterion, max_clusters,
                                min_cluster_fraction, random_state)


def _choose_clusters(
    x: np.ndarray, criterion: str, max_clusters: int, min_cluster_fraction: float, random_state: int
) -> tuple[np.ndarray, pd.DataFrame]:
    if criterion == "hdbscan":
        size = max(2, int(round(min_cluster_fraction * len(x))))
        labels = HDBSCAN(min_cluster_size=size, copy=True).fit_predict(x)
        found = len(set(labels) - {-1})
        return labels, pd.DataFrame({"clusters": [found], "score": [float(np.mean(labels == -1))], "chosen": [True]})
    rows, fits = [], {}
    for k in range(1 if criterion == "bic" else 2, min(max_clusters, len(x) - 1) + 1):
        gm = GaussianMixture(k, covariance_type="full", n_init=3, random_state=random_state).fit(x)
        fits[k] = gm.predict(x)
        if criterion == "bic":
            score = gm.bic(x)
        else:
            score = silhouette_score(x, fits[k]) if len(np.unique(fits[k])) > 1 else -1.0
        rows.append({"clusters": k, "score": float(score)})
    scores = pd.DataFrame(rows)
    best = int(scores.loc[scores["score"].idxmin() if criterion == "bic" else scores["score"].idxmax(), "clusters"])
    scores["chosen"] = scores["clusters"] == best
    return fits[best], scores


def relabel_by_loss(labels: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, ... by increasing median log loss (0 = luckiest); -1 stays."""
    uniq = np.array(sorted(set(labels) - {-1}))
    med = [np.median(np.log10(losses[labels == u])) for u in uniq]
    rank = {-1: -1, **{u: r for r, u in enumerate(uniq[np.argsort(med)])}}
    return np.array([rank[u] for u in labels])


def cluster_summary(points: np.ndarray, losses: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Per cluster: size, mean log10 loss and a representative net.

    The representative is the member whose log loss is the cluster's median one, so it is
    a typical member, not an outlier.
    """
    rows = []
    logs = np.log10(losses)
    for k in sorted(set(labels) - {-1}):
        idx = np.flatnonzero(labels == k)
        rep = idx[np.argmin(np.abs(logs[idx] - np.median(logs[idx])))]
        rows.append({"cluster": int(k), "size": len(idx), "mean_log10_loss": float(logs[idx].mean()),
                     "median_loss": float(np.median(losses[idx])), "representative": int(rep),
                     **dict(zip(PARAM_NAMES, points[rep]))})
    return pd.DataFrame(rows)


def mirror_asymmetry(point: np.ndarray) -> dict[str, float]:
    """How far a width-2 net is from a mirror pair ``w1 = -w2, b1 = b2, v1 = v2``.

    Relative differences in [0, 1]: 0 is an exact mirror pair.
    """
    w1, w2, b1, b2, v1, v2, _ = point
    rel = lambda a, b: float(abs(a - b) / (abs(a) + abs(b))) if abs(a) + abs(b) > 0 else 0.0  # noqa: E731
    return {"w": rel(w1, -w2), "b": rel(b1, b2), "v": rel(v1, v2)}


def silu_quadratic() -> dict[str, float]:
    """SiLU near its minimum: ``silu(z) ~ A (z - z*)^2 + B`` (Eqs 3-4), computed numerically.

    ``z*`` is the root of ``silu'(z) = s (1 + z (1 - s))`` (``s = sigmoid(z)``) by Brent's
    method, ``B = silu(z*)`` and ``A = silu''(z*) / 2`` with
    ``silu''(z) = s (1 - s) (2 + z (1 - 2 s))``.
    """
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z = float(optimize.brentq(lambda z: sigmoid(z) * (1 + z * (1 - sigmoid(z))), -5, 0, xtol=1e-15))
    s = sigmoid(z)
    return {"z_star": z, "B": float(z * s), "A": float(s * (1 - s) * (2 + z * (1 - 2 * s)) / 2)}


def analyse_width2(nets: ScalarNets, settings: ClusterSettings) -> dict[str, pd.DataFrame]:
    """Everything Figs 2b, 2c and 9-11 show about the converged width-2 nets, as frames.

    ``nets`` (one row per net: parameters canonical modulo ``settings.symmetry``, loss, PCs,
    cluster, and ``cluster_<group>`` for every group of :data:`SYMMETRIES`), ``clusters``,
    ``scores`` (the criterion per cluster count), ``lucky`` (the best net of the
    lowest-loss cluster, of all nets if none formed, with its mirror asymmetry),
    ``peaks`` of the log-loss histogram and ``taylor`` (the SiLU expansion of Eqs 3-4).
    """
    losses = nets.test_loss

    def clusters_modulo(symmetry: str) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
        points = canonical_width2(nets.w, nets.b, nets.v, nets.c, symmetry)
        labels, scores = choose_clusters(points, settings.criterion, settings.max_clusters,
                                         settings.min_cluster_fraction, settings.random_state)
        return points, relabel_by_loss(labels, losses), scores

    by_group = {g: clusters_modulo(g) for g in SYMMETRIES}
    points, labels, scores = by_group[settings.symmetry]
    pcs = standardised_pca(points)
    table = pd.DataFrame(points, columns=list(PARAM_NAMES))
    table = table.assign(seed=nets.seeds, test_loss=losses, pc1=pcs[:, 0], pc2=pcs[:, 1], cluster=labels,
                         **{f"cluster_{g}": found[1] for g, found in by_group.items()})
    best = int(np.argmin(np.where((labels == 0) | (labels.max() < 0), losses, np.inf)))
    lucky = pd.DataFrame([{**dict(zip(PARAM_NAMES, points[best])), "seed": int(nets.seeds[best]),
                           "test_loss": float(losses[best]),
                           **{f"asym_{k}": v for k, v in mirror_asymmetry(points[best]).items()}}])
    return {"nets": table, "clusters": cluster_summary(points, losses, labels), "scores": scores, "lucky": lucky,
            "peaks": log_loss_peaks(losses, prominence=settings.peak_prominence),
            "taylor": pd.DataFrame([silu_quadratic()])}
