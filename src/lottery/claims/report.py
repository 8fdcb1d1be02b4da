"""The claims table for the paper (LaTeX longtable) and the README (Markdown), and one verdict
macro per claim so that sentences elsewhere in the paper quote the same evaluation.

A row of either table is short (id, the claim in one line, the paper's value, ours, the
scale in a few words, the verdict word in colour) so that it fits one or two lines; what
needs a sentence (the reason, the causes tested, the detail of our value, whether the row is
derived or a set-up check) goes to the numbered note under the table that the row points to.
Row ``i`` of the frame has note ``i``.

Registry text may hold ``$...$`` math, kept as math in both formats; everything else is
escaped for LaTeX, and pipes are escaped for Markdown tables.
"""
from __future__ import annotations

import re
from typing import Iterator

import pandas as pd

from lottery.claims.verdicts import INCONCLUSIVE, NOT_REPRODUCED, NOT_TESTED, OUTCOMES, PARTLY, REPRODUCED
from lottery.core.texmacros import camel, macro_lines

_MATH = re.compile(r"(\$[^$]*\$)")
_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_\allowbreak{}", "{": r"\{", "}": r"\}",
        "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", ">=": r"$\geq$", "<=": r"$\leq$", "!=": r"$\neq$",
        "<": "$<$", ">": "$>$", "|": r"\textbar{}"}
_NAME_DOT = r"\.(?=[A-Za-z])"  # a dot inside a name (config key, file): a narrow cell may break its line there
_TEX_SPECIAL = re.compile("|".join([_NAME_DOT] + [re.escape(k) for k in sorted(_TEX, key=len, reverse=True)]))

# One colour per outcome, from the Okabe-Ito palette (distinct under the common colour-vision
# deficiencies); the table's words and the verdict map use the same ones.
VERDICT_COLORS = {REPRODUCED: "#009E73", PARTLY: "#E69F00", NOT_REPRODUCED: "#D55E00", INCONCLUSIVE: "#56B4E9",
                  NOT_TESTED: "#BBBBBB"}
# What a reader sees: "inconclusive" alone would read as a verdict on the paper, not on our run.
VERDICT_LABELS = {**{o: o for o in OUTCOMES}, INCONCLUSIVE: "inconclusive at this scale"}
FINDING = "finding"
SHORT_COLUMNS = ("id", "short", "paper_value", "ours", "scale_short")  # the table's cells before the verdict
_COUNT_NAMES = dict(zip(OUTCOMES, ("Reproduced", "Partly", "NotReproduced", "Inconclusive", "NotTested")))
_TEX_TEXT_SHADE = "!80!black"  # the palette darkened for words on white paper


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


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def is_setup_check(r: pd.Series) -> bool:
    """A rule that holds by construction: a check of our set-up, not evidence for the paper."""
    return r["kind"] != FINDING


def is_derived(r: pd.Series) -> bool:
    """A row that re-expresses another row's measurement: not independent evidence."""
    return bool(r["derived_from"])


def row_tag(r: pd.Series) -> str:
    """The few words that mark a row that is no independent finding ("" for a finding)."""
    return "set-up check" if is_setup_check(r) else "derived" if is_derived(r) else ""


def note_sentences(r: pd.Series) -> list[str]:
    """The row's note, sentence by sentence (plain registry text, math kept): reason, detail of
    our value, the causes runs tested for a disagreement, and what the row is not."""
    parts = [_sentence(r["reason"])]
    if r["detail"]:
        parts.append(_sentence(f"Ours: {r['detail']}"))
    if _disagrees(r) and r["causes"]:
        parts.append(_sentence(f"Causes tested: {r['causes']}"))
    if is_setup_check(r):
        parts.append("Set-up check: the rule holds by construction, so it tests our set-up, not the paper.")
    if is_derived(r):
        parts.append(f"Derived from {r['derived_from']}: not independent evidence.")
    return parts


def _numbered(rows: pd.DataFrame) -> Iterator[tuple[int, pd.Series, bool]]:
    """(note number, row, whether the row opens a new group), in registry order."""
    previous = None
    for number, (_, r) in enumerate(rows.iterrows(), start=1):
        yield number, r, r["group"] != previous
        previous = r["group"]


# ---------------------------------------------------------------- Markdown


def _md_verdict(r: pd.Series, number: int) -> str:
    tag = row_tag(r)
    return f"**{VERDICT_LABELS[r['verdict']]}** ({number})" + (f", *{tag}*" if tag else "")


