"""How a plan is said: the sentences behind each option, the notes and the limits.

Every sentence is built from the option's numbers and cites the model version behind each
(:func:`tminus.tools.wording.cite`); the planner (:mod:`tminus.tools.planner`) decides, this
module only words what it decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tminus.features.capability import capacity_rule, kg, site_sentence
from tminus.features.orbits import describe
from tminus.features.reference import StatusAt
from tminus.features.timebase import iso_day
from tminus.tools import wording as w

if TYPE_CHECKING:
    from tminus.tools.planner import Option, PlanContext, Vehicle


def when_read(ctx: PlanContext) -> str:
    """'the data cutoff 2025-12-30' or 'your earliest date 2026-03-01'."""
    if ctx.after_cutoff and ctx.cutoff is not None:
        return f"the data cutoff {iso_day(ctx.cutoff)}"
    return f"your earliest date {iso_day(ctx.request.earliest_date)}"


def status_words(status: StatusAt) -> str:
    """'retired since 2023-07-05 (Arianespace, ..., checked 2026-12-04)'."""
    text = status.words()
    if status.source is not None:
        text += f" ({status.source.cite()})"
    return text


def relative(option: Option, safest: Option) -> str:
    """How an option's risk compares with the lowest-risk option's, and whether it is clear."""
    best, failure = safest.failure, option.failure
    ratio = failure.probability / best.probability
    name = f"{safest.vehicle.name} from {safest.pad.site}/{safest.pad.pad}"
    if ratio < 1.05:
        text = f"Its failure probability is practically that of the lowest-risk option, {name}"
    else:
        text = f"Its failure probability is {ratio:.1f}x that of the lowest-risk option, {name}"
    text += f" ({w.percent(best.probability)})"
    if failure.interval[0] <= best.interval[1]:
        text += "; their 90% intervals overlap, so the difference is not clear-cut"
    return text + "."


def rank_sentence(option: Option, total: int) -> str:
    parts = [
        f"Ranked {w.ordinal(option.risk_rank)} of {total} by failure risk",
        f"{w.ordinal(option.date_rank)} by date",
    ]
    if option.margin_rank is not None:
        parts.append(f"{w.ordinal(option.margin_rank)} by capacity margin")
    text = ", ".join(parts[:-1]) + " and " + parts[-1]
    if option.pareto and total > 1:
        criteria = "risk, date and margin" if option.margin_rank is not None else "risk and date"
        text += f"; no other option is at least as good on {criteria} and better on one"
    return text + "."


def readiness_sentence(ctx: PlanContext, option: Option) -> str:
    r, pad = option.readiness, option.pad
    where = f"{pad.site}/{pad.pad}"
    q, tag = r.quantiles, w.cite(r.model, r.version)
    expected = (
        f"its next launch was expected {w.days(q.p10)}-{w.days(q.p90)} days later "
        f"(median {w.days(q.p50)}, {iso_day(r.dates.p50)}) {tag}"
    )
    free = iso_day(option.free_from)
    if ctx.after_cutoff and ctx.cutoff is not None:
        text = (
            f"As of the data cutoff {iso_day(ctx.cutoff)}, {where} had last launched on "
            f"{iso_day(r.start)}; {expected}"
        )
        if r.dates.p90 < ctx.cutoff:
            text += (
                f"; no launch from it followed by the cutoff, though one was expected by "
                f"{iso_day(r.dates.p90)}, so it may be idle"
            )
        text += (
            ". Its launches after the cutoff and its manifest are not in the public data, "
            f"so it is planned on the first date its turnaround allows in your window, {free}"
        )
        return text + "."
    text = f"{where} last launched on {iso_day(r.start)} (before your earliest date); {expected}"
    if r.dates.p50 <= ctx.request.earliest_date:
        text += f", so it should be free by your earliest date {free}"
    else:
        text += f", so the first date it is likely free is {free}"
    return text + "."


def capacity_sentence(ctx: PlanContext, option: Option) -> str:
    c, request = option.capacity, ctx.request
    if request.payload_mass_kg is None:
        reach = c.evidence[-1].removesuffix(".") if ctx.reference.orbits.known else ""
        return (
            "Capacity not checked: no payload mass was given"
            + (f"; {reach}" if reach else "")
            + f" {ctx.catalogue_tag}."
        )
    target = request.orbit or "LEO"
    head = f"Capacity for {kg(request.payload_mass_kg)} to {describe(target)}: "
    if c.status == "unknown":
        return (
            head
            + "unknown, so this option is flagged and ranked after the feasible ones: "
            + " ".join(c.evidence)
            + f" {ctx.catalogue_tag}"
        )
    assert c.margin_kg is not None
    margin = f"margin {kg(c.margin_kg)} ({c.margin_kg / request.payload_mass_kg:.0%})"
    basis = {"reference": "T-Minus' reference", "rated": "GCAT's rating"}.get(c.basis, c.basis)
    return head + f"feasible ({basis}): {c.why}; {margin} {ctx.catalogue_tag}."


def record_sentence(ctx: PlanContext, option: Option) -> str:
    v, f = option.vehicle, option.failure
    f_tag = w.cite(f.model, f.version)
    if v.maiden:
        return (
            f"{v.name} has not flown by {when_read(ctx)}: its failure probability is that of "
            f"a maiden flight, resting on its family's ({v.family}) and provider's record "
            f"{f_tag}."
        )
    record = (
        f"{v.name} had flown {w.plural(v.flights, 'time')} with {w.plural(v.failures, 'failure')}"
    )
    since = f.context.get("family_flights_since_failure")
    if v.failures and isinstance(since, int):
        record += f"; its family had flown {w.plural(since, 'time')} since its last failure"
    return record + f" by {when_read(ctx)} {ctx.catalogue_tag}."


def status_sentence(option: Option) -> str | None:
    """What T-Minus' reference says of the vehicle's status, where it matters."""
    status = option.status
    if status.status == "active" and status.retires is None:
        return None
    name = option.vehicle.name
    if not status.known:
        return (
            f"{name} is not in T-Minus' vehicle reference: it counts as active because it "
            "launched recently; its status is unknown."
        )
    if status.retires is not None:
        return (
            f"{name} was still flying on your earliest date; it ended on {status.retires} "
            f"({status.source.cite() if status.source else 'source unknown'})."
        )
    return f"{name}: {status_words(status)}."


def reasons(ctx: PlanContext, option: Option, total: int, safest: Option) -> list[str]:
    """Plain sentences built from the option's numbers, each citing its model version."""
    request = ctx.request
    f, pad = option.failure, option.pad
    where = f"{pad.site}/{pad.pad}"
    f_tag = w.cite(f.model, f.version)
    out = [rank_sentence(option, total)]
    out.append(
        f"{option.vehicle.name} from {where} on {iso_day(option.date)}: failure probability "
        f"{w.percent(f.probability)} (90% interval {w.interval(*f.interval)}) {f_tag}."
    )
    out.append(record_sentence(ctx, option))
    if (status := status_sentence(option)) is not None:
        out.append(status)
    out.append(readiness_sentence(ctx, option))
    if request.payload_mass_kg is not None or request.orbit is not None:
        out.append(capacity_sentence(ctx, option))
    if option.site_reached is not None and request.orbit is not None:
        out.append(
            site_sentence(pad.site, request.orbit, option.site_reached).removesuffix(".")
            + f" {ctx.catalogue_tag}."
        )
    if option.later_for_risk and request.max_failure_probability is not None:
        out.append(
            f"Earlier dates were above your risk tolerance of "
            f"{w.percent(request.max_failure_probability)}, so it is planned on "
            f"{iso_day(option.date)}."
        )
    if option is not safest and safest.failure.probability > 0:
        out.append(relative(option, safest))
    if f.flags.get("unseen_pad"):
        out.append(f"Caution: {where} has no history in {f_tag}; its pad effect is a prior.")
    return out


