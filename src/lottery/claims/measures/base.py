"""What a measure is: a function of one run's results and config returning our value.

Measures read result files only through :class:`Results`, which refuses any file the
measure did not declare (the declared files are the claims rule's inputs) and reads each
file once per run. A missing file raises :class:`~lottery.core.errors.ResultsError`
naming it; a value that this run's config cannot give raises :class:`NotMeasurable`,
which the claim reports as "not tested" with its reason.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from lottery.claims.sources import RESULT_FILES
from lottery.core.errors import ResultsError
from lottery.core.storage import read_frame

Value = float | tuple[float, ...]


@dataclass(frozen=True)
class Measurement:
    """Our value (a number, or one per item for sequence rules), its interval where one
    exists, and how the table shows it (``text`` short, ``detail`` for the table's notes).
    ``p_value``: how often chance (the measure's permutation baseline) gives an effect as large;
    ``degenerate``: why the comparison decides nothing (e.g. the same model on both sides)."""

    value: Value
    text: str
    low: float | None = None
    high: float | None = None
    detail: str = ""
    p_value: float | None = None
    degenerate: str = ""


class NotMeasurable(Exception):
    """This run cannot give the value (e.g. a width the paper used is not in the config)."""


class ResultsDir:
    """One run's results directory; each (file, table) is read once."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._cache: dict[tuple[str, str | None], pd.DataFrame] = {}

    def path(self, source: str) -> Path:
        return self.root / RESULT_FILES[source]

    def read(self, source: str, key: str | None = None) -> pd.DataFrame:
        if (source, key) not in self._cache:
            path = self.path(source)
            if path.suffix == ".csv":
                if not path.exists():
                    raise ResultsError(f"results file {path} does not exist; run snakemake to make it")
                frame = pd.read_csv(path)
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = read_frame(path, key)
            self._cache[(source, key)] = frame
        return self._cache[(source, key)]


class Results:
    """The files one measure declared, and nothing else."""

    def __init__(self, directory: ResultsDir, allowed: tuple[str, ...]) -> None:
        self._directory, self._allowed = directory, allowed

    def frame(self, source: str, key: str | None = None) -> pd.DataFrame:
        if source not in self._allowed:
            raise ValueError(f"a measure read {source!r} without declaring it (declared: {self._allowed})")
        return self._directory.read(source, key)


@dataclass(frozen=True)
class Measure:
    """A registered measure: its function, the files it reads, and the config sections whose
    scale (seeds, steps, data) its value was measured at; a section may name one of the
    measure's arguments in braces (``"{family}"``), filled in per claim."""

    fn: Callable[..., Measurement]
    sources: tuple[str, ...]
    sections: tuple[str, ...]


MEASURES: dict[str, Measure] = {}


def measure(sources: tuple[str, ...], sections: tuple[str, ...]) -> Callable:
    """Register ``fn`` under its own name as a measure reading ``sources``."""
    unknown = set(sources) - set(RESULT_FILES)
    if unknown:
        raise ValueError(f"unknown result files {sorted(unknown)}")

    def add(fn: Callable[..., Measurement]) -> Callable[..., Measurement]:
        if fn.__name__ in MEASURES:
            raise ValueError(f"measure {fn.__name__!r} registered twice")
        MEASURES[fn.__name__] = Measure(fn, sources, sections)
        return fn

    return add


def setting(config: dict, path: str):
    """A config value by dotted path (``scaling.analysis.bootstrap``)."""
    value = config
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(f"config key {path!r} is missing from the settings the claims rule passed")
        value = value[part]
    return value


def fmt(x: float) -> str:
    """A number for the claims table: whole above 100, 3 significant digits below, exponent form when
    tiny or huge."""
    x = float(x)
    if x != x:
        return "n/a"
    if 100 <= abs(x) < 1e6:
        return f"{x:,.0f}"
    if x == 0 or 1e-3 <= abs(x) < 100:
        return f"{x:.3g}"
    return f"{x:.2e}"
