"""[AR] Arora et al., iterative magnitude pruning under label noise: sparse double descent,
effective parameters and calibration (Figs 1-7, S1, S4, Table 1).

Data sets (``datasets``: the registry; ``data``: the mixtures; ``images``; ``tasks``), models
(``models``: the architecture registry), ``pruning``, ``train`` (the masked IMP loop), ``job``
(one IMP job from settings to frames), ``store`` (run files), ``analysis`` and ``calibration``
(metrics), ``calibration_frames`` (Figs 5, 6, S4 data), ``selection`` (the rows each figure
shows), ``plots`` (one function per figure) and ``report`` (Table 1 and the text's numbers).
"""
