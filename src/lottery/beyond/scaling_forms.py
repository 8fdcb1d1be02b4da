"""Which scaling law? The background chapter's four forms fitted to the [LT] median-loss
curves (Figs 1c, 7, 8) and judged, as Alabdulmohsin et al. (2022) judge them, by how well
a fit on the smaller widths predicts the held-out larger ones.

* M1 ``e = b N^c``: a pure power law; ``c`` is what [LT] call ``-alpha``.
* M2 ``e - e_inf = b N^c``: a power law on top of a floor ``e_inf``; a bend read as a floor.
* M3 ``e = b (1/N + g)^(-c)``: a power law that saturates at ``b g^(-c)`` around ``N ~ 1/g``.
* M4 ``(e - e_inf) / (e0 - e)^a = b N^c``: M2 that also bends towards ``e0`` (the loss of
  the best constant prediction) at small N. The chapter's translation prints it as
  ``e - e_inf = b N^c + (e0 - e)^a``; we use the source paper's form.
* ``tail``: M1 fitted on the fitted widths from ``tail_from`` on only, as [LT] fit their
  exponent on widths 10-50; a contestant, not one of the chapter's forms.

``c < 0`` in every form. Losses span decades, so forms are fitted by least squares on log
loss (:func:`scipy.optimize.least_squares`, several starts, bounds that keep each form
meaningful). M4 is implicit in ``e``: it is predicted by bisection and fitted on the same
log-loss residual as the others. A form that contains another (M2 and M3 contain M1, M4
contains M2) also starts from that form's fit, so it never fits worse than the form it
contains. Every fit records which parameters sit at a bound: such a fit is a boundary
solution (M4 at ``a = 0`` is M2, M3's ``c`` at ``C_MIN`` is a cliff), and the report says so.
Intervals resample seeds with replacement at every width, recompute the medians and refit
every form, warm-started from the point fit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from lottery.core.intervals import percentile_interval
from lottery.core.progress import Progress
from lottery.liu_tegmark.analysis.scaling import converged

FORMS = ("M1", "M2", "M3", "M4")
TAIL = "tail"
CONTESTANTS = (*FORMS, TAIL)
FORM_PARAMS = {"M1": ("b", "c"), "M2": ("b", "c", "e_inf"), "M3": ("b", "c", "g"), "M4": ("b", "c", "e_inf", "a"),
               TAIL: ("b", "c")}
THETA_NAMES = {"M1": ("b", "c"), "M2": ("b", "c", "e_inf"), "M3": ("b", "c", "g"), "M4": ("b", "c", "e_inf", "a")}
PARAMS = ("b", "c", "e_inf", "g", "a")
BOUND_TOL = 1e-3  # a parameter within this fraction of its bounded range from a bound sits at it
C_MIN = -20.0  # steepest exponent any bounded form may take
A_MAX = 20.0
LOG_G = (-50.0, 10.0)
# form: (the form it contains, the value of its extra parameter that reduces it to that form)
NESTED = {"M2": ("M1", 0.0), "M3": ("M1", LOG_G[0]), "M4": ("M2", 0.0)}
E0_MARGIN = 1.05  # e0 is raised this far above the largest median when a net does worse than a constant
TIE = 0.002  # extrapolation errors (decades) this close to the best share a resample's win


@dataclass(frozen=True)
class FormsSettings:
    """Config ``beyond.forms``: widths held out, resamples, interval level, resampling seed, and
    the narrowest width of the tail power law's fit."""

    held_out: int
    bootstrap: int
    confidence: float
    seed: int
    tail_from: int


@dataclass(frozen=True)
class FormFit:
    """One form's fitted vector ``theta`` (``log b, c`` and then ``e_inf``, ``log g`` or ``e_inf, a``)."""

    form: str
    theta: np.ndarray
    cost: float
    at_bound: tuple[str, ...] = ()

    def params(self) -> dict[str, float]:
        """Natural parameters; those the form does not have are NaN."""
        out = dict.fromkeys(PARAMS, np.nan)
        out.update(b=float(np.exp(self.theta[0])), c=float(self.theta[1]))
        if self.form in ("M2", "M4"):
            out["e_inf"] = float(self.theta[2])
        if self.form == "M3":
            out["g"] = float(np.exp(self.theta[2]))
        if self.form == "M4":
            out["a"] = float(self.theta[3])
        return out


def bounds_hit(form: str, theta: np.ndarray, lo: list[float], hi: list[float]) -> tuple[str, ...]:
    """``"name:lower"`` / ``"name:upper"`` for each parameter of a fit that sits at a finite bound."""
    hits = []
    for name, x, low, high in zip(THETA_NAMES[form], theta, lo, hi):
        span = high - low if np.isfinite(high - low) else max(abs(low), abs(high), 1.0)
        for side, bound in (("lower", low), ("upper", high)):
            if np.isfinite(bound) and abs(x - bound) <= BOUND_TOL * span:
                hits.append(f"{name}:{side}")
    return tuple(hits)


