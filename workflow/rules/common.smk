# Helpers every rules file shares: settings JSON, runtime resources, code inputs, report entries.
import json
from pathlib import Path

from lottery.commands import TRAIN_RUNTIME_KEYS
from lottery.core.code_deps import code_files
from lottery.figures import FIGURES, SECTION_TITLES

BASE = Path(workflow.basedir)
ENV = str(BASE / "envs" / "pipeline.yaml")
# Rules run this repository's code (also inside the conda env, which holds only dependencies).
shell.prefix(f"export PYTHONPATH={json.dumps(str(BASE / 'src'))}${{{{PYTHONPATH:+:$PYTHONPATH}}}}; ")

# Each rules file adds the figures and generated .tex files the paper needs.
PAPER_INPUTS = []

# Keys that change how fast a job runs, never its results (results are bit-identical across
# them, as the tests show). They stay out of every rule's params, so changing them reruns
# nothing; training jobs get them from {threads} and their `lottery_runtime` resource.
RUNTIME_KEYS = frozenset({"device", "threads", *TRAIN_RUNTIME_KEYS})


def _results_only(value):
    if isinstance(value, dict):
        return {k: _results_only(v) for k, v in value.items() if k not in RUNTIME_KEYS}
    return value


def settings(*sections, **extra):
    """Config slices plus extras, less the runtime keys, as the one JSON argument of a command."""
    merged = {}
    for section in sections:
        merged.update(section)
    merged.update(extra)
    return json.dumps(_results_only(merged), sort_keys=True)


def runtime(train=None):
    """The runtime keys of a training job (config `device` plus those in its `train` section)."""
    values = {"device": config["device"]}
    values.update({k: v for k, v in (train or {}).items() if k in RUNTIME_KEYS})
    return json.dumps(values, sort_keys=True)


def code(command):
    """The package files `python -m lottery COMMAND` runs: editing one reruns the rule.

    Snakemake's code trigger sees only the shell line, never the Python it calls; these inputs
    make a code edit rerun exactly the rules whose code changed (README: "When code changes").
    """
    return code_files(command)


def _caption(rule_name):
    """A report caption for the figures of one rule, written from the figures registry."""
    entries = [f for f in FIGURES.values() if f.rule == rule_name]
    lines = [f"**{f.id}** ({f.paper}): {f.title}." for f in entries]
    lines.append(f"Made by rule ``{rule_name}``; shown in the paper's section *{SECTION_TITLES[entries[0].section]}*.")
    path = Path(".snakemake", "report-captions", f"{rule_name}.rst").resolve()
    if workflow.is_main_process:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(lines) + "\n")
    return str(path)


def figure_png(path, rule_name):
    """A figure's PNG, flagged for `snakemake --report` with its caption and its paper section."""
    section = next(f.section for f in FIGURES.values() if f.rule == rule_name)
    return report(path, caption=_caption(rule_name), category=SECTION_TITLES[section])


def grid_files(target, activations, widths):
    """The trained-grid files of one target."""
    return expand(
        "results/grids/{target}/{activation}/N{width}.h5",
        target=target,
        activation=activations,
        width=widths,
    )
