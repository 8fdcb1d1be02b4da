"""Known-answer tests of the [AR] IMP stage: pruning, masked training, rewinding, resuming,
ECE, the mixture posterior, label noise, and the image loaders."""
from __future__ import annotations

import gzip
import pickle

import numpy as np
import pytest
import torch

from lottery.arora import mixtures as mix
from lottery.arora.analysis.calibration import ece
from lottery.arora.images import DataMissingError, load_cifar10, load_mnist
from lottery.arora.models import architecture, init_models
from lottery.arora.pruning import full_masks, prune_global, remaining
from lottery.arora.tasks import mixture_task, permute_labels
from lottery.arora import trainer
from lottery.arora.trainer import ImpState, ImpTrainSettings, PruneSettings, Task, imp_rounds, model_chunks, train_masked
from lottery.core.checkpoint import Checkpoint

CPU = torch.device("cpu")


def _models(arch="fcn2", m=3, width=6, dim=5, classes=2, bias=False):
    a = architecture(arch)
    shape = (dim,) if arch.startswith("fcn") else (1, 4, 4)
    return a, init_models(a, list(range(m)), shape, classes, width, bias, torch.float64, CPU)


def _task(n=40, dim=5, m=3, classes=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, n, dim, generator=g, dtype=torch.float64)
    y = torch.randint(0, classes, (1, n), generator=g)
    return Task(x, y, x[:, :10], torch.zeros(m, dtype=torch.long))


def test_prune_exact_fraction_and_never_revives():
    _, params = _models(width=7)
    masks = full_masks(params)
    g = torch.Generator().manual_seed(1)
    for _ in range(6):
        before = remaining(masks)
        new = prune_global(params, masks, 0.2)
        assert torch.equal(remaining(new), before - torch.ceil(0.2 * before.double()).long())  # OpenLTH's count
        for k in masks:
            assert not torch.any((new[k] > 0) & (masks[k] == 0)), "a pruned weight came back"
        masks = new
        # retraining moves the weights; pruned ones must stay pruned whatever their new value
        params = {k: torch.randn(v.shape, generator=g, dtype=v.dtype) for k, v in params.items()}


def test_prune_removes_smallest_globally():
    params = {"fc1": torch.tensor([[[1.0, -5.0], [0.1, 3.0]]]), "fc2": torch.tensor([[[-0.2, 4.0]]])}
    masks = prune_global(params, full_masks(params), 0.5)
    assert masks["fc1"].tolist() == [[[0.0, 1.0], [0.0, 1.0]]] and masks["fc2"].tolist() == [[[0.0, 1.0]]]


def test_masked_training_keeps_pruned_weights_zero():
    arch, params = _models()
    masks = prune_global(params, full_masks(params), 0.6)
    start = {k: v * masks[k] for k, v in params.items()}
    trained, _ = train_masked(arch.forward, start, masks, _task(), ImpTrainSettings(5, 16, 0.5, 0.9), ("t",))
    for k in masks:
        assert torch.all(trained[k][masks[k] == 0] == 0)
        assert torch.any(trained[k][masks[k] == 1] != start[k][masks[k] == 1])


