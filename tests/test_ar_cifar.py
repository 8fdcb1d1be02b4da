"""[AR] CIFAR-10 architectures (ResNet-18, VGG-16, DenseNet-121) on tiny synthetic CIFAR-format
batches: output shapes, the published parameter counts, models that never couple (batch norm
included), and one IMP round end to end."""
from __future__ import annotations

import math

import pytest
import torch

from lottery.arora.models import architecture, init_models, is_prunable
from lottery.arora.pruning import remaining
from lottery.arora.trainer import ImpTrainSettings, PruneSettings, Task, imp_rounds

CPU = torch.device("cpu")
CIFAR = (3, 32, 32)
TINY = {"resnet18": 2, "vgg16": 2, "densenet121": 2}  # small widths keep each test within seconds


@pytest.fixture(autouse=True)
def one_thread():
    """Nets this small gain nothing from threads, which only contend on a loaded machine (5x slower)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _init(name: str, m: int, width: int, in_shape=CIFAR, first: int = 0, dtype=torch.float64):
    arch = architecture(name)
    return arch, init_models(arch, list(range(first, first + m)), in_shape, 10, width, True, dtype, CPU)


def _images(*shape: int, seed: int = 0, dtype=torch.float64) -> torch.Tensor:
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.parametrize("name", sorted(TINY))
def test_forward_shapes_on_cifar_and_mnist_sized_images(name):
    arch, params = _init(name, 2, TINY[name])
    assert arch.forward(params, _images(2, 4, *CIFAR)).shape == (2, 4, 10)
    shared = _images(1, 4, *CIFAR)
    torch.testing.assert_close(arch.forward(params, shared), arch.forward(params, shared.expand(2, -1, -1, -1, -1)))
    _, small = _init(name, 2, TINY[name], in_shape=(1, 28, 28))
    assert arch.forward(small, _images(2, 3, 1, 28, 28)).shape == (2, 3, 10)


PUBLISHED = {  # all parameters at standard width, 10 classes, with biases (see lottery.arora.cifar_architectures)
    "resnet18": (64, 11_173_962),
    "vgg16": (64, 14_728_266),
    "densenet121": (32, 6_956_298),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_parameter_counts_at_standard_width_are_the_published_ones(name):
    width, count = PUBLISHED[name]
    shapes = architecture(name).shapes(CIFAR, 10, width, True)
    assert sum(math.prod(s) for s in shapes.values()) == count
    norm = [k for k in shapes if ".scale." in k or ".shift." in k]
    assert norm and not any(is_prunable(k) for k in norm)


@pytest.mark.parametrize("name", sorted(TINY))
def test_models_never_couple_batch_norm_included(name):
    """Each model, run alone on its own images, gives what it gives inside a batch of three."""
    arch, params = _init(name, 3, TINY[name])
    x = _images(3, 4, *CIFAR, seed=1)
    together = arch.forward(params, x)
    for m in range(3):
        alone = arch.forward({k: v[m:m + 1] for k, v in params.items()}, x[m:m + 1])
        torch.testing.assert_close(together[m:m + 1], alone)
    assert not torch.allclose(together[0], together[1])


def test_batch_norm_starts_as_identity_scale_and_zero_shift():
    _, params = _init("vgg16", 2, 2)
    assert all((v == 0).all() for k, v in params.items() if k.endswith(("scale.bias", "shift.bias")))
    out = architecture("vgg16").forward(params, _images(2, 8, *CIFAR))
    assert torch.isfinite(out).all() and out.std() > 0


@pytest.mark.parametrize("name", sorted(TINY))
def test_one_imp_round_end_to_end(name):
    arch, init = _init(name, 2, TINY[name], dtype=torch.float32)
    g = torch.Generator().manual_seed(3)
    x = torch.rand(1, 8, *CIFAR, generator=g)
    task = Task(x, torch.randint(0, 10, (1, 8), generator=g), x[:, :6], torch.zeros(2, dtype=torch.long))
    train, prune = ImpTrainSettings(epochs=1, batch_size=4, lr=0.05, momentum=0.0), PruneSettings(0.2, 1, 1)
    states = list(imp_rounds(arch.forward, init, task, train, prune, (0, name)))
    records = states[-1].records
    assert len(records) == 2
    n_weights = sum(v[0].numel() for k, v in init.items() if is_prunable(k))
    assert remaining(records[0].masks).tolist() == [n_weights] * 2
    assert remaining(records[1].masks).tolist() == [n_weights - round(0.2 * n_weights)] * 2
    assert set(records[1].masks) == {k for k in init if is_prunable(k)}
    for k, mask in records[1].masks.items():
        assert (records[1].params[k][~mask] == 0).all()
    assert records[1].test_probs.shape == (2, 6, 10)
    torch.testing.assert_close(records[1].test_probs.sum(-1), torch.ones(2, 6))
    assert all(torch.isfinite(r.train_loss).all() for r in records)
