"""``python -m lottery bundle-restore``: put the shipped reference results where Snakemake finds them."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lottery.commands import REQ, command
from lottery.core.errors import ResultsError

log = logging.getLogger("lottery")

# What the reference bundle holds: every training output the analyses read ([LT] grids, the
# probes, the beyond-the-papers IMP nets, the distilled width-2 nets), and of [AR] the summaries its
# figures, tables and claims read, by family, and the scale ladder's rungs (its IMP run files,
# 126 MB at the default scale, are not read again once summarised: Snakemake does not rerun a job
# whose output is present), the per-job benchmarks and the claims table it made. The distilled
# nets are kept, not remade: their output layer is a least-squares fit whose loss sits at the
# rounding floor (~1e-12), where another CPU's BLAS kernels give another number.
REFERENCE_PATTERNS = [
    "results/data/*.npz", "results/grids/**/*.h5", "results/tickets/grids/**/*.h5", "results/tickets/distill.h5",
    "results/probes/*/data/*.npz", "results/probes/*/grids/**/*.h5", "results/beyond/imp/*.h5",
    "results/imp/summary/*.h5", "results/imp/calibration/*.h5", "results/imp/figs3_summary.h5",
    "results/imp/ladder/*/imp/*.h5", "results/benchmarks.tsv", "results/claims/claims.md",
    "results/claims/claims.csv", "figures/claims_map_verdicts.png",
]
# What a build from the bundle remakes that the bundle shows: its claims table and verdict map (the
# README shows both).
DERIVED_PATTERNS = ["results/claims/claims.md", "results/claims/claims.csv", "figures/claims_map_verdicts.png"]


@command("bundle-restore", ("--bundle", REQ), ("--workdir", REQ))
def bundle_restore(args: argparse.Namespace) -> None:
    """Check the reference bundle's checksums and copy its results into --workdir."""
    from lottery.core.bundle import restore

    files = restore(Path(args.bundle), Path(args.workdir))
    log.info("restored %d result files of %s into %s", len(files), args.bundle, args.workdir)


@command("bundle-make", ("--run", REQ), ("--bundle", REQ), ("--meta", REQ),
         ("--patterns", {"nargs": "+", "default": REFERENCE_PATTERNS}))
def bundle_make(args: argparse.Namespace) -> None:
    """Copy a finished run's results into a reference bundle and write its manifest (--meta: JSON)."""
    import json

    from lottery.core.bundle import make

    manifest = make(Path(args.run), Path(args.bundle), args.patterns, json.loads(Path(args.meta).read_text()))
    log.info("bundle %s: %d files", args.bundle, len(manifest["files"]))


@command("bundle-update", ("--run", REQ), ("--bundle", REQ),
         ("--patterns", {"nargs": "+", "default": DERIVED_PATTERNS}), ("--remade", {"default": ""}))
def bundle_update(args: argparse.Namespace) -> None:
    """Replace the bundle's files matching --patterns by those of a build from it (default: the claims
    table and the verdict map), updating their checksums and, with --remade, the note on how they
    were remade; nothing else."""
    from lottery.core.bundle import update

    manifest = update(Path(args.run), Path(args.bundle), args.patterns, args.remade)
    log.info("bundle %s: %d files, %s updated", args.bundle, len(manifest["files"]), ", ".join(args.patterns))


def _training_code_changed(since: str, command: str) -> bool:
    """Whether the files ``command`` runs differ between commit ``since`` and the working tree."""
    import subprocess

    from lottery.core.code_deps import ROOT, code_files

    diff = subprocess.run(["git", "-C", str(ROOT), "diff", "--quiet", since, "--", *code_files(command)],
                          capture_output=True)
    if diff.returncode not in (0, 1):
        raise ResultsError(f"cannot compare the training code with commit {since}: {diff.stderr.decode().strip()}")
    return diff.returncode == 1


def _commit(ref: str) -> str:
    """The full hash of commit ``ref`` of this repository (the commit a part or section was trained at)."""
    import subprocess

    from lottery.core.code_deps import ROOT

    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True).stdout.strip()


def _machine() -> dict:
    import os
    import platform

    import torch

    return {"cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
            "python": platform.python_version(), "torch": torch.__version__}


@command("bundle-add-part", ("--run", REQ), ("--bundle", REQ), ("--name", REQ), ("--family", REQ),
         ("--targets", {"nargs": "+", "required": True}), ("--reused", {"nargs": "*", "default": []}),
         ("--reason", REQ), ("--trained-at", {"default": "HEAD"}), ("--outputs-check", {"default": ""}),
         ("--schema", {"default": "config/schema.yaml"}))
