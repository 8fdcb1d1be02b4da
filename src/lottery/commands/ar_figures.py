"""[AR] figure commands, one per figure (rules ``imp_fig1`` ... ``imp_figs4``): each reads the
stored IMP summary or calibration data, calls that figure's one plotting function in
:mod:`lottery.arora.plots` and writes ``OUT.pdf`` and ``OUT.png``."""
from __future__ import annotations

import argparse

from lottery.commands import REQ, command, settings_of

SUMMARY = (("--summary", REQ), ("--settings", REQ), ("--out", REQ))
CALIBRATION = (("--calibration", REQ), ("--out", REQ))


def _summary(args: argparse.Namespace, key: str):
    """One frame of the IMP summary (``rounds`` or ``best``) and the row selection."""
    from lottery.arora.selection import Selection
    from lottery.core.storage import read_frame

    return read_frame(args.summary, key), Selection.from_settings(settings_of(args))


def _calibration(args: argparse.Namespace, *keys: str) -> list:
    from lottery.core.storage import read_frame

    return [read_frame(args.calibration, key) for key in keys]


def _save(fig, args: argparse.Namespace) -> None:
    from lottery.core.style import save_figure

    save_figure(fig, args.out)


@command("imp-fig1", *SUMMARY)
def imp_fig1(args: argparse.Namespace) -> None:
    """[AR] Fig 1: dense and sparse double descent on real data."""
    from lottery.arora.plots import plot_fig1

    _save(plot_fig1(*_summary(args, "rounds")), args)


@command("imp-fig2", *SUMMARY)
def imp_fig2(args: argparse.Namespace) -> None:
    """[AR] Fig 2: dense and sparse double descent on the linear and XOR mixtures."""
    from lottery.arora.plots import plot_fig2

    _save(plot_fig2(*_summary(args, "rounds")), args)


@command("imp-fig3a", *SUMMARY)
def imp_fig3a(args: argparse.Namespace) -> None:
    """[AR] Fig 3a: effective parameters against nu, linear vs XOR."""
    from lottery.arora.plots import plot_fig3a

    _save(plot_fig3a(*_summary(args, "best")), args)


@command("imp-fig3b", *SUMMARY)
def imp_fig3b(args: argparse.Namespace) -> None:
    """[AR] Fig 3b: effective parameters against the number of classes kept."""
    from lottery.arora.plots import plot_fig3b

    _save(plot_fig3b(*_summary(args, "best")), args)


@command("imp-fig4", *SUMMARY)
def imp_fig4(args: argparse.Namespace) -> None:
    """[AR] Fig 4: effective parameters across architectures."""
    from lottery.arora.plots import plot_fig4

    _save(plot_fig4(*_summary(args, "best")), args)


@command("imp-fig5", *CALIBRATION)
def imp_fig5(args: argparse.Namespace) -> None:
    """[AR] Fig 5: mixture posteriors, reliability and posterior gaps, full vs best pruned."""
    from lottery.arora.plots import plot_fig5

    _save(plot_fig5(*_calibration(args, "line", "reliab5", "cloud")), args)


@command("imp-fig6", *CALIBRATION)
def imp_fig6(args: argparse.Namespace) -> None:
    """[AR] Fig 6: class-wise reliability and confidence histograms on real data."""
    from lottery.arora.plots import plot_fig6

    _save(plot_fig6(*_calibration(args, "classwise", "confidence")), args)


@command("imp-fig7", *SUMMARY)
def imp_fig7(args: argparse.Namespace) -> None:
    """[AR] Fig 7: test error and ECE along one IMP trajectory, clean and noisy test labels."""
    from lottery.arora.plots import plot_fig7

    _save(plot_fig7(*_summary(args, "rounds")), args)


@command("imp-figs1", *SUMMARY)
def imp_figs1(args: argparse.Namespace) -> None:
    """[AR] Fig S1: distribution of effective parameters per nu."""
    from lottery.arora.plots import plot_figs1

    _save(plot_figs1(*_summary(args, "best")), args)


@command("imp-figs2", *SUMMARY)
def imp_figs2(args: argparse.Namespace) -> None:
    """[AR] Fig S2: dense and sparse double descent of the two-layer FCN and ResNet-6 on one image set."""
    from lottery.arora.plots import plot_figs2

    _save(plot_figs2(*_summary(args, "rounds")), args)


@command("imp-figs3", ("--summary", REQ), ("--out", REQ))
def imp_figs3(args: argparse.Namespace) -> None:
    """[AR] Fig S3: sparse double descent and effective parameters of the three-layer FCN (the
    summary of its own runs)."""
    from lottery.arora.plots import plot_figs3
    from lottery.core.storage import read_frame

    _save(plot_figs3(read_frame(args.summary, "rounds")), args)


@command("imp-figs4", *CALIBRATION)
def imp_figs4(args: argparse.Namespace) -> None:
    """[AR] Fig S4: top-label reliability against clean and noisy test labels."""
    from lottery.arora.plots import plot_figs4

    _save(plot_figs4(*_calibration(args, "s4")), args)
