"""[AR] real-image data (Figs 1, 3b, 4, 6, 7, S2, S3, S4, Table 1): scikit-learn's bundled 8x8
digits, Fashion-MNIST as Debian installs it, and local MNIST / CIFAR-10.

Nothing is downloaded: each set is read from a directory named in the config, every file is
checked before use, and a missing or malformed one is reported by name together with the
config key that points at its directory. ``IMAGE_SETS`` maps a data-set name to its loader.
"""
from __future__ import annotations

import gzip
import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from lottery.core.errors import ConfigError
from lottery.core.seeds import seed_address

# MNIST's layout, shared by Fashion-MNIST: name -> (file without .gz, IDX magic: unsigned bytes, rank 3 or 1).
IDX_FILES = {
    "x_train": ("train-images-idx3-ubyte", 2051),
    "y_train": ("train-labels-idx1-ubyte", 2049),
    "x_test": ("t10k-images-idx3-ubyte", 2051),
    "y_test": ("t10k-labels-idx1-ubyte", 2049),
}
FASHION_MNIST_COUNTS = (60_000, 10_000)
CIFAR_DIR = "cifar-10-batches-py"
CIFAR_TRAIN = tuple(f"data_batch_{k}" for k in range(1, 6))
CIFAR_TEST = "test_batch"


class DataMissingError(FileNotFoundError):
    """A data file named by the config is missing or malformed."""


@dataclass
class ImageData:
    """Images ``[n, C, H, W]`` float32 in [0, 1] and integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max())) + 1


def load_digits_data(test_fraction: float, seed: int) -> ImageData:
    """scikit-learn's 8x8 digits (shipped with the library), split stratified into train and test."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, digits.target.astype(np.int64), test_size=test_fraction, random_state=seed, stratify=digits.target
    )
    return ImageData(x_tr, y_tr, x_te, y_te)


def _read_bytes(path: Path, key: str, title: str) -> tuple[Path, bytes]:
    """The bytes of ``path`` or, failing that, of ``path.gz`` (the file actually read comes back too)."""
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.exists():
            try:
                opener = gzip.open if candidate.suffix == ".gz" else open
                with opener(candidate, "rb") as f:
                    return candidate, f.read()
            except (OSError, EOFError) as e:
                raise DataMissingError(f"{title} file {candidate} cannot be read ({e}); check config key {key!r}") from e
    raise DataMissingError(f"{title} file {path} (or {path.name}.gz) is missing; config key {key!r} must name "
                           f"a directory holding {', '.join(n for n, _ in IDX_FILES.values())} (plain or .gz)")


