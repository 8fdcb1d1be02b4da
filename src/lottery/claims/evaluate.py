"""Judging every claim on one run: preconditions, our measurement, the rule's verdict."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from lottery.arora.datasets import MIXTURES
from lottery.claims.decidability import DECIDERS, undecided
from lottery.claims.measures import MEASURES, Measurement, NotMeasurable, Results, ResultsDir
from lottery.claims.preconditions import PRECONDITION_SOURCES, unmet
from lottery.claims.registry import Claim
from lottery.claims.scale import row_scale
from lottery.claims.verdicts import INCONCLUSIVE, NOT_TESTED, judge

COLUMNS = ["id", "paper", "group", "where", "short", "claim", "paper_value", "ours", "detail", "scale", "scale_short",
           "paper_scale", "verdict", "reason", "causes", "kind", "derived_from", "measure"]


def real_data(directory: ResultsDir) -> list[str]:
    """The real-image data sets this run's IMP results hold."""
    return sorted(set(directory.read("imp_summary", "best")["dataset"]) - set(MIXTURES))


def causes_tested(claim: Claim, config: dict) -> str:
    """The registry's causes of a claim; ``probes``: the run's probes of the claim's activation."""
    if claim.causes != "probes":
        return claim.causes
    probes = [p["cause"] for p in config.get("probes", []) if p["activation"] == claim.args.get("activation")]
    return f'each by a run of its own (config key probes; Sec. "Disagreements run down"): {"; ".join(probes)}' \
        if probes else ""


def judge_claim(claim: Claim, directory: ResultsDir, config: dict, datasets: list[str]) -> dict:
    """One claim's row of the claims table."""
    return judged_claim(claim, directory, config, datasets)[0]


def judged_claim(claim: Claim, directory: ResultsDir, config: dict,
                 datasets: list[str]) -> tuple[dict, Measurement | None]:
    """One claim's row of the claims table, and our measurement behind it (None where the claim
    is not tested or the run cannot give the value)."""
    m = MEASURES[claim.measure]
    sources = m.sources + tuple(s for req in claim.requires for s in PRECONDITION_SOURCES.get(req["kind"], ())) \
        + tuple(s for cond in claim.decides for s in DECIDERS[cond["kind"]].sources)
    results = Results(directory, sources)
    named = {k: ",".join(map(str, v)) if isinstance(v, list) else v for k, v in claim.args.items()}
    (scale, short), full = row_scale(tuple(s.format(**named) for s in m.sections), config, datasets)
    row = {"id": claim.id, "paper": claim.paper, "group": claim.group, "where": claim.where, "short": claim.short,
           "claim": claim.claim, "paper_value": claim.paper_value, "scale": scale, "scale_short": short,
           "paper_scale": full, "measure": claim.measure, "causes": causes_tested(claim, config), "kind": claim.kind,
           "derived_from": claim.derived_from, "ours": "", "detail": ""}
    reason = unmet(claim.requires, config, results)
    if reason:
        return {**row, "verdict": NOT_TESTED, "reason": reason}, None
    try:
        measured, not_measured = m.fn(results, config, **claim.args), ""
        row = {**row, "ours": measured.text, "detail": measured.detail}
    except NotMeasurable as err:
        measured, not_measured = None, str(err)
    reason = undecided(claim.decides, config, results)
    if reason:
        return {**row, "verdict": INCONCLUSIVE, "reason": reason}, measured
    if measured is None:
        return {**row, "verdict": NOT_TESTED, "reason": not_measured}, None
    verdict = judge(claim.rule, measured)
    return {**row, "verdict": verdict.outcome, "reason": verdict.reason}, measured


def evaluate(claims: list[Claim], results_dir: str | Path, config: dict) -> pd.DataFrame:
    """The claims table of one run: one row per claim, in registry order."""
    directory = ResultsDir(results_dir)
    datasets = real_data(directory)
    return pd.DataFrame([judge_claim(c, directory, config, datasets) for c in claims], columns=COLUMNS)
