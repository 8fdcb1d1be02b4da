"""Preconditions of claims: what a run must have for a claim to be testable at all.

Each kind returns None when met, else the reason the claim is "not tested", naming the
config key to change or the data files the run lacks.
"""
from __future__ import annotations

from typing import Callable

from lottery.claims.measures.base import Results, setting


def config_includes(config: dict, results: Results, path: str, items: list) -> str | None:
    """The list at config key ``path`` holds every one of ``items``."""
    have = setting(config, path)
    missing = [i for i in items if i not in have]
    if missing:
        return f"needs {', '.join(map(str, missing))} in config key {path} (this run: {', '.join(map(str, have))})"
    return None


def config_equals(config: dict, results: Results, path: str, value) -> str | None:
    """Config key ``path`` has the paper's value."""
    have = setting(config, path)
    if have != value:
        return f"needs config key {path} = {value}, the paper's (this run: {have})"
    return None


def datasets(config: dict, results: Results, names: list[str]) -> str | None:
    """The IMP results include every one of these real-image data sets."""
    present = set(results.frame("imp_summary", "best")["dataset"])
    missing = [n for n in names if n not in present]
    if missing:
        keys = ", ".join(f"imp.images.{n}_dir" for n in missing)
        return f"needs {', '.join(missing)} files (config keys {keys})"
    return None


def architectures(config: dict, results: Results, names: list[str]) -> str | None:
    """The real-image architectures compared (imp.images.architectures) include every one of these."""
    have = [a["arch"] for a in setting(config, "imp.images.architectures")]
    missing = [n for n in names if n not in have]
    if missing:
        return f"needs {', '.join(missing)} in config key imp.images.architectures (this run: {', '.join(have)})"
    return None


PRECONDITIONS: dict[str, Callable[..., str | None]] = {f.__name__: f for f in (
    config_includes, config_equals, datasets, architectures)}
# Result files a precondition kind reads (the claims rule's inputs must include them).
PRECONDITION_SOURCES: dict[str, tuple[str, ...]] = {"datasets": ("imp_summary",)}


def unmet(requires: list[dict], config: dict, results: Results) -> str | None:
    """The first unmet precondition's reason, or None when all are met."""
    for req in requires:
        params = {k: v for k, v in req.items() if k != "kind"}
        reason = PRECONDITIONS[req["kind"]](config, results, **params)
        if reason:
            return reason
    return None
