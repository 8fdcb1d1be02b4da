"""Real-image tasks: scikit-learn's bundled 8x8 digits (no download) and local MNIST / CIFAR-10.

This machine cannot download data sets, so MNIST and CIFAR-10 are read from a directory
named in the config; every file is checked before use and a missing or malformed one is
reported by name together with the config key that points at its directory.
"""
from __future__ import annotations

import gzip
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MNIST_FILES = {
    "x_train": ("train-images-idx3-ubyte", 2051),
    "y_train": ("train-labels-idx1-ubyte", 2049),
    "x_test": ("t10k-images-idx3-ubyte", 2051),
    "y_test": ("t10k-labels-idx1-ubyte", 2049),
}
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


def _open(path: Path):
    gz = path.with_name(path.name + ".gz")
    if path.exists():
        return open(path, "rb")
    if gz.exists():
        return gzip.open(gz, "rb")
    return None


def read_idx(path: Path, magic: int, key: str) -> np.ndarray:
    """One IDX file (plain or .gz): big-endian magic, dimensions, then unsigned bytes."""
    f = _open(path)
    if f is None:
        raise DataMissingError(f"MNIST file {path} (or {path.name}.gz) is missing; config key {key!r} must name "
                               f"a directory holding {', '.join(n for n, _ in MNIST_FILES.values())}")
    with f:
        raw = f.read()
    ndim = raw[3] if len(raw) >= 4 else 0
    header = 4 + 4 * ndim
    found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else -1
    if found != magic or len(raw) < header:
        raise DataMissingError(f"MNIST file {path} is not an IDX file (magic {found}, expected {magic}); "
                               f"check config key {key!r}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != int(np.prod(shape)):
        raise DataMissingError(f"MNIST file {path} is truncated: {data.size} bytes for shape {shape}; "
                               f"check config key {key!r}")
    return data.reshape(shape)


def load_mnist(directory: str | Path, key: str) -> ImageData:
    """MNIST from its four IDX files in ``directory``."""
    d = Path(directory)
    arrays = {name: read_idx(d / fname, magic, key) for name, (fname, magic) in MNIST_FILES.items()}
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise DataMissingError(f"MNIST {split} images and labels in {d} differ in count; check config key {key!r}")
    img = lambda a: (a.astype(np.float32) / 255.0)[:, None]  # noqa: E731
    return ImageData(img(arrays["x_train"]), arrays["y_train"].astype(np.int64),
                     img(arrays["x_test"]), arrays["y_test"].astype(np.int64))


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
