"""Registry of every figure and table the paper shows, for both papers and beyond them.

One entry per figure or table: which paper it reproduces, the rule that makes it, the file
it lands in, a short title and the section of ``paper/sections/`` that shows it. Figures
follow one name pattern, ``figures/<paper>_<figure>_<slug>.pdf`` (and ``.png``), e.g.
``figures/lt_fig12_splitting.pdf``; generated tables live in ``paper/generated/``.

A figure's entry is also all its rule needs: the results files it reads and the frames it
takes from each (:class:`Source`), its plot function (``module:function``, called with those
frames in order and the keyword arguments of its settings and options) and the name of its
settings slice, which the workflow fills from the config (``FIGURE_SETTINGS`` in
workflow/rules/figures.smk). workflow/rules/figures.smk makes one rule per figure from it and
``python -m lottery figure ID`` draws it; a new figure is its plot function, its entry here and
its LaTeX include. Tables are made by their sections' rules. The README's figure table
is written from this registry (``python -m lottery figures-table``); the report's captions
too. This module knows both papers, so it sits above them; it imports neither.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PAPERS = ("LT", "AR", "beyond")  # Liu & Tegmark, Arora et al., analyses across or beyond the papers
FIGURE_DIR, TABLE_DIR = "figures/", "paper/generated/"
# The paper's sections (paper/sections/<name>.tex), also the categories of `snakemake --report`.
SECTION_TITLES = {
    "scaling": "[LT] The scaling law",
    "tickets": "[LT] Lottery tickets",
    "imp": "[AR] IMP under label noise",
    "beyond": "Beyond the two papers",
    "claims": "Claims and verdicts",
    "disagreements": "Disagreements run down",
}


@dataclass(frozen=True)
class Source:
    """One results file a figure reads (relative to ``results/``; ``{name}`` stands for a config
    value, ``FIGURE_PATH_KEYS`` in workflow/rules/figures.smk) and the frames its plot takes
    from it, in order: HDF5 keys, or none for a CSV (read whole; ``keep_na=False`` keeps empty
    cells as empty strings, for text tables)."""

    path: str
    frames: tuple[str, ...] = ()
    keep_na: bool = True


@dataclass(frozen=True)
class Figure:
    """One figure or table: ``output`` is its path without suffix (``.pdf``/``.png``, or ``.tex``).

    A figure (not a table) also says how it is drawn: ``plot(*frames of sources, **settings,
    **options)``, where ``settings`` names a config slice the workflow provides and ``options``
    are fixed keyword arguments (one plot function may draw two figures)."""

    id: str
    paper: str
    rule: str
    output: str
    section: str
    title: str
    plot: str = ""
    sources: tuple[Source, ...] = ()
    settings: str = ""
    options: tuple[tuple[str, object], ...] = ()

    @property
    def is_table(self) -> bool:
        return self.output.startswith(TABLE_DIR)

    @property
    def plot_module(self) -> str:
        return self.plot.split(":")[0]

    @property
    def label(self) -> str:
        """How the README names it: "[LT] Fig 1c", "[AR] Fig S2", or "Beyond"/"Claims" for our own."""
        number = re.fullmatch(r"(lt|ar)_fig(s?)(\w+)", self.id)
        if not number:
            return "Claims" if self.section == "claims" else "Beyond"
        return f"[{self.paper}] Fig {'S' if number.group(2) else ''}{number.group(3)}"


def _registry(*entries: Figure) -> dict[str, Figure]:
    """Entries by id, refusing duplicates and names that break the output pattern."""
    out: dict[str, Figure] = {}
    for f in entries:
        if f.id in out:
            raise ValueError(f"figure id {f.id!r} registered twice")
        if f.section not in SECTION_TITLES:
            raise ValueError(f"figure {f.id!r}: section {f.section!r} is not one of {tuple(SECTION_TITLES)}")
        if f.paper not in PAPERS:
            raise ValueError(f"figure {f.id!r}: paper {f.paper!r} is not one of {PAPERS}")
        if f.is_table == bool(f.plot) or f.is_table == bool(f.sources):
            raise ValueError(f"figure {f.id!r}: a figure names its plot function and sources, a table neither")
        name = f.output.removeprefix(TABLE_DIR if f.is_table else FIGURE_DIR)
        if "/" in name or not (f.is_table or name.startswith(f"{f.id}_")):
            raise ValueError(f"figure {f.id!r}: output {f.output!r} must be {FIGURE_DIR}{f.id}_<slug> or a table "
                             f"in {TABLE_DIR}")
        out[f.id] = f
    return out


LT_PLOTS, AR_PLOTS, BEYOND_PLOTS = "lottery.liu_tegmark.plots", "lottery.arora.plots.imp", "lottery.beyond.plots"
IMP_SUMMARY, IMP_CALIBRATION = "imp/summary.h5", "imp/calibration.h5"
ALGORITHMS = "tickets/algorithms.h5"


def _imp_figure(id: str, slug: str, key: str, title: str, plot: str, source: str = IMP_SUMMARY,
                settings: str = "imp_selection") -> Figure:
    """An [AR] figure: rule ``imp_<fig>``, drawn from frame ``key`` of the IMP summary and the row selection."""
    fig = id.removeprefix("ar_")
    return Figure(id, "AR", f"imp_{fig}", f"figures/{id}_{slug}", "imp", title, f"{AR_PLOTS}:{plot}",
                  (Source(source, (key,)),), settings)


def _calibration_figure(id: str, slug: str, keys: tuple[str, ...], title: str, plot: str) -> Figure:
    """An [AR] calibration figure, drawn from frames of the calibration data."""
    return Figure(id, "AR", f"imp_{id.removeprefix('ar_')}", f"figures/{id}_{slug}", "imp", title,
                  f"{AR_PLOTS}:{plot}", (Source(IMP_CALIBRATION, keys),))


FIGURES: dict[str, Figure] = _registry(
    # [LT] Liu & Tegmark, section "scaling"
    Figure("lt_fig1c", "LT", "fig_scaling_law", "figures/lt_fig1c_scaling_x2", "scaling",
           "scaling law: median test loss against width", f"{LT_PLOTS}.scaling:plot_scaling_law",
           (Source("scaling/medians.csv"), Source("scaling/fits.csv")), "scaling_law"),
    Figure("lt_fig3", "LT", "fig_loss_histograms", "figures/lt_fig3_histograms_x2", "scaling",
           "log-loss histograms per width", f"{LT_PLOTS}.scaling:plot_loss_histograms",
           (Source("scaling/summary.h5", ("table",)),), "paper_target"),
    Figure("lt_table_exponents", "LT", "scaling_tex", "paper/generated/scaling_table", "scaling",
           "fitted scaling exponents"),
    # [LT] Liu & Tegmark, section "tickets"
    Figure("lt_fig2a", "LT", "fig_symmetry", "figures/lt_fig2a_symmetry", "tickets",
           "mirror-symmetric neurons of a wide net", f"{LT_PLOTS}.tickets:plot_symmetry",
           (Source("tickets/symmetry.h5", ("neurons", "stats")),)),
    Figure("lt_fig2b", "LT", "fig_width2_histogram", "figures/lt_fig2b_width2_histogram", "tickets",
           "width-2 log-loss histogram and its peaks", f"{LT_PLOTS}.clusters:plot_width2_histogram",
           (Source(ALGORITHMS, ("nets", "peaks")),)),
    Figure("lt_fig4", "LT", "fig_ensembling", "figures/lt_fig4_ensembling", "tickets",
           "ensembling against coordination", f"{LT_PLOTS}.tickets:plot_ensembling",
           (Source("tickets/ensembling.h5", ("table", "samples")),)),
    Figure("lt_fig5", "LT", "fig_target_histograms", "figures/lt_fig5_target_histograms", "tickets",
           "log-loss histograms of the other unary targets", f"{LT_PLOTS}.targets:plot_target_histograms",
           (Source("tickets/targets/summary.h5", ("table",)),)),
    Figure("lt_fig6", "LT", "fig_multiplication_histograms", "figures/lt_fig6_target_histograms", "tickets",
           "log-loss histograms of multiplication", f"{LT_PLOTS}.targets:plot_target_histograms",
           (Source("tickets/multiplication/summary.h5", ("table",)),)),
    Figure("lt_fig7", "LT", "fig_target_scaling", "figures/lt_fig7_target_scaling", "tickets",
           "scaling of the other unary targets", f"{LT_PLOTS}.targets:plot_target_scaling",
           (Source("tickets/targets/medians.csv"), Source("tickets/targets/fits.csv"))),
    Figure("lt_fig8", "LT", "fig_multiplication_scaling", "figures/lt_fig8_target_scaling", "tickets",
           "scaling of multiplication", f"{LT_PLOTS}.targets:plot_target_scaling",
           (Source("tickets/multiplication/medians.csv"), Source("tickets/multiplication/fits.csv"))),
    Figure("lt_fig9", "LT", "fig_algorithms_pca", "figures/lt_fig9_algorithms_pca", "tickets",
           "width-2 nets on two principal components, clustered", f"{LT_PLOTS}.clusters:plot_pca_clusters",
           (Source(ALGORITHMS, ("nets", "clusters")),)),
    Figure("beyond_cluster_curves", "beyond", "fig_cluster_curves", "figures/beyond_cluster_curves_training",
           "tickets", "training-loss curves of the width-2 clusters", f"{LT_PLOTS}.clusters:plot_cluster_curves",
           (Source("grids/x2/{tickets_activation}/N2.h5", ("curves",)), Source(ALGORITHMS, ("nets", "clusters")))),
    Figure("lt_fig10", "LT", "fig_algorithms_neurons", "figures/lt_fig10_cluster_neurons", "tickets",
           "each cluster's neurons against x", f"{LT_PLOTS}.clusters:plot_cluster_neurons",
           (Source(ALGORITHMS, ("clusters",)),), "tickets_analysis", (("kind", "x"),)),
    Figure("lt_fig11", "LT", "fig_algorithms_activation", "figures/lt_fig11_cluster_neurons", "tickets",
           "each cluster's neurons on the activation curve", f"{LT_PLOTS}.clusters:plot_cluster_neurons",
           (Source(ALGORITHMS, ("clusters",)),), "tickets_analysis", (("kind", "pre"),)),
    Figure("lt_fig12", "LT", "fig_splitting", "figures/lt_fig12_splitting", "tickets",
           "splitting nets into lottery tickets", f"{LT_PLOTS}.tickets:plot_splitting",
           (Source("tickets/splitting.h5", ("tickets", "corr", "curves", "neurons", "counts")),)),
    Figure("lt_fig13", "LT", "fig_distill", "figures/lt_fig13_distill", "tickets",
           "distilled against trained width-2 nets", f"{LT_PLOTS}.tickets:plot_distill",
           (Source("tickets/distill.h5", ("distilled", "ordinary")),)),
    Figure("lt_table_clusters", "LT", "tickets_tex", "paper/generated/tickets_clusters", "tickets",
           "width-2 clusters and their representatives"),
    Figure("lt_table_target_fits", "LT", "tickets_tex", "paper/generated/tickets_target_fits", "tickets",
           "exponents of the other targets"),
    # [AR] Arora et al.
    _imp_figure("ar_fig1", "double_descent", "rounds", "dense and sparse double descent on real data", "plot_fig1"),
    _imp_figure("ar_fig2", "mixture_double_descent", "rounds",
                "dense and sparse double descent on the linear and XOR mixtures", "plot_fig2"),
    _imp_figure("ar_fig3a", "effective_linear_xor", "best", "effective parameters against nu, linear vs XOR",
                "plot_fig3a"),
    _imp_figure("ar_fig3b", "effective_vs_classes", "best", "effective parameters against classes kept",
                "plot_fig3b"),
    _imp_figure("ar_fig4", "effective_by_arch", "best", "effective parameters across architectures", "plot_fig4"),
    _calibration_figure("ar_fig5", "posteriors", ("line", "reliab5", "cloud"),
                        "mixture posteriors, reliability and posterior gaps", "plot_fig5"),
    _calibration_figure("ar_fig6", "classwise_reliability", ("classwise", "confidence"),
                        "class-wise reliability and confidence histograms", "plot_fig6"),
    _imp_figure("ar_fig7", "ece_along_imp", "rounds", "test error and ECE along one IMP trajectory", "plot_fig7"),
    _imp_figure("ar_figs1", "effective_vs_nu", "best", "distribution of effective parameters per nu", "plot_figs1"),
    _imp_figure("ar_figs2", "fcn_resnet_double_descent", "rounds", "two-layer FCN and ResNet-6 double descent",
                "plot_figs2"),
    _imp_figure("ar_figs3", "fcn3_effective", "rounds", "three-layer FCN effective parameters on Fashion-MNIST",
                "plot_figs3", source="imp/figs3_summary.h5", settings=""),
    _calibration_figure("ar_figs4", "noisy_reliability", ("s4",), "top-label reliability against noisy test labels",
                        "plot_figs4"),
    Figure("ar_table1", "AR", "imp_tex", "paper/generated/imp_table", "imp",
           "full against best pruned models"),
    Figure("ar_tables1", "AR", "imp_table_s1", "paper/generated/imp_table_s1", "imp",
           "architectures of the real-data runs"),
    # beyond both papers
    Figure("beyond_scaling", "beyond", "fig_beyond_scaling_forms", "figures/beyond_scaling_forms", "beyond",
           "scaling-law forms M1-M4 judged on held-out widths", f"{BEYOND_PLOTS}:plot_scaling_forms",
           (Source("beyond/scaling_forms.h5", ("fits", "medians", "curves")),)),
    Figure("beyond_bias", "beyond", "fig_beyond_bias_variance", "figures/beyond_bias_variance", "beyond",
           "bias and variance across seeds; averages of k nets", f"{BEYOND_PLOTS}:plot_bias_variance",
           (Source("beyond/bias_variance.h5", ("decomposition", "ensembles")),)),
    Figure("beyond_imp", "beyond", "fig_beyond_imp_tickets", "figures/beyond_imp_tickets", "beyond",
           "IMP on x^2 nets against their independent tickets", f"{BEYOND_PLOTS}:plot_imp_tickets",
           (Source("beyond/imp_tickets.h5", ("rounds", "best", "pairs")),)),
    # Claims of both papers and the causes of the disagreements, each tested by a run
    Figure("ar_ladder", "beyond", "fig_ar_ladder", "figures/ar_ladder_scale", "imp",
           "scale ladder: the [AR] claims the training-set size decides, judged at three sizes",
           "lottery.claims.plots:plot_ladder", (Source("imp/ladder/verdicts.csv"),)),
    Figure("ar_table_ladder", "beyond", "claims_ladder", "paper/generated/imp_ladder_table", "imp",
           "scale ladder: our value and verdict of each claim at each training-set size"),
    Figure("claims_map", "beyond", "fig_claims_map", "figures/claims_map_verdicts", "claims",
           "verdict map: every claim by paper and section, coloured by verdict", "lottery.claims.plots:plot_verdict_map",
           (Source("claims/claims.csv", keep_na=False),)),
    Figure("claims_table", "beyond", "claims", "paper/generated/claims_table", "claims",
           "every claim of both papers with its computed verdict"),
    Figure("lt_table_probes", "LT", "probes_tex", "paper/generated/probes_table", "disagreements",
           "causes of the scaling-law disagreements, each retrained and refitted"),
    Figure("beyond_table_forms", "beyond", "beyond_tex", "paper/generated/beyond_forms_table", "beyond",
           "extrapolation errors of the scaling-law forms"),
)


def readme_table() -> str:
    """README.md's figure table: every figure, its file, its rule, what it reads and its plot function."""
    rows = ["| figure | file | rule | reads | code |", "|---|---|---|---|---|"]
    for f in FIGURES.values():
        if not f.is_table:
            reads = ", ".join(f"`results/{s.path}`" for s in f.sources)
            rows.append(f"| {f.label}: {f.title} | `{f.output}.pdf` | `{f.rule}` | {reads} | `{f.plot.replace(':', '.')}` |")
    return "\n".join(rows)
