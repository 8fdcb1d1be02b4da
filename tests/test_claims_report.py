"""How the claims are shown: the paper's table (short rows, the verdict word in colour, reasons in
numbered notes), the README's table, the verdict macros and the verdict map, on a synthetic
claims frame with every outcome, a set-up check and a derived row."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from conftest import REPO
from lottery.claims.plots import cell_label, layout, plot_verdict_map
from lottery.claims.report import (VERDICT_COLORS, VERDICT_LABELS, color_name, latex_table, long_cells, markdown_table,
                                   md_text, tex_text, verdict_macros)
from lottery.claims.verdicts import INCONCLUSIVE, NOT_REPRODUCED, NOT_TESTED, OUTCOMES, PARTLY, REPRODUCED
from lottery.cli import main

COLUMNS = ["id", "paper", "group", "where", "short", "claim", "paper_value", "ours", "detail", "scale", "scale_short",
           "paper_scale", "verdict", "reason", "causes", "kind", "derived_from", "measure"]
LONG_REASON = ("the interval [2.16, 2.47] of the bootstrap over 1,000 seeds excludes the paper's 1 " * 3).strip()
GROUP_LT, GROUP_AR = "[LT] scaling law (Sec. 2, Fig. 1c)", "[AR] calibration (Sec. 4.1, Figs. 5-7)"

WORDS = {o: f"what {o} requires." for o in OUTCOMES}


def _row(id: str, verdict: str, group: str = GROUP_LT, **kw) -> dict:
    row = dict(id=id, paper=id.split("-")[0], group=group, where="Fig. 1c", short=f"short {id}", claim=f"claim {id}",
               paper_value="1", ours="2", detail="", scale="1,000 seeds, 50,000 steps", scale_short="1,000 x 50k",
               paper_scale=True, verdict=verdict, reason=f"reason of {id}", causes="", kind="finding",
               derived_from="", measure="m")
    return {**row, **kw}


def _rows() -> pd.DataFrame:
    return pd.DataFrame([
        _row("LT-a-b", REPRODUCED, short="loss ~ $N^{-1}$ with 50% | x_1", paper_value="$|x^*|$",
             ours="1.0 [0.9, 1.1]", paper_scale=False, causes="probes a, b"),
        _row("LT-long", NOT_REPRODUCED, reason=LONG_REASON, causes="the pairing option", detail="N = 30-50"),
        _row("LT-derived", PARTLY, derived_from="LT-a-b"),
        _row("AR-e", NOT_REPRODUCED, GROUP_AR, reason="0, not above 1", paper_scale=False),
        _row("AR-check", REPRODUCED, GROUP_AR, kind="set-up check"),
        _row("AR-undecided", INCONCLUSIVE, GROUP_AR, reason="most best rounds are round 0"),
        _row("AR-c", NOT_TESTED, GROUP_AR, reason="needs config key imp.mixture.dim = 100", ours=""),
    ], columns=COLUMNS)


def _table_part(tex: str) -> str:
    return tex.split(r"\end{longtable}")[0]


def _notes_part(tex: str) -> str:
    return tex.split(r"\end{longtable}")[1]


# ---------------------------------------------------------------- LaTeX table


def test_every_outcome_renders_in_its_colour_with_its_note_number() -> None:
    tex = latex_table(_rows())
    for number, (_, r) in enumerate(_rows().iterrows(), start=1):
        word = VERDICT_LABELS[r["verdict"]]
        assert re.search(rf"\\textcolor{{{color_name(r['verdict'])}[^}}]*}}{{\\textbf{{{word}}}}}"
                         rf"\\hyperlink{{claimnote{number}}}", tex), (r["id"], word)
        assert rf"\hypertarget{{claimnote{number}}}" in _notes_part(tex)
    assert "inconclusive at this scale" in tex, "readers see that inconclusive is about our run"
    assert len({color_name(o) for o in OUTCOMES}) == len(set(VERDICT_COLORS.values())) == len(OUTCOMES)


def test_rows_are_short_and_reasons_go_to_the_notes() -> None:
    tex = latex_table(_rows())
    table, notes = _table_part(tex), _notes_part(tex)
    for _, r in _rows().iterrows():
        assert tex_text(r["reason"]) not in table and tex_text(r["reason"]) in notes, r["id"]
    assert "the pairing option" not in table and "Causes tested: the pairing option" in notes
    assert "N = 30-50" not in table and "Ours: N = 30-50" in notes
    assert "Causes tested: probes a, b" not in tex, "a reproduced claim needs no causes"
    rows = [line for line in table.splitlines() if line.endswith(r"\\") and "&" in line]
    assert len(rows) == len(_rows()) + 2, "one line per claim and two header lines"
    assert max(len(line) for line in rows) < 300


def test_cells_too_long_for_two_lines_are_named() -> None:
    rows = _rows()
    assert long_cells(rows) == []
    rows.loc[1, "ours"] = "digits: 1,776 vs 2,368 weights at P = 32 (ratio 0.75), the rest of a long story"
    rows.loc[2, "paper_value"] = r"$\alpha = 4$"  # math prints short
    assert long_cells(rows) == ["LT-long: ours"]


def test_rows_sit_under_their_group_title_once() -> None:
    tex = latex_table(_rows())
    for title in (GROUP_LT, GROUP_AR):
        assert tex.count(rf"\textbf{{{tex_text(title)}}}") == 1
    assert tex.index(tex_text(GROUP_AR)) < tex.index("AR-e") and tex.index("LT-derived") < tex.index(tex_text(GROUP_AR))


def test_the_table_escapes_text_and_keeps_math() -> None:
    tex = latex_table(_rows())
    assert r"50\%" in tex and r"x\_\allowbreak{}1" in tex and "$N^{-1}$" in tex and r"\textbar{}" in tex
    assert tex_text("a >= 1 and b < 2") == r"a $\geq$ 1 and b $<$ 2"
    assert tex_text('Sec. "Run down" and $x$') == "Sec. ``Run down'' and $x$"


def test_set_up_checks_and_derived_rows_are_marked() -> None:
    tex = latex_table(_rows())
    check_row = next(line for line in _table_part(tex).splitlines() if line.startswith("AR-check"))
    derived_row = next(line for line in _table_part(tex).splitlines() if line.startswith("LT-derived"))
    assert "set-up check" in check_row and "derived" in derived_row
    plain_row = next(line for line in _table_part(tex).splitlines() if line.startswith("AR-e"))
    assert "set-up check" not in plain_row and "derived" not in plain_row
    assert "Derived from LT-a-b: not independent evidence." in _notes_part(tex)
    assert "Set-up check: the rule holds by construction" in _notes_part(tex)


@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdflatex") is None,
                    reason="latexmk is not installed (run.sh installs it)")
def test_the_claims_section_compiles_with_the_papers_preamble(tmp_path: Path, monkeypatch) -> None:
    from lottery.core.latex import build_pdf
    from lottery.core.style import save_figure

    monkeypatch.chdir(tmp_path)
    (tmp_path / "paper" / "generated").mkdir(parents=True)
    (tmp_path / "paper" / "generated" / "claims_table.tex").write_text(latex_table(_rows()))
    (tmp_path / "paper" / "generated" / "claims_macros.tex").write_text(verdict_macros(_rows(), "At laptop scale.", WORDS))
    save_figure(plot_verdict_map(_rows()), tmp_path / "figures" / "claims_map_verdicts.pdf")
    preamble = re.findall(r"^\\(?:documentclass|usepackage).*$", (REPO / "paper" / "paper.tex").read_text(), re.M)
    doc = "\n".join([*preamble, r"\input{paper/generated/claims_macros}", r"\begin{document}",
                     rf"\input{{{REPO / 'paper' / 'sections' / 'claims'}}}", r"\end{document}"])
    (tmp_path / "doc.tex").write_text(doc)
    build_pdf(tmp_path / "doc.tex", tmp_path / "doc.pdf")
    assert (tmp_path / "doc.pdf").stat().st_size > 10_000


# ---------------------------------------------------------------- Markdown table


def test_the_markdown_table_has_short_rows_and_numbered_notes() -> None:
    md = markdown_table(_rows(), "At laptop scale.")
    lines = md.strip().splitlines()
    assert lines[0] == "At laptop scale."
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 2 + len(_rows()), "header, rule, two group titles, one line per claim"
    notes = [line for line in lines if re.match(r"\d+\. ", line)]
    assert [int(n.split(".")[0]) for n in notes] == list(range(1, len(_rows()) + 1))
    assert notes[0].startswith("1. **LT-a-b**, Fig. 1c: reason of LT-a-b.")
    assert LONG_REASON not in "\n".join(table) and md_text(LONG_REASON) in notes[1]
    assert "| **not tested** (7) |" in md and "**inconclusive at this scale** (6)" in md
    assert "**reproduced** (5), *set-up check*" in md and "**partly** (3), *derived*" in md
    assert "Derived from LT-a-b: not independent evidence." in notes[2]
    assert r"50% \| x_1" in md and r"$\vert x^*\vert $" in md
    assert md_text("a -- b") == "a \u2013 b"


# ---------------------------------------------------------------- macros


def _macro(macros: str, name: str) -> str:
    return re.search(rf"\\newcommand{{\\{name}}}{{(.*)}}$", macros, re.M).group(1)


def test_the_macros_count_findings_apart_from_checks_and_derived_rows() -> None:
    macros = verdict_macros(_rows(), "Sentence.", WORDS)
    assert _macro(macros, "ClaimLTAB") == "reproduced" and _macro(macros, "ClaimARUndecided") == "inconclusive at this scale"
    assert _macro(macros, "ClaimARCReason").startswith(r"needs config key imp.\allowbreak{}")
    counts = {o: int(_macro(macros, "Claims" + n))
              for o, n in zip(OUTCOMES, ("Reproduced", "Partly", "NotReproduced", "Inconclusive", "NotTested"))}
    assert counts == {REPRODUCED: 1, PARTLY: 0, NOT_REPRODUCED: 2, INCONCLUSIVE: 1, NOT_TESTED: 1}
    assert _macro(macros, "ClaimsSetupChecks") == "1" and _macro(macros, "ClaimsSetupCheckIds") == "AR-check"
    assert _macro(macros, "ClaimsDerived") == "1" and _macro(macros, "ClaimsDerivedIds") == "LT-derived"
    assert int(_macro(macros, "ClaimsFindings")) + 2 == int(_macro(macros, "ClaimsTotal")) == len(_rows())
    assert _macro(macros, "ClaimsPaperScaleFindings") == "3" and _macro(macros, "ClaimsPaperScaleNotReproduced") == "1"
    assert _macro(macros, "ClaimsARNotReproduced") == "1" and _macro(macros, "ClaimsLTNotReproduced") == "1"
    assert _macro(macros, "ClaimsNoCauseTested") == "1" and _macro(macros, "ClaimsNoCauseTestedIds") == "AR-e"
    for outcome, color in VERDICT_COLORS.items():
        assert rf"\definecolor{{{color_name(outcome)}}}{{HTML}}{{{color.lstrip('#')}}}" in macros


def test_macros_used_by_other_sections_are_still_defined() -> None:
    macros = verdict_macros(_rows(), "Sentence.", WORDS)
    used = set()
    for tex in (REPO / "paper" / "sections").glob("*.tex"):
        used |= set(re.findall(r"\\(Claims[A-Za-z]*)", tex.read_text()))
    assert used, "the claims section quotes the counts"
    for name in used:
        assert rf"\newcommand{{\{name}}}" in macros, name


# ---------------------------------------------------------------- the verdict map


def test_the_map_has_one_cell_per_claim_grouped_by_paper() -> None:
    where = layout(_rows())
    assert [r["id"] for _, _, r in where.cells] == list(_rows()["id"])
    assert [t for _, t in where.papers][0].startswith("[LT]") and len(where.papers) == 2
    assert len(where.titles) == 2 and where.height < 11, "one page"
    assert cell_label(_rows().iloc[4]) == "check\u2020" and cell_label(_rows().iloc[2]) == "derived\u2021"


def test_cells_below_the_papers_scale_are_hatched() -> None:
    fig = plot_verdict_map(_rows())
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == int((~_rows()["paper_scale"]).sum())
    fills = {tuple(p.get_facecolor()[:3]) for p in fig.axes[0].patches if not p.get_hatch()}
    assert fills == {to_rgb(VERDICT_COLORS[o]) for o in _rows()["verdict"]}, "each cell in its verdict's colour"


def test_the_figure_command_draws_the_map_from_the_claims_csv(tmp_path: Path) -> None:
    csv = tmp_path / "claims.csv"
    _rows().to_csv(csv, index=False)
    out = tmp_path / "figures" / "claims_map_verdicts.pdf"
    main(["figure", "claims_map", "--sources", str(csv), "--settings", "{}", "--out", str(out)])
    assert out.stat().st_size > 5_000 and out.with_suffix(".png").stat().st_size > 5_000


def test_the_rules_macro_quotes_the_registry_header_for_every_word() -> None:
    from lottery.claims.registry import load_header
    from lottery.claims.report import VERDICT_LABELS, rules_macro

    words = load_header().verdict_words
    macro = rules_macro(words)
    assert macro.startswith(r"\newcommand{\ClaimsRules}")
    assert all(rf"\emph{{{VERDICT_LABELS[w]}}}" in macro for w in words)
    assert "minimum effect" in macro, "partly's requirement comes from the header"


def test_the_sections_quote_the_claims_tables_verdicts_and_hold_no_rule_of_their_own() -> None:
    """One verdict engine: every ``\\Claim<Id>`` a section quotes is a registry claim's macro, the
    sections quote the rows they once judged with thresholds of their own, and the retired
    section verdict macros and thresholds are gone from sections and code."""
    from lottery.claims.registry import load_registry
    from lottery.core.texmacros import camel

    names = {camel("claim", c.id) for c in load_registry()}
    sections = "\n".join(p.read_text() for p in sorted((REPO / "paper" / "sections").glob("*.tex")))
    quoted = {re.sub(r"(Reason|Ours)$", "", m) for m in re.findall(r"\\(Claim(?!s)[A-Za-z]+)", sections)}
    assert quoted and quoted <= names, f"sections quote unknown claims: {sorted(quoted - names)}"
    once_judged = ["AR-fig3a-xor-twice", "AR-abstract-less-overconfident", "AR-fig2-dense-dd", "LT-fig2a-mirror",
                   "LT-appB-clusters", "LT-fig2c-lucky-mirror", "LT-fig4-trend", "LT-fig13-best",
                   "BY-mechanism-silu-variance", "BY-mechanism-leaky-bias"]
    assert {camel("claim", i) for i in once_judged} <= quoted
    code = "\n".join(p.read_text() for p in sorted((REPO / "src" / "lottery").rglob("*.py")))
    for retired in ("ImpEffVerdict", "ImpEceVerdict", "TkSymVerdict", "TkSymThreshold", "TkLuckyMirror",
                    "TkEnsTrend", "TkDistillPrecision", "TkClusterComparison", "ImpBumpTolerance", "ByMechFactor",
                    "SYMMETRY_RATIO", "PAPER_RATIO_RANGE", "MIRROR_TOLERANCE", "EXPONENT_FACTOR", "FLAT_BIAS"):
        assert retired not in sections and retired not in code, retired
