"""Do IMP rounds keep [LT]'s mirror pairs together, beyond what magnitude pruning alone does?

A mirror pair (i, j) of the dense net is kept together in a round when both neurons are
alive or both dead. Two baselines:

* ``chance``: ``p^2 + (1 - p)^2`` for a fraction p of paired neurons alive, the rate if fates
  were independent. Mirror partners share ``|w|`` and have similar ``|v|`` by construction,
  and IMP prunes by magnitude, so partners share their fate more often than this even if
  being mirrors did not matter.
* ``decoy``: the rate for decoy pairs (i, k), where k is the neuron other than i and j
  nearest to j in ``(log|w|, log|v|)`` of the dense net: a partner just as alike in
  magnitude, but no mirror. Pairs are special only where they beat their decoys.

Rounds where every paired neuron shares one fate (all alive, as in the dense round, or all
dead) agree trivially under every baseline; they are flagged ``informative`` False.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

EPS = 1e-30  # keeps log|.| finite for an exactly zero weight


def decoy_partners(abs_w: np.ndarray, abs_v: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """For each neuron i with a mirror partner j: the neuron k not in {i, j} nearest to j in
    ``(log|w|, log|v|)``; -1 for neurons without a partner."""
    point = np.column_stack([np.log(abs_w + EPS), np.log(abs_v + EPS)])
    out = np.full(len(partner), -1)
    for i in np.flatnonzero(partner >= 0):
        dist = np.linalg.norm(point - point[partner[i]], axis=1)
        dist[[i, partner[i]]] = np.inf
        out[i] = int(np.argmin(dist))
    return out


def net_pair_fates(alive: np.ndarray, partner: np.ndarray, decoy: np.ndarray) -> dict[str, np.ndarray]:
    """Per round of one net (``alive [R, N]``): share of pairs kept together, of decoy pairs
    sharing a fate, chance, and whether the round is informative."""
    paired = np.flatnonzero(partner >= 0)
    same = alive[:, paired] == alive[:, partner[paired]]
    decoy_same = alive[:, paired] == alive[:, decoy[paired]]
    p = alive[:, paired].mean(1)
    mixed = alive[:, paired].any(1) & ~alive[:, paired].all(1)
    return {"together": same.mean(1), "decoy": decoy_same.mean(1), "chance": p**2 + (1 - p) ** 2,
            "informative": mixed}


def pair_fates(neurons: pd.DataFrame) -> pd.DataFrame:
    """Per (activation, seed, round) of IMP's neuron fates (``imp_tickets.neuron_fates``):
    mirror pairs, the share kept together, and the ``chance`` and ``decoy`` baselines."""
    rows = []
    for (activation, seed), g in neurons.groupby(["activation", "seed"], sort=True):
        g = g.sort_values(["round", "neuron"])
        dense = g[g["round"] == g["round"].min()]
        partner = dense["partner"].to_numpy()
        if not np.any(partner >= 0):
            continue
        alive = g["alive"].to_numpy(bool).reshape(-1, len(dense))
        decoy = decoy_partners(dense["abs_w"].to_numpy(), dense["abs_v"].to_numpy(), partner)
        fates = net_pair_fates(alive, partner, decoy)
        rows.append(pd.DataFrame({"activation": activation, "seed": seed, "round": np.unique(g["round"]),
                                  "pairs": int(np.sum(partner >= 0)) // 2, **fates}))
    return pd.concat(rows, ignore_index=True)


def per_seed_rates(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each seed's mean together, decoy and chance rates over its informative rounds (seeds with
    none are left out)."""
    informative = pairs[pairs["informative"]]
    return informative.groupby(["activation", "seed"])[["together", "decoy", "chance"]].mean().reset_index()
