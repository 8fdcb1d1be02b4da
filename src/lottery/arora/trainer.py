"""[AR] masked SGD training and the IMP loop, for M models at once (one tensor program); every
IMP figure and table rests on it.

The loss is the sum over models of each model's mean cross-entropy, so the models never
couple. Gradients and momentum are multiplied by the mask before every update, so a pruned
weight stays exactly zero through retraining. On CPU, fully connected models step in chunks
whose activations fit in a core's cache (:func:`model_chunks`), each chunk its own tensor
program: the same numbers, faster for wide models (docs/performance.md). Minibatch order
depends only on the job's address, the round and the epoch, so a resumed job repeats an
uninterrupted one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

import torch
import torch.nn.functional as F

from lottery.core.checkpoint import Checkpoint, run_checkpointed
from lottery.core.seeds import random_order, seed_address
from lottery.arora.models import Params
from lottery.arora.pruning import full_masks, prune_global


@dataclass(frozen=True)
class ImpTrainSettings:
    """SGD of one IMP round (the config's ``imp.*.train``)."""

    epochs: int
    batch_size: int  # 0: full batch
    lr: float
    momentum: float


@dataclass(frozen=True)
class PruneSettings:
    """Global magnitude pruning between rounds (the config's ``imp.*.prune``)."""

    fraction: float
    rounds: int
    rewind_step: int  # 0: reset to initialisation
    rewind_min_width: int = 0  # start widths below this reset to initialisation even when rewind_step > 0

    def at_width(self, width: int) -> "PruneSettings":
        """The settings a start model of ``width`` uses: rewinding only for large models ([AR] App. C)."""
        return self if width >= self.rewind_min_width else replace(self, rewind_step=0)


@dataclass
class Task:
    """Data shared by groups of models: ``x [G, n, ...]``, ``y [G, n]``; model m uses group ``group[m]``."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    group: torch.Tensor


def group_rows(x: torch.Tensor, idx: torch.Tensor, group: torch.Tensor) -> torch.Tensor:
    """Rows ``idx`` of every model's data, ``[M or 1, len(idx), ...]``, without copying whole sets."""
    return x[:, idx] if x.shape[0] == 1 else x[group[:, None], idx[None, :]]


@dataclass
class RoundRecord:
    """One IMP round of M models: trained weights and masks (CPU), train error/loss ``[M]``, test
    probabilities ``[M, n_test, C]``."""

    params: Params
    masks: Params
    train_error: torch.Tensor
    train_loss: torch.Tensor
    test_probs: torch.Tensor


@dataclass
class ImpState:
    """Everything needed to resume: next round, current masks, the weights rounds restart from."""

    next_round: int
    masks: Params
    start: Params
    records: list[object] = field(default_factory=list)  # RoundRecord of classifiers, or what a Recorder keeps

    def to_checkpoint(self) -> dict:
        """Plain dicts, lists, numbers and tensors, which ``torch.load(weights_only=True)`` reads."""
        return {"next_round": self.next_round, "masks": self.masks, "start": self.start,
                "records": [dict(vars(r)) if isinstance(r, RoundRecord) else r for r in self.records]}

    @classmethod
    def from_checkpoint(cls, saved: dict, device: torch.device,
                        record: Callable[..., object] = lambda **r: RoundRecord(**r)) -> "ImpState":
        """The state :meth:`to_checkpoint` saved, with the live tensors moved to ``device``;
        ``record`` rebuilds a round's record from its fields (a plain ``dict`` keeps them as saved)."""
        on = lambda p: {k: v.to(device) for k, v in p.items()}  # noqa: E731
        return cls(saved["next_round"], on(saved["masks"]), on(saved["start"]),
                   [record(**r) for r in saved["records"]])


def resume_imp(checkpoint: Checkpoint | None, key: str, device: torch.device, fresh: Callable[[], ImpState],
               record: Callable[..., object] = lambda **r: RoundRecord(**r)) -> ImpState:
    """The IMP state ``checkpoint`` saved under ``key`` (``next_round > 0``), or ``fresh()`` when it
    holds none: how every IMP job starts ([AR] jobs and beyond's)."""
    saved = checkpoint.load(key) if checkpoint else None
    return fresh() if saved is None else ImpState.from_checkpoint(saved, device, record)


Forward = Callable[[Params, torch.Tensor], torch.Tensor]


def _batches(n: int, batch: int, address: int, device: torch.device) -> list[torch.Tensor]:
    return list(random_order(n, address).to(device).split(batch if batch > 0 else n))


CHUNK_BYTES = 4 * 2**20  # one chunk's widest activation [models, batch, width]: ~2 L2 caches (bench_imp_step.py)


def model_chunks(params: Params, batch: int) -> list[slice]:
    """The model slices one SGD step trains as separate tensor programs. All M at once keep each
    layer's activations ``[M, batch, width]`` out of cache once M models are wide (width 500, ten
    models: 20 MiB, and the step runs at 0.7x a per-model loop), so on CPU a fully connected
    job steps ``CHUNK_BYTES`` of its widest activation at a time. Never fewer than two models a
    chunk (a lone last model joins the chunk before it): a one-model product may split over
    threads and round differently. Models never couple, so every chunking gives the same
    numbers (tests/test_imp.py); GPUs and convolutions (one grouped convolution) keep one chunk."""
    weights = [v for v in params.values() if v.dim() > 2]
    m = next(iter(params.values())).shape[0]
    if weights[0].device.type != "cpu" or any(v.dim() != 3 for v in weights):
        return [slice(0, m)]
    row_bytes = batch * max(v.shape[1] for v in weights) * weights[0].element_size()
    starts = list(range(0, m, max(2, CHUNK_BYTES // row_bytes)))
    if len(starts) > 1 and m - starts[-1] == 1:
        starts.pop()
    return [slice(a, b) for a, b in zip(starts, [*starts[1:], m])]


def train_masked(forward: Forward, params: Params, masks: Params, task: Task, settings: ImpTrainSettings,
                 address: tuple, snapshot_step: int = -1, first_step: int = 0) -> tuple[Params, Params | None]:
    """SGD (optionally with momentum) on the masked weights; returns the trained weights and, if
    ``snapshot_step >= 0``, the weights after that many steps (for rewinding). Training starts at
    step ``first_step`` of the schedule (a rewound round resumes where its weights come from, as
    OpenLTH retrains from the rewinding step to the end); earlier steps are skipped."""
    params = {k: v.detach().clone() for k, v in params.items()}
    momentum = {k: torch.zeros_like(v) for k, v in params.items()} if settings.momentum else {}
    n = task.x_train.shape[1]
    chunks = model_chunks(params, min(n, settings.batch_size or n))
    snapshot = None
    step = 0
    for epoch in range(settings.epochs):
        for idx in _batches(n, settings.batch_size, seed_address(*address, epoch), task.x_train.device):
            if step < first_step:
                step += 1
                continue
            if step == snapshot_step:
                snapshot = {k: v.clone() for k, v in params.items()}
            for models in chunks:
                _sgd_step(forward, params, masks, momentum, task, idx, models, settings)
            step += 1
    if step == snapshot_step:
        snapshot = {k: v.clone() for k, v in params.items()}
    return params, snapshot


def _sgd_step(forward: Forward, params: Params, masks: Params, momentum: Params, task: Task, idx: torch.Tensor,
              models: slice, settings: ImpTrainSettings) -> None:
    """One masked SGD step of ``params[models]`` on minibatch ``idx``, in place."""
    group = task.group[models]
    live = {k: v[models].detach().requires_grad_(True) for k, v in params.items()}
    logits = forward(live, group_rows(task.x_train, idx, group))
    y = group_rows(task.y_train, idx, group).expand(logits.shape[:2])
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum") / len(idx)
    grads = torch.autograd.grad(loss, list(live.values()))
    with torch.no_grad():
        for (k, p), g in zip(params.items(), grads):
            if k in masks:
                g = g * masks[k][models]
            if settings.momentum:
                g = momentum[k][models].mul_(settings.momentum).add_(g)
            p[models].sub_(settings.lr * g)


@torch.no_grad()
def predict(forward: Forward, params: Params, x: torch.Tensor, group: torch.Tensor, chunk: int = 4096) -> torch.Tensor:
    """Softmax probabilities ``[M, n, C]`` of every model on its group's inputs ``x [G, n, ...]``."""
    parts = [torch.softmax(forward(params, group_rows(x, idx, group)), -1)
             for idx in torch.arange(x.shape[1], device=x.device).split(chunk)]
    out = torch.cat(parts, dim=1)
    return out.expand(len(group), *out.shape[1:]) if out.shape[0] == 1 else out


RoundTrainer = Callable[[Params, Params, int, int, int], tuple[Params, "Params | None"]]
Recorder = Callable[[Params, Params], object]


def imp_loop(train_round: RoundTrainer, record: Recorder, state: ImpState, prune: PruneSettings) -> Iterator[ImpState]:
    """[AR]'s round loop, whatever the loss and optimiser: train, record, prune ``prune.fraction``
    of the remaining weights, reset the survivors to their start values (or, rewinding, to their
    values after step k of round 0) and retrain; ``prune.rounds`` prunings after round 0. Yields
    the state after each completed round, so the caller can checkpoint it.

    ``train_round(start, masks, round, snapshot_step, first_step)`` returns the trained weights and
    the snapshot after ``snapshot_step`` steps (None when < 0); ``record(params, masks)`` is what
    the round keeps. The [AR] classifiers (:func:`imp_rounds`) and the [LT] regression nets of
    ``lottery.beyond.masked_imp`` both run this loop."""
    for r in range(state.next_round, prune.rounds + 1):
        start = {k: v * state.masks[k] if k in state.masks else v for k, v in state.start.items()}
        rewind = prune.rewind_step if r == 0 and prune.rewind_step > 0 else -1
        first = prune.rewind_step if r > 0 else 0
        params, snapshot = train_round(start, state.masks, r, rewind, first)
        if snapshot is not None:
            state.start = snapshot
        state.records.append(record(params, state.masks))
        state.masks = prune_global(params, state.masks, prune.fraction)
        state.next_round = r + 1
        yield state


def run_imp(rounds: Iterator[ImpState], state: ImpState, prune: PruneSettings, checkpoint: Checkpoint | None,
            key: str, on_round: Callable[[ImpState], None]) -> ImpState:
    """Run an IMP loop's ``rounds`` (from ``state``) to the last, calling ``on_round`` after each,
    checkpointed after every round and stopped on request by the one resumable loop of
    :mod:`lottery.core.checkpoint`."""

    def advance(s: ImpState, until: int) -> ImpState:
        while s.next_round < until:
            s = next(rounds)
            on_round(s)
        return s

    return run_checkpointed(state, advance, lambda s: s.next_round, prune.rounds + 1, checkpoint, key,
                            ImpState.to_checkpoint, lambda s: f"after round {s.next_round - 1}")


def _classifier_record(forward: Forward, task: Task) -> Recorder:
    """What a round of classifiers keeps: weights, masks, train error and loss, test probabilities."""

    def record(params: Params, masks: Params) -> RoundRecord:
        probs_train = predict(forward, params, task.x_train, task.group)
        y_train = task.y_train[task.group] if task.y_train.shape[0] > 1 else task.y_train.expand(probs_train.shape[:2])
        p_true = probs_train.gather(2, y_train[..., None])[..., 0]
        return RoundRecord(
            params={k: v.cpu() for k, v in params.items()},
            masks={k: v.cpu().bool() for k, v in masks.items()},
            train_error=(probs_train.argmax(-1) != y_train).double().mean(1).cpu(),
            train_loss=(-torch.log(p_true.clamp_min(1e-12))).double().mean(1).cpu(),
            test_probs=predict(forward, params, task.x_test, task.group).float().cpu(),
        )
    return record


def imp_rounds(forward: Forward, init: Params, task: Task, train: ImpTrainSettings, prune: PruneSettings,
               address: tuple, state: ImpState | None = None) -> Iterator[ImpState]:
    """IMP of M classifiers (:func:`imp_loop`) with masked SGD on the cross-entropy; a rewound
    round retrains from step k on, as OpenLTH does."""
    def train_round(start: Params, masks: Params, r: int, snapshot_step: int, first_step: int) -> tuple:
        return train_masked(forward, start, masks, task, train, (*address, r), snapshot_step, first_step)

    yield from imp_loop(train_round, _classifier_record(forward, task), state or ImpState(0, full_masks(init), init),
                        prune)
