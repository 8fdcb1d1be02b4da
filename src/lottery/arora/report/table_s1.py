"""[AR] Table S1: the architectures the real-data runs use, generated from the architecture and
data-set registries and the config (never typed): layers, start widths, parameter counts,
learning rate, epochs and batch, per data set and architecture, with the figures that use them."""
from __future__ import annotations

from dataclasses import dataclass, field

from lottery.arora.datasets import DATASETS, figs2_dataset
from lottery.arora.models import architecture, parameter_count
from lottery.core.texmacros import format_number


@dataclass
class Use:
    """One (data set, architecture, training) combination of the real-data runs."""

    dataset: str
    arch: str
    train: dict
    figures: list[str] = field(default_factory=list)
    widths: set[int] = field(default_factory=set)

    def add(self, figures: str, widths: list[int]) -> None:
        self.figures += [f for f in figures.split(", ") if f not in self.figures]
        self.widths |= set(widths)


def real_data_uses(s: dict) -> list[Use]:
    """Every real-data use, in the order the paper shows them: Figs 1, 3b, 6, 7 (FCN-2), Fig 4's
    architectures, Fig S2's ResNet-6 and Fig S3's FCN-3 (trained in runs of their own)."""
    img = s["images"]
    uses: dict[tuple[str, str, str], Use] = {}

    def use(dataset: str, arch: str, figures: str, widths: list[int], study: str = "main", extra: dict | None = None):
        train = {**img["train"], **img["train_by_arch"].get(arch, {}), **(extra or {})}
        uses.setdefault((dataset, arch, study), Use(dataset, arch, train)).add(figures, widths)

    for d in s["real"]:
        use(d, "fcn2", "1, 6, 7", img["widths"])
        use(d, "fcn2", "3b", img["classes_widths"])
        for a in img["architectures"]:
            use(d, a["arch"], "4", a["widths"])
    d2 = figs2_dataset(list(s["real"]))
    use(d2, "fcn2", "S2", img["widths"])
    use(d2, "resnet", "S2", img["figs2"]["resnet_widths"])
    f3 = img["figs3"]
    use(f3["dataset"], "fcn3", "S3", f3["widths"], "figs3", f3["train"])
    return list(uses.values())


def _batch(size: int) -> str:
    return "full" if size == 0 else str(size)


def table_s1(s: dict) -> str:
    """The tabular of Table S1 (``s``: the ``imp`` settings with the real data sets run)."""
    img = s["images"]
    lines = [r"\begin{tabular}{llp{3.6cm}lp{2.2cm}rrrl}", r"\toprule",
             r"network & data & layers & figures & start widths & parameters & LR & epochs & batch \\",
             r"\midrule"]
    for u in real_data_uses(s):
        arch, data = architecture(u.arch), DATASETS[u.dataset]
        counts = [parameter_count(arch, data.shape, img["classes"], w, img["bias"])[1] for w in sorted(u.widths)]
        params = format_number(counts[0]) + ("" if len(counts) == 1 else "--" + format_number(counts[-1]))
        lines.append(f"{arch.title} & {data.label} & {arch.description} & {', '.join(u.figures)} & "
                     f"{', '.join(map(str, sorted(u.widths)))} & {params} & {format_number(u.train['lr'])} & "
                     f"{format_number(u.train['epochs'])} & {_batch(u.train['batch_size'])} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)
