"""The claims table for the paper (LaTeX longtable) and the README (Markdown), and one verdict
macro per claim so that sentences elsewhere in the paper quote the same evaluation.

Registry text may hold ``$...$`` math, kept as math in both formats; everything else is
escaped for LaTeX, and pipes are escaped for Markdown tables.
"""
from __future__ import annotations

import re

import pandas as pd

from lottery.claims.verdicts import NOT_REPRODUCED, OUTCOMES, PARTLY
from lottery.core.texmacros import camel, macro_lines

_MATH = re.compile(r"(\$[^$]*\$)")
_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_\allowbreak{}", "{": r"\{", "}": r"\}",
        "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", ">=": r"$\geq$", "<=": r"$\leq$", "!=": r"$\neq$",
        "<": "$<$", ">": "$>$", "|": r"\textbar{}"}
_NAME_DOT = r"\.(?=[A-Za-z])"  # a dot inside a name (config key, file): a narrow cell may break its line there
_TEX_SPECIAL = re.compile("|".join([_NAME_DOT] + [re.escape(k) for k in sorted(_TEX, key=len, reverse=True)]))


def _is_math(part: str) -> bool:
    return len(part) > 1 and part.startswith("$") and part.endswith("$")


_QUOTED = re.compile(r'"([^"$]*)"')


def tex_text(text: str) -> str:
    """Escape LaTeX specials outside ``$...$`` and typeset "quotes"; math passes through."""
    return "".join(p if _is_math(p) else _TEX_SPECIAL.sub(lambda m: _TEX.get(m.group(0), r".\allowbreak{}"), p)
                   for p in _MATH.split(_QUOTED.sub(r"``\1''", str(text))))


def md_text(text: str) -> str:
    """Text for a Markdown table cell: pipes (``\\vert`` inside math) and asterisks escaped, ``--``
    an en dash as in LaTeX."""
    return "".join(p.replace("|", r"\vert ") if _is_math(p) else
                   p.replace("|", r"\|").replace("*", r"\*").replace("--", "\u2013") for p in _MATH.split(str(text)))


def _disagrees(r: pd.Series) -> bool:
    return r["verdict"] in (NOT_REPRODUCED, PARTLY)


def verdict_text(r: pd.Series) -> str:
    """The reason of a verdict, and for a disagreement the causes that runs tested (registry ``causes``)."""
    return f"{r['reason'].rstrip('.')}. Causes tested: {r['causes']}" if _disagrees(r) and r["causes"] else r["reason"]


def markdown_table(rows: pd.DataFrame, sentence: str) -> str:
    """The README's claims table, preceded by the scale sentence."""
    lines = [md_text(sentence), "", "| id | where | claim | paper | ours | scale | verdict |",
             "|---|---|---|---|---|---|---|"]
    for _, r in rows.iterrows():
        cells = [md_text(c) for c in (r["id"], r["where"], r["claim"], r["paper_value"], r["ours"] or "-", r["scale"])]
        lines.append("| " + " | ".join(cells + [f"**{r['verdict']}**: {md_text(verdict_text(r))}"]) + " |")
    return "\n".join(lines) + "\n"


def latex_table(rows: pd.DataFrame) -> str:
    """A longtable (packages longtable and array): claim (id, where, statement), paper's value, ours,
    scale, verdict with reason; ragged-right cells."""
    head = r"claim & paper & ours & scale & verdict \\"
    cols = "".join(rf">{{\raggedright\arraybackslash}}p{{{w}cm}}" for w in (4.5, 1.9, 3.0, 2.1, 2.5))
    lines = [rf"\begin{{longtable}}{{@{{}}{cols}@{{}}}}",
             r"\toprule", head, r"\midrule", r"\endfirsthead",
             r"\toprule", head, r"\midrule", r"\endhead",
             r"\bottomrule", r"\endlastfoot"]
    for _, r in rows.iterrows():
        lines.append(
            rf"\textbf{{{tex_text(r['id'])}}} ({tex_text(r['where'])}): {tex_text(r['claim'])} & "
            rf"{tex_text(r['paper_value'])} & {tex_text(r['ours']) or '--'} & {tex_text(r['scale'])} & "
            rf"\textbf{{{r['verdict']}}}: {tex_text(verdict_text(r))} \\")
    lines.append(r"\end{longtable}")
    return "\n".join(lines) + "\n"


def verdict_macros(rows: pd.DataFrame, sentence: str) -> str:
    """``\\Claim<Id>`` (the verdict), ``\\Claim<Id>Ours`` and ``\\Claim<Id>Reason`` per claim, the
    counts per verdict and the scale sentence."""
    m = {}
    for _, r in rows.iterrows():
        key = camel("claim", r["id"])
        if key in m:
            raise ValueError(f"claim ids {r['id']!r} and another give the same macro name {key}")
        m[key], m[key + "Ours"], m[key + "Reason"] = r["verdict"], tex_text(r["ours"]) or "--", tex_text(r["reason"])
    counts = rows["verdict"].value_counts()
    for outcome, name in zip(OUTCOMES, ("Reproduced", "Partly", "NotReproduced", "NotTested")):
        m["Claims" + name] = str(int(counts.get(outcome, 0)))
    m["ClaimsTotal"] = str(len(rows))
    untested = [r["id"] for _, r in rows.iterrows() if r["verdict"] == NOT_REPRODUCED and not r["causes"]]
    m["ClaimsNoCauseTested"] = str(len(untested))
    m["ClaimsNoCauseTestedIds"] = tex_text(", ".join(untested)) or "none"
    m["ClaimsScale"] = tex_text(sentence)
    return macro_lines(m)

