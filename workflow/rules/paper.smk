# The LaTeX paper: sources in paper/, generated numbers and tables in paper/generated/.
PAPER_FIGURES = [
    f"figures/fig1c_scaling_{PAPER_TARGET}.pdf",
    f"figures/fig3_histograms_{PAPER_TARGET}.pdf",
]


rule paper:
    input:
        tex=BASE / "paper" / "paper.tex",
        sections=list((BASE / "paper" / "sections").glob("*.tex")),
        figures=PAPER_FIGURES,
        generated=["paper/generated/scaling_table.tex", "paper/generated/scaling_macros.tex"],
    output:
        "paper/paper.pdf",
    log:
        "logs/paper/paper.log",
    shell:
        "python -m lottery paper --tex {input.tex} --out {output} 2> {log}"
