"""Known answers of the "beyond both papers" analyses: scaling forms recover planted laws (and
say when a fit sits at a bound), eq. 2.11 adds up, the mechanism test tells ticket ensembling
from its opposite, IMP finds a planted sparse net, and mirror pairs beat their decoys only
when they are special."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from lottery.beyond.bias_variance import (decompose, ensemble_losses, mechanism_rules, mechanism_slopes,
                                          mechanism_verdict, weighted_parts)
from lottery.beyond.imp_tickets import neuron_fates
from lottery.beyond.masked_imp import ImpSettings, best_rounds, imp_regression, rounds_frame
from lottery.beyond.pair_fates import decoy_partners, net_pair_fates, pair_fates, per_seed_rates
from lottery.beyond.report import at_a_bound, bound_phrase, forms_table, interval_bounds
from lottery.beyond.scaling_forms import (C_MIN, FORM_PARAMS, TAIL, curve_forms, fit_form, log10_error, predict,
                                          split_widths)
from lottery.core.checkpoint import Checkpoint, Interrupted
from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.nets import init_params

WIDTHS = np.array([1, 2, 3, 4, 6, 10, 20, 30, 40, 50], dtype=float)
E0 = 1.5
PLANTED = {
    "M1": ([np.log(0.8), -1.3], {"b": 0.8, "c": -1.3}),
    "M2": ([np.log(0.8), -2.5, 1e-3], {"b": 0.8, "c": -2.5, "e_inf": 1e-3}),
    "M3": ([np.log(0.5), -2.0, np.log(0.05)], {"b": 0.5, "c": -2.0, "g": 0.05}),
    "M4": ([np.log(0.6), -3.0, 2e-4, 1.5], {"b": 0.6, "c": -3.0, "e_inf": 2e-4, "a": 1.5}),
}


@pytest.mark.parametrize("form", list(PLANTED))
def test_each_form_recovers_its_parameters(form: str) -> None:
    theta, truth = PLANTED[form]
    losses = predict(form, np.array(theta), WIDTHS, E0)
    fit = fit_form(form, WIDTHS, losses, E0)
    got = fit.params()
    for name, value in truth.items():
        assert got[name] == pytest.approx(value, rel=1e-5), name
    assert set(truth) == set(FORM_PARAMS[form])


def test_m4_fits_m2_data_at_least_as_well_as_m2() -> None:
    """M4 contains M2 (a = 0), so on M2's own noisy data it must fit no worse; the bend it may
    add is a boundary solution: ``a`` sits at its bound 0 and the fit says so."""
    rng = np.random.default_rng(3)
    losses = predict("M2", np.array(PLANTED["M2"][0]), WIDTHS, E0) * np.exp(0.03 * rng.standard_normal(len(WIDTHS)))
    m2, m4 = fit_form("M2", WIDTHS, losses, E0), fit_form("M4", WIDTHS, losses, E0)
    assert m4.cost <= m2.cost * (1 + 1e-9)
    assert log10_error(predict("M4", m4.theta, WIDTHS, E0), losses) <= log10_error(
        predict("M2", m2.theta, WIDTHS, E0), losses) + 1e-9
    exact = fit_form("M4", WIDTHS, predict("M2", np.array(PLANTED["M2"][0]), WIDTHS, E0), E0)
    assert "a:lower" in exact.at_bound


def test_m4_recovers_a_planted_bend_from_noisy_points() -> None:
    rng = np.random.default_rng(4)
    theta = np.array(PLANTED["M4"][0])
    losses = predict("M4", theta, WIDTHS, E0) * np.exp(0.002 * rng.standard_normal(len(WIDTHS)))
    fit = fit_form("M4", WIDTHS, losses, E0)
    assert fit.params()["a"] == pytest.approx(1.5, rel=0.05)
    assert not fit.at_bound


def test_fits_at_their_bounds_are_flagged() -> None:
    """A pure power law leaves M2 no floor (``e_inf`` at its bound 0); a cliff steeper than C_MIN
    pins ``c`` at its bound; an interior fit has no flag."""
    m1_data = predict("M1", np.array(PLANTED["M1"][0]), WIDTHS, E0)
    assert fit_form("M2", WIDTHS, m1_data, E0).at_bound == ("e_inf:lower",)
    cliff = np.exp(-30 * np.log(WIDTHS[:4]))
    assert "c:lower" in fit_form("M2", WIDTHS[:4], cliff, E0).at_bound
    assert fit_form("M3", WIDTHS, predict("M3", np.array(PLANTED["M3"][0]), WIDTHS, E0), E0).at_bound == ()
    assert bound_phrase("c:lower a:lower") == f"$c$ at its bound ${C_MIN:g}$ and $a$ at its bound 0 (M4 reduces to M2)"
    assert bound_phrase("") == ""
    interior = pd.Series({"at_bound": "", "c_low": -16.0, "a_low": np.nan, "a_high": np.nan, "g_low": 0.5,
                          "g_high": 1.0})
    assert not at_a_bound(interior)
    assert interval_bounds(interior.copy().replace({-16.0: C_MIN})) == "c:lower"  # an interval ending at -20
    assert at_a_bound(interior.copy().replace({-16.0: C_MIN}))


def test_the_tail_power_law_wins_when_the_early_regime_is_steeper() -> None:
    """N^-4 up to N = 10, then N^-1, as [LT] describe LeakyReLU: a power law fitted on the tail
    predicts the held-out widths; the forms fitted on every width are pulled by the early regime."""
    rng = np.random.default_rng(5)
    medians = np.where(WIDTHS < 10, 1e-4 * (WIDTHS / 10) ** -4.0, 1e-4 * (WIDTHS / 10) ** -1.0)
    by_width = {int(w): m * np.exp(0.02 * rng.standard_normal(301)) for w, m in zip(WIDTHS, medians)}
    table = curve_forms(by_width, E0, held_out=2, n_boot=20, confidence=0.9, rng=rng, tail_from=10).set_index("form")
    assert table.loc[TAIL, "fit_widths"] == "10 20 30"
    assert table.loc[TAIL, "c"] == pytest.approx(-1.0, abs=0.05)
    assert table.loc[TAIL, "extrapolation_error"] < 0.02 < table.loc["M1", "extrapolation_error"]
    assert table.loc[TAIL, "win_rate"] > 0.5
    assert table["win_rate"].sum() == pytest.approx(1.0)


def test_the_forms_table_marks_boundary_fits_and_states_the_scale() -> None:
    rng = np.random.default_rng(6)
    by_width = {int(w): m * np.exp(0.05 * rng.standard_normal(101))
                for w, m in zip(WIDTHS, predict("M2", np.array(PLANTED["M2"][0]), WIDTHS, E0))}
    fits = curve_forms(by_width, E0, held_out=2, n_boot=5, confidence=0.9, rng=rng).assign(
        family="targets", target="x3", activation="silu")
    assert fits.set_index("form").loc["M4", "at_bound"] == "a:lower"
    tex = forms_table(fits, {"targets": [200, 5000]})
    row = next(line for line in tex.splitlines() if line.startswith("targets"))
    assert "200 $\\times$ 5,000" in row
    assert row.count("$^\\dagger$") >= 1


def test_m4_prediction_solves_its_implicit_equation() -> None:
    theta = np.array(PLANTED["M4"][0])
    e = predict("M4", theta, WIDTHS, E0)
    log_b, c, e_inf, a = theta
    assert np.all((e > e_inf) & (e < E0))
    np.testing.assert_allclose((e - e_inf) / (E0 - e) ** a, np.exp(log_b) * WIDTHS**c, rtol=1e-9)


def test_forms_with_more_parameters_than_widths_are_not_fitted() -> None:
    assert fit_form("M4", WIDTHS[:3], np.array([1.0, 0.5, 0.3]), E0) is None
    assert fit_form("M4", WIDTHS[:4], np.array([1.0, 0.5, 0.3, E0]), E0) is None  # a loss at e0
    assert split_widths([1, 2, 10, 20], 2) == ([1, 2, 10], [20])  # at least one held out, widths kept to fit
    assert split_widths(list(range(1, 11)), 2) == (list(range(1, 9)), [9, 10])


def test_the_planted_form_extrapolates_best_from_noisy_seeds() -> None:
    """Seeds scattered around an M2 law with a floor: M2 predicts the held-out widths, M1 cannot."""
    rng = np.random.default_rng(0)
    theta = np.array(PLANTED["M2"][0])
    medians = predict("M2", theta, WIDTHS, E0)
    by_width = {int(w): m * np.exp(0.05 * rng.standard_normal(401)) for w, m in zip(WIDTHS, medians)}
    table = curve_forms(by_width, E0, held_out=3, n_boot=30, confidence=0.9, rng=rng).set_index("form")
    assert table.loc["M2", "extrapolation_error"] < 0.05 < table.loc["M1", "extrapolation_error"]
    assert table.loc["M2", "win_rate"] + table.loc["M4", "win_rate"] > 0.9
    assert table.loc["M2", "c_low"] < -2.5 < table.loc["M2", "c_high"]
    assert table["win_rate"].sum() == pytest.approx(1.0)


def test_bias_variance_decomposition_sums_to_the_total_error() -> None:
    """Nets = truth + a shared offset (bias) + independent noise (variance): eq. 2.11 recovers both."""
    rng = np.random.default_rng(1)
    y = np.sin(np.linspace(-2, 2, 300))
    offset, spread = 0.3, 0.5
    pred = y + offset + spread * rng.standard_normal((4000, len(y)))
    parts = decompose(pred, y)
    assert parts["bias2"] + parts["variance"] == pytest.approx(parts["total"], rel=1e-12)
    assert parts["total"] == pytest.approx(np.mean((pred - y) ** 2), rel=1e-12)
    assert parts["bias2"] == pytest.approx(offset**2, rel=0.02)
    assert parts["variance"] == pytest.approx(spread**2, rel=0.01)


def _nets(rng: np.random.Generator, bias: float, variance: float, seeds: int = 400, n: int = 64) -> np.ndarray:
    """Residuals of ``seeds`` nets: a shared error of mean square ``bias`` plus independent
    noise of variance ``variance``."""
    shared = np.sqrt(bias) * np.sin(np.linspace(0, 3, n)) / np.sqrt(np.mean(np.sin(np.linspace(0, 3, n)) ** 2))
    return shared + np.sqrt(variance) * rng.standard_normal((seeds, n))


def test_weighted_parts_add_up_and_remove_the_seed_average_noise() -> None:
    """The population estimates add up to the mean loss, and bias^2 no longer carries the
    seed average's own noise (variance / S), which the plug-in eq. 2.11 does."""
    rng = np.random.default_rng(7)
    res = _nets(rng, bias=1e-4, variance=1e-2, seeds=50)
    bias2, variance = (v[0] for v in weighted_parts(res, np.ones((1, 50))))
    assert bias2 + variance == pytest.approx(np.mean(res**2), rel=1e-12)
    assert decompose(res, 0 * res[0])["bias2"] == pytest.approx(bias2 + variance / 50, rel=1e-9)


