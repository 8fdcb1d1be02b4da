"""The claims registry (``registry.yaml``, package data): loading and checking it.

The file holds two YAML documents: a header (what each verdict word requires, the margins
many rules share) and the claims, in groups (``- group: title`` entries open a group).
Checked on load, so a typo in the registry fails before any verdict is computed: every
entry has its fields, ids are unique, rule kinds, measures, precondition and decidability
kinds exist, margins named by a rule exist, ``derived_from`` names a claim, and each
measure accepts the entry's arguments.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from lottery.claims.decidability import DECIDERS
from lottery.claims.measures import MEASURES
from lottery.claims.preconditions import PRECONDITIONS
from lottery.claims.verdicts import OUTCOMES, RULES
from lottery.core.config import YAML_LOADER

FIELDS = ("id", "short", "paper", "where", "claim", "paper_value", "measure", "rule")
OPTIONAL = ("args", "requires", "decides", "causes", "kind", "derived_from", "revised")
PAPERS = ("LT", "AR", "BY")  # Liu & Tegmark, Arora et al., our claims beyond both papers
KINDS = ("finding", "set-up check")


class RegistryError(ValueError):
    """The claims registry is malformed."""


@dataclass(frozen=True)
class Claim:
    id: str
    short: str
    paper: str
    where: str
    claim: str
    paper_value: str
    measure: str
    rule: dict
    group: str = ""
    args: dict = field(default_factory=dict)
    requires: list[dict] = field(default_factory=list)
    decides: list[dict] = field(default_factory=list)
    causes: str = ""  # where runs test the causes of a disagreement (probes, analysis options)
    kind: str = "finding"
    derived_from: str = ""
    revised: str = ""


@dataclass(frozen=True)
class Header:
    """What each verdict word requires, and the margins rules name."""

    verdict_words: dict[str, str]
    margins: dict[str, float]


def _margins(name: str, params: dict, margins: dict[str, float]) -> dict:
    """Rule or measure parameters with the header's margins filled in where a ``...factor`` names one."""
    out = {}
    for key, value in params.items():
        if key != "kind" and isinstance(value, str) and key.endswith("factor"):
            if value not in margins:
                raise RegistryError(f"claim {name}: rule names margin {value!r}; the header has {sorted(margins)}")
            value = margins[value]
        out[key] = value
    return out


def _check(entry: dict, group: str, margins: dict[str, float]) -> Claim:
    name = entry.get("id", "<no id>")
    missing = [f for f in FIELDS if f not in entry]
    unknown = set(entry) - set(FIELDS) - set(OPTIONAL)
    if missing or unknown:
        raise RegistryError(f"claim {name}: missing fields {missing}, unknown fields {sorted(unknown)}")
    values = {k: (str(v) if k == "paper_value" else v) for k, v in entry.items()}
    claim = Claim(**{**values, "rule": _margins(name, entry["rule"], margins),
                     "args": _margins(name, entry.get("args", {}), margins)}, group=group)
    if claim.paper not in PAPERS or not claim.id.startswith(claim.paper + "-"):
        raise RegistryError(f"claim {name}: paper must be one of {PAPERS} and prefix the id")
    if claim.kind not in KINDS:
        raise RegistryError(f"claim {name}: kind must be one of {KINDS}")
    if claim.measure not in MEASURES:
        raise RegistryError(f"claim {name}: unknown measure {claim.measure!r}")
    if claim.rule.get("kind") not in RULES:
        raise RegistryError(f"claim {name}: unknown rule kind {claim.rule.get('kind')!r}; known: {sorted(RULES)}")
    for req in claim.requires:
        if req.get("kind") not in PRECONDITIONS:
            raise RegistryError(f"claim {name}: unknown precondition kind {req.get('kind')!r}")
    for cond in claim.decides:
        if cond.get("kind") not in DECIDERS:
            raise RegistryError(f"claim {name}: unknown decidability kind {cond.get('kind')!r}; known: {sorted(DECIDERS)}")
    try:
        inspect.signature(MEASURES[claim.measure].fn).bind(None, {}, **claim.args)
    except TypeError as err:
        raise RegistryError(f"claim {name}: arguments {claim.args} do not fit measure {claim.measure}: {err}") from None
    return claim


def _documents(path: str | Path | None) -> tuple[dict, list[dict]]:
    text = Path(path).read_text() if path else resources.files("lottery.claims").joinpath("registry.yaml").read_text()
    docs = list(yaml.load_all(text, Loader=YAML_LOADER))
    if len(docs) != 2 or not isinstance(docs[0], dict) or not isinstance(docs[1], list):
        raise RegistryError("the registry must be two YAML documents: a header mapping, then a list of claims")
    return docs[0], docs[1]


def load_header(path: str | Path | None = None) -> Header:
    """The registry's header: the verdict words' requirements and the shared margins."""
    head, _ = _documents(path)
    words = head.get("verdict_words", {})
    if set(words) != set(OUTCOMES):
        raise RegistryError(f"the header's verdict_words must define exactly {OUTCOMES}; it has {sorted(words)}")
    return Header(words, head.get("margins", {}))


def load_registry(path: str | Path | None = None) -> list[Claim]:
    """Every claim, in registry order (the package's ``registry.yaml`` unless ``path``)."""
    margins = load_header(path).margins
    claims, group = [], ""
    for entry in _documents(path)[1]:
        if set(entry) == {"group"}:
            group = entry["group"]
            continue
        claims.append(_check(entry, group, margins))
    ids = [c.id for c in claims]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"duplicate claim ids: {duplicates}")
    unknown = sorted({c.derived_from for c in claims if c.derived_from and c.derived_from not in ids})
    if unknown:
        raise RegistryError(f"derived_from names no claim: {unknown}")
    return claims
