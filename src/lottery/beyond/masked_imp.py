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

from lottery.arora.pruning import full_masks, prune_global, remaining
from lottery.core.checkpoint import Checkpoint, Interrupted
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


def _round_state(rd: ImpRound) -> dict:
    return {**dict(zip("wbvc", rd.params.tensors())), "mask_w": rd.masks["w"], "mask_v": rd.masks["v"],
            "train_loss": torch.from_numpy(rd.train_loss), "test_loss": torch.from_numpy(rd.test_loss)}


def _round_from_state(state: dict) -> ImpRound:
    return ImpRound(NetParams(*(state[k] for k in "wbvc")), {"w": state["mask_w"], "v": state["mask_v"]},
                    state["train_loss"].numpy(), state["test_loss"].numpy())


def imp_regression(init: NetParams, x_train: torch.Tensor, y_train: torch.Tensor, x_test: torch.Tensor,
                   y_test: torch.Tensor, act: Activation, settings: ImpSettings,
                   checkpoint: Checkpoint | None = None, key: str = "") -> list[ImpRound]:
    """The dense round 0 and ``settings.rounds`` pruned rounds of every net in ``init``.

    With a ``checkpoint`` (``key``: the fingerprint of everything the result depends on), the
    finished rounds, the next start and masks are saved after every round and resumed from; a
    stop request saves and raises :class:`~lottery.core.checkpoint.Interrupted`.
    """
    device = init.w.device
    masks = full_masks({"w": init.w, "v": init.v})
    start, rounds = init, []
    progress = Progress(f"IMP {init.seeds} nets x width {init.width}", (settings.rounds + 1) * settings.steps, "steps")
    saved = checkpoint.load(key) if checkpoint else None
    if saved is not None:
        rounds = [_round_from_state(state) for state in saved["rounds"]]
        start = NetParams(*(saved["start"][k].to(device) for k in "wbvc"))
        masks = {k: m.to(device) for k, m in saved["masks"].items()}
        progress.advance(len(rounds) * settings.steps, f"resumed from {checkpoint.path} after round {len(rounds) - 1}",
                         force=True)
    for r in range(len(rounds), settings.rounds + 1):
        rewind = settings.rewind_step if r == 0 and settings.rewind_step > 0 else -1
        params, snapshot = train_masked(start, masks, x_train, y_train, act, settings, rewind, progress)
        if snapshot is not None:
            start = snapshot
        with torch.no_grad():
            losses = [mse(params, x, y, act).cpu().numpy() for x, y in ((x_train, y_train), (x_test, y_test))]
        rounds.append(ImpRound(params.map(lambda t: t.cpu()), {k: m.cpu() for k, m in masks.items()}, *losses))
        masks = prune_global({"w": params.w, "v": params.v}, masks, settings.fraction)
        progress.advance(0, f"round {r}/{settings.rounds}: median test loss {np.median(losses[1]):.3e}", force=True)
        if checkpoint is not None and r < settings.rounds:
            checkpoint.save(key, {"rounds": [_round_state(rd) for rd in rounds],
                                  "start": dict(zip("wbvc", (t.cpu() for t in start.tensors()))),
                                  "masks": {k: m.cpu() for k, m in masks.items()}})
            if checkpoint.stop.is_set():
                raise Interrupted(f"stopped after round {r}; checkpoint written to {checkpoint.path}")
    progress.finish(f"{settings.rounds} pruned rounds")
    return rounds


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