def bundle_add_part(args: argparse.Namespace) -> None:
    """Add ticket-family targets trained at the papers' scale in --run (a build restored from the
    bundle) to the bundle as one part: their grids, jobs' wall times, the commit they were trained
    at, the machine and the digest of the training code the part is accepted for; the bundle
    config's paper_scale.targets and its stated departure name them. --reused: targets whose
    paper-scale grids the bundle already holds as scaling grids (x^2). --outputs-check: required
    when the training code changed since --trained-at: how its test-config outputs were found
    identical to today's (python -m lottery compare-runs)."""

    import yaml

    from lottery.core.benchmarks import collect
    from lottery.core.bundle import add_part
    from lottery.core.code_deps import code_digest
    from lottery.core.config import validate_config
    from lottery.liu_tegmark.target_scale import target_grid, with_paper_scale

    run, bundle = Path(args.run), Path(args.bundle)
    missing = [t for t in args.targets if not list(run.glob(f"results/tickets/grids/{args.family}/{t}/*/N*.h5"))]
    missing += [t for t in args.reused if not list(bundle.glob(f"results/grids/{t}/*/N*.h5"))]
    if missing:
        raise ResultsError(f"no trained grids of {missing} in {run} (or, for --reused, in {bundle}/results/grids)")
    if _training_code_changed(args.trained_at, "train-grid") and not args.outputs_check:
        raise ResultsError(f"the training code changed since {args.trained_at}: compare both commits' training "
                           "outputs on config/test.yaml (python -m lottery compare-runs) and pass --outputs-check")
    config = with_paper_scale(yaml.safe_load((bundle / "config.yaml").read_text()), args.family,
                              args.targets + args.reused)
    bench = collect(run / "benchmarks" / "tickets" / args.family)
    jobs = {f"tickets/{args.family}/{job}": round(s, 1) for job, s in zip(bench["job"], bench["wall_s"])
            if job.split("/")[0] in args.targets}
    scale = target_grid(validate_config(config, args.schema)["tickets"][args.family], args.targets[0])
    rev = _commit(args.trained_at)
    part = {"family": args.family, "targets": args.targets, "reused": args.reused, "seeds": scale["seeds"],
            "steps": scale["train"]["steps"], "wall_time_s": jobs, "commit": rev, "machine": _machine(),
            "training_code": {"command": "train-grid", "sha256": code_digest("train-grid"),
                              **({"outputs_check": args.outputs_check} if args.outputs_check else {})}}
    departure = {"value": config["tickets"][args.family]["paper_scale"]["targets"], "reason": args.reason}
    manifest = add_part(run, bundle, args.name,
                        [f"results/tickets/grids/{args.family}/{t}/*/N*.h5" for t in args.targets], part,
                        documents={"config.yaml": yaml.safe_dump(config, sort_keys=False)},
                        manifest_edits={"overrides": {f"tickets.{args.family}.paper_scale.targets": departure}})
    log.info("bundle %s: part %s added (%d jobs, %.0f s of job time); %d files in all", bundle, args.name,
             len(jobs), sum(jobs.values()), len(manifest["files"]))


@command("bundle-add-ladder", ("--run", REQ), ("--bundle", REQ), ("--name", REQ), ("--reason", REQ),
         ("--trained-at", {"default": "HEAD"}))
def bundle_add_ladder(args: argparse.Namespace) -> None:
    """Add the scale ladder, built in --run (a build restored from the bundle, with the bundle's
    config), to the bundle as one part: every rung's results (summary and Fig 5 data; like the
    [AR] section, the bundle keeps no run files), the wall times of the ladder's own training
    jobs (every size but the section's, whose runs the rung re-made), the commit, the machine
    and the digest of the IMP training code."""
    from lottery.core.benchmarks import collect
    from lottery.core.bundle import add_part
    from lottery.core.code_deps import code_digest

    run, bundle = Path(args.run), Path(args.bundle)
    pattern = "results/imp/ladder/N*/imp/*.h5"
    if not list(run.glob(pattern)):
        raise ResultsError(f"no ladder rungs ({pattern}) in {run}: build them with the bundle's config first")
    if _training_code_changed(args.trained_at, "imp-run"):
        raise ResultsError(f"the IMP training code changed since {args.trained_at}: train the ladder at one commit")
    bench = collect(run / "benchmarks" / "imp" / "ladder")
    jobs = {f"imp/ladder/{job}": round(s, 1) for job, s in zip(bench["job"], bench["wall_s"])}
    sizes = sorted({int(job.split("/")[2].removeprefix("N")) for job in jobs})
    part = {"study": "imp.mixture.ladder_sizes", "sizes": sizes, "reason": args.reason, "wall_time_s": jobs,
            "commit": _commit(args.trained_at), "machine": _machine(),
            "training_code": {"command": "imp-run", "sha256": code_digest("imp-run")}}
    manifest = add_part(run, bundle, args.name, [pattern], part)
    log.info("bundle %s: part %s added (%d jobs, %.0f s of job time); %d files in all", bundle, args.name,
             len(jobs), sum(jobs.values()), len(manifest["files"]))


