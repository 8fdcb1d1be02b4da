# [LT] lottery tickets beyond the scaling law: width-2 algorithms (Figs 2b, 2c, 9-11),
# ensembling vs coordination (Fig 4), a wide net's mirror symmetry (Fig 2a), ticket
# splitting (Fig 12), distillation (Fig 13), other targets (Figs 5-8), the LLM remark.
# The x^2 analyses read the scaling grids; other targets and wide nets train their own.
# Figures are named figures/lt_<figure>_<slug>.pdf (registry: lottery.figures).
from lottery.liu_tegmark.target_scale import target_grid

TK = config["tickets"]
TK_ACT = TK["activation"]
TK_FAMILIES = {"targets": TK["targets"], "multiplication": TK["multiplication"], "wide": TK["wide"]}
TK_GRID_KEYS = {k: SC[k] for k in ("init_seed", "dtype", "negative_slope")}
# Each target's settings: the family's, or its paper_scale's for the targets a bundle part
# trains at the papers' scale (lottery.liu_tegmark.target_scale).
TK_GRID_SETTINGS = {
    (family, target): settings(TK_GRID_KEYS, **target_grid(section, target), data_seed=SC["data"]["seed"])
    for family, section in TK_FAMILIES.items()
    for target in section.get("targets", ["x2"])
}
SC_GRID_SETTINGS = settings(TK_GRID_KEYS, seeds=SC["seeds"], train=SC["train"], data_seed=SC["data"]["seed"])


# A family's grid is the scaling grid itself where it holds the same nets (same target,
# activation, width and settings): the x^2 family at the papers' scale is never trained twice.
TK_SCALING_TWINS = {
    key for key, value in TK_GRID_SETTINGS.items() if key[1] in SC["targets"] and value == SC_GRID_SETTINGS
}
TK_FAMILY_GRIDS = {
    family: [
        f"results/grids/{target}/{activation}/N{width}.h5"
        if (family, target) in TK_SCALING_TWINS and activation in SC["activations"] and width in SC["widths"]
        else f"results/tickets/grids/{family}/{target}/{activation}/N{width}.h5"
        for target in TK[family]["targets"]
        for activation in TK[family]["activations"]
        for width in TK[family]["widths"]
    ]
    for family in ("targets", "multiplication")
}
TK_WIDE = f"results/tickets/grids/wide/x2/{TK_ACT}/N{{width}}.h5"
TK_GRID = f"results/grids/x2/{TK_ACT}/N{{width}}.h5"
TK_SPLIT_GRIDS = [
    (TK_GRID if n in SC["widths"] else TK_WIDE).format(width=n) for n in TK["splitting"]["widths"]
]
# Rules that draw two of the paper's figures take the figure id as their wildcard.
TK_FAMILY_OF_FIGURE = {"fig5": "targets", "fig6": "multiplication", "fig7": "targets", "fig8": "multiplication"}
TK_NEURON_KIND_OF_FIGURE = {"fig10": "x", "fig11": "pre"}
TK_ANALYSIS = dict(
    activation=TK_ACT, negative_slope=SC["negative_slope"], x_min=SC["data"]["x_min"], x_max=SC["data"]["x_max"]
)


use rule train_grid as train_ticket_grid with:
    output:
        "results/tickets/grids/{family}/{target}/{activation}/N{width}.h5",
    log:
        "logs/tickets/grids/{family}/{target}/{activation}/N{width}.log",
    benchmark:
        "benchmarks/tickets/{family}/{target}/{activation}/N{width}.tsv"
    resources:
        lottery_runtime=lambda wc: runtime(target_grid(TK_FAMILIES[wc.family], wc.target)["train"]),
    wildcard_constraints:
        family="targets|multiplication|wide",
        width=r"\d+",
    params:
        settings=lambda wc: TK_GRID_SETTINGS[wc.family, wc.target],
        checkpoint="results/checkpoints/tickets/{family}/{target}/{activation}/N{width}.pt",


