"""The shipped paper-scale reference run: intact, made by config/paper.yaml (less its stated
departures), shown in the README, and enough to rebuild the claims table without training."""
from __future__ import annotations

import copy
import json

import pandas as pd
import pytest
import yaml
from conftest import REPO

from lottery.core.bundle import verify
from lottery.core.code_deps import code_digest
from lottery.core.config import validate_config

BUNDLE = REPO / "reference"
pytestmark = pytest.mark.skipif(not (BUNDLE / "manifest.json").exists(), reason="no reference bundle in reference/")


def _set(config: dict, dotted: str, value) -> None:
    *path, last = dotted.split(".")
    for key in path:
        config = config.setdefault(key, {})
    config[last] = value


def test_every_file_matches_its_checksum() -> None:
    manifest = verify(BUNDLE)
    assert len(manifest["files"]) > 10
    # The budget of the whole bundle once App. A's parts are all in: ~48 MB before the parts, plus
    # ~6.6 MB per unary target and ~10-15 MB per product at 1,000 seeds (float grids do not compress).
    assert sum((BUNDLE / f).stat().st_size for f in manifest["files"]) < 150e6, "the bundle must stay small"


def test_the_bundle_config_is_config_paper_less_its_stated_departures() -> None:
    manifest = json.loads((BUNDLE / "manifest.json").read_text())
    expected = copy.deepcopy(yaml.safe_load((REPO / "config" / "paper.yaml").read_text()))
    for key, departure in manifest["overrides"].items():
        assert departure["reason"], f"override {key} has no reason"
        _set(expected, key, departure["value"])
    assert yaml.safe_load((BUNDLE / "config.yaml").read_text()) == expected


def _rung(job: str) -> int:
    """The training-set size of a ladder job, e.g. 3000 for ``imp/ladder/N3000/xor_fcn2_W200_C2``."""
    return int(job.split("/")[2][1:])


def _check_ladder_part(name: str, part: dict, manifest: dict, config: dict) -> None:
    """The scale ladder's part: every rung's results are in the bundle, from the part or from a
    section retrained after it (``bundle-retrain-section`` names what it took over under the part's
    ``superseded``); each size of the ladder's own (not the section's ``n_train``) was trained
    once, two jobs, and the part keeps the job times of the sizes it still holds."""
    ladder = validate_config(copy.deepcopy(config), REPO / "config" / "schema.yaml")["imp"]["mixture"]
    own = set(ladder["ladder_sizes"]) - {ladder["n_train"]}
    held = set(part["sizes"]) - {_rung(j) for j in part.get("superseded", {}).get("jobs", [])}
    assert held <= own, name
    assert sorted(map(_rung, part["wall_time_s"])) == sorted(2 * list(held)), name
    ladder_jobs = [j for j in manifest["wall_time_s"] if j.startswith("imp/ladder/")]
    assert sorted(map(_rung, ladder_jobs)) == sorted(2 * list(own)), f"{name}: two jobs per size of the ladder's own"
    in_bundle = set(part["files"]) | {f for record in manifest.get("sections", {}).values() for f in record["files"]}
    rungs = {f"results/imp/ladder/N{n}/imp/{f}.h5" for n in ladder["ladder_sizes"] for f in ("summary", "calibration")}
    assert rungs <= in_bundle, f"{name}: rungs missing from the bundle: {sorted(rungs - in_bundle)}"


def test_every_part_is_recorded_whole_and_made_by_training_code_equal_to_todays() -> None:
    """A part (targets trained at the papers' scale, added later) names its jobs, files, commit and
    machine; the bundle config trains its targets at the papers' scale; and the training code that
    made it is today's, byte for byte, or one whose test-config outputs were checked identical."""
    manifest = json.loads((BUNDLE / "manifest.json").read_text())
    config = yaml.safe_load((BUNDLE / "config.yaml").read_text())
    for name, part in manifest.get("parts", {}).items():
        assert part["commit"] and part["machine"]["cores"], name
        code = part["training_code"]
        assert code_digest(code["command"]) in {code["sha256"], *code.get("identical_outputs_checked", [])}, (
            f"the training code changed since part {name} was trained: compare its test-config outputs with "
            f"the part's commit {code.get('commit', part['commit'])} (docs/decisions.md, 'A bundle that grows "
            f"by parts') and add today's digest to identical_outputs_checked")
        if "family" not in part:
            _check_ladder_part(name, part, manifest, config)
            continue
        family = config["tickets"][part["family"]]
        assert set(part["targets"] + part["reused"]) <= set(family["paper_scale"]["targets"]), name
        assert (part["seeds"], part["steps"]) == (1000, 50_000), f"part {name} is not at the papers' scale"
        for target in part["targets"]:
            jobs = [j for j in part["wall_time_s"] if j.split("/")[2] == target]
            files = [f for f in part["files"] if f.split("/")[4] == target]
            assert len(jobs) == len(files) == len(family["widths"]), f"part {name}: {target}'s jobs or files"


def test_every_retrained_section_names_its_files_jobs_commit_and_machine() -> None:
    """A config section retrained apart (bundle-retrain-section, e.g. [AR] at the paper's protocol)
    records why, where and when, each of its files, and its jobs' wall times."""
    manifest = verify(BUNDLE)
    for section, record in manifest.get("sections", {}).items():
        assert record["reason"] and record["commit"] and record["machine"]["cores"], section
        assert record["files"] and set(record["files"]) <= set(manifest["files"]), section
        in_parts = {job for part in manifest.get("parts", {}).values() for job in part["wall_time_s"]}
        jobs = [job for job in manifest["wall_time_s"] if job.startswith(f"{section}/") and job not in in_parts]
        kept = record.get("previous", {}).get("jobs_kept", 0)  # a former retraining's jobs not retrained again
        assert len(jobs) == record["jobs"] + kept and record["jobs"] > 0, f"section {section}: its jobs' wall times"
        assert manifest["overrides"][section]["reason"] == record["reason"], section


def test_the_readme_shows_the_bundle_claims_table() -> None:
    table = (BUNDLE / "results" / "claims" / "claims.md").read_text().strip()
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- claims:begin -->")[1].split("<!-- claims:end -->")[0].strip()
    assert block == table, "README's claims table differs from reference/results/claims/claims.md"


def test_every_claim_not_reproduced_at_the_papers_scale_has_a_cause_tested_by_a_run() -> None:
    claims = pd.read_csv(BUNDLE / "results" / "claims" / "claims.csv", keep_default_na=False)
    assert len(claims) >= 25 and claims["paper_scale"].astype(str).eq("True").any()
    at_scale = claims[claims["paper_scale"].astype(str).eq("True") & claims["verdict"].eq("not reproduced")]
    assert at_scale["causes"].ne("").all(), f"no cause tested for {list(at_scale[at_scale['causes'] == '']['id'])}"


@pytest.mark.slow
def test_the_claims_table_rebuilds_from_the_bundle_without_training(reference_rebuild) -> None:
    run, recorded = reference_rebuild
    workdir, output = run.result()
    assert "train_grid" not in output and "imp_run" not in output, "the bundle build trained"
    assert (workdir / "results" / "claims" / "claims.md").read_text() == recorded