"""[AR] data-set registry: every name an IMP job, the config and the paper use for a data set,
with its printed name and how to make the job's arrays (all figures and Table 1).

The two Gaussian mixtures are generated (:mod:`lottery.arora.mixtures`); the image sets are read
by :mod:`lottery.arora.images`, whose ``IMAGE_SETS`` holds their loaders. Adding a data set is
an entry here (and a loader there, for images); ``tests/test_ar_registries.py`` checks that
the two registries and the config schema's enum agree.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Union

from lottery.arora.mixtures import TASKS
from lottery.arora.images import FASHION_MNIST_COUNTS, load_image_set
from lottery.arora.tasks import TaskArrays, image_task, mixture_task


@dataclass(frozen=True)
class MixtureSettings:
    """One mixture job's data: dimension, sample counts, separations and label noise."""

    dim: int
    n_train: int
    n_test: int
    nus: list[float]
    noise: float
    test_noise: float


@dataclass(frozen=True)
class ImageSettings:
    """One image job's data: where the sets live (the config's ``imp.images.*_dir``), the
    training subset, the digits' held-out fraction and label noise."""

    mnist_dir: str
    fashion_mnist_dir: str
    cifar10_dir: str
    train_subset: int
    test_fraction: float
    noise: float
    test_noise: float


DataSettings = Union[MixtureSettings, ImageSettings]


@dataclass(frozen=True)
class DataSet:
    """``label``: the name figures and tables print; ``make(settings, classes, seed)``: the job's arrays;
    ``shape``: one image's shape (None for the mixtures, whose dimension is a config key);
    ``dir_key``: the ``imp.images`` key naming its directory (None: it ships with a library);
    ``counts``: its (training, test) images, where they are fixed (the compute plan uses them)."""

    label: str
    make: Callable[[DataSettings, int, int], TaskArrays]
    shape: tuple[int, ...] | None = None
    dir_key: str | None = None
    counts: tuple[int, int] | None = None


def _mixture(name: str) -> Callable[[DataSettings, int, int], TaskArrays]:
    def make(s: MixtureSettings, classes: int, seed: int) -> TaskArrays:
        return mixture_task(name, s.nus, s.dim, s.n_train, s.n_test, s.noise, s.test_noise, seed)

    return make


def _images(name: str) -> Callable[[DataSettings, int, int], TaskArrays]:
    def make(s: ImageSettings, classes: int, seed: int) -> TaskArrays:
        data = load_image_set(name, asdict(s), seed)
        return image_task(data, classes, s.noise, s.test_noise, seed, name)

    return make


DATASETS: dict[str, DataSet] = {
    "linear": DataSet("linear mixture", _mixture("linear")),
    "xor": DataSet("XOR mixture", _mixture("xor")),
    "digits": DataSet("8x8 digits", _images("digits"), (1, 8, 8)),
    "mnist": DataSet("MNIST", _images("mnist"), (1, 28, 28), "mnist_dir", (60_000, 10_000)),
    "fashion_mnist": DataSet("Fashion-MNIST", _images("fashion_mnist"), (1, 28, 28), "fashion_mnist_dir",
                             FASHION_MNIST_COUNTS),
    "cifar10": DataSet("CIFAR-10", _images("cifar10"), (3, 32, 32), "cifar10_dir", (50_000, 10_000)),
}
# The paper's own image sets: they join the real-data figures whenever their directory is configured.
PAPER_IMAGE_SETS = ("mnist", "cifar10")
MIXTURES = TASKS
IMAGE_DATASETS = tuple(name for name in DATASETS if name not in MIXTURES)


def dataset(name: str) -> DataSet:
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown IMP data set {name!r}; choose one of {sorted(DATASETS)}") from None


def is_mixture(name: str) -> bool:
    return name in MIXTURES


def task_arrays(name: str, settings: DataSettings, classes: int, seed: int) -> TaskArrays:
    """The arrays of one IMP job on data set ``name``."""
    return dataset(name).make(settings, classes, seed)


def real_datasets(images: dict) -> list[str]:
    """The image sets of the real-data figures and Table 1: those ``imp.images.datasets`` lists, then
    MNIST and CIFAR-10 whenever ``imp.images.mnist_dir`` / ``cifar10_dir`` name them."""
    chosen = list(images["datasets"])
    return chosen + [d for d in PAPER_IMAGE_SETS if d not in chosen and images[DATASETS[d].dir_key]]


def figs2_dataset(real: list[str]) -> str:
    """The image set of Fig S2: MNIST (the paper's) when it is configured, else the first real set."""
    return "mnist" if "mnist" in real else real[0]
