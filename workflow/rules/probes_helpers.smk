# Helpers of the probe rules (probes.smk): which probes, their settings and grid files.
PROBES = {p["name"]: p for p in config["probes"]}


def probe_section(name):
    """`scaling` with the probe's replacements: the settings its data and grids are made with."""
    probe = PROBES[name]
    return {
        **SC,
        "seeds": probe["seeds"],
        "dtype": probe.get("dtype", SC["dtype"]),
        "data": {**SC["data"], **probe["data"]},
        "train": {**SC["train"], **probe["train"]},
    }


def probe_grids(name):
    probe = PROBES[name]
    return expand(
        "results/probes/{probe}/grids/{target}/{activation}/N{width}.h5",
        probe=name,
        target=PAPER_TARGET,
        activation=probe["activation"],
        width=probe["widths"],
    )