def _m4_solve(theta: np.ndarray, log_n: np.ndarray, e0: float) -> np.ndarray:
    """The loss M4 implies at each width: the root of ``log(e - e_inf) - a log(e0 - e) = log b + c log N``.

    With ``e = e_inf + s (e0 - e_inf)`` the left side is ``log s - a log(1 - s)`` plus a
    constant, increasing in ``u = log s``, so bisection on u always finds the one root.
    """
    log_b, c, e_inf, a = theta
    span = e0 - e_inf
    target = log_b + c * log_n - (1 - a) * np.log(span)
    lo, hi = np.full_like(log_n, -400.0), np.zeros_like(log_n)
    for _ in range(64):  # 400 / 2^64: below double precision in log(e - e_inf)
        mid = (lo + hi) / 2
        with np.errstate(divide="ignore"):  # at u = 0 (e = e0) the left side is +inf: the root lies below
            above = mid - a * np.log1p(-np.exp(mid)) > target
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    return e_inf + np.exp((lo + hi) / 2) * span


def predict(form: str, theta: np.ndarray, widths: np.ndarray, e0: float) -> np.ndarray:
    """The loss a fitted form predicts at ``widths``."""
    log_n = np.log(np.asarray(widths, dtype=float))
    log_b, c = theta[0], theta[1]
    if form in ("M1", TAIL):
        return np.exp(log_b + c * log_n)
    if form == "M2":
        return theta[2] + np.exp(log_b + c * log_n)
    if form == "M3":
        return np.exp(log_b - c * np.log(np.exp(-log_n) + np.exp(theta[2])))
    if form == "M4":
        return _m4_solve(theta, log_n, e0)
    raise ValueError(f"unknown scaling form {form!r}; choose one of {CONTESTANTS}")


def _residual(theta: np.ndarray, form: str, log_n: np.ndarray, log_e: np.ndarray, e0: float) -> np.ndarray:
    """Predicted minus measured log loss."""
    return np.log(predict(form, theta, np.exp(log_n), e0)) - log_e


def _line(log_n: np.ndarray, log_y: np.ndarray) -> tuple[float, float]:
    """Least-squares ``log_y = intercept + slope log_n``: (intercept, slope)."""
    slope, intercept = np.polyfit(log_n, log_y, 1)
    return float(intercept), float(slope)


def _bounds(form: str, e_min: float) -> tuple[list[float], list[float]]:
    below = e_min * (1 - 1e-6)
    lo, hi = [-np.inf, C_MIN], [np.inf, 0.0]
    extra = {"M2": ([0.0], [below]), "M3": ([LOG_G[0]], [LOG_G[1]]), "M4": ([0.0, 0.0], [below, A_MAX])}
    if form in extra:
        lo, hi = lo + extra[form][0], hi + extra[form][1]
    return lo, hi


def _starts(form: str, log_n: np.ndarray, e: np.ndarray, e0: float) -> list[np.ndarray]:
    """Starting vectors: lines through the data after removing each candidate floor or bend."""
    starts = []
    if form == "M3":
        b, c = _line(log_n, np.log(e))
        n_max = np.exp(log_n.max())
        return [np.array([b, c, np.log(k / n_max)]) for k in (0.01, 0.1, 1.0, 10.0)]
    for frac in (0.0, 0.5, 0.9):
        e_inf = frac * e.min()
        for a in ((0.0, 1.0) if form == "M4" else (0.0,)):
            b, c = _line(log_n, np.log(e - e_inf) - a * np.log(e0 - e))
            starts.append(np.array([b, c, e_inf] + ([a] if form == "M4" else [])))
    return starts


def fit_form(form: str, widths: np.ndarray, losses: np.ndarray, e0: float,
             starts: list[np.ndarray] | None = None, contained: FormFit | None = None) -> FormFit | None:
    """The lowest-cost least-squares fit of ``form`` to (width, loss) points, or None if it has
    more parameters than there are points (or M4 meets a loss at or above ``e0``).

    ``starts`` replace the default starting vectors; ``contained``, the fit of the form that
    ``form`` contains (:data:`NESTED`), adds that fit as one more start, so ``form`` fits at
    least as well.
    """
    widths, losses = np.asarray(widths, dtype=float), np.asarray(losses, dtype=float)
    if len(widths) < len(FORM_PARAMS[form]) or (form == "M4" and np.any(losses >= e0)):
        return None
    log_n, log_e = np.log(widths), np.log(losses)
    if form in ("M1", TAIL):
        b, c = _line(log_n, log_e)
        theta = np.array([b, c])
        return FormFit(form, theta, float(np.sum(_residual(theta, form, log_n, log_e, e0) ** 2) / 2))
    lo, hi = _bounds(form, losses.min())
    starts = list(starts if starts is not None else _starts(form, log_n, losses, e0))
    if contained is not None:
        starts.append(np.append(contained.theta, NESTED[form][1]))
    best = None
    for x0 in starts:
        res = least_squares(_residual, np.clip(x0, lo, hi), bounds=(lo, hi), args=(form, log_n, log_e, e0),
                            x_scale="jac")
        if best is None or res.cost < best.cost:
            best = FormFit(form, res.x, float(res.cost), bounds_hit(form, res.x, lo, hi))
    return best


