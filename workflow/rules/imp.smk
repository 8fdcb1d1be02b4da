# [AR] IMP under label noise: IMP jobs, their summary, calibration data, Figs 1-7, S1-S4, Tables 1 and S1.
# One named rule per figure, each calling its one command (lottery.commands.ar_figures).
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


rule imp_summary:
    """Every IMP round and each trajectory's best pruned model (effective parameters)."""
    input:
        runs=IMP_SUMMARY_RUNS,
        code=code("imp-summary"),
    output:
        IMP_SUMMARY,
    conda:
        ENV
    log:
        "logs/imp/summary.log",
    shell:
        "python -m lottery imp-summary --runs {input.runs:q} --out {output:q} 2> {log:q}"


use rule imp_summary as imp_figs3_summary with:
    input:
        runs=IMP_FIGS3_RUNS,
        code=code("imp-summary"),
    output:
        IMP_FIGS3_SUMMARY,
    log:
        "logs/imp/figs3_summary.log",


rule imp_calibration:
    """Reliability curves, posterior gaps and confidences of full vs best pruned models (Figs 5, 6, S4)."""
    input:
        mixture=IMP_CAL_MIX,
        real=IMP_CAL_REAL,
        code=code("imp-calibration"),
    output:
        IMP_CALIBRATION,
    conda:
        ENV
    log:
        "logs/imp/calibration.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-calibration --mixture-runs {input.mixture:q} --real-runs {input.real:q} "
        "--settings {params.settings:q} --out {output:q} 2> {log:q}"


