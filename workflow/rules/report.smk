# What `snakemake --report report.html` shows besides the figures (flagged in their rules):
# the time and memory of every training and IMP job, from their `benchmark:` files.
BENCHMARKED_OUTPUTS = [
    *SC_GRIDS,
    *TK_FAMILY_GRIDS["targets"],
    *TK_FAMILY_GRIDS["multiplication"],
    *(TK_WIDE.format(width=n) for n in TK["wide"]["widths"]),
    *(f for runs in IMP_SUMMARY_RUNS.values() for f in runs),
    *IMP_FIGS3_RUNS,
    *(f for name in PROBES for f in probe_grids(name)),
    *BY_IMP,
]


rule benchmarks_table:
    """Every job's benchmark file in one table (wall time, peak memory, CPU time)."""
    localrule: True
    input:
        jobs=BENCHMARKED_OUTPUTS,
        code=code("benchmarks"),
    output:
        report("results/benchmarks.tsv", category="Benchmarks", caption="../report/benchmarks.rst"),
    conda:
        ENV
    log:
        "logs/benchmarks.log",
    shell:
        "python -m lottery benchmarks --root benchmarks --out {output:q} 2> {log:q}"