def test_models_train_independently():
    """The batch of M models gives each model the trajectory it has alone (no coupling)."""
    arch, params = _models(m=3)
    masks, task, s = full_masks(params), _task(m=3), ImpTrainSettings(3, 16, 0.3, 0.5)
    together, _ = train_masked(arch.forward, params, masks, task, s, ("t",))
    one = {k: v[1:2] for k, v in params.items()}
    alone, _ = train_masked(arch.forward, one, {k: v[1:2] for k, v in masks.items()},
                            Task(task.x_train, task.y_train, task.x_test, task.group[:1]), s, ("t",))
    for k in params:
        torch.testing.assert_close(together[k][1:2], alone[k], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("threads", [1, 2])
def test_stepping_models_in_chunks_gives_the_same_numbers(monkeypatch, threads):
    """Cache-sized chunks of models (float32, two data groups, biases, momentum, masks) train
    exactly as one tensor program of all models."""
    arch = architecture("fcn2")
    params = init_models(arch, list(range(5)), (5,), 3, 40, True, torch.float32, CPU)
    masks = prune_global(params, full_masks(params), 0.3)
    g = torch.Generator().manual_seed(2)
    x = torch.randn(2, 64, 5, generator=g)
    task = Task(x, torch.randint(0, 3, (2, 64), generator=g), x[:, :8], torch.tensor([0, 1, 1, 0, 1]))
    settings = ImpTrainSettings(2, 16, 0.2, 0.5)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        whole, _ = train_masked(arch.forward, params, masks, task, settings, ("c",))
        monkeypatch.setattr(trainer, "CHUNK_BYTES", 2 * 16 * 40 * 4)
        assert [s.stop - s.start for s in model_chunks(params, 16)] == [2, 3], "a lone last model joins a chunk"
        chunked, _ = train_masked(arch.forward, params, masks, task, settings, ("c",))
    finally:
        torch.set_num_threads(before)
    for k in params:
        assert torch.equal(whole[k], chunked[k]), k


def test_convolutions_and_small_models_keep_one_chunk():
    _, resnet = _models("resnet", m=4, width=3)
    _, small = _models(m=4)
    assert model_chunks(resnet, 128) == model_chunks(small, 128) == [slice(0, 4)]


def test_resnet_is_vectorised_per_model():
    arch, params = _models("resnet", m=2, width=3, classes=4, bias=True)
    x = torch.randn(1, 5, 1, 4, 4, dtype=torch.float64)
    both = arch.forward(params, x)
    for i in range(2):
        torch.testing.assert_close(both[i:i + 1], arch.forward({k: v[i:i + 1] for k, v in params.items()}, x))


def test_rewinding_restores_step_k_weights():
    arch, params = _models()
    task, k = _task(), 3
    full_batch = ImpTrainSettings(10, 0, 0.2, 0.0)
    address = ("rw",)
    step_k, _ = train_masked(arch.forward, params, full_masks(params), task, ImpTrainSettings(k, 0, 0.2, 0.0),
                             (*address, 0))
    rounds = imp_rounds(arch.forward, params, task, full_batch, PruneSettings(0.5, 1, k), address)
    state = next(rounds)
    for name in params:
        torch.testing.assert_close(state.start[name], step_k[name], rtol=0, atol=0)
    # the next round starts from the masked step-k weights: with zero epochs it records them unchanged
    state.next_round = 1
    frozen = imp_rounds(arch.forward, params, task, ImpTrainSettings(0, 0, 0.2, 0.0), PruneSettings(0.5, 1, k),
                        address, state)
    after = next(frozen)
    for name, m in after.records[-1].masks.items():
        torch.testing.assert_close(after.records[-1].params[name], step_k[name] * m, rtol=0, atol=0)


def test_resume_repeats_uninterrupted_run(tmp_path):
    arch, params = _models()
    task, s, p = _task(), ImpTrainSettings(2, 16, 0.2, 0.9), PruneSettings(0.3, 3, 0)
    straight = list(imp_rounds(arch.forward, params, task, s, p, ("r",)))[-1]
    it = imp_rounds(arch.forward, params, task, s, p, ("r",))
    next(it)
    checkpoint = Checkpoint(tmp_path / "run.ckpt", every=1)
    checkpoint.save("settings", next(it).to_checkpoint())  # killed after round 1
    assert checkpoint.load("other settings") is None
    saved = ImpState.from_checkpoint(checkpoint.load("settings"), CPU)
    assert saved.next_round == 2
    resumed = list(imp_rounds(arch.forward, params, task, s, p, ("r",), saved))[-1]
    for a, b in zip(straight.records, resumed.records):
        for k in a.params:
            assert torch.equal(a.params[k], b.params[k])


def test_ece_perfectly_calibrated_is_zero():
    rng = np.random.default_rng(0)
    n = 400_000
    conf = rng.uniform(0.5, 1.0, n)
    correct = rng.random(n) < conf
    labels = np.where(correct, 0, 1)
    probs = np.stack([conf, 1 - conf], axis=1)
    assert ece(probs, labels, 15) < 0.005


def test_ece_constant_overconfident_known_value():
    probs = np.tile([0.9, 0.1], (1000, 1))
    labels = np.r_[np.zeros(600, int), np.ones(400, int)]
    assert ece(probs, labels, 15) == pytest.approx(0.3, abs=1e-12)
    batched = ece(np.stack([probs, probs[:, ::-1]]), labels[None], 15)
    np.testing.assert_allclose(batched, [0.3, 0.5])


def test_linear_posterior_closed_form():
    m = mix.mixture("linear", 0.3, 6)
    x = np.random.default_rng(1).normal(size=(50, 6))
    mu = m.means[1]
    expected = 1 / (1 + np.exp(x @ mu - mu @ mu / 2))
    np.testing.assert_allclose(mix.true_posterior(m, x), expected, rtol=1e-10)


@pytest.mark.parametrize("task,nu", [("linear", 0.6), ("xor", 1.0)])
def test_posterior_matches_monte_carlo(task, nu):
    """Among samples with predicted p(y=0|x) in a bin, the fraction of class 0 equals the bin's mean p."""
    m = mix.mixture(task, nu, 4)
    x, y = mix.sample(m, 300_000, np.random.default_rng(2))
    p = mix.true_posterior(m, x)
    bins = np.minimum((p * 10).astype(int), 9)
    for b in range(10):
        sel = bins == b
        if sel.sum() > 2000:
            assert abs((y[sel] == 0).mean() - p[sel].mean()) < 0.015


def test_label_noise_permutes_the_labels_of_a_fraction():
    """ceil(fraction * n) examples swap labels among themselves: distinct labels show how many moved
    (all but the permutation's few fixed points); the class counts never change."""
    rng = np.random.default_rng(0)
    distinct = np.arange(1000)
    noisy = permute_labels(distinct, 0.2, rng)
    assert 195 <= (noisy != distinct).sum() <= 200 and np.array_equal(np.sort(noisy), distinct)
    assert (permute_labels(distinct, 0.2501, rng) != distinct).sum() <= 251  # the count rounds up
    y = rng.integers(0, 2, 999)
    noisy2 = permute_labels(y, 0.25, rng)
    assert 0 < (noisy2 != y).sum() <= 250 and np.bincount(noisy2).tolist() == np.bincount(y).tolist()
    np.testing.assert_array_equal(permute_labels(y, 0.0, rng), y)


def test_label_noise_never_touches_test_set():
    clean = mixture_task("xor", [0.8, 1.0], 4, 400, 300, 0.0, 0.0, seed=3)
    noisy = mixture_task("xor", [0.8, 1.0], 4, 400, 300, 0.3, 0.0, seed=3)
    np.testing.assert_array_equal(clean.x_test, noisy.x_test)
    np.testing.assert_array_equal(clean.y_test, noisy.y_test)
    np.testing.assert_array_equal(noisy.y_test_noisy, noisy.y_test)
    changed = (clean.y_train != noisy.y_train).sum(1)
    assert ((changed > 0) & (changed <= 120)).all()


def _write_idx(path, array, magic, gz=False):
    raw = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape) + array.tobytes()
    (gzip.open if gz else open)(path, "wb").write(raw)


