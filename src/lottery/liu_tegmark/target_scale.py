"""[LT] the scale each ticket-family target is trained at (Figs 5-8).

A family (``tickets.targets``, ``tickets.multiplication``) trains at its own ``seeds`` and
``train``; the targets named in its ``paper_scale.targets`` train at ``paper_scale``'s
instead (the papers' 1,000 seeds x 50,000 steps by default). That is how the reference
bundle grows by parts: a part trains a few targets at the papers' scale and the rest stay
as recorded. The workflow, the claims' scale column and their decidability all ask here.
"""
from __future__ import annotations


def target_grid(family: dict, target: str) -> dict:
    """``{"seeds": ..., "train": {...}}`` one target of ``family`` (a config section) trains with."""
    scale = family.get("paper_scale", {})
    source = scale if target in scale.get("targets", []) else family
    return {"seeds": source["seeds"], "train": source["train"]}


def with_paper_scale(config: dict, family: str, targets: list[str]) -> dict:
    """``config`` with ``targets`` added to ``tickets.<family>.paper_scale.targets`` (in the family's
    order): what a bundle's config says once a part has trained them at the papers' scale."""
    section = config["tickets"][family]
    unknown = sorted(set(targets) - set(section["targets"]))
    if unknown:
        raise ValueError(f"tickets.{family}.targets does not hold {unknown}")
    scale = section.get("paper_scale", {})
    chosen = set(scale.get("targets", [])) | set(targets)
    ordered = [t for t in section["targets"] if t in chosen]
    new_section = {**section, "paper_scale": {**scale, "targets": ordered}}
    return {**config, "tickets": {**config["tickets"], family: new_section}}