@pytest.mark.parametrize("planted", ["ensembling", "opposite"])
def test_the_mechanism_test_tells_ticket_ensembling_from_its_opposite(planted: str) -> None:
    """Ensembling: variance ~ N^-1, flat bias -> holds. Opposite: bias ~ N^-1, flat variance
    -> fails, saying that width removes bias faster than variance."""
    rng = np.random.default_rng(8)
    widths = [10, 20, 30, 40, 50]
    parts = {w: (1e-3, 1e-1 / w) if planted == "ensembling" else (1e-2 / w, 1e-2) for w in widths}
    by_width = {w: _nets(rng, *parts[w]) for w in widths}
    slopes, per_width = mechanism_slopes(by_width, [[10, 50], [20, 50]], 0.01, 200, 0.95, rng)
    assert len(slopes) == 2 * 2 * 2 and set(per_width["seeds"]) == {400, 396}
    for (_, _, _), g in slopes.groupby(["width_lo", "width_hi", "trimmed"]):
        g = g.set_index("part")
        want = {"ensembling": (0.0, -1.0), "opposite": (-1.0, 0.0)}[planted]
        for part, slope in zip(("bias2", "variance"), want):
            assert g.loc[part, "low"] - 0.03 < slope < g.loc[part, "high"] + 0.03
        outcome, sentence = mechanism_verdict(g.loc["bias2"], g.loc["variance"], mechanism_rules("silu"))
        assert outcome == {"ensembling": "yes", "opposite": "no"}[planted]
        assert ("width removes bias faster than variance" in sentence) == (planted == "opposite")