def log10_error(predicted: np.ndarray, measured: np.ndarray) -> float:
    """Root-mean-square of ``log10(predicted / measured)``: the error in decades."""
    return float(np.sqrt(np.mean((np.log10(predicted) - np.log10(measured)) ** 2)))


def split_widths(widths: list[int], held_out: int) -> tuple[list[int], list[int]]:
    """(fit widths, held-out widths): the ``held_out`` largest, fewer where that would leave
    fewer widths to fit than M4 has parameters, but always at least one."""
    widths = sorted(widths)
    keep = max(len(widths) - held_out, min(len(FORM_PARAMS["M4"]), len(widths) - 1))
    return widths[:keep], widths[keep:]


def tail_mask(fit_widths: np.ndarray, tail_from: int) -> np.ndarray:
    """The fitted widths the tail power law uses: those from ``tail_from`` on."""
    return np.asarray(fit_widths) >= tail_from


def _fit_all(fit_w: np.ndarray, fit_e: np.ndarray, e0: float, tail_from: int,
             warm: dict[str, FormFit | None] | None = None) -> dict[str, FormFit | None]:
    """Every contestant's fit; with ``warm`` (the point fits), each starts from its point fit
    (and from the fit of the form it contains), and contestants without a point fit are skipped."""
    out: dict[str, FormFit | None] = {}
    tail = tail_mask(fit_w, tail_from)
    for form in CONTESTANTS:
        start = warm.get(form) if warm else None
        if warm is not None and start is None:
            out[form] = None
            continue
        if form == TAIL:
            out[form] = fit_form(form, fit_w[tail], fit_e[tail], e0) if tail.sum() >= 2 else None
            continue
        contained = out.get(NESTED[form][0]) if form in NESTED else None
        out[form] = fit_form(form, fit_w, fit_e, e0, None if start is None else [start.theta], contained)
    return out


def curve_forms(losses_by_width: dict[int, np.ndarray], e0: float, held_out: int, n_boot: int,
                confidence: float, rng: np.random.Generator, tail_from: int = 10) -> pd.DataFrame:
    """Every contestant fitted to one curve's medians, with extrapolation errors and bootstrap intervals.

    One row per contestant (:data:`CONTESTANTS`): its fit and held-out widths, natural
    parameters and their intervals, in-sample and extrapolation errors (decades), ``win_rate``,
    the fraction of resamples in which it extrapolates best (of contestants within ``TIE`` of the
    best, those with the fewest parameters share the win: a form must earn its extra
    parameters), ``at_bound`` (the point fit's parameters at a bound, ``"name:side"`` joined by
    spaces) and ``bound_share`` (the fraction of resamples whose fit has one). A contestant
    with too few widths has ``fitted`` False.
    """
    fit_widths, test_widths = split_widths(list(losses_by_width), held_out)
    samples = {w: np.asarray(losses_by_width[w]) for w in fit_widths + test_widths}
    fw, tw = np.array(fit_widths, float), np.array(test_widths, float)

    def medians(draw: bool) -> tuple[np.ndarray, np.ndarray]:
        med = {w: np.median(s[rng.integers(0, len(s), len(s))] if draw else s) for w, s in samples.items()}
        return np.array([med[w] for w in fit_widths]), np.array([med[w] for w in test_widths])

    fit_e, test_e = medians(False)
    point = _fit_all(fw, fit_e, e0, tail_from)
    boot = {f: {"c": [], "e_inf": [], "g": [], "a": [], "error": [], "bound": []} for f in CONTESTANTS}
    wins = dict.fromkeys(CONTESTANTS, 0)
    for _ in range(n_boot if test_widths else 0):
        bf, bt = medians(True)
        fits = _fit_all(fw, bf, e0, tail_from, warm=point)
        errors = {}
        for form, fit in fits.items():
            if fit is None:
                continue
            errors[form] = log10_error(predict(form, fit.theta, tw, e0), bt)
            p = fit.params()
            for key in ("c", "e_inf", "g", "a"):
                boot[form][key].append(p[key])
            boot[form]["error"].append(errors[form])
            boot[form]["bound"].append(bool(fit.at_bound))
        best = min(errors.values(), default=np.inf)
        tied = [f for f, err in errors.items() if err <= best + TIE]
        simplest = [f for f in tied if len(FORM_PARAMS[f]) == min(len(FORM_PARAMS[t]) for t in tied)]
        for form in simplest:
            wins[form] += 1 / len(simplest)
    rows = []
    in_tail = tail_mask(fw, tail_from)
    for form in CONTESTANTS:
        fit = point[form]
        own = in_tail if form == TAIL else np.ones(len(fw), bool)
        row = {"form": form, "fit_widths": " ".join(str(w) for w, keep in zip(fit_widths, own) if keep),
               "held_out_widths": " ".join(map(str, test_widths)), "n_fit": int(own.sum()), "e0": e0,
               "fitted": fit is not None, "at_bound": " ".join(fit.at_bound) if fit else "",
               "bound_share": float(np.mean(boot[form]["bound"])) if boot[form]["bound"] else np.nan}
        row.update(fit.params() if fit else dict.fromkeys(PARAMS, np.nan))
        row["fit_error"] = log10_error(predict(form, fit.theta, fw[own], e0), fit_e[own]) if fit else np.nan
        row["extrapolation_error"] = (log10_error(predict(form, fit.theta, tw, e0), test_e)
                                      if fit and test_widths else np.nan)
        for key in ("c", "e_inf", "g", "a", "error"):
            values = np.asarray(boot[form][key], dtype=float)
            values = values[np.isfinite(values)]
            name = "extrapolation_error" if key == "error" else key
            low, high = percentile_interval(values, confidence)
            row[f"{name}_low"], row[f"{name}_high"] = float(low), float(high)
        row["win_rate"] = wins[form] / n_boot if test_widths and n_boot else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def constant_loss(y_test: np.ndarray) -> float:
    """``e0``: the test loss of the best constant prediction (the targets' variance)."""
    return float(np.var(y_test))


