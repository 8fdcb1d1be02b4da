"""Figure style and saving shared by both papers (PDF for the paper, PNG for the README).

Paper-specific colours live with their names (e.g. each [LT] activation's colour is in
:mod:`lottery.liu_tegmark.activations`)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 150, "font.size": 9, "axes.grid": True, "grid.alpha": 0.3})


def save_figure(fig: plt.Figure, pdf_path: str | Path) -> None:
    """Write ``name.pdf`` and ``name.png`` side by side, with no timestamps (reproducible bytes)."""
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(pdf_path, bbox_inches="tight", metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(pdf_path.with_suffix(".png"), bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def label_widths(ax: plt.Axes, widths) -> None:
    """Tick a log-scaled width axis at the widths themselves (log ticks overlap on short ranges)."""
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    ax.xaxis.set_major_locator(FixedLocator(sorted(set(int(w) for w in widths))))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
