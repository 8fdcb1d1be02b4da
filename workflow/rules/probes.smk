# [LT] disagreements run down: each probe retrains the x^2 grid of one activation with one
# protocol setting changed (input range, data size, precision, optimisation length) and
# refits its exponent; the discussion's table compares it with the main grid's.
include: "probes_helpers.smk"


use rule regression_data as probe_data with:
    output:
        "results/probes/{probe}/data/{target}.npz",
    log:
        "logs/probes/{probe}/data/{target}.log",
    params:
        settings=lambda wc: settings(probe_section(wc.probe)["data"]),


use rule train_grid as train_probe_grid with:
    input:
        data="results/probes/{probe}/data/{target}.npz",
        code=code("train-grid"),
    output:
        "results/probes/{probe}/grids/{target}/{activation}/N{width}.h5",
    log:
        "logs/probes/{probe}/grids/{target}/{activation}/N{width}.log",
    benchmark:
        "benchmarks/probes/{probe}/{target}/{activation}/N{width}.tsv"
    params:
        settings=lambda wc: settings(
            {k: probe_section(wc.probe)[k] for k in ("seeds", "init_seed", "dtype", "negative_slope")},
            train=probe_section(wc.probe)["train"],
            data_seed=SC["data"]["seed"],
        ),
        checkpoint="results/checkpoints/probes/{probe}/{target}/{activation}/N{width}.pt",


rule probe_fit:
    """The probe's median loss per width and its exponent over all its widths."""
    localrule: True
    input:
        grids=lambda wc: probe_grids(wc.probe),
        code=code("scaling-fit"),
    output:
        summary="results/probes/{probe}/summary.h5",
        medians="results/probes/{probe}/medians.csv",
        fits="results/probes/{probe}/fits.csv",
    conda:
        ENV
    log:
        "logs/probes/{probe}/fit.log",
    params:
        settings=lambda wc: settings(
            {k: SC["analysis"][k] for k in ("bootstrap", "confidence")},
            fit_ranges={"probe": [min(PROBES[wc.probe]["widths"]), max(PROBES[wc.probe]["widths"])]},
        ),
    shell:
        "python -m lottery scaling-fit --grids {input.grids:q} --settings {params.settings:q} "
        "--summary {output.summary:q} --medians {output.medians:q} --fits {output.fits:q} 2> {log:q}"


rule probes_tex:
    """The discussion's table: each probe's exponent beside the main grid's, and its verdict."""
    input:
        probes=expand("results/probes/{probe}/fits.csv", probe=PROBES),
        main=rules.scaling_fit.output.fits,
        code=code("probes-tex"),
    output:
        table="paper/generated/probes_table.tex",
        macros="paper/generated/probes_macros.tex",
    conda:
        ENV
    log:
        "logs/paper/probes_tex.log",
    params:
        settings=settings(probes=config["probes"], names=list(PROBES)),
    shell:
        "python -m lottery probes-tex --probe-fits {input.probes:q} --main-fits {input.main:q} "
        "--settings {params.settings:q} --table {output.table:q} --macros {output.macros:q} 2> {log:q}"


PAPER_INPUTS += [*rules.probes_tex.output]
