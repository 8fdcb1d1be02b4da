"""Registry of ``python -m lottery`` commands: each stage's module registers its own.

A command is the I/O layer of one rule: it parses its arguments, reads input files, calls one
function of a paper package and writes outputs. Adding a stage is a module here plus its
name in STAGES.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Callable, TypeVar

# One module per paper and kind of command (train, analyse, report), so that a rule can depend
# on the module of its command without rerunning when another kind changes; every figure is
# drawn by the one `figure` command, from the registry (lottery.figures).
STAGES = ("lt_train", "lt_analyse", "lt_report", "ar_train", "ar_analyse", "ar_report", "figures",
          "beyond", "claims", "benchmarks", "bundle", "paper")

Option = tuple[str, dict]
COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], None], tuple[Option, ...]]] = {}

REQ: dict = {"required": True}
MANY: dict = {"required": True, "nargs": "+"}
INT: dict = {"required": True, "type": int}
# A training job's runtime keys: Snakemake's {threads} and a JSON resource (workflow/rules/common.smk).
RUNTIME: tuple[Option, ...] = (("--threads", INT), ("--runtime", REQ))
TRAIN_RUNTIME_KEYS = ("compile", "chunk_elements", "checkpoint_every")


def command(name: str, *options: Option) -> Callable:
    """Register ``fn`` as ``python -m lottery NAME`` with argparse ``options``."""

    def add(fn: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], None]:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = (fn, options)
        return fn

    return add


def settings_of(args: argparse.Namespace) -> dict:
    """The rule's config slice, passed as one JSON argument (``--settings``)."""
    return json.loads(args.settings)


def with_runtime(settings: dict, args: argparse.Namespace) -> dict:
    """A training job's settings plus the keys that change its speed, never its results.

    Device, threads, compilation, chunking and checkpoint interval reach the job outside the
    rule's ``params`` (results are bit-identical across them, as the tests show), so changing
    them reruns nothing; here they rejoin the settings the package's job dataclasses read.
    """
    runtime = json.loads(args.runtime)
    train = {**settings.get("train", {}), **{k: runtime[k] for k in TRAIN_RUNTIME_KEYS if k in runtime}}
    return {**settings, "device": runtime["device"], "threads": args.threads, "train": train}


Settings = TypeVar("Settings")


def settings_as(args: argparse.Namespace, cls: type[Settings]) -> Settings:
    """The rule's config slice as the typed settings dataclass ``cls`` (keys it has no field for are left out)."""
    s = settings_of(args)
    return cls(**{f.name: s[f.name] for f in dataclasses.fields(cls)})
