# [AR] IMP under label noise: IMP jobs, their summary, calibration data, Figs 1-7, S1, S4, Table 1.
include: "imp_helpers.smk"


rule imp_run:
    """IMP of all (nu, repetition) models of one start model, vectorised, checkpointed per round."""
    output:
        "results/imp/runs/{dataset}_{arch}_W{width}_C{classes}.h5",
    conda:
        ENV
    log:
        "logs/imp/runs/{dataset}_{arch}_W{width}_C{classes}.log",
    threads: config["threads"]
    wildcard_constraints:
        dataset=r"[a-z0-9]+",
        arch=r"[a-z0-9]+",
        width=r"\d+",
        classes=r"\d+",
    params:
        settings=imp_run_settings,
    shell:
        "python -m lottery imp-run --dataset {wildcards.dataset} --arch {wildcards.arch} "
        "--width {wildcards.width} --classes {wildcards.classes} --settings {params.settings:q} "
        "--out {output} 2> {log}"


rule imp_summary:
    """Every IMP round and each trajectory's best pruned model (effective parameters)."""
    input:
        IMP_MIX_RUNS + IMP_REAL_RUNS,
    output:
        IMP_SUMMARY,
    conda:
        ENV
    log:
        "logs/imp/summary.log",
    shell:
        "python -m lottery imp-summary --runs {input} --out {output} 2> {log}"


rule imp_calibration:
    """Reliability curves, posterior gaps and confidences of full vs best pruned models (Figs 5, 6, S4)."""
    input:
        mixture=IMP_CAL_MIX,
        real=IMP_CAL_REAL,
    output:
        IMP_CALIBRATION,
    conda:
        ENV
    log:
        "logs/imp/calibration.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-calibration --mixture-runs {input.mixture} --real-runs {input.real} "
        "--settings {params.settings:q} --out {output} 2> {log}"


for _fig, _needs in IMP_FIGURE_INPUTS.items():

    rule:
        name:
            f"imp_{_fig}"
        input:
            **_needs,
        output:
            pdf=f"figures/imp_{_fig}.pdf",
            png=f"figures/imp_{_fig}.png",
        conda:
            ENV
        log:
            f"logs/figures/imp_{_fig}.log",
        params:
            name=_fig,
            inputs=" ".join(f"--{k} {v}" for k, v in _needs.items()),
            settings=IMP_SETTINGS,
        shell:
            "python -m lottery imp-figure --name {params.name} {params.inputs} --settings {params.settings:q} "
            "--out {output.pdf} 2> {log}"


rule imp_tex:
    """Table 1 / S2 and every number the IMP section quotes, with the verdicts on the paper's claims."""
    input:
        summary=IMP_SUMMARY,
        calibration=IMP_CALIBRATION,
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
        "python -m lottery imp-tex --summary {input.summary} --calibration {input.calibration} "
        "--settings {params.settings:q} --table {output.table} --macros {output.macros} 2> {log}"


PAPER_INPUTS += [f"figures/imp_{f}.pdf" for f in IMP_FIGURE_INPUTS] + [
    rules.imp_tex.output.table,
    rules.imp_tex.output.macros,
]
