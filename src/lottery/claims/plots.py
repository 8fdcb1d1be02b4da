"""The verdict map that opens the claims section: every claim a cell labelled with its id,
grouped by paper and by the part of the paper it comes from, coloured by verdict, hatched
where it was measured below the papers' scale. One page, so that a reader sees at a glance
which claims hold before reading any row of the table.

The layout is computed in inches (a fixed width, a height that grows with the rows), so that
the labels keep one size whatever the number of claims.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.ticker import NullFormatter

from lottery.claims.report import VERDICT_COLORS, VERDICT_LABELS, is_derived, is_setup_check
from lottery.core.style import plt

PAPER_TITLES = {"LT": "[LT] Liu & Tegmark, A Neural Scaling Law from Lottery Ticket Ensembling",
                "AR": "[AR] Arora et al., Quantifying lottery tickets under label noise",
                "BY": "[BY] Our claims, beyond both papers"}
WIDTH, MARGIN, TITLE_WIDTH, COLUMNS = 7.0, 0.05, 2.0, 4  # inches; cells per line of a group
ROW, TITLE_LINE, PAPER_ROW, GROUP_GAP, LEGEND = 0.2, 0.12, 0.3, 0.06, 0.55  # inches
LABEL_SIZE, TITLE_SIZE, PAPER_SIZE = 6.0, 6.0, 8.0  # points
HATCH = "///"
BELOW_SCALE = "below the papers' scale"
MARKS = {"set-up check": "\u2020", "derived": "\u2021"}  # dagger, double dagger


@dataclass
class Layout:
    """Where everything goes, in inches from the top left."""

    height: float = LEGEND
    papers: list[tuple[float, str]] = field(default_factory=list)
    titles: list[tuple[float, str]] = field(default_factory=list)
    cells: list[tuple[float, float, pd.Series]] = field(default_factory=list)


def cell_width() -> float:
    return (WIDTH - 2 * MARGIN - TITLE_WIDTH) / COLUMNS


def cell_label(r: pd.Series) -> str:
    """The id without its paper's prefix (the block names the paper), marked when it is a set-up
    check or derived from another row."""
    mark = MARKS["set-up check"] if is_setup_check(r) else MARKS["derived"] if is_derived(r) else ""
    return str(r["id"]).removeprefix(f"{r['paper']}-") + mark


def _group_title(title: str, paper: str) -> list[str]:
    chars = int((TITLE_WIDTH - 0.1) * 72 / (0.6 * TITLE_SIZE))
    return textwrap.wrap(title.removeprefix(f"[{paper}]").strip(), chars) or [""]


def layout(rows: pd.DataFrame) -> Layout:
    """Papers in the order they first appear, their groups in registry order, cells in lines of
    ``COLUMNS``; a group is as tall as its cells or its wrapped title, whichever is taller."""
    out = Layout()
    for paper, in_paper in rows.groupby("paper", sort=False):
        out.papers.append((out.height, PAPER_TITLES.get(paper, paper)))
        out.height += PAPER_ROW
        for title, group in in_paper.groupby("group", sort=False):
            lines = _group_title(title, paper)
            out.titles.append((out.height, "\n".join(lines)))
            for k, (_, r) in enumerate(group.iterrows()):
                x = MARGIN + TITLE_WIDTH + (k % COLUMNS) * cell_width()
                out.cells.append((x, out.height + (k // COLUMNS) * ROW, r))
            out.height += max(-(-len(group) // COLUMNS) * ROW, len(lines) * TITLE_LINE) + GROUP_GAP
    out.height += MARGIN
    return out


def _text_color(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance)."""
    lum = sum(w * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
              for w, c in zip((0.2126, 0.7152, 0.0722), to_rgb(fill)))
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def _draw_cell(ax: plt.Axes, x: float, y: float, r: pd.Series) -> None:
    fill, w, h = VERDICT_COLORS[r["verdict"]], cell_width() - 0.03, ROW - 0.03
    ax.add_patch(Rectangle((x, y), w, h, facecolor=fill, edgecolor="none"))
    if not bool(r["paper_scale"]):
        ax.add_patch(Rectangle((x, y), w, h, fill=False, hatch=HATCH, edgecolor=(1, 1, 1, 0.75), linewidth=0))
    label = cell_label(r)
    size = min(LABEL_SIZE, w * 72 / (0.6 * len(label)))
    # a stroke of the fill colour keeps the hatching off the letters
    ax.text(x + w / 2, y + h / 2, label, ha="center", va="center", fontsize=size, color=_text_color(fill),
            path_effects=[withStroke(linewidth=2.5, foreground=fill)])


