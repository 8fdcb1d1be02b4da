"""The reference bundle: a paper-scale run's results, shipped so the paper builds without training.

Training at the papers' scale takes hours; the analyses, figures and tables take minutes.
Like showyourwork's cached outputs, ``reference/`` holds what the analyses read (under
``reference/results/``), the config that made it and a manifest: the code commit, the
machine, each job's wall time and every file's SHA-256. ``bash run.sh reference`` restores
the files into ``build/reference/`` with one common time stamp (newer than the checkout, so
Snakemake sees them as up to date) and builds the paper there.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

from lottery.core.errors import ResultsError

MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(root: Path, files: list[Path]) -> dict[str, str]:
    """``relative path -> sha256`` of ``files`` under ``root``."""
    return {str(f.relative_to(root)): sha256(f) for f in sorted(files)}


def verify(bundle: Path) -> dict:
    """The manifest, after checking every listed file is there with its checksum."""
    manifest = json.loads((bundle / MANIFEST).read_text())
    bad = [rel for rel, digest in manifest["files"].items()
           if not (bundle / rel).is_file() or sha256(bundle / rel) != digest]
    if bad:
        raise ResultsError(f"reference bundle {bundle}: {len(bad)} file(s) missing or changed, e.g. {bad[:3]}; "
                           f"restore them with git (git checkout -- {bundle})")
    return manifest


def restore(bundle: Path, workdir: Path) -> list[Path]:
    """Copy the bundle's result files into ``workdir``, all with one fresh time stamp."""
    manifest = verify(bundle)
    now = time.time()
    restored = []
    for rel in manifest["files"]:
        if not rel.startswith("results/"):
            continue
        dest = workdir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle / rel, dest)
        os.utime(dest, (now, now))
        restored.append(dest)
    return restored


def _copy(run: Path, bundle: Path, patterns: list[str]) -> list[Path]:
    """Copy the files of ``run`` matching ``patterns`` into ``bundle``; their paths in the bundle."""
    files = sorted({f for p in patterns for f in run.glob(p) if f.is_file() and "checkpoints" not in f.parts})
    if not files:
        raise ResultsError(f"no files of {run} match {patterns}")
    copied = []
    for f in files:
        dest = bundle / f.relative_to(run)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dest)
        copied.append(dest)
    return copied


