# Claims and verdicts: every claim of [LT] and [AR] (src/lottery/claims/registry.yaml) judged
# on this run's results; the table goes into the paper ("Claims and verdicts") and the README,
# the verdict map (figures/claims_map_verdicts.pdf) opens that section.
from lottery.claims.sources import RESULT_FILES


rule claims:
    """Every claim's verdict, computed from the results files the measures read (the registry
    is among the code inputs: editing a rule reruns the verdicts)."""
    localrule: True
    input:
        results=[f"results/{path}" for path in RESULT_FILES.values()],
        code=code("claims"),
    output:
        table="paper/generated/claims_table.tex",
        macros="paper/generated/claims_macros.tex",
        markdown="results/claims/claims.md",
        csv=report("results/claims/claims.csv", category="Claims and verdicts", caption="../report/claims.rst"),
    conda:
        ENV
    log:
        "logs/claims/claims.log",
    params:
        settings=settings(scaling=config["scaling"], tickets=config["tickets"], imp=config["imp"], probes=config["probes"]),
    shell:
        "python -m lottery claims --results-dir results --config-json {params.settings:q} "
        "--table-tex {output.table:q} --macros {output.macros:q} --table-md {output.markdown:q} "
        "--csv {output.csv:q} 2> {log:q}"


rule claims_ladder:
    """The scale ladder: the claims the training-set size decides, judged at each rung as the
    claims rule judges the run (the figure of it: registry entry ar_ladder)."""
    localrule: True
    input:
        summaries=[f"{rung}/imp/summary.h5" for rung in IMP_LADDER_RUNGS.values()],
        calibrations=[f"{rung}/imp/calibration.h5" for rung in IMP_LADDER_RUNGS.values()],
        code=code("claims-ladder"),
    output:
        csv="results/imp/ladder/verdicts.csv",
        table="paper/generated/imp_ladder_table.tex",
        sentences="paper/generated/imp_ladder_sentences.tex",
    conda:
        ENV
    log:
        "logs/claims/ladder.log",
    params:
        sizes=list(IMP_LADDER_RUNGS),
        rungs=list(IMP_LADDER_RUNGS.values()),
        settings=settings(imp=config["imp"]),
    shell:
        "python -m lottery claims-ladder --sizes {params.sizes} --rungs {params.rungs:q} "
        "--config-json {params.settings:q} --csv {output.csv:q} --table-tex {output.table:q} "
        "--sentences-tex {output.sentences:q} 2> {log:q}"


PAPER_INPUTS += [rules.claims.output.table, rules.claims.output.macros, rules.claims_ladder.output.table,
                 rules.claims_ladder.output.sentences]
