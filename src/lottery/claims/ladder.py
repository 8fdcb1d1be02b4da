"""The scale ladder (ours, not in either paper): the [AR] claims that the size of the training set
decides, judged at each rung with the registry's own measures, rules and "can this run decide
it" conditions, and one generated sentence per claim on where its verdict heads as the data grow.

A rung's results directory holds ``imp/summary.h5`` and ``imp/calibration.h5`` of the mixtures'
Fig 5 start models at one training-set size (rule ``imp_ladder_rung``); its config is the run's,
narrowed to what the rung trained, so every measure and condition reads the rung as a run.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from lottery.arora.datasets import MIXTURES
from lottery.claims.evaluate import judged_claim
from lottery.claims.measures import Measurement, ResultsDir
from lottery.claims.registry import Claim
from lottery.claims.report import VERDICT_LABELS, tex_text
from lottery.claims.verdicts import NOT_REPRODUCED, PARTLY, REPRODUCED

# The measures the issue names: effective parameters, sparse double descent, Fig 5's
# pruned-vs-full posterior gap and the best pruned models' ECE.
LADDER_CLAIMS = ("AR-linear-effective", "AR-xor-effective", "AR-sparse-dd", "AR-fig5c-gap",
                 "AR-fig5b-pruned-calibrated")
RANK = {NOT_REPRODUCED: 0, PARTLY: 1, REPRODUCED: 2}
COLUMNS = ["id", "short", "n_train", "value", "low", "high", "ours", "verdict", "reason"]


def rung_config(config: dict, n_train: int) -> dict:
    """The run's config as one rung trained it: ``n_train`` points, the calibration width only,
    each mixture at its Fig 5 nu only."""
    mix = config["imp"]["mixture"]
    tasks = {t: {**mix[t], "nus": mix[t]["figure_nus"][:1], "figure_nus": mix[t]["figure_nus"][:1]} for t in MIXTURES}
    rung = {**mix, **tasks, "n_train": n_train, "widths": [mix["calibration_width"]]}
    return {**config, "imp": {**config["imp"], "mixture": rung}}


def judge_ladder(claims: list[Claim], rungs: dict[int, str | Path], config: dict) -> pd.DataFrame:
    """One row per (ladder claim, rung): our value (its interval where the measure has one), the
    text the claims table would show, the verdict and its reason."""
    chosen = [c for c in claims if c.id in LADDER_CLAIMS]
    rows = []
    for n_train, root in sorted(rungs.items()):
        directory, narrowed = ResultsDir(root), rung_config(config, n_train)
        for claim in chosen:
            row, measured = judged_claim(claim, directory, narrowed, [])
            rows.append({**{k: row[k] for k in ("id", "short", "ours", "verdict", "reason")}, "n_train": n_train,
                         **_numbers(measured)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _numbers(m: Measurement | None) -> dict[str, float]:
    """Our value and its interval for the figure; NaN where there is none (or the value is a sequence)."""
    number = lambda x: math.nan if x is None or isinstance(x, tuple) else x  # noqa: E731
    return {k: number(getattr(m, k, None)) for k in ("value", "low", "high")}


def heading(rows: pd.DataFrame) -> str:
    """Where one claim's verdict heads as the data grow (``rows``: its rungs, smallest first)."""
    decided = rows[rows["verdict"].isin(RANK)]
    if decided.empty:
        return "No size decides it."
    first, last = RANK[decided["verdict"].iloc[0]], RANK[decided["verdict"].iloc[-1]]
    if last > first:
        return "Its verdict moves towards the paper's claim as the data grow."
    if last < first:
        return "Its verdict moves away from the paper's claim as the data grow."
    since = int(decided["n_train"].iloc[0])
    word = decided["verdict"].iloc[-1]
    if since == int(rows["n_train"].min()):
        return f"The same verdict, {word}, at every size that decides it."
    return f"Decided from {since:,} points on: {word}."


def sentences(frame: pd.DataFrame) -> dict[str, str]:
    """Per claim, its values and verdicts at each size, then where the verdict heads."""
    out = {}
    for claim_id, rows in frame.groupby("id", sort=False):
        rows = rows.sort_values("n_train")
        steps = "; ".join(f"{int(r['n_train']):,} points: {r['ours'] or '--'} ({VERDICT_LABELS[r['verdict']]})"
                          for _, r in rows.iterrows())
        out[claim_id] = f"{rows['short'].iloc[0]} ({claim_id}): {steps}. {heading(rows)}"
    return out


def latex_table(frame: pd.DataFrame) -> str:
    """Claims down, training-set sizes across; each cell our value and the verdict."""
    sizes = sorted(frame["n_train"].unique())
    head = " & ".join(["Claim", *(f"{int(n):,} points".replace(",", "{,}") for n in sizes)]) + r" \\"
    lines = [r"\begin{tabular}{@{}l" + "p{3.3cm}" * len(sizes) + "@{}}", r"\toprule", head, r"\midrule"]
    for claim_id, rows in frame.groupby("id", sort=False):
        by_size = rows.set_index("n_train")
        cells = [tex_text(f"{by_size.loc[n, 'ours'] or '--'}") + rf" (\emph{{{VERDICT_LABELS[by_size.loc[n, 'verdict']]}}})"
                 for n in sizes]
        lines.append(" & ".join([tex_text(claim_id), *cells]) + r" \\")
    return "\n".join([*lines, r"\bottomrule", r"\end{tabular}"]) + "\n"


def latex_sentences(frame: pd.DataFrame) -> str:
    """The sentences as a list, for the paper's text."""
    items = [rf"\item {tex_text(text)}" for text in sentences(frame).values()]
    return "\n".join([r"\begin{itemize}", *items, r"\end{itemize}"]) + "\n"
