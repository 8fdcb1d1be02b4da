"""``python -m lottery bundle-restore``: put the shipped reference results where Snakemake finds them."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lottery.commands import REQ, command

log = logging.getLogger("lottery")

# What the reference bundle holds: every training output the analyses read ([LT] grids, the
# probes, the beyond-the-papers IMP nets), and of [AR] the summaries its figures, tables and
# claims read (its IMP run files, 126 MB at the default scale, are not read again once
# summarised: Snakemake does not rerun a job whose output is present), the per-job benchmarks
# and the claims table it made.
REFERENCE_PATTERNS = [
    "results/data/*.npz", "results/grids/**/*.h5", "results/tickets/grids/**/*.h5",
    "results/probes/*/data/*.npz", "results/probes/*/grids/**/*.h5", "results/beyond/imp/*.h5",
    "results/imp/summary.h5", "results/imp/calibration.h5", "results/imp/figs3_summary.h5",
    "results/benchmarks.tsv", "results/claims/claims.md", "results/claims/claims.csv",
    "figures/claims_map_verdicts.png",
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


@command("bundle-update", ("--run", REQ), ("--bundle", REQ), ("--patterns", {"nargs": "+", "default": DERIVED_PATTERNS}))
def bundle_update(args: argparse.Namespace) -> None:
    """Replace the bundle's files matching --patterns by those of a build from it (default: the claims
    table and the verdict map), updating their checksums and nothing else."""
    from lottery.core.bundle import update

    manifest = update(Path(args.run), Path(args.bundle), args.patterns)
    log.info("bundle %s: %d files, %s updated", args.bundle, len(manifest["files"]), ", ".join(args.patterns))


@command("bundle-add-part", ("--run", REQ), ("--bundle", REQ), ("--name", REQ), ("--family", REQ),
         ("--targets", {"nargs": "+", "required": True}), ("--reused", {"nargs": "*", "default": []}),
         ("--reason", REQ), ("--schema", {"default": "config/schema.yaml"}))
def bundle_add_part(args: argparse.Namespace) -> None:
    """Add ticket-family targets trained at the papers' scale in --run (a build restored from the
    bundle) to the bundle as one part: their grids, jobs' wall times, commit, machine and training
    code digest; the bundle config's paper_scale.targets and its stated departure name them.
    --reused: targets whose paper-scale grids the bundle already holds as scaling grids (x^2)."""
    import json
    import os
    import platform
    import subprocess

    import torch
    import yaml

    from lottery.core.benchmarks import collect
    from lottery.core.bundle import add_part
    from lottery.core.code_deps import code_digest
    from lottery.core.config import validate_config
    from lottery.core.errors import ResultsError
    from lottery.liu_tegmark.target_scale import target_grid, with_paper_scale

    run, bundle = Path(args.run), Path(args.bundle)
    config = yaml.safe_load((bundle / "config.yaml").read_text())
    missing = [t for t in args.targets if not list(run.glob(f"results/tickets/grids/{args.family}/{t}/*/N*.h5"))]
    missing += [t for t in args.reused if not list(bundle.glob(f"results/grids/{t}/*/N*.h5"))]
    if missing:
        raise ResultsError(f"no trained grids of {missing} in {run} (or, for --reused, in {bundle}/results/grids)")
    new_config = with_paper_scale(config, args.family, args.targets + args.reused)
    bench = collect(run / "benchmarks" / "tickets" / args.family)
    jobs = {f"tickets/{args.family}/{job}": round(s, 1) for job, s in zip(bench["job"], bench["wall_s"])
            if job.split("/")[0] in args.targets}
    scale = target_grid(validate_config(new_config, args.schema)["tickets"][args.family], args.targets[0])
    part = {
        "family": args.family, "targets": args.targets, "reused": args.reused,
        "seeds": scale["seeds"], "steps": scale["train"]["steps"], "wall_time_s": jobs,
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "training_code": {"command": "train-grid", "sha256": code_digest("train-grid")},
        "machine": {"cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "torch": torch.__version__},
    }
    key = f"tickets.{args.family}.paper_scale.targets"
    departure = {key: {"value": new_config["tickets"][args.family]["paper_scale"]["targets"], "reason": args.reason}}
    manifest = add_part(run, bundle, args.name,
                        [f"results/tickets/grids/{args.family}/{t}/*/N*.h5" for t in args.targets], part,
                        documents={"config.yaml": yaml.safe_dump(new_config, sort_keys=False)},
                        manifest_edits={"overrides": departure})
    log.info("bundle %s: part %s added (%d jobs, %.0f s of job time); %d files in all", bundle, args.name,
             len(jobs), sum(jobs.values()), len(manifest["files"]))
    log.info("%s", json.dumps(part["training_code"]))
