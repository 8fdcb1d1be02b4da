# [LT] width x seed grids: data, training, scaling-law fit (Figs 1c and 3: figures.smk), exponent table.
# Commands: lottery.commands.lt_train, lt_analyse, lt_report.
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
    localrule: True
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
    rules.scaling_tex.output.table,
    rules.scaling_tex.output.macros,
]
