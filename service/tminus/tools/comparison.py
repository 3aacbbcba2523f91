"""Vehicles compared: failure probabilities on one date, ranked, with their records.

One batch through the ``launch_failure`` model's entry in :mod:`tminus.serving.models` (the
REST route's code), so every vehicle is answered by the same model version.
"""

from __future__ import annotations

from tminus.features.timebase import iso_day
from tminus.serving.catalogue import catalogue_source
from tminus.serving.errors import InvalidInputError, Problem
from tminus.serving.models import MODELS_BY_NAME
from tminus.serving.schemas import LaunchItem, ProbabilityBatchAnswer, ProbabilityItem
from tminus.serving.state import Snapshot
from tminus.tools import wording as w
from tminus.tools.schemas import (
    CompareRequest,
    Comparison,
    FailureEstimate,
    VehicleComparison,
    VehicleRecord,
)


def _predict(snapshot: Snapshot, request: CompareRequest) -> ProbabilityBatchAnswer:
    spec = MODELS_BY_NAME["launch_failure"]
    items = [LaunchItem(vehicle=v, date=request.date) for v in request.vehicles]
    batch = spec.batch.model_validate({"items": items})
    try:
        answer = spec.run(snapshot, batch)
    except InvalidInputError as exc:
        # The batch is an implementation detail: locate problems in the request's ``vehicles``.
        raise InvalidInputError(
            [
                Problem(
                    loc=("vehicles", p.loc[1]) if p.loc[:1] == ("items",) else p.loc,
                    msg=p.msg,
                    type=p.type,
                    allowed=p.allowed,
                    suggestions=p.suggestions,
                )
                for p in exc.problems
            ]
        ) from exc
    assert isinstance(answer, ProbabilityBatchAnswer)
    return answer


def compare_vehicles(snapshot: Snapshot, request: CompareRequest) -> Comparison:
    """Failure probability of each vehicle launching on ``request.date``, lowest first.

    Raises
    ------
    InvalidInputError
        A vehicle name that is a near miss of a known one (with suggestions), located at
        ``("vehicles", i)``. A name like nothing known is answered from the pooled new-vehicle
        prior and flagged ``unseen_vehicle``.
    """
    answer = _predict(snapshot, request)
    served, catalogue = catalogue_source(snapshot)
    index = served.memo("vehicles_by_name", lambda: {v.name: v for v in catalogue.vehicles()})
    # The same vehicle spelt twice ("Falcon 9", "falcon-9") is compared once.
    unique: dict[str, ProbabilityItem] = {}
    for requested, item in zip(request.vehicles, answer.items, strict=True):
        unique.setdefault(str(item.context.get("vehicle", requested)), item)
    ranked = sorted(unique.items(), key=lambda kv: (kv[1].probability, kv[0]))
    rows = []
    for rank, (name, item) in enumerate(ranked, 1):
        entry = index.get(name)
        rows.append(
            VehicleComparison(
                rank=rank,
                vehicle=name,
                family=entry.family if entry else str(item.context.get("family", name)),
                provider=entry.provider if entry else None,
                failure=FailureEstimate(
                    model=answer.model,
                    version=answer.version,
                    probability=item.probability,
                    interval=item.interval,
                ),
                record=None
                if entry is None
                else VehicleRecord(
                    model=served.provenance.model,
                    version=served.version,
                    flights=entry.flights,
                    failures=entry.failures,
                    first_flight=entry.first_flight,
                    last_flight=entry.last_flight,
                ),
                status=str(item.context.get("vehicle_status", "unknown")),
                status_since=_opt_str(item.context.get("vehicle_status_since")),
                status_source=_opt_str(item.context.get("vehicle_status_source")),
                flags={k: v for k, v in item.flags.items() if v},
            )
        )
    sources = [snapshot.get("launch_failure").provenance]
    if served.name != "launch_failure":
        sources.append(served.provenance)
    return Comparison(
        date=request.date,
        vehicles=rows,
        summary=_summary(rows, request, answer),
        sources=sources,
    )


def _summary(
    rows: list[VehicleComparison], request: CompareRequest, answer: ProbabilityBatchAnswer
) -> list[str]:
    tag = w.cite(answer.model, answer.version)
    best = rows[0]
    out = [
        f"On {iso_day(request.date)}, {best.vehicle} has the lowest failure probability: "
        f"{w.percent(best.failure.probability)} (90% interval "
        f"{w.interval(*best.failure.interval)}) {tag}."
    ]
    for row in rows[1:]:
        f = row.failure
        ratio = f.probability / best.failure.probability if best.failure.probability else 0.0
        text = (
            f"{row.vehicle}: {w.percent(f.probability)} (90% interval {w.interval(*f.interval)}) "
            f"{tag}, {ratio:.1f}x {best.vehicle}"
        )
        if f.interval[0] <= best.failure.interval[1]:
            text += "; the 90% intervals overlap, so the difference is not clear-cut"
        out.append(text + ".")
    for row in rows:
        if row.record is not None:
            r = row.record
            last = iso_day(r.last_flight) if r.last_flight else "never"
            out.append(
                f"{row.vehicle} has flown {w.plural(r.flights, 'time')} with "
                f"{w.plural(r.failures, 'failure')}, last on {last} "
                f"{w.cite(r.model, r.version)}."
            )
        if row.flags.get("unseen_vehicle"):
            out.append(
                f"{row.vehicle} has no flight on record: its probability is the pooled "
                f"new-vehicle prior {tag}."
            )
        elif row.flags.get("maiden_flight"):
            out.append(
                f"{row.vehicle} has not flown by {iso_day(request.date)} in the record: its "
                f"probability is that of a maiden flight, from its family's record {tag}."
            )
        if (status := status_sentence(row.vehicle, row.status, row.status_since)) is not None:
            out.append(status + (f" ({row.status_source})." if row.status_source else "."))
    return out


def status_sentence(vehicle: str, status: str, since: str | None) -> str | None:
    """'Delta 4H is retired (since 2024-04-09)' where the status matters, else None."""
    words = {
        "retired": "is retired",
        "cancelled": "was cancelled",
        "crew_only": "flies crew only (not sold to other missions)",
        "dedicated": "flies only its own programme (not sold commercially)",
        "closed_to_new_customers": "is closed to new customers (its remaining flights are sold)",
        "in_development": "is still in development",
    }
    said = words.get(status)
    if said is None:
        return None
    return f"{vehicle} {said}" + (
        f" (since {since})" if since and status != "in_development" else ""
    )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
