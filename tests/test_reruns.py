"""An edit reruns exactly what it touches; a performance setting reruns nothing.

Each case appends a comment to one source file of a finished test-config run (in its
repository copy; Snakemake compares checksums, so a bare touch is no edit), asks Snakemake
what it would run, and restores the file's bytes and time stamp.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from conftest import run_snakemake

from lottery.figures import FIGURES

pytestmark = pytest.mark.slow

FIGURE_RULES = {f.rule for f in FIGURES.values() if not f.is_table}


def planned_rules(workdir: Path, repo: Path, configfile: Path) -> set[str]:
    """The rules a dry run would run (empty when there is nothing to be done)."""
    done = run_snakemake(workdir, "--configfile", str(configfile), "-n", "--quiet", "rules", repo=repo)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout + done.stderr
    if "Nothing to be done" in out:
        return set()
    lines = out[out.index("Job stats:"):].splitlines()[3:]
    return {line.split()[0] for line in lines if line.strip() and not line.startswith(("total", "Reasons", "This"))
            and len(line.split()) == 2 and line.split()[1].isdigit()}


def planned_after_touching(workdir: Path, repo: Path, rel: str) -> set[str]:
    path = repo / "src" / "lottery" / rel
    before, text = path.stat(), path.read_bytes()
    path.write_bytes(text + b"\n# an edit\n")
    os.utime(path, (time.time() + 60, time.time() + 60))
    try:
        return planned_rules(workdir, repo, repo / "config" / "test.yaml")
    finally:
        path.write_bytes(text)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_editing_an_lt_plot_module_reruns_its_figures_and_the_paper_only(test_config_run, test_config_repo) -> None:
    assert planned_after_touching(test_config_run, test_config_repo, "liu_tegmark/plots/scaling.py") == {
        "fig_scaling_law", "fig_loss_histograms", "paper", "all"}


def test_editing_any_plot_module_reruns_only_figures_and_the_paper(test_config_run, test_config_repo) -> None:
    for rel in ("liu_tegmark/plots/tickets.py", "arora/plots/imp.py", "core/style.py"):
        planned = planned_after_touching(test_config_run, test_config_repo, rel)
        assert "paper" in planned
        assert planned - FIGURE_RULES - {"paper", "all"} == set(), (rel, planned)


def test_editing_the_trainer_reruns_the_grids_and_what_follows_but_no_imp(test_config_run, test_config_repo) -> None:
    planned = planned_after_touching(test_config_run, test_config_repo, "liu_tegmark/trainer.py")
    assert {"train_grid", "train_ticket_grid", "scaling_fit", "fig_scaling_law", "claims", "paper"} <= planned
    assert not {r for r in planned if r.startswith("imp_")}


def test_editing_a_core_module_reruns_the_rules_that_import_it(test_config_run, test_config_repo) -> None:
    assert planned_after_touching(test_config_run, test_config_repo, "core/latex.py") == {"paper", "all"}


def test_editing_the_cli_reruns_nothing(test_config_run, test_config_repo) -> None:
    assert planned_after_touching(test_config_run, test_config_repo, "cli.py") == set()


def test_performance_settings_rerun_nothing(test_config_run, test_config_repo, tmp_path) -> None:
    config = yaml.safe_load((test_config_repo / "config" / "test.yaml").read_text())
    config["threads"] = 2
    config.setdefault("scaling", {}).setdefault("train", {}).update(chunk_elements=12345, checkpoint_every=7,
                                                                      compile=False)
    changed = tmp_path / "faster.yaml"
    changed.write_text(yaml.safe_dump(config))
    assert planned_rules(test_config_run, test_config_repo, changed) == set()