def considered(
    ctx: PlanContext, active: Sequence[Vehicle], maiden: Sequence[Vehicle], providers: str
) -> str:
    """The note on which vehicles an open plan considered."""
    years = f"{ctx.request.retired_after_years:g}"
    text = (
        f"No vehicles were named, so the plan considered the {len(active)} vehicles{providers} "
        f"that launched in the {years} years before {when_read(ctx)}"
    )
    if maiden:
        text += (
            f", and {len(maiden)} variant{'s' if len(maiden) != 1 else ''} of their "
            "families GCAT lists that had not flown by then, as maiden flights ("
            + ", ".join(v.name for v in maiden)
            + ")"
        )
    return (
        text + "; T-Minus' vehicle reference then decides which are still sold (retired and "
        f"not-offered ones are excluded with their source) {ctx.catalogue_tag}."
    )


def assumptions(ctx: PlanContext) -> list[str]:
    """How the plan read the record and judged capacity, said plainly."""
    request = ctx.request
    out = []
    if ctx.after_cutoff and ctx.cutoff is not None:
        out.append(
            f"The window starts {w.plural(ctx.days_past_cutoff, 'day')} after the data "
            f"cutoff {iso_day(ctx.cutoff)}: vehicles, pads and pad calendars are read as of the "
            "cutoff (launches since are not in the data); vehicle status is read for your "
            "window from T-Minus' reference."
        )
    elif ctx.cutoff is not None:
        out.append(
            f"The window lies within the record: vehicles, pads and pad calendars are read "
            f"as of your earliest date {iso_day(request.earliest_date)} (only launches before "
            "it count), and vehicle status as it stood then."
        )
    if request.orbit is not None and not ctx.reference.orbits.known:
        out.append(
            f"The served {ctx.catalogue_model.name} version carries no record of where "
            f"launches went, so sites were not checked for {request.orbit}; retrain it."
        )
    if request.payload_mass_kg is None and request.orbit is not None:
        out.append(
            f"No payload mass was given: capacity was not checked; pads were kept only at "
            f"sites that have launched to {describe(request.orbit)}."
        )
    elif request.payload_mass_kg is not None:
        out.append(f"Capacity rule: {capacity_rule(request.orbit, request.payload_mass_kg)}")
    return out


def limits(ctx: PlanContext) -> list[str]:
    years = f"{ctx.request.retired_after_years:g}"
    out = [
        "Launch manifests (bookings, backlogs) are not in the public data: a pad counts as "
        f"active when it launched in the {years} years before {when_read(ctx)}, and its "
        "readiness comes from its turnaround, not its bookings. A vehicle's status comes from "
        "T-Minus' vehicle reference (each with its public source); one the reference does not "
        f"list counts as active when it launched in those {years} years.",
    ]
    if ctx.request.payload_mass_kg is not None:
        out.append(
            "Capacities come from T-Minus' vehicle reference (providers' published figures, "
            "each with its source), then the SpaceX API's payload masses (Falcon launches to "
            "2022), then GCAT's rated LEO and GTO figures, then stated rules; where none "
            "decides, the capacity is unknown, not guessed."
        )
    return out
