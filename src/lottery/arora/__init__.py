"""[AR] Arora et al., iterative magnitude pruning under label noise: sparse double descent,
effective parameters and calibration (Figs 1-7, S1-S4, Tables 1 and S1).

Data sets (``datasets``: the registry; ``data``: the mixtures; ``images``; ``tasks``: arrays and
label noise), models (``models``: the architecture registry; ``cifar``), ``pruning``, ``train``
(the masked IMP loop), ``plan`` (which jobs each figure needs, and their settings), ``job`` (one
IMP job from settings to frames), ``store`` (run files), ``analysis`` and ``calibration``
(metrics), ``calibration_frames`` (Figs 5, 6, S4 data), ``selection`` (the rows each figure
shows), ``plots`` (one function per figure), ``report`` (Table 1 and the text's numbers) and
``table_s1``.
"""