def read_idx(path: Path, magic: int, key: str, title: str = "MNIST") -> np.ndarray:
    """One IDX file (plain or .gz): big-endian magic (unsigned bytes, rank in the last byte), one
    big-endian 32-bit size per dimension, then exactly as many bytes as the sizes declare."""
    found_path, raw = _read_bytes(path, key, title)
    found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else -1
    if found != magic:
        raise DataMissingError(f"{title} file {found_path} is not an IDX file of this kind (magic {found}, "
                               f"expected {magic}); check config key {key!r}")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataMissingError(f"{title} file {found_path} is truncated inside its header; check config key {key!r}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != math.prod(shape):
        problem = "is truncated" if data.size < math.prod(shape) else "has trailing bytes"
        raise DataMissingError(f"{title} file {found_path} {problem}: {data.size} data bytes where its header "
                               f"declares shape {shape} ({math.prod(shape)} bytes); check config key {key!r}")
    return data.reshape(shape)


def load_idx_images(directory: str | Path, key: str, title: str, counts: tuple[int, int] | None = None,
                    n_classes: int = 10) -> ImageData:
    """An image set in MNIST's layout (four IDX files, MNIST and Fashion-MNIST alike), checked:
    as many labels as images per split, labels in ``0..n_classes-1``, train and test images of one
    size, and, when ``counts`` is given, exactly ``counts = (train, test)`` images."""
    d = Path(directory)
    arrays = {name: read_idx(d / fname, magic, key, title) for name, (fname, magic) in IDX_FILES.items()}
    for i, split in enumerate(("train", "test")):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        images, labels = (d / IDX_FILES[f"{a}_{split}"][0] for a in "xy")
        if len(x) != len(y):
            raise DataMissingError(f"{title} {labels} holds {len(y)} labels for the {len(x)} images of {images.name}; "
                                   f"check config key {key!r}")
        if counts is not None and len(x) != counts[i]:
            raise DataMissingError(f"{title} {images} holds {len(x)} images, expected {counts[i]:,}; "
                                   f"check config key {key!r}")
        if len(y) and y.max() >= n_classes:
            raise DataMissingError(f"{title} {labels} holds label {y.max()}; allowed: 0..{n_classes - 1}; "
                                   f"check config key {key!r}")
    if arrays["x_train"].shape[1:] != arrays["x_test"].shape[1:]:
        raise DataMissingError(f"{title} training images {arrays['x_train'].shape[1:]} and test images "
                               f"{arrays['x_test'].shape[1:]} in {d} differ in size; check config key {key!r}")
    img = lambda a: (a.astype(np.float32) / 255.0)[:, None]  # noqa: E731
    return ImageData(img(arrays["x_train"]), arrays["y_train"].astype(np.int64),
                     img(arrays["x_test"]), arrays["y_test"].astype(np.int64))


def load_mnist(directory: str | Path, key: str) -> ImageData:
    """MNIST from its four IDX files in ``directory`` (any number of images: a user's copy may be a subset)."""
    return load_idx_images(directory, key, "MNIST")


def load_fashion_mnist(directory: str | Path, key: str, counts: tuple[int, int] = FASHION_MNIST_COUNTS) -> ImageData:
    """Fashion-MNIST (Xiao et al. 2017, [AR] Fig S3) from its four gzipped IDX files, as Debian's
    ``dataset-fashion-mnist`` installs them; anything but the full 60,000/10,000 images is refused,
    so a partial download cannot pass for the real set."""
    try:
        return load_idx_images(directory, key, "Fashion-MNIST", counts)
    except DataMissingError as e:
        raise DataMissingError(f"{e} (Debian and Ubuntu ship it: apt-get install dataset-fashion-mnist)") from e


def _cifar_batch(path: Path, key: str) -> tuple[np.ndarray, np.ndarray]:
    if not path.exists():
        raise DataMissingError(f"CIFAR-10 file {path} is missing; config key {key!r} must name a directory holding "
                               f"{CIFAR_DIR}/ with {', '.join(CIFAR_TRAIN)} and {CIFAR_TEST}")
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    data, labels = batch.get(b"data"), batch.get(b"labels")
    if data is None or labels is None or np.asarray(data).shape[1:] != (3072,) or len(data) != len(labels):
        raise DataMissingError(f"CIFAR-10 file {path} is not a CIFAR-10 python batch; check config key {key!r}")
    return np.asarray(data, dtype=np.uint8).reshape(-1, 3, 32, 32), np.asarray(labels, dtype=np.int64)


def load_cifar10(directory: str | Path, key: str) -> ImageData:
    """CIFAR-10 from the python batches in ``directory/cifar-10-batches-py``."""
    d = Path(directory) / CIFAR_DIR
    parts = [_cifar_batch(d / name, key) for name in CIFAR_TRAIN]
    x_te, y_te = _cifar_batch(d / CIFAR_TEST, key)
    img = lambda a: a.astype(np.float32) / 255.0  # noqa: E731
    return ImageData(img(np.concatenate([p[0] for p in parts])), np.concatenate([p[1] for p in parts]),
                     img(x_te), y_te)


def keep_classes(data: ImageData, n_keep: int) -> ImageData:
    """The first ``n_keep`` classes only (Fig 3b: effective parameters vs classes kept)."""
    tr, te = data.y_train < n_keep, data.y_test < n_keep
    return ImageData(data.x_train[tr], data.y_train[tr], data.x_test[te], data.y_test[te])


def train_subset(data: ImageData, size: int, seed: int, name: str) -> ImageData:
    """The first ``size`` training images (0: all) of a permutation drawn from the address
    (seed, name); the test set is kept whole. The permutation does not depend on ``size``, so a
    larger subset holds every smaller one and runs at two scales share their images."""
    n = len(data.y_train)
    if size == 0:
        return data
    if size > n:
        raise ConfigError(f"config key 'imp.images.train_subset' ({size}) exceeds the {n} training images of "
                          f"{name}; allowed: 0 (all) or at most {n}")
    keep = np.sort(np.random.default_rng(seed_address(seed, "train_subset", name)).permutation(n)[:size])
    return ImageData(data.x_train[keep], data.y_train[keep], data.x_test, data.y_test)


# name -> loader of the imp.images settings and the IMP seed; the name is the prefix of its '<name>_dir' key.
IMAGE_SETS: dict[str, Callable[[dict, int], ImageData]] = {
    "digits": lambda images, seed: load_digits_data(images["test_fraction"], seed),
    "mnist": lambda images, seed: load_mnist(images["mnist_dir"], "imp.images.mnist_dir"),
    "fashion_mnist": lambda images, seed: load_fashion_mnist(images["fashion_mnist_dir"],
                                                             "imp.images.fashion_mnist_dir"),
    "cifar10": lambda images, seed: load_cifar10(images["cifar10_dir"], "imp.images.cifar10_dir"),
}


def load_image_set(name: str, images: dict, seed: int) -> ImageData:
    """Image set ``name`` from the imp.images settings, cut to ``images['train_subset']`` training images."""
    try:
        loader = IMAGE_SETS[name]
    except KeyError:
        raise ValueError(f"unknown image data set {name!r}; choose one of {sorted(IMAGE_SETS)}") from None
    return train_subset(loader(images, seed), images["train_subset"], seed, name)
