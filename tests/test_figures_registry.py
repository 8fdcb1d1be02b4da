"""The figures registry (lottery.figures), the rules, README.md's figure table and the paper's
captions name the same figures. The rules files are read as text (no Snakemake needed)."""
from __future__ import annotations

import re
from functools import lru_cache

import pytest

from conftest import REPO
from lottery.figures import FIGURES

RULE_HEADER = re.compile(r"^(?:rule\s+(\w+)\s*:|use\s+rule\s+\w+\s+as\s+(\w+)\s+with\s*:)")
OUTPUT_STRING = re.compile(r"""f?["']((?:figures|paper/generated)/[^"']+)["']""")
CAPTION_RULES = re.compile(r"Made\s+by\s+rules?\s+((?:\\texttt\{[^}]*\}(?:\s*,\s*|\s+and\s+)?)+)")
TEXTTT = re.compile(r"\\texttt\{([^}]*)\}")


@lru_cache(maxsize=None)
def rule_outputs() -> dict[str, tuple[str, ...]]:
    """Every rule of workflow/rules/*.smk and the Snakefile, with its literal output paths.

    A rule's body is the indented block under its header; its outputs are the strings of its
    ``output:`` directive.
    """
    rules: dict[str, list[str]] = {}
    for path in [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]:
        name, directive = None, None
        for line in path.read_text().splitlines():
            header = RULE_HEADER.match(line)
            if header:
                name, directive = header.group(1) or header.group(2), None
                rules[name] = []
            elif line.strip() and not line[0].isspace():
                name = None  # back at the top level
            elif name and re.match(r"^ {4}\w+:", line):
                directive = line.strip()[:-1]
            elif name and directive == "output":
                rules[name] += OUTPUT_STRING.findall(line)
    return {name: tuple(outputs) for name, outputs in rules.items()}


def figure_rules() -> set[str]:
    """Rules with an output under figures/."""
    return {name for name, outputs in rule_outputs().items() if any(o.startswith("figures/") for o in outputs)}


def readme_figure_table() -> list[list[str]]:
    """Rows (cells) of README.md's table headed ``| figure | file | rule | code |``."""
    lines = (REPO / "README.md").read_text().splitlines()
    start = lines.index("| figure | file | rule | code |")
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def _as_regex(pattern: str) -> re.Pattern:
    """An output pattern with ``{wildcards}`` as a regular expression."""
    parts = re.split(r"\{[^}]+\}", pattern)
    return re.compile("[^/]+".join(map(re.escape, parts)) + r"\Z")


def test_the_rules_files_are_read() -> None:
    rules = rule_outputs()
    assert {"train_grid", "train_ticket_grid", "fig_scaling_law", "paper"} <= set(rules)
    assert "figures/lt_fig1c_scaling_{target}.pdf" in rules["fig_scaling_law"]
    assert {"fig_scaling_law", "fig_splitting", "fig_algorithms_neurons"} <= figure_rules()
    assert "scaling_tex" not in figure_rules() and "train_grid" not in figure_rules()


def test_every_figure_rule_is_in_the_registry() -> None:
    registered = {f.rule for f in FIGURES.values()}
    assert figure_rules() - registered == set()


def test_every_registry_entry_is_made_by_its_rule() -> None:
    rules = rule_outputs()
    for f in FIGURES.values():
        assert f.rule in rules, f"{f.id}: rule {f.rule} does not exist"
        suffix = ".tex" if f.is_table else ".pdf"
        assert any(_as_regex(o).match(f.output + suffix) for o in rules[f.rule]), (
            f"{f.id}: {f.output}{suffix} is not an output of rule {f.rule} ({rules[f.rule]})")


def test_every_figure_rule_and_registry_file_is_in_the_readme_table() -> None:
    rows = readme_figure_table()
    rule_cells = " ".join(row[2] for row in rows)
    file_cells = " ".join(row[1] for row in rows)
    for rule in sorted(figure_rules()):
        assert f"`{rule}`" in rule_cells, f"rule {rule} is missing from README.md's figure table"
    for f in FIGURES.values():
        if not f.is_table:
            assert f"`{f.output}.pdf`" in file_cells, f"{f.output}.pdf is missing from README.md's figure table"


def test_readme_code_column_names_modules_that_exist() -> None:
    for row in readme_figure_table():
        for name in re.findall(r"`(lottery\.[\w.]+)`", row[3]):
            parts = name.split(".")
            # the longest prefix that is a module or package; the rest must be attributes of it
            for cut in range(len(parts), 0, -1):
                path = REPO / "src" / "/".join(parts[:cut])
                if path.with_suffix(".py").exists() or (path / "__init__.py").exists():
                    break
            else:
                pytest.fail(f"README.md names {name}, which is no module")
            if cut < len(parts):
                module = __import__(".".join(parts[:cut]), fromlist=["_"])
                assert hasattr(module, parts[cut]), f"README.md names {name}, which does not exist"


def test_every_rule_named_in_a_caption_exists() -> None:
    rules = rule_outputs()
    named = set()
    for tex in sorted((REPO / "paper" / "sections").glob("*.tex")):
        for group in CAPTION_RULES.findall(tex.read_text()):
            for rule in TEXTTT.findall(group):
                rule = rule.replace(r"\_", "_")
                named.add(rule)
                assert rule in rules, f"{tex.name}: caption names rule {rule}, which does not exist"
    assert {"fig_scaling_law", "fig_splitting", "scaling_tex"} <= named


def test_every_included_figure_is_registered_under_its_section() -> None:
    by_output = {f.output: f for f in FIGURES.values()}
    for tex in sorted((REPO / "paper" / "sections").glob("*.tex")):
        for path in re.findall(r"\\includegraphics(?:\[[^]]*\])?\{([^}]+)\.pdf\}", tex.read_text()):
            assert path in by_output, f"{tex.name} shows {path}.pdf, which lottery.figures does not register"
            assert by_output[path].section == tex.stem, f"{path}: registered for section {by_output[path].section}"
