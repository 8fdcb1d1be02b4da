"""Judging every claim on one run: preconditions, our measurement, the rule's verdict."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from lottery.arora.datasets import MIXTURES
from lottery.claims.measures import MEASURES, NotMeasurable, Results, ResultsDir
from lottery.claims.preconditions import PRECONDITION_SOURCES, unmet
from lottery.claims.registry import Claim
from lottery.claims.scale import row_scale
from lottery.claims.verdicts import NOT_TESTED, judge

COLUMNS = ["id", "paper", "where", "claim", "paper_value", "ours", "scale", "paper_scale", "verdict", "reason",
           "causes", "measure"]


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
    m = MEASURES[claim.measure]
    sources = m.sources + tuple(s for req in claim.requires for s in PRECONDITION_SOURCES.get(req["kind"], ()))
    results = Results(directory, sources)
    scale, full = row_scale(tuple(s.format(**claim.args) for s in m.sections), config, datasets)
    row = {"id": claim.id, "paper": claim.paper, "where": claim.where, "claim": claim.claim,
           "paper_value": claim.paper_value, "scale": scale, "paper_scale": full, "measure": claim.measure,
           "causes": causes_tested(claim, config)}
    reason = unmet(claim.requires, config, results)
    if reason:
        return {**row, "ours": "", "verdict": NOT_TESTED, "reason": reason}
    try:
        measured = m.fn(results, config, **claim.args)
    except NotMeasurable as err:
        return {**row, "ours": "", "verdict": NOT_TESTED, "reason": str(err)}
    verdict = judge(claim.rule, measured)
    return {**row, "ours": measured.text, "verdict": verdict.outcome, "reason": verdict.reason}


def evaluate(claims: list[Claim], results_dir: str | Path, config: dict) -> pd.DataFrame:
    """The claims table of one run: one row per claim, in registry order."""
    directory = ResultsDir(results_dir)
    datasets = real_data(directory)
    return pd.DataFrame([judge_claim(c, directory, config, datasets) for c in claims], columns=COLUMNS)