def test_the_worst_seeds_are_dropped_before_the_slopes() -> None:
    """A few wild seeds at the narrowest width steepen the variance slope; without the worst 1%
    the planted N^-1 comes back, and those seeds' share of the loss is reported."""
    rng = np.random.default_rng(9)
    widths = [10, 20, 30, 40, 50]
    by_width = {w: _nets(rng, 1e-3, 1e-1 / w) for w in widths}
    by_width[10][:3] *= 30.0
    slopes, per_width = mechanism_slopes(by_width, [[10, 50]], 0.01, 100, 0.95, rng)
    var = slopes[slopes["part"] == "variance"].set_index("trimmed")["slope"]
    assert var[False] < -1.5 and var[True] == pytest.approx(-1.0, abs=0.1)
    share = per_width[(per_width["width"] == 10) & ~per_width["trimmed"]]["worst_share"].iloc[0]
    assert share > 0.5


def test_ensemble_loss_keeps_the_bias_and_divides_the_variance() -> None:
    rng = np.random.default_rng(2)
    y = np.linspace(-1, 1, 50)
    pred = y + 0.1 + rng.standard_normal((20, len(y)))
    curve = ensemble_losses(pred, y, [1, 4, 20, 40], draws=3000, rng=rng).set_index("k")
    assert list(curve.index) == [1, 4, 20]  # more nets than there are are skipped
    np.testing.assert_allclose(curve["loss"], curve["predicted"], rtol=0.03)
    assert curve.loc[20, "loss"] == pytest.approx(decompose(pred, y)["bias2"], rel=1e-12)  # all nets: bias only
    assert curve.loc[1, "one_over_k"] == pytest.approx(4 * curve.loc[4, "one_over_k"])


