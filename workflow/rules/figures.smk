# Every figure's rule, generated from the registry (lottery.figures): one rule per figure,
# named as its entry says, reading its registered results files and drawing with
# `python -m lottery figure ID`. A new figure is a plot function, a registry entry and its
# \includegraphics; a new settings slice is one line of FIGURE_SETTINGS.
from lottery.core.code_deps import module_code_files

# The config slices the figures' plot functions take as keyword arguments, by registry name.
FIGURE_SETTINGS = {
    "": settings(),
    "scaling_law": settings(target=PAPER_TARGET, reference_width=SC["analysis"]["reference_width"],
                            fit_range=PAPER_FIT_RANGE),
    "paper_target": settings(target=PAPER_TARGET),
    "tickets_analysis": settings(TK_ANALYSIS),
    "imp_selection": settings(selection={**IMP, "real": IMP_REAL}),
}


# Config values a source path may name, e.g. results/grids/x2/{tickets_activation}/N2.h5.
FIGURE_PATH_KEYS = {"tickets_activation": TK_ACT}


def figure_code(entry):
    """The figure command's files and its plot module's: editing one plot reruns only its figures."""
    return sorted({*code("figure"), *module_code_files(entry.plot_module)})


for _figure in (f for f in FIGURES.values() if not f.is_table):

    rule:
        name:
            _figure.rule
        input:
            sources=[f"results/{s.path}".format(**FIGURE_PATH_KEYS) for s in _figure.sources],
            code=figure_code(_figure),
        output:
            pdf=f"{_figure.output}.pdf",
            png=figure_png(f"{_figure.output}.png", _figure.rule),
        conda:
            ENV
        log:
            f"logs/figures/{Path(_figure.output).name}.log",
        params:
            id=_figure.id,
            settings=FIGURE_SETTINGS[_figure.settings],
        shell:
            "python -m lottery figure {params.id} --sources {input.sources:q} --settings {params.settings:q} "
            "--out {output.pdf:q} 2> {log:q}"

    PAPER_INPUTS.append(f"{_figure.output}.pdf")
