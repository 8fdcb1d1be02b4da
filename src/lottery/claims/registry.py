"""The claims registry (``registry.yaml``, package data): loading and checking it.

Checked on load, so a typo in the registry fails before any verdict is computed: every
entry has its fields, ids are unique, rule kinds, measures and precondition kinds exist,
and each measure accepts the entry's arguments.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from lottery.claims.measures import MEASURES
from lottery.claims.preconditions import PRECONDITIONS
from lottery.claims.verdicts import RULES

FIELDS = ("id", "paper", "where", "claim", "paper_value", "measure", "rule")
PAPERS = ("LT", "AR")


class RegistryError(ValueError):
    """The claims registry is malformed."""


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str
    where: str
    claim: str
    paper_value: str
    measure: str
    rule: dict
    args: dict = field(default_factory=dict)
    requires: list[dict] = field(default_factory=list)
    causes: str = ""  # where runs test the causes of a disagreement (probes, analysis options)


def _check(entry: dict) -> Claim:
    name = entry.get("id", "<no id>")
    missing = [f for f in FIELDS if f not in entry]
    unknown = set(entry) - set(FIELDS) - {"args", "requires", "causes"}
    if missing or unknown:
        raise RegistryError(f"claim {name}: missing fields {missing}, unknown fields {sorted(unknown)}")
    claim = Claim(**{k: (str(v) if k in ("paper_value",) else v) for k, v in entry.items()})
    if claim.paper not in PAPERS or not claim.id.startswith(claim.paper + "-"):
        raise RegistryError(f"claim {name}: paper must be one of {PAPERS} and prefix the id")
    if claim.measure not in MEASURES:
        raise RegistryError(f"claim {name}: unknown measure {claim.measure!r}")
    if claim.rule.get("kind") not in RULES:
        raise RegistryError(f"claim {name}: unknown rule kind {claim.rule.get('kind')!r}; known: {sorted(RULES)}")
    for req in claim.requires:
        if req.get("kind") not in PRECONDITIONS:
            raise RegistryError(f"claim {name}: unknown precondition kind {req.get('kind')!r}")
    try:
        inspect.signature(MEASURES[claim.measure].fn).bind(None, {}, **claim.args)
    except TypeError as err:
        raise RegistryError(f"claim {name}: arguments {claim.args} do not fit measure {claim.measure}: {err}") from None
    return claim


def load_registry(path: str | Path | None = None) -> list[Claim]:
    """Every claim, in registry order (the package's ``registry.yaml`` unless ``path``)."""
    text = Path(path).read_text() if path else resources.files("lottery.claims").joinpath("registry.yaml").read_text()
    claims = [_check(entry) for entry in yaml.safe_load(text)]
    ids = [c.id for c in claims]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"duplicate claim ids: {duplicates}")
    return claims
