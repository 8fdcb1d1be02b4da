"""[AR] image loaders on tiny IDX files the tests write (never the Debian data): Fashion-MNIST and
MNIST share one checked IDX reader; each kind of damage gives an error naming the file and the
config key; the training subset is a fixed, nested draw."""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from lottery.arora.images import (
    IMAGE_SETS,
    DataMissingError,
    load_fashion_mnist,
    load_image_set,
    load_mnist,
    train_subset,
)
from lottery.core.config import ConfigError

KEY = "imp.images.fashion_mnist_dir"
COUNTS = (6, 3)


def _idx_bytes(array: np.ndarray, magic: int) -> bytes:
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape) + array.tobytes()


def _write(path, raw: bytes, gz: bool = True) -> None:
    with (gzip.open(path.with_name(path.name + ".gz"), "wb") if gz else open(path, "wb")) as f:
        f.write(raw)


def _write_set(d, gz: bool = True, seed: int = 0) -> dict[str, np.ndarray]:
    """A valid set of 6 training and 3 test images (5x4 pixels, labels 0..9) in MNIST's four files."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": (rng.integers(0, 256, (COUNTS[0], 5, 4), dtype=np.uint8), 2051),
        "train-labels-idx1-ubyte": (np.array([0, 9, 3, 3, 1, 7], dtype=np.uint8), 2049),
        "t10k-images-idx3-ubyte": (rng.integers(0, 256, (COUNTS[1], 5, 4), dtype=np.uint8), 2051),
        "t10k-labels-idx1-ubyte": (np.array([2, 9, 0], dtype=np.uint8), 2049),
    }
    for name, (array, magic) in arrays.items():
        _write(d / name, _idx_bytes(array, magic), gz)
    return {name: array for name, (array, _) in arrays.items()}


def test_fashion_mnist_reads_gzipped_idx(tmp_path):
    written = _write_set(tmp_path)
    data = load_fashion_mnist(tmp_path, KEY, counts=COUNTS)
    assert data.x_train.shape == (6, 1, 5, 4) and data.x_test.shape == (3, 1, 5, 4)
    assert data.x_train.dtype == np.float32 and data.n_classes == 10
    np.testing.assert_array_equal(np.rint(data.x_train[:, 0] * 255), written["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.y_train, written["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(data.y_test, written["t10k-labels-idx1-ubyte"])


def test_one_reader_for_plain_and_gzipped_files(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "gz").mkdir()
    _write_set(tmp_path / "plain", gz=False)
    _write_set(tmp_path / "gz", gz=True)
    plain = load_mnist(tmp_path / "plain", "imp.images.mnist_dir")
    gz = load_fashion_mnist(tmp_path / "gz", KEY, counts=COUNTS)
    np.testing.assert_array_equal(plain.x_train, gz.x_train)
    np.testing.assert_array_equal(plain.y_test, gz.y_test)


def _corrupt(d, name: str, raw: bytes) -> None:
    (d / f"{name}.gz").unlink()
    _write(d / name, raw)


DAMAGE = {
    "bad magic": ("t10k-labels-idx1-ubyte", lambda: _idx_bytes(np.zeros(3, np.uint8), 2051), "magic 2051, expected 2049"),
    "truncated data": ("train-images-idx3-ubyte",
                       lambda: _idx_bytes(np.zeros((6, 5, 4), np.uint8), 2051)[:-7], "is truncated: 113 data bytes"),
    "trailing data": ("train-labels-idx1-ubyte",
                      lambda: _idx_bytes(np.zeros(6, np.uint8), 2049) + b"\0", "has trailing bytes"),
    "truncated header": ("t10k-images-idx3-ubyte", lambda: (2051).to_bytes(4, "big") + b"\0\0\0\3",
                         "truncated inside its header"),
    "label count": ("train-labels-idx1-ubyte", lambda: _idx_bytes(np.zeros(5, np.uint8), 2049), "5 labels for the 6 images of train-images-idx3-ubyte"),
    "label range": ("t10k-labels-idx1-ubyte", lambda: _idx_bytes(np.array([0, 10, 1], np.uint8), 2049),
                    r"label 10; allowed: 0\.\.9"),
    "image size": ("t10k-images-idx3-ubyte", lambda: _idx_bytes(np.zeros((3, 4, 4), np.uint8), 2051),
                   r"differ in size"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_each_damage_names_file_and_key(tmp_path, case):
    name, raw, message = DAMAGE[case]
    _write_set(tmp_path)
    _corrupt(tmp_path, name, raw())
    file = tmp_path.name if case == "image size" else name
    with pytest.raises(DataMissingError, match=rf"(?s)Fashion-MNIST.*{file}.*{message}.*{KEY}"):
        load_fashion_mnist(tmp_path, KEY, counts=COUNTS)


def test_missing_file_and_broken_gzip_are_named(tmp_path):
    _write_set(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataMissingError, match=rf"t10k-images-idx3-ubyte .*is missing.*{KEY}.*dataset-fashion-mnist"):
        load_fashion_mnist(tmp_path, KEY, counts=COUNTS)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DataMissingError, match=rf"t10k-images-idx3-ubyte.gz cannot be read.*{KEY}"):
        load_fashion_mnist(tmp_path, KEY, counts=COUNTS)


def test_fashion_mnist_must_hold_the_full_set(tmp_path):
    _write_set(tmp_path)
    with pytest.raises(DataMissingError, match=rf"train-images-idx3-ubyte holds 6 images, expected 60,000.*{KEY}"):
        load_fashion_mnist(tmp_path, KEY)


def test_train_subset_is_fixed_and_nested(tmp_path):
    _write_set(tmp_path)
    data = load_mnist(tmp_path, "imp.images.mnist_dir")
    small, large = train_subset(data, 2, 7, "mnist"), train_subset(data, 4, 7, "mnist")
    again = train_subset(data, 2, 7, "mnist")
    np.testing.assert_array_equal(small.x_train, again.x_train)
    rows = lambda part: {r.tobytes() for r in part.x_train}  # noqa: E731
    assert len(rows(small)) == 2 and rows(small) <= rows(large) <= rows(data)
    assert small.x_test is data.x_test and train_subset(data, 0, 7, "mnist") is data
    other_seeds = [rows(train_subset(data, 2, s, "mnist")) for s in range(8)]
    assert len({frozenset(r) for r in other_seeds}) > 1
    with pytest.raises(ConfigError, match=r"'imp\.images\.train_subset' \(7\) exceeds the 6 training images"):
        train_subset(data, 7, 7, "mnist")


def test_registry_loads_by_name_and_applies_the_subset(tmp_path):
    _write_set(tmp_path)
    images = {"mnist_dir": str(tmp_path), "train_subset": 3, "test_fraction": 0.25}
    assert {"digits", "mnist", "fashion_mnist", "cifar10"} <= set(IMAGE_SETS)
    data = load_image_set("mnist", images, 0)
    assert data.x_train.shape == (3, 1, 5, 4) and data.x_test.shape == (3, 1, 5, 4)
    assert load_image_set("digits", {**images, "train_subset": 0}, 0).x_train.shape[2:] == (8, 8)
    with pytest.raises(ValueError, match="unknown image data set 'svhn'"):
        load_image_set("svhn", images, 0)