@pytest.fixture
def one_thread():
    """Tiny tensors: extra threads only add contention on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_imp_finds_a_planted_sparse_net(one_thread: None) -> None:
    """Noisy labels from one tanh neuron reading inputs 0 and 3 of six: IMP's best pruned nets keep
    exactly those inputs and beat the dense nets, which fit the noise with their spare weights."""
    rng = np.random.default_rng(0)
    dim, planted = 6, {0, 3}

    def teacher(x: np.ndarray) -> np.ndarray:
        return 2.0 * np.tanh(1.5 * x[:, 0] - 1.0 * x[:, 3])

    x_train, x_test = rng.uniform(-1.5, 1.5, (128, dim)), rng.uniform(-1.5, 1.5, (1000, dim))
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    data = (t(x_train), t(teacher(x_train) + 0.3 * rng.standard_normal(128)), t(x_test), t(teacher(x_test)))
    settings = ImpSettings(steps=400, lr=0.03, lr_decay=0.3, lr_decay_every=150, fraction=0.3, rounds=7)
    rounds = imp_regression(init_params(list(range(4)), 3, dim, torch.float64), *data,
                            get_activation("tanh").torch_pair()[0], settings)
    frame = rounds_frame(rounds, np.arange(4))
    best = best_rounds(frame)
    dense = frame[frame["round"] == 0].set_index("seed")["test_loss"]
    for row in best.itertuples():
        masks = rounds[row.round].masks
        alive = masks["v"][row.seed].bool()
        inputs = set(np.flatnonzero(masks["w"][row.seed][alive].any(0).numpy()))
        assert inputs == planted
        assert row.effective_params <= 2 * (len(planted) + 1) < 3 * (dim + 1)
        assert row.test_loss < dense[row.seed] / 2
    assert np.all([(rd.params.w == 0)[~rd.masks["w"].bool()].all() for rd in rounds])  # pruned stay zero


def test_a_stopped_imp_job_resumes_with_identical_rounds(one_thread: None, tmp_path) -> None:
    """Stop after the first pruned round (as SIGTERM would), resume from the checkpoint: every
    round equals the uninterrupted run's, and a checkpoint of other settings is not resumed."""
    rng = np.random.default_rng(1)
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    x = rng.uniform(-2, 2, (64, 1))
    data = (t(x), t(x[:, 0] ** 2), t(x[::2]), t(x[::2, 0] ** 2))
    init = init_params(list(range(3)), 6, 1, torch.float64)
    act = get_activation("silu").torch_pair()[0]
    settings = ImpSettings(steps=60, lr=0.02, lr_decay=0.5, lr_decay_every=30, fraction=0.3, rounds=3)
    whole = rounds_frame(imp_regression(init, *data, act, settings), np.arange(3))

    checkpoint = Checkpoint(tmp_path / "imp.ckpt", every=1)
    checkpoint.stop.set()
    with pytest.raises(Interrupted, match="after round 0"):
        imp_regression(init, *data, act, settings, checkpoint, key="k")
    checkpoint.stop.clear()
    with pytest.raises(Interrupted, match="after round 1"):  # resumed at round 1, not 0
        checkpoint.stop.set()
        imp_regression(init, *data, act, settings, checkpoint, key="k")
    checkpoint.stop.clear()
    resumed = rounds_frame(imp_regression(init, *data, act, settings, checkpoint, key="k"), np.arange(3))
    pd.testing.assert_frame_equal(resumed, whole)
    assert checkpoint.load("other settings") is None