def _write(bundle: Path, manifest: dict) -> dict:
    (bundle / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def update(run: Path, bundle: Path, patterns: list[str], remade: str = "") -> dict:
    """Replace the bundle's files matching ``patterns`` by a run's (made from the bundle, e.g. the
    claims table after a registry change) and their checksums; ``remade``, when given, says how
    they were remade (under ``remade``, keyed by the files). Everything else stays as recorded."""
    manifest = verify(bundle)
    files = checksums(bundle, _copy(run, bundle, patterns))
    if remade:
        manifest = {**manifest, "remade": {**manifest.get("remade", {}), ", ".join(sorted(files)): remade}}
    return _write(bundle, {**manifest, "files": {**manifest["files"], **files}})


def make(run: Path, bundle: Path, patterns: list[str], meta: dict) -> dict:
    """Copy the files of a finished run matching ``patterns`` into ``bundle`` and write its manifest.

    ``meta`` holds what the manifest records besides the checksums: the config file, its
    departures from config/paper.yaml with their reasons, commits, machine and wall times.
    """
    extra = [bundle / name for name in meta.get("documents", [])]
    return _write(bundle, {**meta, "files": checksums(bundle, _copy(run, bundle, patterns) + extra)})


def add_part(run: Path, bundle: Path, name: str, patterns: list[str], part: dict,
             documents: dict[str, str] | None = None, manifest_edits: dict | None = None) -> dict:
    """Add a part trained apart (say, a few targets at the papers' scale) without touching the rest.

    The files of ``run`` matching ``patterns`` enter the bundle (replacing the same paths, the
    part's own smaller runs); the manifest records ``part`` (jobs, commit, machine, the
    training code's digest) under ``parts[name]`` with its files, and its jobs' wall times
    beside the others'. ``documents`` (bundle path -> text: its config, now naming the part)
    are rewritten and checksummed; ``manifest_edits`` are merged into the manifest's top-level
    dicts (the part's stated departures). A name already recorded is refused: a part is added
    once, never rewritten.
    """
    manifest = verify(bundle)
    parts = manifest.get("parts", {})
    if name in parts:
        raise ResultsError(f"reference bundle {bundle} already holds a part {name!r}; name the new part anew")
    copied = _copy(run, bundle, patterns) if patterns else []
    for rel, text in (documents or {}).items():
        (bundle / rel).write_text(text)
        copied.append(bundle / rel)
    files = checksums(bundle, copied)
    edited = {key: {**manifest.get(key, {}), **value} for key, value in (manifest_edits or {}).items()}
    return _write(bundle, {
        **manifest,
        **edited,
        "files": {**manifest["files"], **files},
        "parts": {**parts, name: {**part, "files": sorted(f for f in files if f not in (documents or {}))}},
        "wall_time_s": {**manifest.get("wall_time_s", {}), **part.get("wall_time_s", {})},
    })


def retrain_section(run: Path, bundle: Path, section: str, patterns: list[str], config_text: str,
                    wall_time_s: dict[str, float], record: dict, departure: dict,
                    replaced_jobs: list[str] | None = None) -> dict:
    """Replace one config section's results by a retraining of it (say, [AR] at the paper's
    protocol) in ``run``, a build restored from the bundle: the files matching ``patterns``, the
    bundle's config (``config_text``, differing in that section only), the section's stated
    departure (``overrides[section]``), its job wall times and ``record`` (why, commit, machine)
    under ``sections[section]``; notes on how replaced files were remade go. Everything else stays
    as recorded.

    A whole section is retrained by default: every old ``section/...`` time goes. Retraining one
    family of it (the mixtures, not the images), ``replaced_jobs`` names the old jobs that go
    (shell patterns such as ``imp/runs/xor_*``); the others' times stay, and the section's former
    record stays under the new one's ``previous``, with how many of its jobs it still holds
    (``jobs_kept``). A part whose files or jobs the retraining replaced keeps the rest and names
    what it lost (``superseded``)."""
    manifest = verify(bundle)
    copied = _copy(run, bundle, patterns)
    (bundle / manifest["config"]).write_text(config_text)
    files = checksums(bundle, [*copied, bundle / manifest["config"]])
    gone = replaced_jobs or [f"{section}/*"]
    kept = {job: s for job, s in manifest.get("wall_time_s", {}).items()
            if not any(fnmatch.fnmatchcase(job, pattern) for pattern in gone)}
    remade = {what: how for what, how in manifest.get("remade", {}).items()  # notes on the replaced files go
              if not any(f in what.split(", ") for f in files)}
    section_files = set(files) - {manifest["config"]}
    parts = {name: _superseded(part, section_files, gone, section) for name, part in manifest.get("parts", {}).items()}
    if replaced_jobs and section in manifest.get("sections", {}):
        previous = manifest["sections"][section]
        in_parts = {job for part in parts.values() for job in part.get("wall_time_s", {})}
        jobs_kept = sum(job.startswith(f"{section}/") and job not in in_parts for job in kept)
        record = {**record, "previous": {**{k: v for k, v in previous.items() if k != "files"}, "jobs_kept": jobs_kept}}
        section_files |= set(previous["files"])
    return _write(bundle, {
        **manifest,
        "remade": remade,
        "files": {**manifest["files"], **files},
        "parts": parts,
        "overrides": {**manifest.get("overrides", {}), section: departure},
        "sections": {**manifest.get("sections", {}), section: {**record, "files": sorted(section_files)}},
        "wall_time_s": {**kept, **wall_time_s},
    })


def _superseded(part: dict, files: set[str], jobs: list[str], section: str) -> dict:
    """``part`` less the files and job times a section's retraining replaced, which it names under
    ``superseded``; untouched parts are returned as they are."""
    lost = sorted(files & set(part.get("files", [])))
    times = part.get("wall_time_s", {})
    lost_jobs = sorted(j for j in times if any(fnmatch.fnmatchcase(j, pattern) for pattern in jobs))
    if not lost and not lost_jobs:
        return part
    return {**part, "files": [f for f in part["files"] if f not in lost],
            "wall_time_s": {j: t for j, t in times.items() if j not in lost_jobs},
            "superseded": {"by": f"sections.{section}", "files": lost, "jobs": lost_jobs}}


def accept_code(bundle: Path, digest_of: Callable[[str], str], check: str) -> list[str]:
    """Record today's digest of each part's training command (``digest_of(command)``) as accepted,
    by ``check``, for every part trained with other code; the parts' names. Their files stay as they are."""
    manifest = verify(bundle)
    accepted = []
    for name, part in manifest.get("parts", {}).items():
        code = part["training_code"]
        digest = digest_of(code["command"])
        if digest in {code["sha256"], *code.get("identical_outputs_checked", [])}:
            continue
        code["identical_outputs_checked"] = [*code.get("identical_outputs_checked", []), digest]
        code["outputs_checks"] = {**code.get("outputs_checks", {}), digest: check}
        accepted.append(name)
    _write(bundle, manifest)
    return accepted
