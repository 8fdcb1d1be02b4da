"""[AR]'s iterative magnitude pruning (IMP, behind [AR] Figs 1-4) with the squared error, on
batches of [LT]'s one-hidden-layer regression nets.

Train, prune the smallest-magnitude fraction of the remaining weights over both layers
together (never biases; :func:`lottery.arora.pruning.prune_global`), reset the survivors to
their initial values (or rewind them to step k), retrain. The effective number of
parameters is the remaining weights of the round with the lowest test loss (ties: fewest
weights), [AR]'s definition with the loss in place of the error rate. All S nets train as
one tensor program with Adam on the *sum* of their losses, so they never couple; a pruned
weight has zero gradient and zero Adam moments, hence stays exactly zero. A round depends
only on its start parameters and masks, so a job checkpointed after every round resumes with
identical results (the policy of :mod:`lottery.core.checkpoint`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from lottery.arora.pruning import full_masks, remaining
from lottery.arora.trainer import ImpState, PruneSettings, imp_loop, resume_imp, run_imp
from lottery.core.checkpoint import Checkpoint
from lottery.core.progress import Progress
from lottery.liu_tegmark.nets import NetParams, forward, mse

Masks = dict[str, torch.Tensor]
Activation = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class ImpSettings:
    """Full-batch Adam with a step schedule in every round, and [AR]'s pruning (config ``beyond.imp``)."""

    steps: int
    lr: float
    lr_decay: float
    lr_decay_every: int
    fraction: float
    rounds: int
    rewind_step: int = 0

    def lr_at(self, step: int) -> float:
        return self.lr * self.lr_decay ** (step // self.lr_decay_every)


@dataclass
class ImpRound:
    """One round of S nets (on the CPU): trained parameters, the masks they trained under, losses ``[S]``."""

    params: NetParams
    masks: Masks
    train_loss: np.ndarray
    test_loss: np.ndarray

    def alive(self) -> np.ndarray:
        """``[S, N]``: neurons whose output weight and at least one input weight survive."""
        return (self.masks["w"].bool().any(-1) & self.masks["v"].bool()).numpy()


def _masked(p: NetParams, masks: Masks) -> NetParams:
    return NetParams(p.w * masks["w"], p.b, p.v * masks["v"], p.c)


def train_masked(start: NetParams, masks: Masks, x: torch.Tensor, y: torch.Tensor, act: Activation,
                 settings: ImpSettings, snapshot_step: int = -1,
                 progress: Progress | None = None) -> tuple[NetParams, NetParams | None]:
    """Adam on the masked weights of S nets; also the parameters after ``snapshot_step`` steps
    when that is >= 0 (for rewinding). ``progress`` counts steps."""
    params = [t.detach().clone().requires_grad_(True) for t in _masked(start, masks).tensors()]
    grad_masks = [masks["w"], None, masks["v"], None]
    # foreach: one kernel per step for all four tensors, ~1.5x faster than the loop on small nets
    opt = torch.optim.Adam(params, lr=settings.lr, foreach=True)
    snapshot = None
    for step in range(settings.steps):
        if step == snapshot_step:
            snapshot = NetParams(*(t.detach().clone() for t in params))
        for group in opt.param_groups:
            group["lr"] = settings.lr_at(step)
        r = forward(NetParams(*params), x, act) - y
        loss = (r * r).mean(1).sum()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        with torch.no_grad():
            for t, m in zip(params, grad_masks):
                if m is not None:
                    t.grad.mul_(m)
        opt.step()
        if progress is not None:  # the loss is read (a sync) only when a line is due
            progress.advance(1, f"step {step + 1}/{settings.steps}, mean loss {loss.item() / len(r):.3e}"
                             if progress.due() else "")
    if snapshot_step == settings.steps:
        snapshot = NetParams(*(t.detach().clone() for t in params))
    return NetParams(*(t.detach() for t in params)), snapshot


def _params(p: dict[str, torch.Tensor]) -> NetParams:
    return NetParams(*(p[k] for k in "wbvc"))


def imp_regression(init: NetParams, x_train: torch.Tensor, y_train: torch.Tensor, x_test: torch.Tensor,
                   y_test: torch.Tensor, act: Activation, settings: ImpSettings,
                   checkpoint: Checkpoint | None = None, key: str = "") -> list[ImpRound]:
    """The dense round 0 and ``settings.rounds`` pruned rounds of every net in ``init``: [AR]'s
    round loop (:func:`lottery.arora.trainer.imp_loop`) with Adam on the squared error.

    With a ``checkpoint`` (``key``: the fingerprint of everything the result depends on), the
    loop's state is saved after every round and resumed from; a stop request saves and raises
    :class:`~lottery.core.checkpoint.Interrupted`.
    """
    device = init.w.device
    key = f"{key}:imp-loop-state" if key else key  # the state's layout is part of what a checkpoint must match
    progress = Progress(f"IMP {init.seeds} nets x width {init.width}", (settings.rounds + 1) * settings.steps, "steps")
    fresh = lambda: ImpState(0, full_masks({"w": init.w, "v": init.v}), dict(zip("wbvc", init.tensors())))  # noqa: E731
    state = resume_imp(checkpoint, key, device, fresh, record=dict)
    if state.next_round:
        progress.advance(state.next_round * settings.steps,
                         f"resumed from {checkpoint.path} after round {state.next_round - 1}", force=True)
    prune = PruneSettings(settings.fraction, settings.rounds, settings.rewind_step)

    def train_round(start: dict, masks: Masks, r: int, snapshot_step: int, first_step: int) -> tuple:
        params, snapshot = train_masked(_params(start), masks, x_train, y_train, act, settings, snapshot_step, progress)
        return dict(zip("wbvc", params.tensors())), None if snapshot is None else dict(zip("wbvc", snapshot.tensors()))

    def record(params: dict, masks: Masks) -> dict:
        with torch.no_grad():
            train_loss, test_loss = (mse(_params(params), x, y, act).cpu() for x, y in
                                     ((x_train, y_train), (x_test, y_test)))
        return {"params": {k: v.cpu() for k, v in params.items()}, "masks": {k: m.cpu() for k, m in masks.items()},
                "train_loss": train_loss, "test_loss": test_loss}

    def log_round(s: ImpState) -> None:
        progress.advance(0, f"round {s.next_round - 1}/{settings.rounds}: median test loss "
                            f"{np.median(s.records[-1]['test_loss'].numpy()):.3e}", force=True)

    state = run_imp(imp_loop(train_round, record, state, prune), state, prune, checkpoint, key, log_round)
    progress.finish(f"{settings.rounds} pruned rounds")
    return [ImpRound(_params(rd["params"]), rd["masks"], rd["train_loss"].numpy(), rd["test_loss"].numpy())
            for rd in state.records]


def rounds_frame(rounds: list[ImpRound], seeds: np.ndarray) -> pd.DataFrame:
    """One row per (seed, round): remaining weights, alive neurons, train and test loss."""
    return pd.concat([pd.DataFrame({"seed": seeds, "round": r, "weights": remaining(rd.masks).numpy(),
                                    "alive_neurons": rd.alive().sum(1), "train_loss": rd.train_loss,
                                    "test_loss": rd.test_loss}) for r, rd in enumerate(rounds)], ignore_index=True)


def best_rounds(frame: pd.DataFrame) -> pd.DataFrame:
    """Each seed's best pruned model (lowest test loss, ties: fewest weights); its weights are
    the effective number of parameters."""
    order = frame.sort_values(["seed", "test_loss", "weights"])
    return order.groupby("seed").head(1).rename(columns={"weights": "effective_params"}).reset_index(drop=True)
