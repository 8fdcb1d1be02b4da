# [AR] IMP under label noise: IMP jobs, their summary, calibration data, Tables 1 and S1; the
# summary and calibration data feed Figs 1-7, S1-S4 (rules from the registry: figures.smk).
include: "imp_helpers.smk"


rule imp_run:
    """IMP of all (nu, repetition) models of one start model, vectorised, checkpointed per round."""
    input:
        code=code("imp-run"),
    output:
        "results/imp/runs/{dataset}_{arch}_W{width}_C{classes}.h5",
    conda:
        ENV
    log:
        "logs/imp/runs/{dataset}_{arch}_W{width}_C{classes}.log",
    benchmark:
        "benchmarks/imp/runs/{dataset}_{arch}_W{width}_C{classes}.tsv"
    threads: config["threads"]
    resources:
        lottery_runtime=runtime(),
    wildcard_constraints:
        dataset=r"[a-z0-9_]+",
        arch=r"[a-z0-9]+",
        width=r"\d+",
        classes=r"\d+",
    params:
        settings=imp_run_settings,
    shell:
        "python -m lottery imp-run --dataset {wildcards.dataset} --arch {wildcards.arch} "
        "--width {wildcards.width} --classes {wildcards.classes} --settings {params.settings:q} "
        "--threads {threads} --runtime {resources.lottery_runtime:q} --out {output:q} 2> {log:q}"


use rule imp_run as imp_run_figs3 with:
    output:
        "results/imp/figs3/{dataset}_{arch}_W{width}_C{classes}.h5",
    log:
        "logs/imp/figs3/{dataset}_{arch}_W{width}_C{classes}.log",
    benchmark:
        "benchmarks/imp/figs3/{dataset}_{arch}_W{width}_C{classes}.tsv"
    params:
        settings=lambda wildcards: imp_run_settings(wildcards, "figs3"),


use rule imp_run as imp_run_ladder with:
    output:
        "results/imp/ladder/N{n_train}/runs/{dataset}_{arch}_W{width}_C{classes}.h5",
    log:
        "logs/imp/ladder/N{n_train}/{dataset}_{arch}_W{width}_C{classes}.log",
    benchmark:
        "benchmarks/imp/ladder/N{n_train}/{dataset}_{arch}_W{width}_C{classes}.tsv"
    params:
        settings=lambda wildcards: imp_run_settings(wildcards, "ladder"),


rule imp_summary_family:
    """Every IMP round of one family's runs and each trajectory's best pruned model (effective parameters)."""
    localrule: True
    input:
        runs=lambda wildcards: IMP_SUMMARY_RUNS[wildcards.family],
        code=code("imp-summary"),
    output:
        IMP_SUMMARY_FAMILY,
    conda:
        ENV
    log:
        "logs/imp/summary/{family}.log",
    wildcard_constraints:
        family="|".join(FAMILIES),
    shell:
        "python -m lottery imp-summary --runs {input.runs:q} --out {output:q} 2> {log:q}"


use rule imp_summary_family as imp_summary with:
    localrule: True  # `use rule` does not inherit it
    input:
        runs=expand(IMP_SUMMARY_FAMILY, family=FAMILIES),  # each holds its runs' rounds
        code=code("imp-summary"),
    output:
        IMP_SUMMARY,
    log:
        "logs/imp/summary.log",


use rule imp_summary_family as imp_figs3_summary with:
    localrule: True  # `use rule` does not inherit it
    input:
        runs=IMP_FIGS3_RUNS,
        code=code("imp-summary"),
    output:
        IMP_FIGS3_SUMMARY,
    log:
        "logs/imp/figs3_summary.log",


rule imp_calibration_family:
    """One family's reliability curves, posterior gaps and confidences of full vs best pruned models
    (Figs 5, 6, S4)."""
    input:
        runs=lambda wildcards: IMP_CAL_RUNS[wildcards.family],
        code=code("imp-calibration"),
    output:
        IMP_CALIBRATION_FAMILY,
    conda:
        ENV
    log:
        "logs/imp/calibration/{family}.log",
    wildcard_constraints:
        family="|".join(FAMILIES),
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-calibration --family {wildcards.family} --runs {input.runs:q} "
        "--settings {params.settings:q} --out {output:q} 2> {log:q}"


rule imp_calibration:
    """The families' calibration data in one file, as one job over every run would write it."""
    localrule: True
    input:
        parts=expand(IMP_CALIBRATION_FAMILY, family=FAMILIES),
        code=code("imp-combine"),
    output:
        IMP_CALIBRATION,
    conda:
        ENV
    log:
        "logs/imp/calibration.log",
    shell:
        "python -m lottery imp-combine --parts {input.parts:q} --out {output:q} 2> {log:q}"


rule imp_ladder_rung:
    """One rung of the scale ladder: its runs' summary and Fig 5 data at Fig 5's nu, laid out as a run's."""
    input:
        runs=lambda wildcards: IMP_LADDER_RUNS[int(wildcards.n_train)],
        code=code("imp-ladder-rung"),
    output:
        summary="results/imp/ladder/N{n_train}/imp/summary.h5",
        calibration="results/imp/ladder/N{n_train}/imp/calibration.h5",
    conda:
        ENV
    log:
        "logs/imp/ladder/N{n_train}/rung.log",
    wildcard_constraints:
        n_train=r"\d+",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-ladder-rung --runs {input.runs:q} --settings {params.settings:q} "
        "--summary {output.summary:q} --calibration {output.calibration:q} 2> {log:q}"


rule imp_tex:
    """Table 1 / S2 and every number the IMP section quotes, with the verdicts on the paper's claims."""
    input:
        summary=IMP_SUMMARY,
        calibration=IMP_CALIBRATION,
        figs3=IMP_FIGS3_SUMMARY,
        code=code("imp-tex"),
    output:
        table="paper/generated/imp_table.tex",
        macros="paper/generated/imp_macros.tex",
    conda:
        ENV
    log:
        "logs/paper/imp_tex.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-tex --summary {input.summary:q} --calibration {input.calibration:q} "
        "--figs3-summary {input.figs3:q} --settings {params.settings:q} --table {output.table:q} "
        "--macros {output.macros:q} 2> {log:q}"


rule imp_table_s1:
    """[AR] Table S1: the architectures of the real-data runs, from the registries and the config."""
    input:
        code=code("imp-table-s1"),
    output:
        "paper/generated/imp_table_s1.tex",
    conda:
        ENV
    log:
        "logs/paper/imp_table_s1.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-table-s1 --settings {params.settings:q} --out {output:q} 2> {log:q}"


PAPER_INPUTS += [
    rules.imp_tex.output.table,
    rules.imp_tex.output.macros,
    rules.imp_table_s1.output[0],
]
