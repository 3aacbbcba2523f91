"""Time as float days since the Unix epoch: cheap to store, compare and subtract per request."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_day(when: datetime | date) -> float:
    """Days since 1970-01-01 UTC; a naive datetime or a date is taken as UTC."""
    if isinstance(when, datetime) and when.tzinfo is not None:
        # The same subtraction from the epoch and the same division, in C.
        return when.timestamp() / 86_400.0
    if isinstance(when, datetime):
        moment = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    else:
        moment = datetime(when.year, when.month, when.day, tzinfo=UTC)
    return (moment - EPOCH).total_seconds() / 86_400.0


def from_day(day: float) -> datetime:
    """The inverse of :func:`to_day`, as an aware UTC datetime."""
    return EPOCH + timedelta(days=day)


def iso_day(moment: datetime | date | float | None) -> str:
    """The ISO day of a moment, a date or a day number: '2026-03-01' ('-' for None)."""
    if moment is None:
        return "-"
    if isinstance(moment, float | int):
        moment = from_day(moment)
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()
