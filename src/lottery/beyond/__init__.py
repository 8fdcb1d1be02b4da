"""Beyond both papers: analyses that [LT] and [AR] together make possible and neither has.

Which scaling law fits the [LT] curves (:mod:`scaling_forms`), bias and variance of the
seed ensembles (:mod:`bias_variance`) and [AR]'s IMP on the [LT] nets (:mod:`imp_tickets`).
These modules read the [LT] and [AR] packages' APIs; those packages never import this one.
"""
