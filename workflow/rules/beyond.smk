# Beyond both papers (ours): the background chapter's scaling-law forms fitted to the [LT]
# curves, bias and variance across the [LT] seeds, and [AR]'s IMP on [LT]'s x^2 nets.
# Commands: lottery.commands.beyond; science: lottery.beyond. Figures: figures/beyond_<slug>.pdf.
from lottery.beyond.checks import config_errors

BY = config["beyond"]
BY_ERRORS = config_errors(config)
if BY_ERRORS:
    raise WorkflowError("invalid config:\n  - " + "\n  - ".join(BY_ERRORS))
BY_TARGETS = sorted({*SC["targets"], *TK["targets"]["targets"], *TK["multiplication"]["targets"]})
BY_DATA = expand("results/data/{target}.npz", target=BY_TARGETS)
BY_IMP = expand("results/beyond/imp/{activation}.h5", activation=BY["imp"]["activations"])


rule beyond_scaling_forms:
    """M1-M4 fitted to every median-loss curve on its smaller widths, judged on the larger ones."""
    localrule: True
    input:
        scaling=rules.scaling_fit.output.summary,
        targets="results/tickets/targets/summary.h5",
        multiplication="results/tickets/multiplication/summary.h5",
        data=BY_DATA,
        code=code("beyond-scaling-forms"),
    output:
        "results/beyond/scaling_forms.h5",
    conda:
        ENV
    log:
        "logs/beyond/scaling_forms.log",
    params:
        settings=settings(BY["forms"]),
    shell:
        "python -m lottery beyond-scaling-forms --summary scaling {input.scaling:q} "
        "--summary targets {input.targets:q} --summary multiplication {input.multiplication:q} "
        "--data {input.data:q} --settings {params.settings:q} --out {output:q} 2> {log:q}"


rule beyond_bias_variance:
    """Bias^2 and variance across seeds of every grid file; the loss of the average of k nets."""
    input:
        scaling=SC_GRIDS,
        targets=TK_FAMILY_GRIDS["targets"],
        multiplication=TK_FAMILY_GRIDS["multiplication"],
        data=BY_DATA,
        code=code("beyond-bias-variance"),
    output:
        "results/beyond/bias_variance.h5",
    conda:
        ENV
    log:
        "logs/beyond/bias_variance.log",
    params:
        settings=settings(BY["bias_variance"], negative_slope=SC["negative_slope"]),
    shell:
        "python -m lottery beyond-bias-variance --grids scaling {input.scaling:q} "
        "--grids targets {input.targets:q} --grids multiplication {input.multiplication:q} "
        "--data {input.data:q} --settings {params.settings:q} --out {output:q} 2> {log:q}"


rule beyond_imp:
    """IMP with MSE on the x^2 nets of one activation, all seeds at once; tickets of the dense nets."""
    input:
        data="results/data/x2.npz",
        code=code("beyond-imp"),
    output:
        "results/beyond/imp/{activation}.h5",
    conda:
        ENV
    log:
        "logs/beyond/imp_{activation}.log",
    benchmark:
        "benchmarks/beyond/imp_{activation}.tsv"
    threads: config["threads"]
    resources:
        lottery_runtime=runtime(),
    wildcard_constraints:
        activation="|".join(BY["imp"]["activations"]),
    params:
        settings=settings(
            BY["imp"]["train"],
            BY["imp"]["prune"],
            {k: BY["imp"][k] for k in ("width", "seeds")},
            {k: SC[k] for k in ("init_seed", "dtype", "negative_slope")},
            {k: SC["data"][k] for k in ("x_min", "x_max")},
            curve_points=TK["splitting"]["curve_points"],
        ),
    shell:
        "python -m lottery beyond-imp --data {input.data:q} --activation {wildcards.activation} "
        "--settings {params.settings:q} --threads {threads} --runtime {resources.lottery_runtime:q} "
        "--out {output:q} 2> {log:q}"


rule beyond_imp_tickets:
    """Every activation's IMP rounds in one file, with the mirror pairs' fates per round."""
    localrule: True
    input:
        imp=BY_IMP,
        code=code("beyond-imp-tickets"),
    output:
        "results/beyond/imp_tickets.h5",
    conda:
        ENV
    log:
        "logs/beyond/imp_tickets.log",
    shell:
        "python -m lottery beyond-imp-tickets --imp {input.imp:q} --out {output:q} 2> {log:q}"


rule beyond_tex:
    """The scaling-form and mechanism tables and every number of the "beyond both papers" section."""
    input:
        forms=rules.beyond_scaling_forms.output[0],
        bias_variance=rules.beyond_bias_variance.output[0],
        imp_tickets=rules.beyond_imp_tickets.output[0],
        grid_summary=rules.scaling_fit.output.summary,
        code=code("beyond-tex"),
    output:
        macros="paper/generated/beyond_macros.tex",
        table="paper/generated/beyond_forms_table.tex",
        mechanism_table="paper/generated/beyond_mechanism_table.tex",
    conda:
        ENV
    log:
        "logs/paper/beyond_tex.log",
    params:
        settings=settings(
            BY["forms"],
            {k: BY["imp"][k] for k in ("width", "seeds")},
            steps=BY["imp"]["train"]["steps"],
            fraction=BY["imp"]["prune"]["fraction"],
            rounds=BY["imp"]["prune"]["rounds"],
            wide=SC["analysis"]["fit_ranges"]["wide"],
            scales={
                "scaling": [SC["seeds"], SC["train"]["steps"]],
                **{f: [TK[f]["seeds"], TK[f]["train"]["steps"]] for f in ("targets", "multiplication")},
            },
            slope_ranges=BY["bias_variance"]["slope_ranges"],
            trim=BY["bias_variance"]["trim"],
            mechanism_bootstrap=BY["bias_variance"]["bootstrap"],
            mechanism_confidence=BY["bias_variance"]["confidence"],
        ),
    shell:
        "python -m lottery beyond-tex --forms {input.forms:q} --bias-variance {input.bias_variance:q} "
        "--imp-tickets {input.imp_tickets:q} --grid-summary {input.grid_summary:q} --settings {params.settings:q} "
        "--macros {output.macros:q} --table {output.table:q} --mechanism-table {output.mechanism_table:q} 2> {log:q}"


PAPER_INPUTS += [
    *rules.beyond_tex.output,
]
