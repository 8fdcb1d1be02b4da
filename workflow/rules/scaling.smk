# [LT] width x seed grids: data, training, scaling-law fit, Fig 1c, Fig 3, exponent table.
# Commands: lottery.commands.lt_train, lt_analyse, lt_figures, lt_report; figures are named
# figures/lt_<figure>_<slug>.pdf (registry: lottery.figures).
SC = config["scaling"]
PAPER_TARGET = "x2"
PAPER_FIT_RANGE = "wide"  # the width range whose exponents the text and Fig 1c's legend quote
SC_GRIDS = [f for t in SC["targets"] for f in grid_files(t, SC["activations"], SC["widths"])]


rule regression_data:
    input:
        code=code("data"),
    output:
        "results/data/{target}.npz",
    conda:
        ENV
    log:
        "logs/data/{target}.log",
    params:
        settings=settings(SC["data"]),
    shell:
        "python -m lottery data --target {wildcards.target} --settings {params.settings:q} --out {output:q} 2> {log:q}"


rule train_grid:
    """All seeds of one (target, activation, width) as one vectorised job."""
    input:
        data="results/data/{target}.npz",
        code=code("train-grid"),
    output:
        "results/grids/{target}/{activation}/N{width}.h5",
    conda:
        ENV
    log:
        "logs/grids/{target}/{activation}/N{width}.log",
    benchmark:
        "benchmarks/grids/{target}/{activation}/N{width}.tsv"
    threads: config["threads"]
    resources:
        lottery_runtime=runtime(SC["train"]),
    wildcard_constraints:
        width=r"\d+",
    params:
        settings=settings(
            {k: SC[k] for k in ("seeds", "init_seed", "dtype", "negative_slope")},
            train=SC["train"],
            data_seed=SC["data"]["seed"],
        ),
        # Not an output: it must survive a killed job so that the rerun resumes from it.
        checkpoint="results/checkpoints/grids/{target}/{activation}/N{width}.pt",
    shell:
        "python -m lottery train-grid --data {input.data:q} --target {wildcards.target} "
        "--activation {wildcards.activation} --width {wildcards.width} --settings {params.settings:q} "
        "--threads {threads} --runtime {resources.lottery_runtime:q} "
        "--checkpoint {params.checkpoint:q} --out {output:q} 2> {log:q}"


rule scaling_fit:
    """Median loss per width and the exponent with its bootstrap interval."""
    input:
        grids=SC_GRIDS,
        code=code("scaling-fit"),
    output:
        summary="results/scaling/summary.h5",
        medians="results/scaling/medians.csv",
        fits="results/scaling/fits.csv",
    conda:
        ENV
    log:
        "logs/scaling/fit.log",
    params:
        settings=settings(SC["analysis"]),
    shell:
        "python -m lottery scaling-fit --grids {input.grids:q} --settings {params.settings:q} "
        "--summary {output.summary:q} --medians {output.medians:q} --fits {output.fits:q} 2> {log:q}"


rule fig_scaling_law:
    """[LT] Fig 1c: median test loss vs width, with N^-1 and N^-4 lines."""
    input:
        medians=rules.scaling_fit.output.medians,
        fits=rules.scaling_fit.output.fits,
        code=code("fig-scaling-law"),
    output:
        pdf="figures/lt_fig1c_scaling_{target}.pdf",
        png=figure_png("figures/lt_fig1c_scaling_{target}.png", "fig_scaling_law"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig1c_scaling_{target}.log",
    params:
        settings=settings(
            reference_width=SC["analysis"]["reference_width"],
            fit_range=PAPER_FIT_RANGE,
        ),
    shell:
        "python -m lottery fig-scaling-law --medians {input.medians:q} --fits {input.fits:q} "
        "--target {wildcards.target} --settings {params.settings:q} --out {output.pdf:q} 2> {log:q}"


rule fig_loss_histograms:
    """[LT] Fig 3: histograms of log10 test loss per width."""
    input:
        summary=rules.scaling_fit.output.summary,
        code=code("fig-loss-histograms"),
    output:
        pdf="figures/lt_fig3_histograms_{target}.pdf",
        png=figure_png("figures/lt_fig3_histograms_{target}.png", "fig_loss_histograms"),
    conda:
        ENV
    log:
        "logs/figures/lt_fig3_histograms_{target}.log",
    shell:
        "python -m lottery fig-loss-histograms --summary {input.summary:q} --target {wildcards.target} "
        "--out {output.pdf:q} 2> {log:q}"


rule scaling_tex:
    """The exponent table and every number the scaling section quotes."""
    input:
        medians=rules.scaling_fit.output.medians,
        fits=rules.scaling_fit.output.fits,
        code=code("scaling-tex"),
    output:
        table="paper/generated/scaling_table.tex",
        macros="paper/generated/scaling_macros.tex",
    conda:
        ENV
    log:
        "logs/paper/scaling_tex.log",
    params:
        settings=settings(SC),
    shell:
        "python -m lottery scaling-tex --medians {input.medians:q} --fits {input.fits:q} "
        "--settings {params.settings:q} --table {output.table:q} --macros {output.macros:q} 2> {log:q}"


PAPER_INPUTS += [
    f"figures/lt_fig1c_scaling_{PAPER_TARGET}.pdf",
    f"figures/lt_fig3_histograms_{PAPER_TARGET}.pdf",
    rules.scaling_tex.output.table,
    rules.scaling_tex.output.macros,
]