def markdown_table(rows: pd.DataFrame, sentence: str) -> str:
    """The README's claims table: the scale sentence, one short row per claim under its group's
    title, the verdict word in bold with its note number, and the numbered notes."""
    lines = [md_text(sentence), "", "| id | claim | paper | ours | scale | verdict |", "|---|---|---|---|---|---|"]
    notes = []
    for number, r, opens in _numbered(rows):
        if opens:
            lines.append(f"| **{md_text(r['group'])}** | | | | | |")
        cells = [md_text(r[c]) or "-" for c in SHORT_COLUMNS]
        lines.append("| " + " | ".join(cells + [_md_verdict(r, number)]) + " |")
        notes.append(f"{number}. **{md_text(r['id'])}**, {md_text(r['where'])}: "
                     + md_text(" ".join(note_sentences(r))))
    return "\n".join(lines + ["", "Notes:", ""] + notes) + "\n"


# ---------------------------------------------------------------- LaTeX

# id, claim in one line, paper's value, ours, scale, verdict (cm at \scriptsize, about 6.5 characters
# a cm): with \tabcolsep 2.5pt, 16.5 cm in all, the text width of the paper's letter page with 2.5 cm
# margins; the verdict column holds "not reproduced" in bold and a two-digit note number.
_WIDTHS = (2.5, 4.1, 2.1, 2.9, 1.4, 2.65)
_CHARS_PER_CM = 6.5
_HEAD = r"id & claim & paper & ours & scale & verdict \\"


def _printed_length(text: str) -> int:
    """About how many characters a cell prints (math commands, braces and ``$`` print none)."""
    return len(re.sub(r"\\[A-Za-z]+|[${}^_]", "", str(text)))


def rules_macro(verdict_words: dict[str, str]) -> str:
    """``\\ClaimsRules``: what each verdict word requires, as the registry's header states it, so the
    paper never restates the rules by hand."""
    text = "; ".join(rf"\emph{{{VERDICT_LABELS[w]}}}: {tex_text(t.rstrip('.'))}" for w, t in verdict_words.items())
    return macro_lines({"ClaimsRules": text})


def long_cells(rows: pd.DataFrame) -> list[str]:
    """``id: column`` for each cell that takes more than two lines of its column in the paper's
    table: text to shorten in the registry, or our value's detail to move to ``detail``."""
    budget = {c: 2 * w * _CHARS_PER_CM for c, w in zip(SHORT_COLUMNS, _WIDTHS)}
    return [f"{r['id']}: {c}" for _, r in rows.iterrows() for c in SHORT_COLUMNS if _printed_length(r[c]) > budget[c]]


def color_name(outcome: str) -> str:
    """The xcolor name of an outcome's colour (defined by :func:`verdict_macros`)."""
    return camel("verdict", outcome)


def _tex_verdict(r: pd.Series, number: int) -> str:
    word = rf"\textcolor{{{color_name(r['verdict'])}{_TEX_TEXT_SHADE}}}{{\textbf{{{VERDICT_LABELS[r['verdict']]}}}}}"
    tag = row_tag(r)
    return (rf"{word}\hyperlink{{claimnote{number}}}{{\textsuperscript{{{number}}}}}"
            + (rf"\newline\textcolor{{gray}}{{{tag}}}" if tag else ""))


def _tex_row(r: pd.Series, number: int) -> str:
    cells = [tex_text(r[c]) or "--" for c in SHORT_COLUMNS]
    return " & ".join(cells + [_tex_verdict(r, number)]) + r" \\"


def _tex_group(title: str) -> str:
    return rf"\addlinespace\multicolumn{{{len(_WIDTHS)}}}{{@{{}}l}}{{\textbf{{{tex_text(title)}}}}} \\*"


def _tex_notes(rows: pd.DataFrame) -> list[str]:
    items = [rf"\item[\hypertarget{{claimnote{n}}}{{{n}.}}] \textbf{{{tex_text(r['id'])}}}, {tex_text(r['where'])}: "
             + tex_text(" ".join(note_sentences(r))) for n, r, _ in _numbered(rows)]
    return [r"\begin{multicols}{2}\raggedright", r"\begin{enumerate}[nosep,leftmargin=2.2em,labelsep=0.4em]", *items,
            r"\end{enumerate}", r"\end{multicols}"]