rule tickets_target_fit:
    """Median loss per width and fitted exponents of the other targets' grids (Figs 5-8)."""
    input:
        grids=lambda wc: TK_FAMILY_GRIDS[wc.family],
        code=code("scaling-fit"),
    output:
        summary="results/tickets/{family}/summary.h5",
        medians="results/tickets/{family}/medians.csv",
        fits="results/tickets/{family}/fits.csv",
    conda:
        ENV
    log:
        "logs/tickets/{family}_fit.log",
    wildcard_constraints:
        family="targets|multiplication",
    params:
        settings=lambda wc: settings(
            {k: SC["analysis"][k] for k in ("bootstrap", "confidence")},
            fit_ranges={wc.family: TK[wc.family]["fit_range"]},
        ),
    shell:
        "python -m lottery scaling-fit --grids {input.grids:q} --settings {params.settings:q} "
        "--summary {output.summary:q} --medians {output.medians:q} --fits {output.fits:q} 2> {log:q}"


rule fig_target_histograms:
    """[LT] Figs 5 (unary targets) and 6 (multiplication): log-loss histograms."""
    input:
        summary=lambda wc: f"results/tickets/{TK_FAMILY_OF_FIGURE[wc.figure]}/summary.h5",
        code=code("fig-target-histograms"),
    output:
        pdf="figures/lt_{figure}_target_histograms.pdf",
        png=figure_png("figures/lt_{figure}_target_histograms.png", "fig_target_histograms"),
    conda:
        ENV
    log:
        "logs/figures/lt_{figure}_target_histograms.log",
    wildcard_constraints:
        figure="fig5|fig6",
    shell:
        "python -m lottery fig-target-histograms --summary {input.summary:q} --out {output.pdf:q} 2> {log:q}"


rule fig_target_scaling:
    """[LT] Figs 7 (unary targets) and 8 (multiplication): median loss vs width, N^-1 lines."""
    input:
        medians=lambda wc: f"results/tickets/{TK_FAMILY_OF_FIGURE[wc.figure]}/medians.csv",
        fits=lambda wc: f"results/tickets/{TK_FAMILY_OF_FIGURE[wc.figure]}/fits.csv",
        code=code("fig-target-scaling"),
    output:
        pdf="figures/lt_{figure}_target_scaling.pdf",
        png=figure_png("figures/lt_{figure}_target_scaling.png", "fig_target_scaling"),
    conda:
        ENV
    log:
        "logs/figures/lt_{figure}_target_scaling.log",
    wildcard_constraints:
        figure="fig7|fig8",
    shell:
        "python -m lottery fig-target-scaling --medians {input.medians:q} --fits {input.fits:q} --out {output.pdf:q} "
        "2> {log:q}"


rule tickets_algorithms:
    """Width-2 nets: log-loss peaks, canonical parameters, PCA, clusters, SiLU expansion."""
    input:
        grid=TK_GRID.format(width=2),
        code=code("tickets-algorithms"),
    output:
        "results/tickets/algorithms.h5",
    conda:
        ENV
    log:
        "logs/tickets/algorithms.log",
    params:
        settings=settings(TK["algorithms"]),
    shell:
        "python -m lottery tickets-algorithms --grid {input.grid:q} --settings {params.settings:q} --out {output:q} "
        "2> {log:q}"


