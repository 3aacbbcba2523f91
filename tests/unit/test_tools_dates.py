"""Dates as planners write them (tminus.tools.dates), relative to a pinned today."""

from __future__ import annotations

import datetime as dt

import pytest

from tminus.tools.dates import find_periods

TODAY = dt.date(2026, 12, 1)  # a Tuesday; "next March" is March 2027


def read(text: str, today: dt.date = TODAY) -> list[tuple[str, str | None]]:
    return [
        (p.first.isoformat(), None if p.last is None else p.last.isoformat())
        for p in find_periods(text.lower(), today)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # relative and partial
        ("next March", [("2027-03-01", "2027-03-31")]),
        ("in March", [("2027-03-01", "2027-03-31")]),
        ("spring 2027", [("2027-03-01", "2027-05-31")]),
        ("in the spring", [("2027-03-01", "2027-05-31")]),  # the next spring not yet ended
        ("summer 2027", [("2027-06-01", "2027-08-31")]),
        ("autumn 2027", [("2027-09-01", "2027-11-30")]),
        ("fall 2027", [("2027-09-01", "2027-11-30")]),
        ("winter 2027", [("2026-12-01", "2027-02-28")]),  # the winter ending in 2027
        ("late summer 2027", [("2027-08-01", "2027-08-31")]),
        ("Q3 2027", [("2027-07-01", "2027-09-30")]),
        ("the third quarter of 2027", [("2027-07-01", "2027-09-30")]),
        ("next quarter", [("2027-01-01", "2027-03-31")]),
        ("H1 2027", [("2027-01-01", "2027-06-30")]),
        ("second half of 2027", [("2027-07-01", "2027-12-31")]),
        ("early 2027", [("2027-01-01", "2027-04-30")]),
        ("mid-2027", [("2027-05-01", "2027-08-31")]),
        ("late 2027", [("2027-09-01", "2027-12-31")]),
        ("early May 2027", [("2027-05-01", "2027-05-10")]),
        ("mid-June", [("2027-06-11", "2027-06-20")]),
        ("the end of March", [("2027-03-21", "2027-03-31")]),
        ("in six weeks", [("2027-01-12", None)]),
        ("in a couple of weeks", [("2026-12-15", None)]),
        ("in a fortnight", [("2026-12-15", None)]),
        ("a month from now", [("2027-01-01", None)]),
        ("in 3 months", [("2027-03-01", None)]),
        ("next month", [("2027-01-01", "2027-01-31")]),
        ("next week", [("2026-12-08", "2026-12-14")]),
        ("next year", [("2027-01-01", "2027-12-31")]),
        ("later this year", [("2026-12-01", "2026-12-31")]),
        ("in 2027", [("2027-01-01", "2027-12-31")]),
        ("tomorrow", [("2026-12-02", None)]),
        # ranges and limits
        ("by the end of next year", [("2026-12-01", "2027-12-31")]),
        ("by June", [("2026-12-01", "2027-06-30")]),
        ("before March 2027", [("2026-12-01", "2027-02-28")]),
        ("until the end of 2027", [("2026-12-01", "2027-12-31")]),
        ("within 6 months", [("2026-12-01", "2027-06-01")]),
        ("in the next two weeks", [("2026-12-01", "2026-12-15")]),
        ("between May and July", [("2027-05-01", "2027-07-31")]),
        ("between May and July 2028", [("2028-05-01", "2028-07-31")]),
        ("from November to February 2028", [("2027-11-01", "2028-02-29")]),
        ("from March to May 2027", [("2027-03-01", "2027-05-31")]),
        ("between 2027-03-01 and 2027-04-30", [("2027-03-01", "2027-04-30")]),
        ("after March 2027", [("2027-04-01", None)]),
        # single days, by dateparser
        ("on March 3, 2027", [("2027-03-03", None)]),
        ("5 June 2027", [("2027-06-05", None)]),
        ("the 3rd of March 2027", [("2027-03-03", None)]),
        ("on March 3", [("2027-03-03", None)]),
        ("2027-03-01", [("2027-03-01", None)]),
    ],
)
def test_periods(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a 5000 kg payload",  # a mass is not a year
        "a 2,000 kg satellite",
        "on its 12th flight",  # nor is a flight number a date
        "will the booster fall into the sea",  # "fall" alone is a verb
        "may I ask about Falcon 9",  # "may" alone is a verb
        "Falcon 9 to Mars",  # "mar" inside "Mars"
        "core flight 12 with 5000 kg",
        "on 2027-02-30",  # no such day
    ],
)
def test_words_that_are_not_dates(text: str) -> None:
    assert read(text) == []


def test_a_range_lends_its_year_to_a_month_without_one() -> None:
    (period,) = find_periods("launch between may and july 2028", TODAY)
    assert (period.first, period.last, period.kind) == (
        dt.date(2028, 5, 1),
        dt.date(2028, 7, 31),
        "range",
    )
    assert period.text == "between may and july 2028"


def test_each_expression_is_found_where_it_was_written() -> None:
    text = "risk of falcon 9 next march, or compare in spring 2027"
    periods = find_periods(text, TODAY)
    assert [text[p.start : p.end] for p in periods] == ["next march", "spring 2027"]


def test_next_season_is_the_first_not_yet_begun() -> None:
    assert read("next spring") == [("2027-03-01", "2027-05-31")]
    assert read("next spring", dt.date(2027, 4, 1)) == [("2028-03-01", "2028-05-31")]
    assert read("this spring", dt.date(2027, 4, 1)) == [("2027-04-01", "2027-05-31")]
