"""Registry of every figure and table the paper shows, for both papers and beyond them.

One entry per figure or table: which paper it reproduces, the rule that makes it, the file
it lands in, a short title and the section of ``paper/sections/`` that shows it. Figures
follow one name pattern, ``figures/<paper>_<figure>_<slug>.pdf`` (and ``.png``), e.g.
``figures/lt_fig12_splitting.pdf``; generated tables live in ``paper/generated/``.
The workflow reads it for the captions and categories of ``snakemake --report``
(workflow/rules/common.smk); tests/test_figures_registry.py holds the rules, the README's
figure table and the paper's captions to it. This module knows both papers, so it
sits above them; it imports neither.
"""
from __future__ import annotations

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
class Figure:
    """One figure or table: ``output`` is its path without suffix (``.pdf``/``.png``, or ``.tex``)."""

    id: str
    paper: str
    rule: str
    output: str
    section: str
    title: str

    @property
    def is_table(self) -> bool:
        return self.output.startswith(TABLE_DIR)


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
        name = f.output.removeprefix(TABLE_DIR if f.is_table else FIGURE_DIR)
        if "/" in name or not (f.is_table or name.startswith(f"{f.id}_")):
            raise ValueError(f"figure {f.id!r}: output {f.output!r} must be {FIGURE_DIR}{f.id}_<slug> or a table "
                             f"in {TABLE_DIR}")
        out[f.id] = f
    return out


