# [LT] lottery tickets beyond the scaling law: width-2 algorithms (Figs 2b, 2c, 9-11),
# ensembling vs coordination (Fig 4), a wide net's mirror symmetry (Fig 2a), ticket
# splitting (Fig 12), distillation (Fig 13), other targets (Figs 5-8), the LLM remark.
# The x^2 analyses read the scaling grids; other targets and wide nets train their own.
# Figures are named figures/lt_<figure>_<slug>.pdf; their rules come from the registry
# (lottery.figures, workflow/rules/figures.smk).
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
    localrule: True
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


rule tickets_algorithms:
    """Width-2 nets: log-loss peaks, canonical parameters, PCA, clusters, SiLU expansion."""
    localrule: True
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
    localrule: True
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
]
