"""The reference bundle's mechanics on a small run: make, verify, restore, and update of the files
a build from the bundle remakes (its claims table), the rest left as recorded."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lottery.core.bundle import add_part, make, restore, update, verify
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
