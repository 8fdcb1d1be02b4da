"""Verdict rules: how a claim's rule turns our measurement into a verdict.

Each rule kind is a function of the rule's parameters (from ``registry.yaml``) and a
:class:`~lottery.claims.measures.Measurement`; it returns the verdict and a reason that
states the comparison. What each verdict word requires is stated once, in the registry's
header (``verdict_words``): "reproduced" only where the paper's statement holds for our value
(beyond its noise, where the measure has an interval or a chance baseline), "partly" where
a weaker, stated form holds with the paper's sign and a stated minimum effect, "not
reproduced" where the data contradict the statement, "inconclusive" where this run cannot
decide (the noise straddles the cut, or a decidability condition of the registry fails),
and "not tested" where the run lacks what the claim needs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the measures import torch and scipy; the verdict words and the plots need neither
    from lottery.claims.measures import Measurement

REPRODUCED, PARTLY, NOT_REPRODUCED = "reproduced", "partly", "not reproduced"
INCONCLUSIVE, NOT_TESTED = "inconclusive", "not tested"
OUTCOMES = (REPRODUCED, PARTLY, NOT_REPRODUCED, INCONCLUSIVE, NOT_TESTED)
DECIDED = (REPRODUCED, PARTLY, NOT_REPRODUCED)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str


def _num(x: float) -> str:
    return f"{x:.3g}"


def _values(m: Measurement) -> tuple[float, ...]:
    return m.value if isinstance(m.value, tuple) else (m.value,)


def _interval(m: Measurement) -> tuple[float, float]:
    if m.low is None or m.high is None:
        raise ValueError("this rule needs a measurement with an interval")
    return m.low, m.high


def _within_factor(value: float, target: float, factor: float) -> bool:
    return value / target > 0 and abs(math.log(value / target)) <= math.log(factor)


def equivalent(m: Measurement, target: float, factor: float, partly_factor: float | None = None) -> Verdict:
    """Reproduced if the whole interval lies within a factor ``factor`` of the paper's value (an
    equivalence test); inconclusive if our value does but the interval reaches out of that band;
    partly if the interval misses the band but our value is within ``partly_factor`` (same sign)."""
    low, high = _interval(m)
    band = (target / factor, target * factor)
    shown = f"[{_num(low)}, {_num(high)}]"
    if band[0] <= low and high <= band[1]:
        return Verdict(REPRODUCED, f"interval {shown} lies within a factor {_num(factor)} of {_num(target)}")
    if band[0] <= m.value <= band[1]:
        return Verdict(INCONCLUSIVE, f"{_num(m.value)} is within a factor {_num(factor)} of {_num(target)}, but its "
                                     f"interval {shown} reaches out of that band")
    if partly_factor and _within_factor(m.value, target, partly_factor):
        return Verdict(PARTLY, f"interval {shown} lies outside a factor {_num(factor)} of {_num(target)}, but "
                               f"{_num(m.value)} is within a factor {_num(partly_factor)} of it")
    return Verdict(NOT_REPRODUCED, f"interval {shown} lies outside a factor {_num(factor)} of {_num(target)}")


def interval_side(m: Measurement, bound: float, side: str) -> Verdict:
    """Reproduced if the whole interval lies on the stated side of ``bound``, not reproduced if it
    lies wholly on the other side, inconclusive if it straddles the bound (noise cannot decide)."""
    low, high = _interval(m)
    above = side == "above"
    if (low > bound) if above else (high < bound):
        return Verdict(REPRODUCED, f"interval [{_num(low)}, {_num(high)}] lies {side} {_num(bound)}")
    if (high <= bound) if above else (low >= bound):
        return Verdict(NOT_REPRODUCED, f"interval [{_num(low)}, {_num(high)}] is not {side} {_num(bound)}")
    return Verdict(INCONCLUSIVE, f"interval [{_num(low)}, {_num(high)}] straddles {_num(bound)}: the run's noise "
                                 f"cannot decide")


def beats_chance(m: Measurement, bound: float, side: str, alpha: float) -> Verdict:
    """Reproduced if our effect is on the stated side of ``bound`` and chance (the measure's
    permutation baseline, ``m.p_value``) explains it with probability at most ``alpha``;
    inconclusive if it is on that side but chance explains it as well; else not reproduced."""
    if m.p_value is None:
        raise ValueError("this rule needs a measurement with a chance baseline (p_value)")
    on_side = m.value > bound if side == "above" else m.value < bound
    if not on_side:
        return Verdict(NOT_REPRODUCED, f"{_num(m.value)} is not {side} {_num(bound)}")
    if m.p_value <= alpha:
        return Verdict(REPRODUCED, f"{_num(m.value)} is {side} {_num(bound)}, and chance gives as much with "
                                   f"p = {_num(m.p_value)} <= {_num(alpha)}")
    return Verdict(INCONCLUSIVE, f"{_num(m.value)} is {side} {_num(bound)}, but chance gives as much with "
                                 f"p = {_num(m.p_value)} > {_num(alpha)}")


_CUTS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "at_least": (">=", lambda v, c: v >= c), "above": (">", lambda v, c: v > c),
    "at_most": ("<=", lambda v, c: v <= c), "below": ("<", lambda v, c: v < c),
}


def threshold(m: Measurement, **cuts: float) -> Verdict:
    """One cut for "reproduced" (``at_least``, ``above``, ``at_most`` or ``below``) and optionally a
    weaker ``partly_`` cut of the same kinds."""
    main = [(k, c) for k, c in cuts.items() if k in _CUTS]
    weak = [(k[len("partly_"):], c) for k, c in cuts.items() if k.startswith("partly_")]
    if len(main) != 1 or len(weak) > 1 or set(cuts) - set(_CUTS) - {f"partly_{k}" for k in _CUTS}:
        raise ValueError(f"threshold takes one of {sorted(_CUTS)} and optionally one partly_ cut; got {sorted(cuts)}")
    value = m.value
    for outcome, (kind, cut) in [(REPRODUCED, main[0])] + [(PARTLY, w) for w in weak]:
        sign, test = _CUTS[kind]
        if test(value, cut):
            return Verdict(outcome, f"{_num(value)} {sign} {_num(cut)}")
    sign, _ = _CUTS[main[0][0]]
    return Verdict(NOT_REPRODUCED, f"{_num(value)}, not {sign} {_num(main[0][1])}")


def range_within(m: Measurement, low: float, high: float, partly_low: float | None = None,
                 partly_high: float | None = None) -> Verdict:
    """Reproduced if every value lies in [low, high]; partly if every value lies in the wider
    [partly_low, partly_high]."""
    values = _values(m)
    shown = ", ".join(_num(v) for v in values)
    if all(low <= v <= high for v in values):
        return Verdict(REPRODUCED, f"{shown} in [{_num(low)}, {_num(high)}]")
    if partly_low is not None and all(partly_low <= v <= partly_high for v in values):
        return Verdict(PARTLY, f"{shown} outside [{_num(low)}, {_num(high)}] but in [{_num(partly_low)}, "
                               f"{_num(partly_high)}]")
    return Verdict(NOT_REPRODUCED, f"{shown} outside [{_num(low)}, {_num(high)}]")


def outside_range(m: Measurement, low: float, high: float, above: float | None = None) -> Verdict:
    """Reproduced if our value lies outside [low, high] (the paper says it is not there) and, with
    ``above``, above it (the paper's direction)."""
    if above is not None and m.value <= above:
        return Verdict(NOT_REPRODUCED, f"{_num(m.value)}, not above {_num(above)}: the wrong direction")
    if low <= m.value <= high:
        return Verdict(NOT_REPRODUCED, f"{_num(m.value)} in [{_num(low)}, {_num(high)}]")
    return Verdict(REPRODUCED, f"{_num(m.value)} outside [{_num(low)}, {_num(high)}]")


def ratio_within(m: Measurement, target: float, factor: float, partly_factor: float | None = None) -> Verdict:
    """Reproduced if our value is within ``factor`` of the paper's (either way); partly within
    ``partly_factor``."""
    ratio = m.value / target
    if _within_factor(m.value, target, factor):
        return Verdict(REPRODUCED, f"ratio to {_num(target)} is {_num(ratio)}, within a factor {_num(factor)}")
    if partly_factor and _within_factor(m.value, target, partly_factor):
        return Verdict(PARTLY, f"ratio to {_num(target)} is {_num(ratio)}, within a factor {_num(partly_factor)} "
                               f"only")
    return Verdict(NOT_REPRODUCED, f"ratio to {_num(target)} is {_num(ratio)}")


def count_equals(m: Measurement, target: int, partly_tolerance: int = 0) -> Verdict:
    """Reproduced if our count equals the paper's; partly if it is off by at most ``partly_tolerance``."""
    count = int(round(m.value))
    if count == target:
        return Verdict(REPRODUCED, f"{count} = {target}")
    if abs(count - target) <= partly_tolerance:
        return Verdict(PARTLY, f"{count}, off by {abs(count - target)} from {target}")
    return Verdict(NOT_REPRODUCED, f"{count} != {target}")


def _monotone(values: tuple[float, ...], direction: str) -> bool:
    pairs = list(zip(values, values[1:]))
    return all(b <= a for a, b in pairs) if direction == "decreasing" else all(b >= a for a, b in pairs)


def ordering(m: Measurement, direction: str) -> Verdict:
    """Reproduced if the sequence is monotone in ``direction``; partly if only its ends are ordered."""
    values = _values(m)
    if len(values) < 2:
        raise ValueError("ordering needs at least two values")
    shown = ", ".join(_num(v) for v in values)
    if _monotone(values, direction):
        return Verdict(REPRODUCED, f"{shown} is {direction}")
    if _monotone((values[0], values[-1]), direction):
        return Verdict(PARTLY, f"{shown}: the ends are {direction}, the middle is not")
    return Verdict(NOT_REPRODUCED, f"{shown} is not {direction}")


def sequence_equals(m: Measurement, target: list[float], partly: str | None = None) -> Verdict:
    """Reproduced if our values, rounded, equal the paper's; partly if they are monotone in the
    ``partly`` direction (the paper's trend without its numbers)."""
    values = _values(m)
    rounded = [int(round(v)) for v in values]
    if rounded == [int(t) for t in target]:
        return Verdict(REPRODUCED, f"rounded {rounded} = {list(target)}")
    if partly and len(values) > 1 and _monotone(values, partly) and len(set(values)) == len(values):
        return Verdict(PARTLY, f"rounded {rounded} != {list(target)}, but {partly}")
    return Verdict(NOT_REPRODUCED, f"rounded {rounded} != {list(target)}")


RULES: dict[str, Callable[..., Verdict]] = {f.__name__: f for f in (
    equivalent, interval_side, beats_chance, threshold, range_within, outside_range, ratio_within, count_equals, ordering,
    sequence_equals)}


def judge(rule: dict, m: Measurement) -> Verdict:
    """The verdict of ``rule`` (``{kind: ..., **parameters}``) on our measurement; a measurement
    that compares a model with itself (``m.degenerate``) decides nothing."""
    params = {k: v for k, v in rule.items() if k != "kind"}
    if any(not math.isfinite(v) for v in _values(m)):
        return Verdict(NOT_TESTED, "our value is not a finite number")
    if m.degenerate:
        return Verdict(INCONCLUSIVE, f"degenerate comparison: {m.degenerate}")
    return RULES[rule["kind"]](m, **params)
