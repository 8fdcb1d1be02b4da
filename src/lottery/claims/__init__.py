"""Claims and verdicts: every claim of [LT] and [AR] judged on one run's results.

A third room beside :mod:`lottery.liu_tegmark` and :mod:`lottery.arora`: it reads their
result files (and may call their pure functions), they never import it. ``registry.yaml``
lists the claims with rules written from the papers' words; :mod:`.measures` computes our
value of each, :mod:`.verdicts` applies the rule, :mod:`.report` writes the claims table
(LaTeX and Markdown) and one verdict macro per claim, so no verdict is ever typed.
"""
