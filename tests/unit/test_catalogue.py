"""One rule resolves names; vehicles and pads GCAT lists before they fly are answered, flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from tminus.features.history import LaunchHistory
from tminus.features.timebase import to_day
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.predictors.timing import PadQuery, PadTurnaroundPredictor
from tminus.training import launch_failure, timing

from .synthetic import aliases, launch_tables

UTC = dt.UTC
LATER = dt.datetime(2030, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def predictor() -> LaunchFailurePredictor:
    trained = launch_failure.train(launch_tables(), random_state=0).predictor
    assert isinstance(trained, LaunchFailurePredictor)
    return trained


@pytest.fixture(scope="module")
def catalogue(predictor: LaunchFailurePredictor) -> Catalogue:
    return predictor.catalogue


def test_exact_names_fold_case_and_punctuation(catalogue: Catalogue) -> None:
    match = catalogue.resolve_vehicle("alpha-2")
    assert (match.name, match.matched, match.family) == ("Alpha 2", "exact", "Alpha")


def test_a_family_name_is_its_most_recently_flown_variant() -> None:
    history = LaunchHistory()
    for day, vehicle in ((1.0, "Rocket 61"), (5.0, "Rocket 62"), (9.0, "Rocket 62")):
        history.record(
            day=day, vehicle=vehicle, family="R6", provider="P", site="S", pad="A", failed=False
        )
    catalogue = Catalogue(history)
    by_family = catalogue.resolve_vehicle("r6")
    assert (by_family.name, by_family.matched) == ("Rocket 62", "family")
    assert catalogue.resolve_vehicle("R6", at=3.0).name == "Rocket 61"  # as it stood then
    by_series = catalogue.resolve_vehicle("Rocket 6")
    assert (by_series.name, by_series.matched) == ("Rocket 62", "series")


def test_an_unflown_variant_gcat_lists_is_known_and_not_yet_flown(catalogue: Catalogue) -> None:
    match = catalogue.resolve_vehicle("Alpha 3")
    assert (match.name, match.matched, match.family, match.provider) == (
        "Alpha 3",
        "exact",
        "Alpha",
        "AAA",  # its family's provider
    )
    assert catalogue.vehicle_state("Alpha 3") == "not yet flown"
    listed = {v.name: v.state for v in catalogue.vehicles()}
    assert listed["Alpha 3"] == "not yet flown" and listed["Beta"] == "flown"
    assert "Sounder" not in listed  # not an orbital vehicle


def test_near_misses_are_refused_with_suggestions_and_strangers_are_unknown(
    catalogue: Catalogue,
) -> None:
    with pytest.raises(QueryError) as near:
        catalogue.resolve_vehicle("Alpah 2")
    assert near.value.field == "vehicle" and "Alpha 2" in near.value.suggestions
    # A name like nothing known is refused too, unless the caller opts in to the prior.
    with pytest.raises(QueryError) as stranger_refused:
        catalogue.resolve_vehicle("Zephyr Heavy")
    assert stranger_refused.value.unknown_name and "allow_unseen" in stranger_refused.value.message
    stranger = catalogue.resolve_vehicle("Zephyr Heavy", allow_unseen=True)
    assert not stranger.known and stranger.matched == "unknown"


def test_a_listed_pad_that_never_launched_is_a_new_pad(catalogue: Catalogue) -> None:
    new = catalogue.resolve_pad("LC-3", "SYN")
    assert new is not None and (new.key, new.flown) == ("SYN/LC3", False)
    assert catalogue.resolve_pad("LC3", "Synthetica") == new  # a site by its short name
    used = catalogue.resolve_pad("lc1", None)
    assert used is not None and used.flown
    assert catalogue.resolve_pad("Pad 99", None) is None
    states = {p.pad: p.state for p in catalogue.pads()}
    assert states == {"LC1": "flown", "LC2": "flown", "LC3": "not yet flown"}


def test_a_pad_at_another_site_is_refused_naming_both() -> None:
    history = LaunchHistory()
    for day, site, pad in ((1.0, "NORTH", "LC1"), (2.0, "SOUTH", "LC2")):
        history.record(
            day=day, vehicle="V", family="F", provider="P", site=site, pad=pad, failed=False
        )
    catalogue = Catalogue(history)
    with pytest.raises(QueryError) as wrong:
        catalogue.resolve_pad("LC1", "SOUTH")
    assert wrong.value.field == "pad"
    assert "LC1" in wrong.value.message and "SOUTH" in wrong.value.message
    assert wrong.value.suggestions == ["NORTH/LC1"]
    with pytest.raises(QueryError) as unknown_site:
        catalogue.resolve_pad("LC1", "WEST")
    assert unknown_site.value.field == "site"


def test_an_unflown_variant_is_a_maiden_flight_on_its_familys_record(
    predictor: LaunchFailurePredictor,
) -> None:
    maiden = predictor.predict(LaunchQuery(vehicle="Alpha 3", date=LATER, pad="LC1"))
    assert maiden.flags["maiden_flight"] and not maiden.flags["unseen_vehicle"]
    assert maiden.context["vehicle_flights"] == 0
    assert maiden.context["family_flights"] > 100  # Alpha 1 and 2 count
    stranger = predictor.predict(
        LaunchQuery(vehicle="Zephyr Heavy", date=LATER, pad="LC1", allow_unseen=True)
    )
    assert stranger.flags["unseen_vehicle"] and not stranger.flags["maiden_flight"]
    assert stranger.context["family_flights"] == 0
    # the family's long, good record never makes the maiden flight riskier than a stranger's
    assert maiden.probability <= stranger.probability
    for answer in (maiden, stranger):
        assert answer.interval[0] <= answer.probability <= answer.interval[1]


def test_a_vehicle_before_its_first_flight_has_no_flights(
    predictor: LaunchFailurePredictor,
) -> None:
    first = predictor.history.vehicles["Beta"].launch_days[0]
    before = dt.datetime.fromtimestamp((first - 1) * 86_400, UTC)
    after = dt.datetime.fromtimestamp((first + 1) * 86_400, UTC)
    then = predictor.predict(LaunchQuery(vehicle="Beta", date=before))
    assert then.context["vehicle_flights"] == 0 and then.flags["maiden_flight"]
    assert (
        predictor.predict(LaunchQuery(vehicle="Beta", date=after)).context["vehicle_flights"] == 1
    )


def test_no_pad_answers_within_the_range_of_last_years_pads(
    predictor: LaunchFailurePredictor,
) -> None:
    when = dt.datetime(2019, 6, 1, tzinfo=UTC)
    mix = predictor.history.at(to_day(when)).pad_mix("Alpha 1", "Alpha")
    assert len(mix) == 2
    per_pad = [
        predictor.predict(LaunchQuery(vehicle="Alpha 1", date=when, site="SYN", pad=key[4:]))
        for key, _ in mix
    ]
    unspecified = predictor.predict(LaunchQuery(vehicle="Alpha 1", date=when))
    assert unspecified.flags["pad_unspecified"]
    low = min(p.probability for p in per_pad)
    high = max(p.probability for p in per_pad)
    assert low - 1e-12 <= unspecified.probability <= high + 1e-12
    assert set(unspecified.context["pad_mix"]) == {key for key, _ in mix}
    # a brand-new pad is not what "no pad" means
    new_pad = predictor.predict(LaunchQuery(vehicle="Alpha 1", date=when, pad="LC3"))
    assert new_pad.flags["new_pad"] and not new_pad.flags["pad_unspecified"]


def test_pad_turnaround_answers_a_new_pad_and_refuses_a_pad_no_table_knows() -> None:
    trained = timing.train_pad_turnaround(launch_tables(), random_state=0)
    predictor = trained.predictor
    assert isinstance(predictor, PadTurnaroundPredictor)
    new = predictor.predict(PadQuery(pad="LC3", date=LATER))
    assert new.flags["new_pad"] and new.context["pad_flights"] == 0
    used = predictor.predict(PadQuery(pad="LC1", date=LATER))
    assert not used.flags["new_pad"] and used.days_past_cutoff and used.days_past_cutoff > 3000
    with pytest.raises(QueryError, match="no pad"):
        predictor.predict(PadQuery(pad="LC77", date=LATER))


def test_sites_by_name_prefer_the_one_in_use_and_read_english_names() -> None:
    from tminus.features.reference import Reference, SiteRef

    history = LaunchHistory()
    for day, site, pad in ((1.0, "VS", "SLC4E"), (2.0, "VSFBS", "SLC4E"), (3.0, "CC", "LC40")):
        history.record(
            day=day, vehicle="V", family="F", provider="P", site=site, pad=pad, failed=False
        )
    reference = Reference(
        sites={
            "VS": SiteRef("VS", "Vandenberg"),  # the old code of the same place, listed first
            "VSFBS": SiteRef("VSFBS", "Vandenberg"),
            "CC": SiteRef("CC", "Canaveral"),
        },
        aliases=aliases(),  # English names of sites are data: T-Minus' reference
    )
    catalogue = Catalogue(history, reference)
    assert catalogue.resolve_site("Vandenberg") == "VSFBS"  # the one that launched last
    assert catalogue.resolve_site("Cape Canaveral") == "CC"  # GCAT's short name: Canaveral
    assert catalogue.resolve_site("cc") == "CC"
    assert catalogue.site_names()["canaveral"] == "CC"
    with pytest.raises(QueryError):
        catalogue.resolve_site("Cap Canaveral")


def test_the_start_of_a_series_is_more_precise_than_its_whole_family() -> None:
    """GCAT files Ariane 62 and 64 in family 'Ariane5': 'Ariane 5' still means an Ariane 5."""
    history = LaunchHistory()
    launches = ((1.0, "Ariane 5G"), (2.0, "Ariane 5ECA"), (3.0, "Ariane 62"), (4.0, "H3-22S"))
    for day, vehicle in launches:
        family = "H2B" if vehicle.startswith("H3") else "Ariane5"
        history.record(
            day=day, vehicle=vehicle, family=family, provider="P", site="S", pad="A", failed=False
        )
    catalogue = Catalogue(history)
    assert catalogue.resolve_vehicle("Ariane 5").name == "Ariane 5ECA"  # not Ariane 62
    assert catalogue.resolve_vehicle("Ariane 6").name == "Ariane 62"
    assert catalogue.resolve_vehicle("ariane5").name == "Ariane 5ECA"
    short = catalogue.resolve_vehicle("H3")  # a short name spelled whole before a separator
    assert (short.name, short.matched) == ("H3-22S", "series")
    with pytest.raises(QueryError):
        catalogue.resolve_vehicle("H-3")
    assert not catalogue.resolve_vehicle("H-3", allow_unseen=True).known
