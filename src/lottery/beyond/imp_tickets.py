"""[AR]'s IMP on [LT]'s x^2 nets: how many parameters does a net need, and does the count
track its independent lottery tickets ([LT] Fig 12; [AR] Figs 3, S1)?

One job prunes the width-N nets of one activation, initialised at the [LT] grid's seed
addresses (:mod:`lottery.beyond.masked_imp`). The same dense nets are split into mirror-pair
tickets ([LT]'s analysis): the participation ratio of the tickets' error correlations is
the number of independent tickets, each worth 4 weights (``w_i, w_j, v_i, v_j``). Each neuron's fate in every round
(alive while its output weight and an input weight survive) is stored with the dense net's
``|w|``, ``|v|`` and mirror partner, so the pairs' baselines (:mod:`lottery.beyond.pair_fates`)
are computed after training and can change without retraining.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from lottery.beyond.masked_imp import ImpSettings, best_rounds, imp_regression, rounds_frame
from lottery.core.checkpoint import Checkpoint, fingerprint
from lottery.core.devices import Runtime
from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.analysis.tickets import effective_tickets, error_correlation, mirror_pairs, split_tickets
from lottery.liu_tegmark.data import RegressionData
from lottery.liu_tegmark.job import start_grid
from lottery.liu_tegmark.targets import get_target

WEIGHTS_PER_TICKET = 4
TARGET = "x2"


@dataclass(frozen=True)
class TicketImpJob:
    """Config ``beyond.imp`` narrowed to one activation, with the grid's seeding and data range."""

    activation: str
    width: int
    seeds: int
    init_seed: int
    runtime: Runtime
    negative_slope: float
    x_min: float
    x_max: float
    curve_points: int
    imp: ImpSettings

    @classmethod
    def from_settings(cls, settings: dict, activation: str) -> TicketImpJob:
        """The job from the rule's flat JSON settings and its activation wildcard."""
        keys = [f.name for f in fields(cls) if f.name not in ("activation", "imp", "runtime")]
        imp = ImpSettings(**{f.name: settings[f.name] for f in fields(ImpSettings)})
        return cls(activation=activation, imp=imp, runtime=Runtime.from_settings(settings),
                   **{k: settings[k] for k in keys})


def neuron_fates(w: np.ndarray, b: np.ndarray, v: np.ndarray, alive: np.ndarray) -> pd.DataFrame:
    """One row per (net, round, neuron): alive or not, with the dense net's ``|w|``, ``|v|`` and
    mirror partner (-1: none).

    ``w, b, v [S, N]`` of the trained dense nets (scalar input), ``alive [R, S, N]``.
    """
    rounds, seeds, width = alive.shape
    partner = np.full((seeds, width), -1)
    for s in range(seeds):
        for pair in mirror_pairs(w[s], b[s]):
            if len(pair) == 2:
                partner[s, list(pair)] = pair[::-1]
    grid = np.indices(alive.shape).reshape(3, -1)
    tile = lambda a: np.broadcast_to(a, alive.shape).reshape(-1)  # noqa: E731  (dense values, every round)
    return pd.DataFrame({"seed_index": grid[1], "round": grid[0], "neuron": grid[2], "alive": alive.reshape(-1),
                         "abs_w": tile(np.abs(w)), "abs_v": tile(np.abs(v)), "partner": tile(partner)})


def ticket_counts(w: np.ndarray, b: np.ndarray, act, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Per net ``w, b [S, N]``: its tickets and their participation ratio ([LT] Fig 12's count)."""
    rows = []
    for s in range(w.shape[0]):
        frame, resid = split_tickets(w[s], b[s], act, x, y)
        rows.append({"seed_index": s, "tickets": len(frame),
                     "effective_tickets": effective_tickets(error_correlation(resid))})
    return pd.DataFrame(rows)


def run_ticket_imp_job(job: TicketImpJob, data: RegressionData,
                       checkpoint: Checkpoint | None = None) -> dict[str, pd.DataFrame]:
    """IMP on the job's x^2 nets and the splitting of their dense versions into tickets;
    checkpointed after every round when ``checkpoint`` is given.

    Returns frames ``rounds`` (seed, round), ``best`` (per seed: effective parameters and
    effective tickets) and ``neurons`` (:func:`neuron_fates`), each with an ``activation`` column.
    """
    start = start_grid(data, TARGET, job.activation, job.width, job.seeds, job.init_seed, job.runtime)
    seeds, init, tensors = start.seeds, start.init, start.tensors
    act = get_activation(job.activation)
    key = fingerprint(job, *init.tensors(), *tensors) if checkpoint else ""
    rounds = imp_regression(init, *tensors, act.torch_pair(job.negative_slope)[0], job.imp, checkpoint, key)
    frame = rounds_frame(rounds, seeds)
    dense = rounds[0].params.numpy()
    w, b = dense["w"][:, :, 0], dense["b"]
    fates = neuron_fates(w, b, dense["v"], np.stack([rd.alive() for rd in rounds]))
    x = np.linspace(job.x_min, job.x_max, job.curve_points)
    tickets = ticket_counts(w, b, act.numpy(job.negative_slope), x, get_target(TARGET)(x[:, None]))
    best = best_rounds(frame).merge(tickets.assign(seed=seeds).drop(columns="seed_index"), on="seed")
    best["ticket_weights"] = WEIGHTS_PER_TICKET * best["effective_tickets"]
    frames = {"rounds": frame, "best": best,
              "neurons": fates.assign(seed=seeds[fates["seed_index"]]).drop(columns="seed_index")}
    return {k: f.assign(activation=job.activation) for k, f in frames.items()}
