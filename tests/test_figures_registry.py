"""The figures registry (lottery.figures) is what the workflow, README.md's figure table and the
paper's captions are made from or held to. The rules files are read as text (no Snakemake needed)."""
from __future__ import annotations

import importlib
import inspect
import re
from functools import lru_cache

import pytest

from conftest import REPO
from lottery.figures import FIGURES, Figure, Source, _registry, readme_table

RULE_HEADER = re.compile(r"^(?:rule\s+(\w+)\s*:|use\s+rule\s+\w+\s+as\s+(\w+)\s+with\s*:)")
OUTPUT_STRING = re.compile(r"""f?["']((?:figures|paper/generated|results)/[^"']+)["']""")
CAPTION_RULES = re.compile(r"Made\s+by\s+rules?\s+((?:\\texttt\{[^}]*\}(?:\s*,\s*|\s+and\s+)?)+)")
TEXTTT = re.compile(r"\\texttt\{([^}]*)\}")
FIGURE_ENV = re.compile(r"\\begin\{figure\*?\}(.*?)\\end\{figure\*?\}", re.S)
SETTINGS_NAMES = re.compile(r'^    "(\w*)": settings\(', re.M)


@lru_cache(maxsize=None)
def written_rules() -> dict[str, tuple[str, ...]]:
    """Every rule written out in workflow/rules/*.smk and the Snakefile, with its output paths:
    literal, or a constant the rules files assign (the figure rules are generated, so they are
    not among them).

    A rule's body is the indented block under its header; its outputs are the strings of its
    ``output:`` directive.
    """
    rules: dict[str, list[str]] = {}
    paths = [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]
    named = dict(re.findall(r'^([A-Z][A-Z0-9_]*) = "([^"]+)"$', "\n".join(p.read_text() for p in paths), re.M))
    for path in paths:
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
                rules[name] += [named[n] for n in re.findall(r"^\s+(?:\w+=)?([A-Z][A-Z0-9_]*),?$", line) if n in named]
    return {name: tuple(outputs) for name, outputs in rules.items()}


def all_rules() -> set[str]:
    return set(written_rules()) | {f.rule for f in FIGURES.values()}


def _as_regex(pattern: str) -> re.Pattern:
    """An output pattern with ``{wildcards}`` as a regular expression."""
    parts = re.split(r"\{[^}]+\}", pattern)
    return re.compile("[^/]+".join(map(re.escape, parts)) + r"\Z")


def figures() -> list[Figure]:
    return [f for f in FIGURES.values() if not f.is_table]


def test_the_rules_files_are_read() -> None:
    rules = written_rules()
    assert {"train_grid", "train_ticket_grid", "scaling_tex", "paper"} <= set(rules)
    assert "results/scaling/medians.csv" in rules["scaling_fit"]
    assert not any(o.startswith("figures/") for outputs in rules.values() for o in outputs), \
        "a figure rule is written out instead of generated from the registry"


def test_every_figure_has_its_own_rule_and_every_table_is_made_by_its_rule() -> None:
    names = [f.rule for f in figures()]
    assert len(names) == len(set(names)), "two figures share a rule"
    assert not set(names) & set(written_rules()), "a generated figure rule's name is taken by a written rule"
    for f in FIGURES.values():
        if f.is_table:
            assert any(_as_regex(o).match(f"{f.output}.tex") for o in written_rules().get(f.rule, ())), f.id


def test_every_source_is_written_by_a_rule_and_names_only_known_config_values() -> None:
    outputs = [o for outs in written_rules().values() for o in outs]
    smk = (REPO / "workflow" / "rules" / "figures.smk").read_text()
    path_keys = set(re.findall(r'"(\w+)":', re.search(r"^FIGURE_PATH_KEYS = \{(.*)\}$", smk, re.M).group(1)))
    for f in figures():
        for s in f.sources:
            assert any(_as_regex(o).match(f"results/{s.path}") for o in outputs), f"{f.id}: no rule writes {s.path}"
            assert set(re.findall(r"\{(\w+)\}", s.path)) <= path_keys, f"{f.id}: {s.path} names an unknown value"


def test_every_plot_function_takes_its_frames_settings_and_options() -> None:
    smk = (REPO / "workflow" / "rules" / "figures.smk").read_text()
    named_settings = set(SETTINGS_NAMES.findall(smk))
    for f in figures():
        module, name = f.plot.split(":")
        params = inspect.signature(getattr(importlib.import_module(module), name)).parameters
        assert f.settings in named_settings, f"{f.id}: settings {f.settings!r} is not in FIGURE_SETTINGS"
        assert set(dict(f.options)) <= set(params), f"{f.id}: options {f.options} are not parameters of {f.plot}"
        frames = sum(len(s.frames) or 1 for s in f.sources)
        positional = [p for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
        assert len(positional) >= frames, f"{f.id}: {f.plot} takes fewer arguments than its {frames} frames"


def test_the_registry_refuses_a_figure_without_its_plot_and_a_table_with_one() -> None:
    with pytest.raises(ValueError, match="names its plot function and sources"):
        _registry(Figure("lt_figx", "LT", "fig_x", "figures/lt_figx_slug", "tickets", "x"))
    with pytest.raises(ValueError, match="names its plot function and sources"):
        _registry(Figure("lt_t", "LT", "t_tex", "paper/generated/t", "tickets", "t", "m:f", (Source("a.csv"),)))


def test_readme_figure_table_is_the_registrys() -> None:
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("<!-- figures:begin -->\n") + 23:readme.index("<!-- figures:end -->")]
    assert table.strip() == readme_table(), "README.md's figure table is stale: paste `python -m lottery figures-table`"


def test_every_rule_named_in_a_caption_exists() -> None:
    named = set()
    for tex in sorted((REPO / "paper" / "sections").glob("*.tex")):
        for group in CAPTION_RULES.findall(tex.read_text()):
            for rule in TEXTTT.findall(group):
                rule = rule.replace(r"\_", "_")
                named.add(rule)
                assert rule in all_rules(), f"{tex.name}: caption names rule {rule}, which does not exist"
    assert {"fig_scaling_law", "fig_splitting", "scaling_tex"} <= named


def test_every_included_figure_is_registered_under_its_section_and_its_caption_names_its_rule() -> None:
    by_output = {f.output: f for f in FIGURES.values()}
    for tex in sorted((REPO / "paper" / "sections").glob("*.tex")):
        for env in FIGURE_ENV.findall(tex.read_text()):
            for path in re.findall(r"\\includegraphics(?:\[[^]]*\])?\{([^}]+)\.pdf\}", env):
                assert path in by_output, f"{tex.name} shows {path}.pdf, which lottery.figures does not register"
                entry = by_output[path]
                assert entry.section == tex.stem, f"{path}: registered for section {entry.section}"
                rule = entry.rule.replace("_", r"\_")
                assert f"\\texttt{{{rule}}}" in re.sub(r"\s+", " ", env), f"{path}: its caption does not name {entry.rule}"