def test_mnist_loader_reads_idx_and_names_missing_file(tmp_path):
    rng = np.random.default_rng(0)
    imgs, labels = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8), rng.integers(0, 10, 5).astype(np.uint8)
    _write_idx(tmp_path / "train-images-idx3-ubyte", imgs, 2051)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", labels, 2049)
    _write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", imgs[:2], 2051, gz=True)
    with pytest.raises(DataMissingError, match=r"t10k-labels-idx1-ubyte.*imp\.images\.mnist_dir"):
        load_mnist(tmp_path, "imp.images.mnist_dir")
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:2], 2049)
    data = load_mnist(tmp_path, "imp.images.mnist_dir")
    assert data.x_train.shape == (5, 1, 28, 28) and data.x_test.shape == (2, 1, 28, 28)
    np.testing.assert_allclose(data.x_train[:, 0] * 255, imgs)
    np.testing.assert_array_equal(data.y_test, labels[:2])
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:2], 2051)
    with pytest.raises(DataMissingError, match="magic"):
        load_mnist(tmp_path, "imp.images.mnist_dir")


def test_cifar_loader_reads_batches_and_names_missing_file(tmp_path):
    d = tmp_path / "cifar-10-batches-py"
    d.mkdir()
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{k}" for k in range(1, 6)]:
        with open(d / name, "wb") as f:
            pickle.dump({b"data": rng.integers(0, 256, (3, 3072), dtype=np.uint8), b"labels": [0, 1, 2]}, f)
    with pytest.raises(DataMissingError, match=r"test_batch.*imp\.images\.cifar10_dir"):
        load_cifar10(tmp_path, "imp.images.cifar10_dir")
    with open(d / "test_batch", "wb") as f:
        pickle.dump({b"data": np.zeros((2, 3072), np.uint8), b"labels": [9, 9]}, f)
    data = load_cifar10(tmp_path, "imp.images.cifar10_dir")
    assert data.x_train.shape == (15, 3, 32, 32) and data.n_classes == 10


def _run_command(out, settings):
    import json

    from lottery.cli import main

    return main(["imp-run", "--dataset", "linear", "--arch", "fcn2", "--width", "4", "--classes", "2",
                 "--settings", json.dumps(settings), "--threads", "1", "--runtime", json.dumps({"device": "cpu"}),
                 "--out", str(out)])