def forms_table(summary: pd.DataFrame, e0_by_target: dict[str, float],
                settings: FormsSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All forms fitted to every (family, target, activation) curve of a per-seed summary.

    Returns the fits (one row per curve and form, see :func:`curve_forms`) and the medians
    per width with a ``held_out`` flag. ``e0`` of a curve is its target's constant loss,
    raised above the largest median where a net does worse than a constant.
    """
    keys = ["family", "target", "activation"]
    fits, medians = [], []
    rng = np.random.default_rng(settings.seed)
    curves = converged(summary).groupby(keys)
    progress = Progress("scaling-law forms", curves.ngroups, "curves", interval=0)
    for key, group in curves:
        by_width = {int(w): g["test_loss"].to_numpy() for w, g in group.groupby("width")}
        if len(by_width) < 2:
            progress.advance(1, " ".join(map(str, key)) + " (fewer than two widths)")
            continue
        med = {w: float(np.median(v)) for w, v in by_width.items()}
        e0 = max(e0_by_target[key[1]], E0_MARGIN * max(med.values()))
        fits.append(curve_forms(by_width, e0, settings.held_out, settings.bootstrap, settings.confidence, rng,
                                settings.tail_from).assign(**dict(zip(keys, key))))
        _, test_widths = split_widths(list(by_width), settings.held_out)
        medians.append(pd.DataFrame({**dict(zip(keys, key)), "width": list(med), "median_test_loss": list(med.values()),
                                     "held_out": [w in test_widths for w in med]}))
        progress.advance(1, " ".join(map(str, key)))
    progress.finish(f"{len(fits)} curves fitted")
    return pd.concat(fits, ignore_index=True), pd.concat(medians, ignore_index=True)


def form_curves(fits: pd.DataFrame, points: int = 60) -> pd.DataFrame:
    """Each fitted form's predicted loss on a dense width grid over its curve (for the figure)."""
    rows = []
    for f in fits[fits["fitted"]].itertuples():
        widths = [float(w) for w in f.fit_widths.split()] + [float(w) for w in f.held_out_widths.split()]
        grid = np.geomspace(min(widths), max(widths), points)
        theta = _theta(f.form, f._asdict())
        rows.append(pd.DataFrame({"family": f.family, "target": f.target, "activation": f.activation,
                                  "form": f.form, "width": grid, "loss": predict(f.form, theta, grid, f.e0)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _theta(form: str, p: dict) -> np.ndarray:
    """The fitting vector of a form from its natural parameters (the inverse of ``FormFit.params``)."""
    theta = [np.log(p["b"]), p["c"]]
    extra = {"M1": [], TAIL: [], "M2": [p["e_inf"]], "M3": [np.log(p["g"]) if p.get("g", 0) > 0 else LOG_G[0]],
             "M4": [p["e_inf"], p["a"]]}[form]
    return np.array(theta + extra, dtype=float)