def _legend(fig: plt.Figure, rows: pd.DataFrame) -> None:
    counts = rows["verdict"].value_counts()
    handles = [Patch(facecolor=c, label=f"{VERDICT_LABELS[o]} ({int(counts.get(o, 0))})")
               for o, c in VERDICT_COLORS.items()]
    handles.append(Patch(facecolor="#777777", hatch=HATCH, edgecolor="white", label=BELOW_SCALE))
    fig.legend(handles=handles, loc="upper center", ncol=3, fontsize=6.5, frameon=False, bbox_to_anchor=(0.5, 1.0))


def plot_verdict_map(rows: pd.DataFrame) -> plt.Figure:
    """Every claim (a frame with the claims table's columns) as a cell coloured by verdict."""
    where = layout(rows)
    fig = plt.figure(figsize=(WIDTH, where.height))
    ax = fig.add_axes((0, 0, 1, 1), xlim=(0, WIDTH), ylim=(where.height, 0))
    ax.set_axis_off()
    for y, text in where.papers:
        ax.text(MARGIN, y + PAPER_ROW / 2, text, fontsize=PAPER_SIZE, fontweight="bold", va="center")
        ax.axhline(y + PAPER_ROW - 0.04, color="#444444", lw=0.6)
    for y, text in where.titles:
        ax.text(MARGIN, y + 0.02, text, fontsize=TITLE_SIZE, va="top", linespacing=1.15)
    for x, y, r in where.cells:
        _draw_cell(ax, x, y, r)
    _legend(fig, rows)
    marks = f"{MARKS['set-up check']} set-up check (holds by construction)    {MARKS['derived']} derived from " \
            f"another claim (not independent evidence)"
    ax.text(WIDTH / 2, LEGEND - 0.08, marks, ha="center", va="bottom", fontsize=6.5)
    return fig


def plot_ladder(rows: pd.DataFrame) -> plt.Figure:
    """The scale ladder: one panel per claim, our value (with its interval where the measure has
    one) against the training-set size, each point coloured by the verdict at that size."""
    claims = list(dict.fromkeys(rows["id"]))
    fig, axes = plt.subplots(1, len(claims), figsize=(2.0 * len(claims), 2.3), squeeze=False)
    for ax, claim_id in zip(axes[0], claims):
        c = rows[rows["id"] == claim_id].sort_values("n_train")
        ax.set_xscale("log")
        ax.set_xlim(c["n_train"].min() / 1.5, c["n_train"].max() * 1.5)
        ax.set_xticks(c["n_train"], [f"{n:,}" for n in c["n_train"]])
        ax.xaxis.set_minor_formatter(NullFormatter())
        c = c[c["value"].notna()]
        if c.empty:
            ax.text(0.5, 0.5, "not measured\n(table: why)", transform=ax.transAxes, ha="center", fontsize=6.5)
        ax.plot(c["n_train"], c["value"], color="#888888", lw=0.8, zorder=1)
        below, above = (c["value"] - c["low"]).clip(lower=0), (c["high"] - c["value"]).clip(lower=0)
        ax.errorbar(c["n_train"], c["value"], yerr=[below.fillna(0), above.fillna(0)], fmt="none",
                    ecolor="#888888", lw=0.8, zorder=1)
        ax.scatter(c["n_train"], c["value"], c=[VERDICT_COLORS[v] for v in c["verdict"]], s=28,
                   edgecolors="black", linewidths=0.4, zorder=2)
        ax.set_xlabel("training points")
        ax.set_title("\n".join(textwrap.wrap(claim_id.removeprefix("AR-"), 18)), fontsize=7)
        ax.tick_params(labelsize=6)
    shown = [v for v in VERDICT_COLORS if v in set(rows["verdict"])]
    fig.legend(handles=[Patch(color=VERDICT_COLORS[v], label=VERDICT_LABELS[v]) for v in shown],
               loc="lower center", ncol=len(shown), fontsize=6.5, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