FIGURES: dict[str, Figure] = _registry(
    # [LT] Liu & Tegmark, section "scaling"
    Figure("lt_fig1c", "LT", "fig_scaling_law", "figures/lt_fig1c_scaling_x2", "scaling",
           "scaling law: median test loss against width"),
    Figure("lt_fig3", "LT", "fig_loss_histograms", "figures/lt_fig3_histograms_x2", "scaling",
           "log-loss histograms per width"),
    Figure("lt_table_exponents", "LT", "scaling_tex", "paper/generated/scaling_table", "scaling",
           "fitted scaling exponents"),
    # [LT] Liu & Tegmark, section "tickets"
    Figure("lt_fig2a", "LT", "fig_symmetry", "figures/lt_fig2a_symmetry", "tickets",
           "mirror-symmetric neurons of a wide net"),
    Figure("lt_fig2b", "LT", "fig_width2_histogram", "figures/lt_fig2b_width2_histogram", "tickets",
           "width-2 log-loss histogram and its peaks"),
    Figure("lt_fig4", "LT", "fig_ensembling", "figures/lt_fig4_ensembling", "tickets",
           "ensembling against coordination"),
    Figure("lt_fig5", "LT", "fig_target_histograms", "figures/lt_fig5_target_histograms", "tickets",
           "log-loss histograms of the other unary targets"),
    Figure("lt_fig6", "LT", "fig_target_histograms", "figures/lt_fig6_target_histograms", "tickets",
           "log-loss histograms of multiplication"),
    Figure("lt_fig7", "LT", "fig_target_scaling", "figures/lt_fig7_target_scaling", "tickets",
           "scaling of the other unary targets"),
    Figure("lt_fig8", "LT", "fig_target_scaling", "figures/lt_fig8_target_scaling", "tickets",
           "scaling of multiplication"),
    Figure("lt_fig9", "LT", "fig_algorithms_pca", "figures/lt_fig9_algorithms_pca", "tickets",
           "width-2 nets on two principal components, clustered"),
    Figure("lt_fig10", "LT", "fig_algorithms_neurons", "figures/lt_fig10_cluster_neurons", "tickets",
           "each cluster's neurons against x"),
    Figure("lt_fig11", "LT", "fig_algorithms_neurons", "figures/lt_fig11_cluster_neurons", "tickets",
           "each cluster's neurons on the activation curve"),
    Figure("lt_fig12", "LT", "fig_splitting", "figures/lt_fig12_splitting", "tickets",
           "splitting nets into lottery tickets"),
    Figure("lt_fig13", "LT", "fig_distill", "figures/lt_fig13_distill", "tickets",
           "distilled against trained width-2 nets"),
    Figure("lt_table_clusters", "LT", "tickets_tex", "paper/generated/tickets_clusters", "tickets",
           "width-2 clusters and their representatives"),
    Figure("lt_table_target_fits", "LT", "tickets_tex", "paper/generated/tickets_target_fits", "tickets",
           "exponents of the other targets"),
    # [AR] Arora et al.
    Figure("ar_fig1", "AR", "imp_fig1", "figures/ar_fig1_double_descent", "imp",
           "dense and sparse double descent on real data"),
    Figure("ar_fig2", "AR", "imp_fig2", "figures/ar_fig2_mixture_double_descent", "imp",
           "dense and sparse double descent on the linear and XOR mixtures"),
    Figure("ar_fig3a", "AR", "imp_fig3a", "figures/ar_fig3a_effective_linear_xor", "imp",
           "effective parameters against nu, linear vs XOR"),
    Figure("ar_fig3b", "AR", "imp_fig3b", "figures/ar_fig3b_effective_vs_classes", "imp",
           "effective parameters against classes kept"),
    Figure("ar_fig4", "AR", "imp_fig4", "figures/ar_fig4_effective_by_arch", "imp",
           "effective parameters across architectures"),
    Figure("ar_fig5", "AR", "imp_fig5", "figures/ar_fig5_posteriors", "imp",
           "mixture posteriors, reliability and posterior gaps"),
    Figure("ar_fig6", "AR", "imp_fig6", "figures/ar_fig6_classwise_reliability", "imp",
           "class-wise reliability and confidence histograms"),
    Figure("ar_fig7", "AR", "imp_fig7", "figures/ar_fig7_ece_along_imp", "imp",
           "test error and ECE along one IMP trajectory"),
    Figure("ar_figs1", "AR", "imp_figs1", "figures/ar_figs1_effective_vs_nu", "imp",
           "distribution of effective parameters per nu"),
    Figure("ar_figs2", "AR", "imp_figs2", "figures/ar_figs2_fcn_resnet_double_descent", "imp",
           "two-layer FCN and ResNet-6 double descent"),
    Figure("ar_figs3", "AR", "imp_figs3", "figures/ar_figs3_fcn3_effective", "imp",
           "three-layer FCN effective parameters on Fashion-MNIST"),
    Figure("ar_figs4", "AR", "imp_figs4", "figures/ar_figs4_noisy_reliability", "imp",
           "top-label reliability against noisy test labels"),
    Figure("ar_table1", "AR", "imp_tex", "paper/generated/imp_table", "imp",
           "full against best pruned models"),
    Figure("ar_tables1", "AR", "imp_table_s1", "paper/generated/imp_table_s1", "imp",
           "architectures of the real-data runs"),
    # beyond both papers
    Figure("beyond_scaling", "beyond", "fig_beyond_scaling_forms", "figures/beyond_scaling_forms", "beyond",
           "scaling-law forms M1-M4 judged on held-out widths"),
    Figure("beyond_bias", "beyond", "fig_beyond_bias_variance", "figures/beyond_bias_variance", "beyond",
           "bias and variance across seeds; averages of k nets"),
    Figure("beyond_imp", "beyond", "fig_beyond_imp_tickets", "figures/beyond_imp_tickets", "beyond",
           "IMP on x^2 nets against their independent tickets"),
    # Claims of both papers and the causes of the disagreements, each tested by a run
    Figure("claims_map", "beyond", "fig_claims_map", "figures/claims_map_verdicts", "claims",
           "verdict map: every claim by paper and section, coloured by verdict"),
    Figure("claims_table", "beyond", "claims", "paper/generated/claims_table", "claims",
           "every claim of both papers with its computed verdict"),
    Figure("lt_table_probes", "LT", "probes_tex", "paper/generated/probes_table", "disagreements",
           "causes of the scaling-law disagreements, each retrained and refitted"),
    Figure("beyond_table_forms", "beyond", "beyond_tex", "paper/generated/beyond_forms_table", "beyond",
           "extrapolation errors of the scaling-law forms"),
)