rule imp_fig1:
    """[AR] Fig 1: dense and sparse double descent on real data (two-layer FCNs)."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-fig1"),
    output:
        pdf="figures/ar_fig1_double_descent.pdf",
        png=figure_png("figures/ar_fig1_double_descent.png", "imp_fig1"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig1_double_descent.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig1 --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_fig2:
    """[AR] Fig 2: dense and sparse double descent on the linear and XOR mixtures."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-fig2"),
    output:
        pdf="figures/ar_fig2_mixture_double_descent.pdf",
        png=figure_png("figures/ar_fig2_mixture_double_descent.png", "imp_fig2"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig2_mixture_double_descent.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig2 --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_fig3a:
    """[AR] Fig 3a: effective parameters against nu, linear vs XOR."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-fig3a"),
    output:
        pdf="figures/ar_fig3a_effective_linear_xor.pdf",
        png=figure_png("figures/ar_fig3a_effective_linear_xor.png", "imp_fig3a"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig3a_effective_linear_xor.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig3a --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_fig3b:
    """[AR] Fig 3b: effective parameters against the number of classes kept."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-fig3b"),
    output:
        pdf="figures/ar_fig3b_effective_vs_classes.pdf",
        png=figure_png("figures/ar_fig3b_effective_vs_classes.png", "imp_fig3b"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig3b_effective_vs_classes.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig3b --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_fig4:
    """[AR] Fig 4: effective parameters across architectures."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-fig4"),
    output:
        pdf="figures/ar_fig4_effective_by_arch.pdf",
        png=figure_png("figures/ar_fig4_effective_by_arch.png", "imp_fig4"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig4_effective_by_arch.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig4 --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_fig5:
    """[AR] Fig 5: mixture posteriors, reliability and posterior gaps, full vs best pruned."""
    input:
        calibration=IMP_CALIBRATION,
        code=code("imp-fig5"),
    output:
        pdf="figures/ar_fig5_posteriors.pdf",
        png=figure_png("figures/ar_fig5_posteriors.png", "imp_fig5"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig5_posteriors.log",
    shell:
        "python -m lottery imp-fig5 --calibration {input.calibration:q} --out {output.pdf:q} 2> {log:q}"


rule imp_fig6:
    """[AR] Fig 6: class-wise reliability and confidence histograms on real data."""
    input:
        calibration=IMP_CALIBRATION,
        code=code("imp-fig6"),
    output:
        pdf="figures/ar_fig6_classwise_reliability.pdf",
        png=figure_png("figures/ar_fig6_classwise_reliability.png", "imp_fig6"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig6_classwise_reliability.log",
    shell:
        "python -m lottery imp-fig6 --calibration {input.calibration:q} --out {output.pdf:q} 2> {log:q}"


rule imp_fig7:
    """[AR] Fig 7: test error and ECE along one IMP trajectory, clean and noisy test labels."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-fig7"),
    output:
        pdf="figures/ar_fig7_ece_along_imp.pdf",
        png=figure_png("figures/ar_fig7_ece_along_imp.png", "imp_fig7"),
    conda:
        ENV
    log:
        "logs/figures/ar_fig7_ece_along_imp.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-fig7 --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_figs1:
    """[AR] Fig S1: distribution of effective parameters over start models, per nu."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-figs1"),
    output:
        pdf="figures/ar_figs1_effective_vs_nu.pdf",
        png=figure_png("figures/ar_figs1_effective_vs_nu.png", "imp_figs1"),
    conda:
        ENV
    log:
        "logs/figures/ar_figs1_effective_vs_nu.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-figs1 --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_figs2:
    """[AR] Fig S2: dense and sparse double descent of the two-layer FCN and ResNet-6 on one image set."""
    input:
        summary=IMP_SUMMARY,
        code=code("imp-figs2"),
    output:
        pdf="figures/ar_figs2_fcn_resnet_double_descent.pdf",
        png=figure_png("figures/ar_figs2_fcn_resnet_double_descent.png", "imp_figs2"),
    conda:
        ENV
    log:
        "logs/figures/ar_figs2_fcn_resnet_double_descent.log",
    params:
        settings=IMP_SETTINGS,
    shell:
        "python -m lottery imp-figs2 --summary {input.summary:q} --settings {params.settings:q} "
        "--out {output.pdf:q} 2> {log:q}"


rule imp_figs3:
    """[AR] Fig S3: sparse double descent and effective parameters of the three-layer FCN (own runs)."""
    input:
        summary=IMP_FIGS3_SUMMARY,
        code=code("imp-figs3"),
    output:
        pdf="figures/ar_figs3_fcn3_effective.pdf",
        png=figure_png("figures/ar_figs3_fcn3_effective.png", "imp_figs3"),
    conda:
        ENV
    log:
        "logs/figures/ar_figs3_fcn3_effective.log",
    shell:
        "python -m lottery imp-figs3 --summary {input.summary:q} --out {output.pdf:q} 2> {log:q}"


rule imp_figs4:
    """[AR] Fig S4: top-label reliability against clean and noisy test labels."""
    input:
        calibration=IMP_CALIBRATION,
        code=code("imp-figs4"),
    output:
        pdf="figures/ar_figs4_noisy_reliability.pdf",
        png=figure_png("figures/ar_figs4_noisy_reliability.png", "imp_figs4"),
    conda:
        ENV
    log:
        "logs/figures/ar_figs4_noisy_reliability.log",
    shell:
        "python -m lottery imp-figs4 --calibration {input.calibration:q} --out {output.pdf:q} 2> {log:q}"


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
    rules.imp_fig1.output.pdf,
    rules.imp_fig2.output.pdf,
    rules.imp_fig3a.output.pdf,
    rules.imp_fig3b.output.pdf,
    rules.imp_fig4.output.pdf,
    rules.imp_fig5.output.pdf,
    rules.imp_fig6.output.pdf,
    rules.imp_fig7.output.pdf,
    rules.imp_figs1.output.pdf,
    rules.imp_figs2.output.pdf,
    rules.imp_figs3.output.pdf,
    rules.imp_figs4.output.pdf,
    rules.imp_tex.output.table,
    rules.imp_tex.output.macros,
    rules.imp_table_s1.output[0],
]
