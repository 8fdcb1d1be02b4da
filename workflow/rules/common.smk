# Helpers every rules file shares.
import json
from pathlib import Path

BASE = Path(workflow.basedir)
ENV = str(BASE / "envs" / "pipeline.yaml")

# Each rules file adds the figures and generated .tex files the paper needs.
PAPER_INPUTS = []


def settings(*sections, **extra):
    """Config slices plus extras, as the one JSON argument of `python -m lottery` commands."""
    merged = {}
    for section in sections:
        merged.update(section)
    merged.update(extra)
    return json.dumps(merged, sort_keys=True)


def grid_files(target, activations, widths):
    """The trained-grid files of one target."""
    return expand(
        "results/grids/{target}/{activation}/N{width}.h5",
        target=target,
        activation=activations,
        width=widths,
    )
