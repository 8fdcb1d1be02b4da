"""The reference bundle's mechanics on a small run: make, verify, restore, and update of the files
a build from the bundle remakes (its claims table), the rest left as recorded."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lottery.core.bundle import accept_code, add_part, make, restore, retrain_section, update, verify
from lottery.core.errors import ResultsError


def _run(root: Path) -> Path:
    for rel, text in {"results/grids/a.h5": "grid", "results/claims/claims.md": "old table"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_update_replaces_only_the_named_files_and_their_checksums(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    before = make(run, bundle, ["results/**/*"], {"commit": "abc"})
    (run / "results" / "claims" / "claims.md").write_text("new table")
    (run / "results" / "grids" / "a.h5").write_text("retrained")  # not named: must stay as recorded
    after = update(run, bundle, ["results/claims/claims.md"])
    assert after["commit"] == "abc"
    assert after["files"]["results/grids/a.h5"] == before["files"]["results/grids/a.h5"]
    assert after["files"]["results/claims/claims.md"] != before["files"]["results/claims/claims.md"]
    assert verify(bundle) == json.loads((bundle / "manifest.json").read_text())
    assert (bundle / "results" / "grids" / "a.h5").read_text() == "grid"
    restored = restore(bundle, tmp_path / "build")
    assert (tmp_path / "build" / "results" / "claims" / "claims.md").read_text() == "new table" and len(restored) == 2


def test_update_records_how_the_files_were_remade_when_told(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    make(run, bundle, ["results/**/*"], {"remade": {"results/old.h5": "kept"}})
    (run / "results" / "grids" / "a.h5").write_text("remade on another CPU")
    after = update(run, bundle, ["results/grids/a.h5", "results/claims/claims.md"], remade="why")
    assert after["remade"] == {"results/old.h5": "kept", "results/claims/claims.md, results/grids/a.h5": "why"}
    assert update(run, bundle, ["results/grids/a.h5"])["remade"] == after["remade"], "no note, none added"


def test_update_refuses_a_tampered_bundle_and_an_empty_match(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    make(run, bundle, ["results/**/*"], {})
    with pytest.raises(ResultsError, match="match"):
        update(run, bundle, ["results/none/*"])
    (bundle / "results" / "grids" / "a.h5").write_text("edited by hand")
    with pytest.raises(ResultsError, match="missing or changed"):
        update(run, bundle, ["results/claims/claims.md"])


def test_a_part_adds_its_files_and_record_and_leaves_the_rest_as_recorded(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    (bundle).mkdir()
    (bundle / "config.yaml").write_text("old: 1\n")
    before = make(run, bundle, ["results/**/*"], {"documents": ["config.yaml"], "wall_time_s": {"grids/a": 5.0},
                                                   "overrides": {"x": {"value": 1, "reason": "r"}}})
    (run / "results" / "grids" / "a.h5").write_text("retrained, not in the part")
    (run / "results" / "tickets" / "b").mkdir(parents=True)
    (run / "results" / "tickets" / "b" / "N2.h5").write_text("paper-scale grid")
    part = {"targets": ["b"], "wall_time_s": {"tickets/b/N2": 7.0}, "training_code": {"sha256": "0" * 64}}
    after = add_part(run, bundle, "b-at-scale", ["results/tickets/b/*.h5"], part,
                     documents={"config.yaml": "old: 1\nnew: 2\n"},
                     manifest_edits={"overrides": {"y": {"value": 2, "reason": "part"}}})
    assert after["files"]["results/grids/a.h5"] == before["files"]["results/grids/a.h5"]
    assert (bundle / "results" / "grids" / "a.h5").read_text() == "grid"
    assert after["parts"]["b-at-scale"]["files"] == ["results/tickets/b/N2.h5"]
    assert after["wall_time_s"] == {"grids/a": 5.0, "tickets/b/N2": 7.0}
    assert after["overrides"] == {"x": {"value": 1, "reason": "r"}, "y": {"value": 2, "reason": "part"}}
    assert verify(bundle)["files"]["config.yaml"] != before["files"]["config.yaml"], "the config's checksum follows it"
    with pytest.raises(ResultsError, match="already holds a part"):
        add_part(run, bundle, "b-at-scale", ["results/tickets/b/*.h5"], part)


def test_a_retrained_section_replaces_its_files_config_times_and_departure_and_nothing_else(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    (run / "results" / "imp").mkdir()
    (run / "results" / "imp" / "summary.h5").write_text("old protocol")
    bundle.mkdir()
    (bundle / "config.yaml").write_text("imp: {momentum: 0.9}\n")
    before = make(run, bundle, ["results/**/*"], {
        "config": "config.yaml", "documents": ["config.yaml"], "wall_time_s": {"imp/runs/a": 5.0, "grids/x": 3.0},
        "overrides": {"imp": {"value": {"momentum": 0.9}, "reason": "old"}, "grids": {"value": 1, "reason": "r"}},
        "remade": {"results/imp/summary.h5": "remade once", "results/grids/a.h5": "kept"}})
    (run / "results" / "imp" / "summary.h5").write_text("the paper's protocol")
    (run / "results" / "grids" / "a.h5").write_text("retrained, not in the section")
    after = retrain_section(run, bundle, "imp", ["results/imp/*.h5"], "imp: {momentum: 0.0}\n",
                            {"imp/runs/b": 9.0}, {"reason": "protocol"}, {"value": {"momentum": 0.0}, "reason": "new"})
    assert (bundle / "results" / "imp" / "summary.h5").read_text() == "the paper's protocol"
    assert (bundle / "results" / "grids" / "a.h5").read_text() == "grid"
    assert after["files"]["results/grids/a.h5"] == before["files"]["results/grids/a.h5"]
    assert after["wall_time_s"] == {"grids/x": 3.0, "imp/runs/b": 9.0}, "the old protocol's imp times go"
    assert after["overrides"] == {"imp": {"value": {"momentum": 0.0}, "reason": "new"},
                                  "grids": {"value": 1, "reason": "r"}}
    assert after["sections"]["imp"] == {"reason": "protocol", "files": ["results/imp/summary.h5"]}
    assert after["remade"] == {"results/grids/a.h5": "kept"}, "notes on replaced files go"
    assert verify(bundle)["files"]["config.yaml"] != before["files"]["config.yaml"], "the config's checksum follows it"


def test_retraining_one_family_of_a_section_keeps_the_other_familys_times_and_record(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    (run / "results" / "imp").mkdir()
    for family in ("mixtures", "images"):
        (run / "results" / "imp" / f"{family}.h5").write_text(f"{family}, first")
    bundle.mkdir()
    (bundle / "config.yaml").write_text("imp: {n: 3}\n")
    make(run, bundle, ["results/**/*"], {"config": "config.yaml", "documents": ["config.yaml"],
                                         "wall_time_s": {"imp/runs/linear_a": 5.0, "imp/runs/images_a": 4.0}})
    first = retrain_section(run, bundle, "imp", ["results/imp/*.h5"], "imp: {n: 3}\n",
                            {"imp/runs/linear_a": 5.0, "imp/runs/images_a": 4.0}, {"reason": "first"}, {})
    (run / "results" / "imp" / "mixtures.h5").write_text("mixtures, larger")
    after = retrain_section(run, bundle, "imp", ["results/imp/mixtures.h5"], "imp: {n: 10}\n",
                            {"imp/runs/linear_a": 50.0}, {"reason": "mixtures larger"}, {"value": {"n": 10}},
                            replaced_jobs=["imp/runs/linear_*"])
    assert (bundle / "results" / "imp" / "mixtures.h5").read_text() == "mixtures, larger"
    assert after["files"]["results/imp/images.h5"] == first["files"]["results/imp/images.h5"]
    assert after["wall_time_s"] == {"imp/runs/linear_a": 50.0, "imp/runs/images_a": 4.0}
    assert after["sections"]["imp"] == {"reason": "mixtures larger",
                                        "previous": {"reason": "first", "jobs_kept": 1},
                                        "files": ["results/imp/images.h5", "results/imp/mixtures.h5"]}


def test_a_part_whose_files_a_section_retraining_replaces_names_what_it_lost(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    (run / "results" / "imp" / "ladder").mkdir(parents=True)
    for n in (1, 10):
        (run / "results" / "imp" / "ladder" / f"N{n}.h5").write_text(f"rung {n}")
    bundle.mkdir()
    (bundle / "config.yaml").write_text("imp: {n: 3}\n")
    make(run, bundle, ["results/grids/*"], {"config": "config.yaml", "documents": ["config.yaml"]})
    add_part(run, bundle, "ladder", ["results/imp/ladder/*.h5"],
             {"wall_time_s": {"imp/ladder/N1/a": 1.0, "imp/ladder/N10/a": 10.0}})
    (run / "results" / "imp" / "ladder" / "N10.h5").write_text("rung 10, from the section")
    after = retrain_section(run, bundle, "imp", ["results/imp/ladder/N10.h5"], "imp: {n: 10}\n", {}, {}, {},
                            replaced_jobs=["imp/ladder/N10/*"])
    assert after["parts"]["ladder"]["files"] == ["results/imp/ladder/N1.h5"]
    assert after["parts"]["ladder"]["wall_time_s"] == {"imp/ladder/N1/a": 1.0}
    assert after["parts"]["ladder"]["superseded"] == {"by": "sections.imp", "files": ["results/imp/ladder/N10.h5"],
                                                      "jobs": ["imp/ladder/N10/a"]}
    assert after["wall_time_s"] == {"imp/ladder/N1/a": 1.0}


def test_accepting_checked_code_records_its_digest_once_and_only_for_parts_trained_with_other_code(tmp_path: Path) -> None:
    run, bundle = _run(tmp_path / "run"), tmp_path / "bundle"
    make(run, bundle, ["results/**/*"], {})
    old, new, imp = "0" * 64, "1" * 64, "2" * 64
    today = {"train-grid": new, "imp-run": imp}.__getitem__
    for name, command, digest in (("old-code", "train-grid", old), ("new-code", "train-grid", new),
                                  ("old-imp", "imp-run", old)):
        add_part(run, bundle, name, [], {"training_code": {"command": command, "sha256": digest}})
    assert accept_code(bundle, today, "outputs compared") == ["old-code", "old-imp"]
    parts = verify(bundle)["parts"]
    assert parts["old-code"]["training_code"]["identical_outputs_checked"] == [new]
    assert parts["old-code"]["training_code"]["outputs_checks"] == {new: "outputs compared"}
    assert parts["old-imp"]["training_code"]["identical_outputs_checked"] == [imp], "each part its own command's"
    assert "identical_outputs_checked" not in parts["new-code"]["training_code"]
    assert accept_code(bundle, today, "again") == [], "a digest is accepted once"


def test_bundle_add_part_names_the_targets_in_the_config_and_records_jobs_and_code(tmp_path: Path) -> None:
    import subprocess

    import yaml

    from conftest import REPO
    from lottery.cli import main
    from lottery.core.code_deps import code_digest

    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    run, bundle = tmp_path / "run", tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (tmp_path / "made" / "results" / "grids" / "x2" / "silu").mkdir(parents=True)
    (tmp_path / "made" / "results" / "grids" / "x2" / "silu" / "N2.h5").write_text("scaling grid")
    make(tmp_path / "made", bundle, ["results/**/*.h5"], {"documents": ["config.yaml"], "overrides": {}})
    for width in config["tickets"]["targets"]["widths"]:
        grid = run / "results" / "tickets" / "grids" / "targets" / "sin" / "silu" / f"N{width}.h5"
        grid.parent.mkdir(parents=True, exist_ok=True)
        grid.write_text(f"sin at N={width}")
        bench = run / "benchmarks" / "tickets" / "targets" / "sin" / "silu" / f"N{width}.tsv"
        bench.parent.mkdir(parents=True, exist_ok=True)
        bench.write_text(f"s\tmax_rss\n{width * 1.5}\t10\n")
    argv = ["bundle-add-part", "--run", str(run), "--bundle", str(bundle), "--name", "sin", "--family", "targets",
            "--targets", "sin", "--reused", "x2", "--reason", "sin at the papers' scale",
            "--schema", str(REPO / "config" / "schema.yaml")]
    first = subprocess.run(["git", "-C", str(REPO), "rev-list", "--max-parents=0", "HEAD"], capture_output=True,
                           text=True).stdout.split()
    if first:  # the first commit's training code differs from today's: refused without the outputs check
        assert main([*argv, "--trained-at", first[0]]) != 0 and "parts" not in verify(bundle)
    assert main([*argv, "--outputs-check", "test-config grids identical by value (planted)"]) == 0
    manifest = verify(bundle)
    part = manifest["parts"]["sin"]
    assert part["wall_time_s"] == {"tickets/targets/sin/silu/N2": 3.0, "tickets/targets/sin/silu/N10": 15.0}
    assert part["training_code"]["sha256"] == code_digest("train-grid") and part["reused"] == ["x2"]
    assert part["training_code"]["outputs_check"].startswith("test-config grids")
    assert part["seeds"] == 1000 and part["steps"] == 50_000, "the schema's paper_scale defaults are the papers'"
    assert yaml.safe_load((bundle / "config.yaml").read_text())["tickets"]["targets"]["paper_scale"] == {
        "targets": ["x2", "sin"]}
    assert manifest["overrides"]["tickets.targets.paper_scale.targets"]["value"] == ["x2", "sin"]
    assert main(argv) != 0, "a part is added once"


def test_compare_runs_finds_a_changed_value_a_missing_file_and_nothing_in_equal_runs(tmp_path: Path) -> None:
    import pandas as pd

    from lottery.cli import main
    from lottery.core.compare import differences
    from lottery.core.storage import write_table

    frame = pd.DataFrame({"seed": [0, 1], "test_loss": [1e-3, 2e-3]})
    for run in ("a", "b", "c"):
        write_table(frame, tmp_path / run / "results" / "grids" / "N2.h5")
    write_table(frame.assign(test_loss=[1e-3, 2.0000001e-3]), tmp_path / "c" / "results" / "grids" / "N2.h5")
    write_table(frame, tmp_path / "c" / "results" / "grids" / "N10.h5")
    assert differences(tmp_path / "a", tmp_path / "b", "results/**/*.h5") == (["results/grids/N2.h5"], [])
    common, diffs = differences(tmp_path / "a", tmp_path / "c", "results/**/*.h5")
    assert common == ["results/grids/N2.h5"] and len(diffs) == 2
    assert any("N10.h5: only in" in d for d in diffs) and any("N2.h5:table" in d for d in diffs)
    assert main(["compare-runs", "--a", str(tmp_path / "a"), "--b", str(tmp_path / "b")]) == 0
    assert main(["compare-runs", "--a", str(tmp_path / "a"), "--b", str(tmp_path / "c")]) != 0


@pytest.mark.parametrize("change", ["dtype", "index", "column name", "nan"])
def test_compare_runs_finds_frames_equal_in_value_but_not_exactly(tmp_path: Path, change: str) -> None:
    """Equal numbers are not enough: the dtypes, index, column names and NaN positions must match too."""
    import numpy as np
    import pandas as pd

    from lottery.core.compare import differences
    from lottery.core.storage import write_table

    frame = pd.DataFrame({"seed": [0, 1], "test_loss": [1e-3, np.nan]})
    other = {"dtype": frame.astype({"seed": "float64"}), "index": frame.set_axis([5, 6]),
             "column name": frame.rename(columns={"seed": "seeds"}), "nan": frame.fillna(0.0)}[change]
    write_table(frame, tmp_path / "a" / "results" / "x.h5")
    write_table(other, tmp_path / "b" / "results" / "x.h5")
    assert len(differences(tmp_path / "a", tmp_path / "b", "results/*.h5")[1]) == 1
