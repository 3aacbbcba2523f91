"""Open durations counted honestly: Kaplan-Meier, band coverage, recalibration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tminus.predictors.timing import widen_band
from tminus.training.survival import (
    band_coverage,
    censored_quantile_scores,
    fit_band_scale,
    kaplan_meier,
    survival_at,
    widen,
)

BAND = np.array([[10.0, 20.0, 40.0]])


def test_kaplan_meier_matches_the_textbook_example() -> None:
    # times 1, 2+, 3, 4+, 5: S(1) = 4/5, S(3) = 4/5 * 2/3, S(5) = 0
    curve = kaplan_meier([1, 2, 3, 4, 5], [True, False, True, False, True])
    assert survival_at(curve, 0.5) == 1.0
    assert survival_at(curve, 1.0) == pytest.approx(0.8)
    assert survival_at(curve, 2.5) == pytest.approx(0.8)
    assert survival_at(curve, 3.0) == pytest.approx(0.8 * 2 / 3)
    assert survival_at(curve, 3.0, inclusive=True) == pytest.approx(0.8)
    assert survival_at(curve, 5.0) == pytest.approx(0.0)


def test_closed_outcomes_give_the_plain_share_inside_the_band() -> None:
    days = [5.0, 15.0, 30.0, 39.0, 100.0]
    pred = np.repeat(BAND, 5, axis=0)
    assert band_coverage(days, [False] * 5, pred) == pytest.approx(3 / 5)
    scores = censored_quantile_scores(days, [False] * 5, pred)
    assert scores["coverage_80"] == pytest.approx(0.6) == scores["coverage_80_closed"]


def test_an_open_gap_past_p90_is_a_miss_and_one_below_it_is_not_yet_decided() -> None:
    pred = np.repeat(BAND, 4, axis=0)
    closed = [15.0, 30.0, 35.0]  # all inside
    # dropped, as the old backtest did, the open gap would leave coverage at 100%
    past_p90 = censored_quantile_scores([*closed, 60.0], [False] * 3 + [True], pred)
    assert past_p90["coverage_80_closed"] == 1.0
    assert past_p90["coverage_80"] == pytest.approx(0.75)  # a miss above, whatever comes next
    assert past_p90["open_past_p90"] == pytest.approx(0.25)
    # open at 12 days: inside so far; Kaplan-Meier gives its weight to the later outcomes
    # (30 and 35, both inside), so it counts as inside
    undecided = censored_quantile_scores([*closed, 12.0], [False] * 3 + [True], pred)
    assert undecided["coverage_80"] == pytest.approx(1.0)
    # open at 36 days with a closed 45-day gap after it: its weight splits between inside and
    # beyond p90 like the outcomes that outlasted it
    split = censored_quantile_scores(
        [15.0, 30.0, 36.0, 45.0], [False, False, True, False], np.repeat(BAND, 4, axis=0)
    )
    assert split["coverage_80"] == pytest.approx(0.5)
    assert split["pinball_loss"] is not None and split["n_open"] == 1


def test_widening_the_band_raises_coverage_to_the_target() -> None:
    rng = np.random.default_rng(0)
    days = rng.lognormal(mean=3.0, sigma=1.0, size=2000)
    # a band too narrow: the 30th and 70th percentiles of the truth
    narrow = np.tile(np.exp(3.0 + np.array([-0.524, 0.0, 0.524])), (2000, 1))
    before = band_coverage(days, np.zeros(2000, dtype=bool), narrow)
    scale = fit_band_scale(days, np.zeros(2000, dtype=bool), narrow, target=0.8)
    after = band_coverage(days, np.zeros(2000, dtype=bool), widen(narrow, scale))
    assert before is not None and before < 0.5
    assert after == pytest.approx(0.8, abs=0.01)
    assert scale == pytest.approx(1.2816 / 0.524, rel=0.1)  # z(0.9) / z(0.7)


def test_training_and_the_service_widen_a_band_alike() -> None:
    rng = np.random.default_rng(1)
    quantiles = np.sort(rng.lognormal(3.0, 1.0, size=(200, 3)), axis=1)
    for scale in (0.6, 1.0, 1.7):
        vectorised = widen(quantiles, scale)
        by_hand = [widen_band((q[0], q[1], q[2]), scale) for q in quantiles]
        np.testing.assert_allclose(vectorised, by_hand, rtol=1e-12, atol=1e-12)
    assert widen_band((10.0, 20.0, 40.0), 1.0) == pytest.approx((10.0, 20.0, 40.0))
    low, mid, _high = widen_band((10.0, 20.0, 40.0), 2.0)
    assert mid == 20.0 and math.log1p(mid) - math.log1p(low) == pytest.approx(
        2 * (math.log1p(20) - math.log1p(10))
    )
