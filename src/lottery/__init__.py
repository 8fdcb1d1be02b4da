"""Reproducing two papers on lottery tickets: [LT] ticket ensembling and [AR] IMP under label noise."""