rule tickets_ensembling:
    """Width-N losses vs half-harmonic ensembles of width-N/2 pairs, with distances."""
    input:
        grids=sorted({TK_GRID.format(width=m) for n in TK["ensembling"]["widths"] for m in (n, n // 2)}),
        code=code("tickets-ensembling"),
    output:
        "results/tickets/ensembling.h5",
    conda:
        ENV
    log:
        "logs/tickets/ensembling.log",
    params:
        settings=settings(TK["ensembling"]),
    shell:
        "python -m lottery tickets-ensembling --grids {input.grids:q} --settings {params.settings:q} --out {output:q} "
        "2> {log:q}"


rule tickets_symmetry:
    """The widest wide net's first layer and its mirror-symmetry measure."""
    input:
        grid=TK_WIDE.format(width=max(TK["wide"]["widths"])),
        code=code("tickets-symmetry"),
    output:
        "results/tickets/symmetry.h5",
    conda:
        ENV
    log:
        "logs/tickets/symmetry.log",
    params:
        settings=settings(shuffles=TK["wide"]["shuffles"]),
    shell:
        "python -m lottery tickets-symmetry --grid {input.grid:q} --settings {params.settings:q} --out {output:q} "
        "2> {log:q}"


rule tickets_splitting:
    """Every net of the splitting widths paired into mirror tickets; R^2, C_ij, effective count."""
    input:
        grids=TK_SPLIT_GRIDS,
        code=code("tickets-splitting"),
    output:
        "results/tickets/splitting.h5",
    conda:
        ENV
    log:
        "logs/tickets/splitting.log",
    params:
        settings=settings(TK["splitting"], TK_ANALYSIS, target="x2"),
    shell:
        "python -m lottery tickets-splitting --grids {input.grids:q} --settings {params.settings:q} --out {output:q} "
        "2> {log:q}"


rule tickets_distill:
    """Best ticket of each wide net copied into a width-2 net, output layer by least squares."""
    input:
        wide=TK_GRID.format(width=TK["distill"]["width"]),
        narrow=TK_GRID.format(width=2),
        data="results/data/x2.npz",
        code=code("tickets-distill"),
    output:
        "results/tickets/distill.h5",
    conda:
        ENV
    log:
        "logs/tickets/distill.log",
    params:
        settings=settings(TK_ANALYSIS, {k: TK["splitting"][k] for k in ("pairing", "r2")}),
    shell:
        "python -m lottery tickets-distill --wide {input.wide:q} --narrow {input.narrow:q} --data {input.data:q} "
        "--settings {params.settings:q} --out {output:q} 2> {log:q}"


rule fig_width2_histogram:
    """[LT] Fig 2b: width-2 log-loss histogram with its peaks."""
    input:
        results=rules.tickets_algorithms.output,
        code=code("fig-width2-histogram"),
    output:
        pdf="figures/lt_fig2b_width2_histogram.pdf",
        png=figure_png("figures/lt_fig2b_width2_histogram.png", "fig_width2_histogram"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig2b_width2_histogram.log",
    shell:
        "python -m lottery fig-width2-histogram --algorithms {input.results:q} --out {output.pdf:q} 2> {log:q}"


rule fig_algorithms_pca:
    """[LT] Fig 9: width-2 nets on two principal components, clusters labelled by loss."""
    input:
        results=rules.tickets_algorithms.output,
        code=code("fig-algorithms-pca"),
    output:
        pdf="figures/lt_fig9_algorithms_pca.pdf",
        png=figure_png("figures/lt_fig9_algorithms_pca.png", "fig_algorithms_pca"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig9_algorithms_pca.log",
    shell:
        "python -m lottery fig-algorithms-pca --algorithms {input.results:q} --out {output.pdf:q} 2> {log:q}"


rule fig_algorithms_neurons:
    """[LT] Figs 10 (post-activations vs x) and 11 (on the activation curve): each cluster's neurons."""
    input:
        results=rules.tickets_algorithms.output,
        code=code("fig-algorithms-neurons"),
    output:
        pdf="figures/lt_{figure}_cluster_neurons.pdf",
        png=figure_png("figures/lt_{figure}_cluster_neurons.png", "fig_algorithms_neurons"),
    conda:
        ENV
    log:
        "logs/figures/lt_{figure}_cluster_neurons.log",
    wildcard_constraints:
        figure="fig10|fig11",
    params:
        kind=lambda wc: TK_NEURON_KIND_OF_FIGURE[wc.figure],
        settings=settings(TK_ANALYSIS),
    shell:
        "python -m lottery fig-algorithms-neurons --algorithms {input.results:q} --kind {params.kind} "
        "--settings {params.settings:q} --out {output.pdf:q} 2> {log:q}"


rule fig_ensembling:
    """[LT] Fig 4: ensembling vs coordination."""
    input:
        results=rules.tickets_ensembling.output,
        code=code("fig-ensembling"),
    output:
        pdf="figures/lt_fig4_ensembling.pdf",
        png=figure_png("figures/lt_fig4_ensembling.png", "fig_ensembling"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig4_ensembling.log",
    shell:
        "python -m lottery fig-ensembling --ensembling {input.results:q} --out {output.pdf:q} 2> {log:q}"


rule fig_symmetry:
    """[LT] Fig 2a: first-layer (w, b) of the wide net and its mirror image."""
    input:
        results=rules.tickets_symmetry.output,
        code=code("fig-symmetry"),
    output:
        pdf="figures/lt_fig2a_symmetry.pdf",
        png=figure_png("figures/lt_fig2a_symmetry.png", "fig_symmetry"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig2a_symmetry.log",
    shell:
        "python -m lottery fig-symmetry --symmetry {input.results:q} --out {output.pdf:q} 2> {log:q}"


rule fig_splitting:
    """[LT] Fig 12: splitting nets into lottery tickets."""
    input:
        results=rules.tickets_splitting.output,
        code=code("fig-splitting"),
    output:
        pdf="figures/lt_fig12_splitting.pdf",
        png=figure_png("figures/lt_fig12_splitting.png", "fig_splitting"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig12_splitting.log",
    shell:
        "python -m lottery fig-splitting --splitting {input.results:q} --out {output.pdf:q} 2> {log:q}"


rule fig_distill:
    """[LT] Fig 13: distilled vs trained width-2 nets."""
    input:
        results=rules.tickets_distill.output,
        code=code("fig-distill"),
    output:
        pdf="figures/lt_fig13_distill.pdf",
        png=figure_png("figures/lt_fig13_distill.png", "fig_distill"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig13_distill.log",
    shell:
        "python -m lottery fig-distill --distill {input.results:q} --out {output.pdf:q} 2> {log:q}"


rule tickets_tex:
    """Every number of the ticket sections, the cluster table and the other-targets exponents."""
    input:
        algorithms=rules.tickets_algorithms.output,
        ensembling=rules.tickets_ensembling.output,
        symmetry=rules.tickets_symmetry.output,
        splitting=rules.tickets_splitting.output,
        distill=rules.tickets_distill.output,
        target_fits="results/tickets/targets/fits.csv",
        mult_fits="results/tickets/multiplication/fits.csv",
        scaling_fits=rules.scaling_fit.output.fits,
        code=code("tickets-tex"),
    output:
        macros="paper/generated/tickets_macros.tex",
        clusters="paper/generated/tickets_clusters.tex",
        fits_table="paper/generated/tickets_target_fits.tex",
    conda:
        ENV
    log:
        "logs/paper/tickets_tex.log",
    params:
        settings=settings(TK),
    shell:
        "python -m lottery tickets-tex --algorithms {input.algorithms:q} --ensembling {input.ensembling:q} "
        "--symmetry {input.symmetry:q} --splitting {input.splitting:q} --distill {input.distill:q} "
        "--target-fits {input.target_fits:q} --mult-fits {input.mult_fits:q} --scaling-fits {input.scaling_fits:q} "
        "--settings {params.settings:q} --macros {output.macros:q} --clusters {output.clusters:q} "
        "--fits-table {output.fits_table:q} 2> {log:q}"


PAPER_INPUTS += [
    *rules.tickets_tex.output,
    *expand("figures/lt_{figure}_target_histograms.pdf", figure=["fig5", "fig6"]),
    *expand("figures/lt_{figure}_target_scaling.pdf", figure=["fig7", "fig8"]),
    *expand("figures/lt_{figure}_cluster_neurons.pdf", figure=["fig10", "fig11"]),
    rules.fig_width2_histogram.output.pdf,
    rules.fig_algorithms_pca.output.pdf,
    rules.fig_ensembling.output.pdf,
    rules.fig_symmetry.output.pdf,
    rules.fig_splitting.output.pdf,
    rules.fig_distill.output.pdf,
]