def _imp_settings():
    return {"seed": 0, "dtype": "float64", "bins": 15, "device": "cpu", "threads": 1, "repetitions": 2,
            "bias": False, "train": {"epochs": 3, "batch_size": 32, "lr": 0.1, "momentum": 0.9},
            "prune": {"fraction": 0.3, "rounds": 3, "rewind_step": 0},
            "mixture": {"dim": 6, "n_train": 64, "n_test": 50, "nus": [0.5, 1.0], "noise": 0.1, "test_noise": 0.1}}


def _same_run_files(a, b):
    import pandas as pd

    for key in ("models", "rounds", "probs", "weights/fc1", "masks/fc1"):
        pd.testing.assert_frame_equal(pd.read_hdf(a, key), pd.read_hdf(b, key), check_exact=True)


def test_killed_imp_job_resumes_to_same_result(tmp_path, monkeypatch):
    settings = _imp_settings()
    assert _run_command(tmp_path / "straight.h5", settings) == 0
    real_save, calls = Checkpoint.save, []

    def killed_after_round_one(self, key, progress):
        real_save(self, key, progress)
        calls.append(progress["next_round"])
        if progress["next_round"] == 2:
            raise KeyboardInterrupt("killed")

    monkeypatch.setattr(Checkpoint, "save", killed_after_round_one)
    with pytest.raises(KeyboardInterrupt):
        _run_command(tmp_path / "resumed.h5", settings)
    assert not (tmp_path / "resumed.h5").exists() and (tmp_path / "resumed.h5.ckpt").exists()
    assert _run_command(tmp_path / "resumed.h5", settings) == 0
    assert calls == [1, 2, 3], "the second call must resume at round 2 (the last round is not saved: results are)"
    assert not (tmp_path / "resumed.h5.ckpt").exists()
    _same_run_files(tmp_path / "straight.h5", tmp_path / "resumed.h5")


def test_stop_request_saves_after_the_round_and_resumes(tmp_path, caplog):
    """SIGTERM's stop request ends an IMP job after the running round, checkpointed (the [LT] policy);
    the job resumes under another thread count, which changes speed, never results."""
    from dataclasses import replace

    from lottery.arora.job import ImpJob, run_imp_job
    from lottery.core.checkpoint import Interrupted

    job = ImpJob.from_settings("linear", "fcn2", 4, 2, _imp_settings())
    straight = run_imp_job(job)
    checkpoint = Checkpoint(tmp_path / "job.ckpt", every=1)
    checkpoint.stop.set()
    with pytest.raises(Interrupted, match="after round 0"):
        run_imp_job(job, checkpoint)
    assert checkpoint.load("anything else") is None and checkpoint.path.exists()
    caplog.set_level("INFO", logger="lottery")
    resumed = run_imp_job(replace(job, runtime=replace(job.runtime, threads=2)), Checkpoint(checkpoint.path, every=1))
    assert "resuming from checkpoint at round 1" in caplog.text
    import pandas as pd

    pd.testing.assert_frame_equal(straight.rounds, resumed.rounds, check_exact=True)


def test_unreadable_imp_checkpoint_is_logged_and_the_job_starts_afresh(tmp_path, caplog):
    (tmp_path / "damaged.h5.ckpt").write_bytes(b"not a checkpoint")
    assert _run_command(tmp_path / "damaged.h5", _imp_settings()) == 0
    assert "unreadable" in caplog.text and "starting afresh" in caplog.text
    assert _run_command(tmp_path / "clean.h5", _imp_settings()) == 0
    _same_run_files(tmp_path / "clean.h5", tmp_path / "damaged.h5")


@pytest.mark.parametrize("imp,key", [
    ({"mixture": {"linear": {"nus": [0.1, 0.2], "figure_nus": [0.3]}}}, "imp.mixture.linear.figure_nus"),
    ({"mixture": {"widths": [2, 4], "calibration_width": 8, "effective_min_width": 2}}, "imp.mixture.calibration_width"),
    ({"images": {"classes_kept": [2, 12]}}, "imp.images.classes_kept"),
    ({"images": {"train_by_arch": {"resnet": {"epoch": 3}}}}, "imp.images.train_by_arch.resnet.epoch"),
])
def test_config_errors_name_the_imp_key(imp, key):
    from pathlib import Path

    from lottery.core.config import ConfigError, validate_config

    schema = Path(__file__).resolve().parents[1] / "config" / "schema.yaml"
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate_config({"imp": imp}, schema)