def latex_table(rows: pd.DataFrame) -> str:
    """A longtable of one- or two-line rows under their groups' titles, then the numbered notes
    (packages longtable, array, booktabs, xcolor, hyperref, enumitem, multicol; the verdict
    colours come from the claims macros)."""
    cols = "".join(rf">{{\raggedright\arraybackslash}}p{{{w}cm}}" for w in _WIDTHS[:-1])
    cols += rf">{{\raggedright\arraybackslash\hyphenpenalty=10000}}p{{{_WIDTHS[-1]}cm}}"  # a verdict word never splits
    lines = [r"{\setlength{\tabcolsep}{2.5pt}", rf"\begin{{longtable}}{{@{{}}{cols}@{{}}}}",
             r"\toprule", _HEAD, r"\midrule", r"\endfirsthead",
             r"\toprule", _HEAD, r"\midrule", r"\endhead",
             r"\bottomrule", r"\endlastfoot"]
    for number, r, opens in _numbered(rows):
        if opens:
            lines.append(_tex_group(r["group"]))
        lines.append(_tex_row(r, number))
    lines += [r"\end{longtable}}", r"\noindent\textbf{Notes.} The reason for each verdict, the causes runs "
              r"tested where a claim disagrees, and the rows that are no independent finding.", *_tex_notes(rows)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- macros


def _counts(rows: pd.DataFrame, prefix: str) -> dict[str, str]:
    """``<prefix><Outcome>`` for every outcome: how many of ``rows`` have it."""
    counts = rows["verdict"].value_counts()
    return {prefix + name: str(int(counts.get(outcome, 0))) for outcome, name in _COUNT_NAMES.items()}


def _ids(rows: pd.DataFrame) -> str:
    return tex_text(", ".join(rows["id"])) or "none"


def _color_lines() -> str:
    return "".join(rf"\definecolor{{{color_name(o)}}}{{HTML}}{{{c.lstrip('#')}}}" + "\n"
                   for o, c in VERDICT_COLORS.items())


def verdict_macros(rows: pd.DataFrame, sentence: str, verdict_words: dict[str, str]) -> str:
    """``\\ClaimsRules`` (what each verdict word requires, from the registry's header), ``\\Claim<Id>`` (the verdict as readers see it), ``\\Claim<Id>Ours`` and ``\\Claim<Id>Reason``
    per claim; the counts per verdict of the independent findings (``\\Claims<Outcome>``), of
    those at the papers' scale (``\\ClaimsPaperScale<Outcome>``) and of each paper's
    (``\\Claims<Paper><Outcome>``), with set-up checks and derived rows counted apart; the scale
    sentence; and the verdict colours (``\\definecolor``, package xcolor)."""
    m = {}
    for _, r in rows.iterrows():
        key = camel("claim", r["id"])
        if key in m:
            raise ValueError(f"claim ids {r['id']!r} and another give the same macro name {key}")
        m[key], m[key + "Ours"] = VERDICT_LABELS[r["verdict"]], tex_text(r["ours"]) or "--"
        m[key + "Reason"] = tex_text(r["reason"])
    setup = rows.apply(is_setup_check, axis=1).astype(bool)
    derived = rows.apply(is_derived, axis=1).astype(bool) & ~setup
    findings = rows[~setup & ~derived]
    at_scale = findings[findings["paper_scale"].astype(bool)]
    m.update(_counts(findings, "Claims"))
    m.update(_counts(at_scale, "ClaimsPaperScale"))
    for paper in sorted(rows["paper"].unique()):
        m.update(_counts(findings[findings["paper"] == paper], camel("claims", paper)))
    m.update(ClaimsTotal=str(len(rows)), ClaimsFindings=str(len(findings)), ClaimsPaperScaleFindings=str(len(at_scale)),
             ClaimsSetupChecks=str(int(setup.sum())), ClaimsSetupCheckIds=_ids(rows[setup]),
             ClaimsDerived=str(int(derived.sum())), ClaimsDerivedIds=_ids(rows[derived]))
    untested = rows[(rows["verdict"] == NOT_REPRODUCED) & (rows["causes"] == "")]
    m.update(ClaimsNoCauseTested=str(len(untested)), ClaimsNoCauseTestedIds=_ids(untested),
             ClaimsScale=tex_text(sentence))
    return rules_macro(verdict_words) + macro_lines(m) + _color_lines()
