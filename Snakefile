# The lottery-ticket pipeline: config -> data -> trained grids -> analyses -> figures -> paper.
# Run `snakemake --cores 2` for the default (laptop) config; see README.md for the others.
import json
from pathlib import Path

from lottery.config import ConfigError, validate_config

BASE = Path(workflow.basedir)

# The default config applies only when no --configfile is given: a given file replaces it
# rather than being merged into it, so keys it leaves out take the schema's defaults
# (the papers' scale), never the laptop-scale ones.
if not workflow.overwrite_configfiles:

    configfile: BASE / "config" / "config.yaml"


try:
    _validated = validate_config(config, BASE / "config" / "schema.yaml")
except ConfigError as err:
    raise WorkflowError(str(err)) from None
config.clear()
config.update(_validated)


def settings(*sections, **extra):
    """The JSON argument a rule passes to `python -m lottery`: config slices plus extras."""
    merged = {}
    for section in sections:
        merged.update(section)
    merged.update(extra)
    return json.dumps(merged, sort_keys=True)


include: "workflow/rules/scaling.smk"
include: "workflow/rules/paper.smk"


rule all:
    default_target: True
    input:
        "paper/paper.pdf",
