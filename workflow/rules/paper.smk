# The LaTeX paper: sources in paper/, generated numbers and tables in paper/generated/,
# figures in figures/. Every rules file adds what the paper needs to PAPER_INPUTS.


rule paper:
    input:
        tex=BASE / "paper" / "paper.tex",
        sections=sorted((BASE / "paper" / "sections").glob("*.tex")),
        generated=PAPER_INPUTS,
        code=code("paper"),
    output:
        "paper/paper.pdf",
    conda:
        ENV
    log:
        "logs/paper/paper.log",
    params:
        engine=config["paper"]["engine"],
    shell:
        "python -m lottery paper --tex {input.tex:q} --engine {params.engine} --out {output:q} 2> {log:q}"