def test_mirror_pairs_sharing_their_fate() -> None:
    w = np.array([[1.0, -1.0, 2.0, -2.0]])
    b = np.array([[0.5, 0.5, -1.0, -1.0]])
    v = np.array([[1.0, 1.1, 3.0, 3.1]])
    alive = np.array([[[True, True, True, True]], [[True, True, False, False]], [[True, False, True, False]],
                      [[False, False, False, False]]])
    neurons = neuron_fates(w, b, v, alive).assign(seed=7, activation="silu")
    assert list(neurons[neurons["round"] == 0]["partner"]) == [1, 0, 3, 2]
    fates = pair_fates(neurons).set_index("round")
    assert list(fates["pairs"]) == [2, 2, 2, 2]
    assert list(fates["together"]) == [1.0, 1.0, 0.0, 1.0]
    assert list(fates["chance"]) == [1.0, 0.5, 0.5, 1.0]
    # decoys, nearest to the partner in (log|w|, log|v|): 0 -> 2, 1 -> 2, 2 -> 1, 3 -> 1
    assert list(fates["decoy"]) == [1.0, 0.0, 0.5, 1.0]
    assert list(fates["informative"]) == [False, True, True, False]  # all alive / all dead decide nothing
    rates = per_seed_rates(fates.reset_index()).iloc[0]
    assert rates["together"] == 0.5 and rates["decoy"] == 0.25


def test_decoys_are_matched_in_magnitude_to_the_partner() -> None:
    abs_w = np.array([1.0, 1.0, 5.0, 1.05, 5.1])
    abs_v = np.array([2.0, 2.0, 0.1, 2.1, 0.1])
    partner = np.array([1, 0, -1, -1, -1])
    assert list(decoy_partners(abs_w, abs_v, partner)) == [3, 3, -1, -1, -1]