@command("bundle-retrain-section", ("--run", REQ), ("--bundle", REQ), ("--section", REQ), ("--config", REQ),
         ("--patterns", {"nargs": "+", "required": True}), ("--reason", REQ), ("--trained-at", {"default": "HEAD"}),
         ("--replace-jobs", {"nargs": "+"}))
def bundle_retrain_section(args: argparse.Namespace) -> None:
    """Replace the bundle's results of one config section (e.g. imp) by those of --run, a build
    restored from the bundle and retrained with --config, which may differ from the bundle's
    config in that section only: the files matching --patterns, the config, the stated departure
    of the section (overrides) with --reason, and the section's jobs' wall times (from --run's
    benchmarks/SECTION/), commit and machine. With --replace-jobs (patterns of job names, e.g.
    'imp/runs/linear_*') only those old jobs' times go: one family of the section retrained."""

    import yaml

    from lottery.core.benchmarks import collect
    from lottery.core.bundle import retrain_section

    run, bundle = Path(args.run), Path(args.bundle)
    old = yaml.safe_load((bundle / "config.yaml").read_text())
    new = yaml.safe_load(Path(args.config).read_text())
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k) and k != args.section)
    if changed:
        raise ResultsError(f"{args.config} differs from the bundle's config outside {args.section}: {changed}")
    bench = collect(run / "benchmarks" / args.section)
    if bench.empty:
        raise ResultsError(f"no job benchmarks under {run / 'benchmarks' / args.section}: "
                           "was the section retrained there?")
    jobs = {f"{args.section}/{job}": round(s, 1) for job, s in zip(bench["job"], bench["wall_s"])}
    rev = _commit(args.trained_at)
    record = {"reason": args.reason, "commit": rev, "machine": _machine(), "jobs": len(jobs),
              "job_wall_time_s": round(sum(jobs.values()), 1)}
    retrain_section(run, bundle, args.section, args.patterns, yaml.safe_dump(new, sort_keys=False), jobs, record,
                    {"value": new[args.section], "reason": args.reason}, args.replace_jobs)
    log.info("bundle %s: section %s retrained (%d jobs, %.0f s of job time)", bundle, args.section, len(jobs),
             record["job_wall_time_s"])


@command("bundle-accept-code", ("--bundle", REQ), ("--outputs-check", REQ))
def bundle_accept_code(args: argparse.Namespace) -> None:
    """Accept today's training code (each part's own command: train-grid, imp-run) for every part
    trained with other code, once --outputs-check says how the test-config training outputs of the
    part's accepted code and of today's were found
    identical by value (python -m lottery compare-runs): today's digest joins the part's
    identical_outputs_checked, with the check."""
    from lottery.core.bundle import accept_code
    from lottery.core.code_deps import code_digest

    accepted = accept_code(Path(args.bundle), code_digest, args.outputs_check)
    log.info("bundle %s: today's training code accepted for parts %s", args.bundle, ", ".join(accepted) or "(none)")


@command("compare-runs", ("--a", REQ), ("--b", REQ), ("--pattern", {"default": "results/**/*.h5"}))
def compare_runs(args: argparse.Namespace) -> None:
    """Compare two runs' HDF5 results (--pattern) by value; fails naming each difference. The check
    that a bundle part trained by other code stands (docs/decisions.md, 'A bundle that grows by parts')."""
    from lottery.core.compare import differences

    common, diffs = differences(Path(args.a), Path(args.b), args.pattern)
    if not common:
        raise ResultsError(f"no files match {args.pattern} in both {args.a} and {args.b}")
    if diffs:
        raise ResultsError(f"{len(diffs)} difference(s) between {args.a} and {args.b}: " + "; ".join(diffs[:5]))
    log.info("%d files match %s, identical by value in %s and %s", len(common), args.pattern, args.a, args.b)
