"""Checks of the ``beyond`` config section that its schema cannot express (widths that must
be trained by the [LT] grids), run when the workflow is parsed, before any job."""
from __future__ import annotations


def config_errors(config: dict) -> list[str]:
    """Messages naming each offending key of a validated config; empty when it is fine."""
    beyond, scaling = config["beyond"], config["scaling"]
    grid, errors = scaling["widths"], []
    missing = [n for n in beyond["bias_variance"]["ensemble_widths"] if n not in grid]
    if missing:
        errors.append(f"config key 'beyond.bias_variance.ensemble_widths' holds {missing}; allowed: widths of "
                      f"'scaling.widths' {grid}")
    reversed_ranges = [r for r in beyond["bias_variance"]["slope_ranges"] if r[0] >= r[1]]
    if reversed_ranges:
        errors.append(f"config key 'beyond.bias_variance.slope_ranges' holds {reversed_ranges}; allowed: ranges "
                      f"[lo, hi] with lo < hi")
    if beyond["imp"]["prune"]["rewind_step"] > beyond["imp"]["train"]["steps"]:
        errors.append(f"config key 'beyond.imp.prune.rewind_step' ({beyond['imp']['prune']['rewind_step']}) exceeds "
                      f"'beyond.imp.train.steps' ({beyond['imp']['train']['steps']}); allowed: 0 to steps")
    return errors
