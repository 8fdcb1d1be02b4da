"""The scale a verdict was measured at, from the config: seeds, steps and data per section,
and whether that is the papers' scale or below it ("laptop scale").

The papers' sizes: [LT] 1000 seeds per width, 50,000 Adam steps, a width-10,000 wide net;
[AR] D = 100, 10,000 training points, 5 repetitions, 1000 epochs on the mixtures, and
MNIST / CIFAR-10 with 3 repetitions on real images.
"""
from __future__ import annotations

from lottery.arora.datasets import PAPER_IMAGE_SETS
from lottery.claims.measures.base import setting
from lottery.liu_tegmark.target_scale import target_grid

LT_SEEDS, LT_STEPS, LT_WIDE = 1000, 50_000, 10_000
AR_MIXTURE = {"dim": 100, "n_train": 10_000, "repetitions": 5}
AR_MIXTURE_EPOCHS = 1000
AR_REAL_REPETITIONS = 3
SHORT_NAMES = {"fashion_mnist": "FMNIST", "mnist": "MNIST", "cifar10": "CIFAR-10"}  # the scale column's names


def _grid(section: dict) -> tuple[str, str, bool]:
    seeds, steps = section["seeds"], section["train"]["steps"]
    return f"{seeds:,} seeds, {steps:,} steps", f"{seeds:,} x {steps / 1000:g}k", seeds >= LT_SEEDS and steps >= LT_STEPS


def _family_scale(family: str, section: dict, targets: list[str] | None) -> tuple[str, str, bool]:
    """A ticket family's scale for ``targets`` (all of the family's when None), each trained at the
    family's scale or, for a bundle part, at the papers' (lottery.liu_tegmark.target_scale)."""
    groups: dict[tuple[int, int], list[str]] = {}
    for target in targets or section["targets"]:
        grid = target_grid(section, target)
        groups.setdefault((grid["seeds"], grid["train"]["steps"]), []).append(target)
    scales = {key: _grid({"seeds": key[0], "train": {"steps": key[1]}}) for key in groups}
    full = all(f for _, _, f in scales.values())
    if len(groups) == 1:
        (text, short, _), = scales.values()
        return f"{family}: {text}", short, full
    text = "; ".join(f"{', '.join(ts)}: {scales[key][0]}" for key, ts in groups.items())
    short = "; ".join(f"{scales[key][1]} ({len(ts)})" for key, ts in groups.items())
    return f"{family}: {text}", short, full


def section_scale(section: str, config: dict, real_data: list[str]) -> tuple[str, str, bool]:
    """(how the section's results were made, the same in a few words, whether at the papers' scale)."""
    if section == "scaling":
        text, short, full = _grid(setting(config, "scaling"))
        return f"{text}, {setting(config, 'scaling.data.n_train'):,} train points", short, full
    family, _, named = section.partition("/")
    if family in ("targets", "multiplication"):
        return _family_scale(family, setting(config, f"tickets.{family}"), named.split(",") if named else None)
    if section == "wide":
        wide = setting(config, "tickets.wide")
        width, steps = max(wide["widths"]), wide["train"]["steps"]
        return (f"wide net N = {width:,}, {steps:,} steps", f"N = {width:,}",
                width >= LT_WIDE and steps >= LT_STEPS)
    if section == "mixture":
        m = setting(config, "imp.mixture")
        full = all(m[k] >= v for k, v in AR_MIXTURE.items()) and m["train"]["epochs"] >= AR_MIXTURE_EPOCHS
        return (f"mixtures D = {m['dim']}, {m['n_train']:,} train points, {m['repetitions']} reps, "
                f"{m['train']['epochs']:,} epochs"), f"{m['n_train'] / 1000:g}k pts", full
    if section == "images":
        img = setting(config, "imp.images")
        full = any(d in real_data for d in PAPER_IMAGE_SETS) and img["repetitions"] >= AR_REAL_REPETITIONS
        data = ", ".join(real_data) or "no real data"
        return (f"{data}, {img['repetitions']} reps, {img['train']['epochs']} epochs",
                ", ".join(SHORT_NAMES.get(d, d) for d in real_data) or "no data", full)
    raise ValueError(f"unknown config section {section!r}")


def row_scale(sections: tuple[str, ...], config: dict, real_data: list[str]) -> tuple[tuple[str, str], bool]:
    """The scale of one claim's value, in full and in a few words ("paper" when every section is at
    the papers' scale), and whether it is; exact when no training is involved."""
    if not sections:
        return ("exact (no training)", "exact"), True
    parts = [section_scale(s, config, real_data) for s in sections]
    full = all(f for _, _, f in parts)
    short = "paper" if full else "; ".join(dict.fromkeys(sh for _, sh, f in parts if not f))
    return ("; ".join(t for t, _, _ in parts), short), full


def scale_sentence(paper_scale: list[bool], config: dict) -> str:
    """One sentence for the paper and the README saying at which scale the verdicts were made:
    the papers' scale, mixed (the $x^2$ grid at the papers' scale, other rows below) or laptop."""
    below, total = paper_scale.count(False), len(paper_scale)
    if not below:
        return "Every verdict was measured at the papers' scale."
    seeds, steps = setting(config, "scaling.seeds"), setting(config, "scaling.train.steps")
    if seeds >= LT_SEEDS and steps >= LT_STEPS:
        return (f"{total - below} of {total} verdicts were measured at the papers' scale (among them the $x^2$ grid's, "
                f"{seeds:,} seeds and {steps:,} steps per net as in the paper); the other {below} below it, as each "
                f"row's scale says, so read those as provisional.")
    return (f"These verdicts are at laptop scale: {below} of {total} were measured below the papers' scale "
            f"(the $x^2$ grid here has {seeds:,} seeds and {steps:,} steps per net, the paper {LT_SEEDS:,} and "
            f"{LT_STEPS:,}), so read them as provisional.")
