# The lottery-ticket pipeline: config -> data -> trained grids -> analyses -> figures -> paper.
# `snakemake --cores 2` runs the default (laptop) config; README.md lists the others and
# which rule makes which figure.
import sys
from pathlib import Path

# The workflow runs its own repository's code, whatever `lottery` the environment has
# installed: the rules put src/ on PYTHONPATH (common.smk), and so does the Snakefile here.
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from lottery.core.config import ConfigError, validate_config
from lottery.core.run_lock import recover

# A run killed with kill -9 leaves Snakemake's lock behind; recognise it before Snakemake
# locks the directory, so that a plain rerun recovers (`rerun-incomplete` is in the default
# profile, profiles/default).
if workflow.is_main_process:
    _lock_news = recover()
    if _lock_news:
        print(f"lottery: {_lock_news}", file=sys.stderr)

# The default config applies only when no --configfile is given: a given file replaces it
# rather than being merged into it, so keys it leaves out take the schema's defaults
# (the papers' scale), never the laptop-scale ones.
if not workflow.overwrite_configfiles:

    configfile: Path(workflow.basedir) / "config" / "config.yaml"


try:
    _validated = validate_config(config, Path(workflow.basedir) / "config" / "schema.yaml")
except ConfigError as err:
    raise WorkflowError(str(err)) from None
config.clear()
config.update(_validated)


include: "workflow/rules/common.smk"
include: "workflow/rules/scaling.smk"
include: "workflow/rules/tickets.smk"
include: "workflow/rules/probes.smk"
include: "workflow/rules/imp.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/beyond.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/paper.smk"


# Figures, tables and the paper take seconds: on a cluster they run in the main Snakemake
# process instead of waiting in the queue (docs/cluster.md). So do the table-only analyses,
# which say so themselves (`localrule: True`).
workflow.localrules(
    *(r.name for r in workflow.rules if r.output and all(str(f).startswith(("figures/", "paper/")) for f in r.output))
)


# `snakemake --report report.html`: figures by paper section, the claims, the benchmarks.
report: "workflow/report/workflow.rst"


rule all:
    default_target: True
    input:
        "paper/paper.pdf",
        rules.benchmarks_table.output,