@pytest.mark.parametrize("special", [False, True])
def test_the_decoy_baseline_equals_the_pairs_rate_when_pairs_are_not_special(special: bool) -> None:
    """Fates from magnitude plus noise, blind to pairing: pairs share their fate because they
    share magnitude, and their decoys do just as often (while independence underestimates both).
    When each pair's fate is one draw, the pairs beat their decoys."""
    rng = np.random.default_rng(10)
    nets, width, rounds = 300, 20, 4
    rates = []
    for _ in range(nets):
        mag = rng.lognormal(0.0, 1.0, width // 2).repeat(2) * np.exp(0.02 * rng.standard_normal(width))
        partner = np.arange(width) ^ 1
        shared = rng.standard_normal((rounds, width // 2)).repeat(2, axis=1)
        noise = shared if special else rng.standard_normal((rounds, width))
        alive = np.log(mag) + 0.5 * noise > np.linspace(-1.0, 1.0, rounds)[:, None]
        f = net_pair_fates(alive, partner, decoy_partners(mag, mag, partner))
        keep = f["informative"]
        rates.append([f[k][keep].mean() for k in ("together", "decoy", "chance")])
    together, decoy, chance = np.nanmean(rates, axis=0)
    assert chance < decoy - 0.05
    if special:
        assert together > decoy + 0.05
    else:
        assert together == pytest.approx(decoy, abs=0.02)


def test_best_round_prefers_fewer_weights_on_ties() -> None:
    frame = pd.DataFrame({"seed": [0, 0, 0], "round": [0, 1, 2], "weights": [10, 7, 5],
                          "test_loss": [0.2, 0.1, 0.1]})
    assert best_rounds(frame)["effective_params"].tolist() == [5]


def test_the_mechanism_claim_reads_the_exponent_and_its_interval(tmp_path) -> None:
    """The claims row of the mechanism test: the slope's exponent (-slope) with its interval
    flipped to match, and "not tested" for a width range the run did not fit."""
    from lottery.claims.measures import MEASURES, NotMeasurable, Results, ResultsDir
    from lottery.claims.sources import RESULT_FILES
    from lottery.core.storage import write_frames

    mech = pd.DataFrame({"target": "x2", "activation": "silu", "width_lo": 20, "width_hi": 50, "widths": 4,
                         "trimmed": False, "part": ["bias2", "variance"], "slope": [-1.2, -0.1],
                         "low": [-1.3, -0.3], "high": [-1.1, 0.05]})
    write_frames(tmp_path / RESULT_FILES["beyond_bias_variance"], {"mechanism": mech})
    measure = MEASURES["mechanism_exponent"]
    results = Results(ResultsDir(tmp_path), measure.sources)
    got = measure.fn(results, {}, activation="silu", part="variance", widths=[20, 50])
    assert (got.value, got.low, got.high) == (pytest.approx(0.1), pytest.approx(-0.05), pytest.approx(0.3))
    with pytest.raises(NotMeasurable, match="10-50"):
        measure.fn(results, {}, activation="silu", part="variance", widths=[10, 50])


def test_the_forms_figure_draws_every_contestant() -> None:
    """The tail power law has its own line style (a dash tuple, not a format string)."""
    from lottery.beyond.plots import plot_scaling_forms
    from lottery.beyond.scaling_forms import form_curves

    rng = np.random.default_rng(11)
    by_width = {int(w): m * np.exp(0.05 * rng.standard_normal(51))
                for w, m in zip(WIDTHS, predict("M2", np.array(PLANTED["M2"][0]), WIDTHS, E0))}
    key = {"family": "scaling", "target": "x2", "activation": "silu"}
    fits = curve_forms(by_width, E0, held_out=2, n_boot=3, confidence=0.9, rng=rng).assign(**key)
    medians = pd.DataFrame({**key, "width": WIDTHS, "median_test_loss": [np.median(v) for v in by_width.values()],
                            "held_out": WIDTHS >= 40})
    fig = plot_scaling_forms(fits, medians, form_curves(fits))
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert {"M1", "M2", "M3", "M4", TAIL} <= set(labels)
