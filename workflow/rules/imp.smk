# [AR] IMP under label noise: IMP jobs, their summary, calibration data, Figs 1-7, S1, S4, Table 1.
# One named rule per figure, each calling its one command (lottery.commands.ar_figures).
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


rule imp_fig1:
    """[AR] Fig 1: dense and sparse double descent on real data (two-layer FCNs)."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_fig1_double_descent.pdf",
        png="figures/ar_fig1_double_descent.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig1_double_descent.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig1 --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_fig2:
    """[AR] Fig 2: dense and sparse double descent on the linear and XOR mixtures."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_fig2_mixture_double_descent.pdf",
        png="figures/ar_fig2_mixture_double_descent.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig2_mixture_double_descent.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig2 --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_fig3a:
    """[AR] Fig 3a: effective parameters against nu, linear vs XOR."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_fig3a_effective_linear_xor.pdf",
        png="figures/ar_fig3a_effective_linear_xor.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig3a_effective_linear_xor.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig3a --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_fig3b:
    """[AR] Fig 3b: effective parameters against the number of classes kept."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_fig3b_effective_vs_classes.pdf",
        png="figures/ar_fig3b_effective_vs_classes.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig3b_effective_vs_classes.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig3b --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_fig4:
    """[AR] Fig 4: effective parameters across architectures."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_fig4_effective_by_arch.pdf",
        png="figures/ar_fig4_effective_by_arch.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig4_effective_by_arch.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig4 --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_fig5:
    """[AR] Fig 5: mixture posteriors, reliability and posterior gaps, full vs best pruned."""
    input:
        calibration=IMP_CALIBRATION,
    output:
        pdf="figures/ar_fig5_posteriors.pdf",
        png="figures/ar_fig5_posteriors.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig5_posteriors.log",
    shell:
        "python -m lottery imp-fig5 --calibration {input.calibration} --out {output.pdf} 2> {log}"


rule imp_fig6:
    """[AR] Fig 6: class-wise reliability and confidence histograms on real data."""
    input:
        calibration=IMP_CALIBRATION,
    output:
        pdf="figures/ar_fig6_classwise_reliability.pdf",
        png="figures/ar_fig6_classwise_reliability.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig6_classwise_reliability.log",
    shell:
        "python -m lottery imp-fig6 --calibration {input.calibration} --out {output.pdf} 2> {log}"


rule imp_fig7:
    """[AR] Fig 7: test error and ECE along one IMP trajectory, clean and noisy test labels."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_fig7_ece_along_imp.pdf",
        png="figures/ar_fig7_ece_along_imp.png",
    conda:
        ENV
    log:
        "logs/figures/ar_fig7_ece_along_imp.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig7 --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_figs1:
    """[AR] Fig S1: distribution of effective parameters over start models, per nu."""
    input:
        summary=IMP_SUMMARY,
    output:
        pdf="figures/ar_figs1_effective_vs_nu.pdf",
        png="figures/ar_figs1_effective_vs_nu.png",
    conda:
        ENV
    log:
        "logs/figures/ar_figs1_effective_vs_nu.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-figs1 --summary {input.summary} --settings {params.settings:q} "
        "--out {output.pdf} 2> {log}"


rule imp_figs4:
    """[AR] Fig S4: top-label reliability against clean and noisy test labels."""
    input:
        calibration=IMP_CALIBRATION,
    output:
        pdf="figures/ar_figs4_noisy_reliability.pdf",
        png="figures/ar_figs4_noisy_reliability.png",
    conda:
        ENV
    log:
        "logs/figures/ar_figs4_noisy_reliability.log",
    shell:
        "python -m lottery imp-figs4 --calibration {input.calibration} --out {output.pdf} 2> {log}"


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


PAPER_INPUTS += [
    rules.imp_fig1.output.pdf,
    rules.imp_fig2.output.pdf,
    rules.imp_fig3a.output.pdf,
    rules.imp_fig3b.output.pdf,
    rules.imp_fig4.output.pdf,
    rules.imp_fig5.output.pdf,
    rules.imp_fig6.output.pdf,
    rules.imp_fig7.output.pdf,
    rules.imp_figs1.output.pdf,
    rules.imp_figs4.output.pdf,
    rules.imp_tex.output.table,
    rules.imp_tex.output.macros,
]
