"""Answering a parsed question without an LLM: the tools' numbers, in sentences with sources.

:class:`OfflineAnswerer` takes an :class:`~tminus.tools.parser.Interpretation`, calls the same
tools an LLM would (:mod:`tminus.tools.toolbox`) and writes the answer from their numbers, each
followed by its model version; it says what it understood, what it did not use, and that it
answered without an LLM. Each kind of question has one handler, listed in :data:`HANDLERS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel

from tminus.features.orbits import describe
from tminus.features.timebase import iso_day
from tminus.predictors.catalogue import Catalogue
from tminus.serving.catalogue import catalogue_source
from tminus.serving.schemas import PadList, ProbabilityAnswer, QuantileAnswer, VehicleList
from tminus.serving.state import Snapshot
from tminus.tools import wording as w
from tminus.tools.comparison import status_sentence
from tminus.tools.dates import impossible_dates
from tminus.tools.parser import Intent, Interpretation, QuestionParser
from tminus.tools.schemas import (
    MAX_WINDOW_DAYS,
    AskResponse,
    Comparison,
    Feasibility,
    PlanOption,
    PlanResponse,
    ToolCallRecord,
)
from tminus.tools.toolbox import (
    ToolCallError,
    call_tool,
    merge_sources,
    sources_line,
    success_record,
)
from tminus.tools.vocabulary import LANDING_VEHICLES, NOT_PREDICTED, OFFLINE_NOTE, SHAPES

# Pads of a site answered for "how soon can <site> launch again", most used first.
MAX_SITE_PADS: Final = 4
# A pad counts as in use at a site when it launched within this many days of the cutoff.
PAD_IN_USE_DAYS: Final = 3 * 365


@dataclass
class _Answer:
    """The pieces of an offline answer as it is written."""

    snapshot: Snapshot
    lines: list[str] = field(default_factory=list)
    records: list[ToolCallRecord] = field(default_factory=list)
    sources: list[list[Any]] = field(default_factory=list)
    understood: bool = True
    notes: list[str] = field(default_factory=list)

    def call(self, name: str, arguments: dict[str, Any]) -> BaseModel | None:
        """Call a tool, record it; on failure write why and return None."""
        try:
            result = call_tool(self.snapshot, name, arguments)
        except ToolCallError as failure:
            self.records.append(
                ToolCallRecord(name=name, arguments=arguments, ok=False, error=failure.message)
            )
            self.lines.append(f"T-Minus could not answer: {failure.message}.")
            return None
        found, record = success_record(name, arguments, result)
        self.sources.append(found)
        self.records.append(record)
        return result


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _quantile_sentence(answer: QuantileAnswer) -> str:
    q, d = answer.quantiles, answer.dates
    return (
        f"{w.days(q.p10)}-{w.days(q.p90)} days later (median {w.days(q.p50)}): between "
        f"{iso_day(d.p10)} and {iso_day(d.p90)}, most likely around {iso_day(d.p50)} "
        f"{w.cite(answer.model, answer.version)}"
    )


def _readings(parsed: Interpretation) -> str:
    out = []
    for m in parsed.vehicles:
        if m.how in ("near_miss", "alias"):
            out.append(f"read {m.written!r} as {m.name}")
        elif m.how in ("family", "series"):
            out.append(f"read {m.written!r} as {m.name}, the most recently flown of that name")
    return "; ".join(out)


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(repr(i) for i in items)


def understood_line(parsed: Interpretation, today: dt.date, *, date_used: str | None) -> str:
    """'Understood: ...' in a sentence: what was read, as what, and the date the answer is for."""
    parts = [parsed.intent.replace("_", " ")]
    if parsed.vehicles:
        parts.append("vehicles " + ", ".join(m.name for m in parsed.vehicles))
    if parsed.pad is not None:
        parts.append(f"pad {parsed.pad[0]}/{parsed.pad[1]} ({parsed.pad_written!r})")
    elif parsed.site is not None:
        parts.append(f"site {parsed.site} ({parsed.site_written!r})")
    if parsed.other_sites:
        parts.append("also sites " + ", ".join(parsed.other_sites))
    for period in parsed.periods:
        parts.append(f"{period.text!r} = {period.describe()}")
    if parsed.payload_mass_kg is not None:
        parts.append(f"payload {parsed.payload_mass_kg:,.0f} kg ({parsed.mass_written!r})")
    if parsed.orbit is not None:
        parts.append(f"orbit {parsed.orbit} ({parsed.orbit_written!r})")
    if parsed.max_failure_probability is not None:
        parts.append(f"risk limit {w.percent(parsed.max_failure_probability)}")
    text = "Understood: " + "; ".join(parts) + "."
    if not parsed.periods and date_used is not None:
        text += f" No date was read, so the answer is for {date_used}."
    return text


def _status_line(result: ProbabilityAnswer, vehicle: str) -> str | None:
    """What T-Minus' reference says of the vehicle's status on the date, where it matters."""
    ctx = result.context
    status = str(ctx.get("vehicle_status", "unknown"))
    since = ctx.get("vehicle_status_since")
    sentence = status_sentence(vehicle, status, None if since is None else str(since))
    if sentence is None:
        return None
    source = ctx.get("vehicle_status_source")
    text = sentence + (f" ({source})" if source else "")
    if result.flags.get("retired_vehicle"):
        text += ": the number is what such a launch would have risked, not an option to book"
    elif status in ("crew_only", "dedicated", "closed_to_new_customers"):
        text += ": it is not offered to new missions"
    return text + "."


class OfflineAnswerer:
    """Answers parsed questions with the tools, on one snapshot."""

    def __init__(self, snapshot: Snapshot, today: dt.date) -> None:
        self.snapshot = snapshot
        self.today = today
        served, catalogue = catalogue_source(snapshot)
        self.catalogue: Catalogue = catalogue
        self.cutoff = catalogue.cutoff
        self.parser = served.memo("question_parser", lambda: QuestionParser(catalogue))
        self.date_used: str | None = None

    def answer(self, question: str) -> AskResponse:
        """The offline answer to ``question``."""
        parsed = self.parser.parse(question, self.today)
        out = _Answer(self.snapshot)
        HANDLERS[parsed.intent](self, parsed, out)
        if (readings := _readings(parsed)) and parsed.intent != "unknown":
            out.lines.append(f"({readings[0].upper() + readings[1:]}.)")
        sources = merge_sources(out.sources)
        text = " ".join(out.lines)
        if sources:
            text += "\n\n" + sources_line(sources)
        unreadable = impossible_dates(question)
        if unreadable:
            text += (
                f"\n\nNo such day: {', '.join(unreadable)}; that date was ignored and the "
                "answer is for the date shown above."
            )
        if parsed.notes:
            text += "\n\nRead with care: " + "; ".join(parsed.notes) + "."
        if parsed.intent != "unknown":
            text += "\n\n" + understood_line(parsed, self.today, date_used=self.date_used)
        ignored = [i for i in parsed.ignored if i not in unreadable]
        if ignored:
            text += (
                f"\n\nNot understood, so not used: {_quoted(ignored)}. The answer above "
                "does not take them into account."
            )
        text += "\n\n" + OFFLINE_NOTE
        notes = [OFFLINE_NOTE, f"Understood as: {parsed.intent.replace('_', ' ')}."]
        notes += [f"{date} is not a calendar day and was ignored." for date in unreadable]
        notes += list(parsed.notes)
        notes += out.notes
        return AskResponse(
            question=question,
            answer=text,
            mode="offline",
            llm_model=None,
            understood=out.understood and parsed.intent not in ("unknown", "not_predicted"),
            steps=0,
            tool_calls=out.records,
            sources=sources,
            notes=notes,
            understood_as=parsed.summary(),
            ignored=ignored,
        )

    # ---- helpers ---------------------------------------------------------------------------
    def date_of(self, parsed: Interpretation) -> dt.datetime:
        """The date asked, else today (said in the answer)."""
        moment = parsed.date or _utc(self.today)
        self.date_used = "today, " + self.today.isoformat() if parsed.date is None else None
        return moment

    def first_day(self, parsed: Interpretation, date: str) -> str | None:
        """'2027-03-01 is the first day of 'next march' (2027-03-01 to 2027-03-31).' or None."""
        period = parsed.periods[0] if parsed.periods else None
        if period is None or period.last is None or period.last == period.first:
            return None
        return f"{date} is the first day of {period.text!r} ({period.describe()})."

    # ---- one handler per intent ------------------------------------------------------------
    def launch_risk(self, parsed: Interpretation, out: _Answer) -> None:
        self._launch(parsed, out, tool="predict_launch_failure", what="failure probability")

    def launch_anomaly(self, parsed: Interpretation, out: _Answer) -> None:
        self._launch(
            parsed,
            out,
            tool="predict_launch_anomaly",
            what="probability of a failure or partial failure (what insurers count as a claim)",
        )

    def _launch(self, parsed: Interpretation, out: _Answer, *, tool: str, what: str) -> None:
        vehicle = parsed.names[0]
        args: dict[str, Any] = {"vehicle": vehicle, "date": iso_day(self.date_of(parsed))}
        if parsed.pad is not None:
            args.update(site=parsed.pad[0], pad=parsed.pad[1])
        elif parsed.site is not None:
            args["site"] = parsed.site
        result = out.call(tool, args)
        if not isinstance(result, ProbabilityAnswer):
            return
        where = ""
        if parsed.pad:
            where = f" from {parsed.pad[0]}/{parsed.pad[1]}"
        elif parsed.site:
            where = f" from {parsed.site}"
        ctx = result.context
        subject = w.a(vehicle)
        out.lines.append(
            f"{subject[0].upper()}{subject[1:]} launch{where} on {args['date']}: {what} "
            f"{w.percent(result.probability)} (90% interval {w.interval(*result.interval)}) "
            f"{w.cite(result.model, result.version)}."
        )
        if (status := _status_line(result, vehicle)) is not None:
            out.lines.append(status)
        if (first := self.first_day(parsed, args["date"])) is not None:
            out.lines.append(first)
        if parsed.other_sites and parsed.pad is None:
            out.lines.append(
                f"One launch is from one site: this is for {parsed.site}, not "
                f"{', '.join(parsed.other_sites)}; a plan compares sites."
            )
        flights, failures = ctx.get("vehicle_flights"), ctx.get("vehicle_failures")
        if result.flags.get("maiden_flight"):
            out.lines.append(
                f"{vehicle} has not flown by {iso_day(result.as_of) if result.as_of else 'then'}: "
                "the answer is that of a maiden flight, from its family's and provider's "
                f"record {w.cite(result.model, result.version)}."
            )
        elif isinstance(flights, int) and isinstance(failures, int):
            out.lines.append(
                f"{vehicle} had flown {w.plural(flights, 'time')} with "
                f"{w.plural(failures, 'failure')} by "
                f"{iso_day(result.as_of) if result.as_of else 'the data cutoff'} "
                f"{w.cite(result.model, result.version)}."
            )
        mix = ctx.get("pad_mix")
        if parsed.pad is None and isinstance(mix, dict) and mix:
            out.lines.append(
                "No pad was named: the answer mixes the pads it used in the year before "
                f"({', '.join(sorted(mix))})."
            )
        if result.days_past_cutoff:
            out.lines.append(
                f"The record ends {w.plural(result.days_past_cutoff, 'day')} before "
                f"{args['date']}: what happened since is not in the data."
            )
        if result.flags.get("unseen_pad"):
            out.lines.append("The pad has no history on record, so its effect is a prior.")

    def pad_next(self, parsed: Interpretation, out: _Answer) -> None:
        if parsed.pad is None and parsed.site is not None:
            self._site_next(parsed, out)
            return
        if parsed.pad is None:
            out.understood = False
            out.lines.append(
                f"No known pad matches {parsed.pad_written!r}; list_pads (GET /v1/pads) has "
                "the known ones."
            )
            return
        site, pad = parsed.pad
        record = next((p for p in self.catalogue.pads() if (p.site, p.pad) == (site, pad)), None)
        self._one_pad(parsed, out, site, pad, record.last_flight if record else None)
        if parsed.pad_written and self.catalogue.rules.pad(
            parsed.pad_written
        ) != self.catalogue.rules.pad(pad):
            out.lines.append(f"(Read {parsed.pad_written!r} as {site}/{pad}.)")
        if parsed.date is None and self.cutoff is not None:
            out.lines.append(
                f"The data end on {iso_day(self.cutoff)}: launches from the pad since then are "
                "not known to the model."
            )

    def _one_pad(
        self,
        parsed: Interpretation,
        out: _Answer,
        site: str,
        pad: str,
        last: dt.datetime | None,
    ) -> None:
        if parsed.date is not None:
            start, since = parsed.date, f"After a launch on {iso_day(parsed.date)}"
        elif last is not None:
            start, since = last, f"After its last launch on record, on {iso_day(last)}"
        else:
            start, since = _utc(self.today), f"After a launch on {self.today.isoformat()}"
        result = out.call(
            "predict_pad_turnaround", {"pad": pad, "site": site, "date": start.isoformat()}
        )
        if isinstance(result, QuantileAnswer):
            out.lines.append(
                f"{since}, {site}/{pad}'s next launch is expected {_quantile_sentence(result)}."
            )

    def _site_next(self, parsed: Interpretation, out: _Answer) -> None:
        """'How soon can Mahia launch again?': each pad of the site in use, from its last
        launch."""
        assert parsed.site is not None
        site = parsed.site
        cutoff = self.cutoff
        in_use = [
            p
            for p in self.catalogue.pads()
            if p.site == site
            and p.last_flight is not None
            and (cutoff is None or (cutoff - p.last_flight).days <= PAD_IN_USE_DAYS)
        ]
        if not in_use:
            out.understood = False
            out.lines.append(
                f"No pad of {site} has launched in the three years before the data cutoff; "
                "list_pads (GET /v1/pads) has its pads."
            )
            return
        shown = in_use[:MAX_SITE_PADS]
        out.lines.append(
            f"{site} has {w.plural(len(in_use), 'pad')} in use; when each can launch again:"
        )
        for record in shown:
            self._one_pad(parsed, out, record.site, record.pad, record.last_flight)
        if len(in_use) > len(shown):
            rest = ", ".join(f"{p.site}/{p.pad}" for p in in_use[len(shown) :])
            out.lines.append(f"Not shown, less used: {rest}.")
        if parsed.date is None and cutoff is not None:
            out.lines.append(
                f"The data end on {iso_day(cutoff)}: launches since then are not known to the "
                "model, so each pad is read from its last launch on record."
            )

    def compare(self, parsed: Interpretation, out: _Answer) -> None:
        moment = self.date_of(parsed)
        date = iso_day(moment)
        result = out.call("compare_vehicles", {"vehicles": parsed.names[:8], "date": date})
        if isinstance(result, Comparison):
            out.lines.extend(result.summary)
            if (first := self.first_day(parsed, date)) is not None:
                out.lines.append(
                    f"Compared on {first.removesuffix('.')}; a plan over the whole period "
                    "ranks its dates too."
                )

    def return_to_flight(self, parsed: Interpretation, out: _Answer) -> None:
        vehicle = parsed.names[0]
        moment = self.date_of(parsed)
        result = out.call("predict_return_to_flight", {"vehicle": vehicle, "date": iso_day(moment)})
        if not isinstance(result, QuantileAnswer):
            return
        family = result.context.get("family", vehicle)
        out.lines.append(
            f"If {vehicle} failed on {iso_day(moment)}, its family ({family}) would be expected to "
            f"launch again {_quantile_sentence(result)}."
        )

    def booster_landing(self, parsed: Interpretation, out: _Answer) -> None:
        others = [n for n in parsed.names if n not in LANDING_VEHICLES]
        if others and not any(n in LANDING_VEHICLES for n in parsed.names):
            family = self.catalogue.family_of(others[0])
            out.understood = False
            out.lines.append(
                f"T-Minus has no landing model for {others[0]} ({family} family): its booster "
                "landing model learned from Falcon 9 and Falcon Heavy landings only (SpaceX "
                "API, 2013-2022), so it does not predict a Starship catch or any other "
                "booster's recovery. It can give that vehicle's launch failure risk instead "
                "(ask 'risk of <vehicle>')."
            )
            return
        moment = self.date_of(parsed)
        args: dict[str, Any] = {
            "date": iso_day(moment),
            "landing_type": parsed.landing_type,
            "core_flight": parsed.core_flight,
        }
        if parsed.payload_mass_kg is not None and parsed.payload_mass_kg <= 70_000:
            args["payload_mass_kg"] = parsed.payload_mass_kg
        if parsed.orbit is not None:
            args["orbit"] = parsed.orbit
        vehicle = next((n for n in parsed.names if n in LANDING_VEHICLES), None)
        if vehicle is not None:
            args["vehicle"] = vehicle
        result = out.call("predict_booster_landing", args)
        if not isinstance(result, ProbabilityAnswer):
            return
        kinds = {"ASDS": "drone-ship (ASDS)", "RTLS": "return-to-launch-site (RTLS)"}
        kind = kinds.get(parsed.landing_type, "ocean")
        out.lines.append(
            f"A {kind} landing of a Falcon booster on its {w.ordinal(parsed.core_flight)} flight "
            f"on {args['date']}: success probability {w.percent(result.probability)} (90% "
            f"interval {w.interval(*result.interval)}) {w.cite(result.model, result.version)}."
        )
        assumed = [
            f"block {result.context.get('block')}" if result.flags.get("block_assumed") else "",
            f"a typical payload of {result.context.get('payload_mass_kg'):,.0f} kg"
            if result.flags.get("payload_mass_assumed")
            else "",
        ]
        if any(assumed):
            out.lines.append(f"Assumed: {' and '.join(a for a in assumed if a)}.")
        unused = result.context.get("inputs_not_used")
        if isinstance(unused, list) and unused:
            out.lines.append(
                f"The served landing model does not use {', '.join(str(u) for u in unused)} "
                "(its feature set was chosen on past data): passed on, they do not change "
                "this number."
            )
        if result.data_cutoff is not None:
            out.lines.append(f"The landing data end on {result.data_cutoff.isoformat()}.")

    def weather_scrub(self, parsed: Interpretation, out: _Answer) -> None:
        moment = self.date_of(parsed)
        args: dict[str, Any] = {"date": iso_day(moment), **parsed.weather}
        result = out.call("predict_weather_scrub", args)
        if not isinstance(result, ProbabilityAnswer):
            return
        out.lines.append(
            f"A Cape launch attempt on {args['date']}: weather scrub probability "
            f"{w.percent(result.probability)} (90% interval {w.interval(*result.interval)}) "
            f"{w.cite(result.model, result.version)}."
        )
        filled = result.context.get("filled_inputs")
        if isinstance(filled, list) and filled:
            out.lines.append(
                f"Sensor readings not given were filled with typical values: "
                f"{', '.join(str(f) for f in filled)}; give wind (kt) or lightning counts for a "
                "sharper answer."
            )

    def _window(self, parsed: Interpretation, out: _Answer) -> tuple[dt.date, dt.date]:
        """The plan's window: the period named (at most a year), else the next 30 days."""
        if parsed.window is None:
            self.date_used = f"the 30 days from today, {self.today.isoformat()}"
            return self.today, self.today + dt.timedelta(days=30)
        start, end = parsed.window[0].date(), parsed.window[1].date()
        if end < start:
            start, end = end, start
        if (end - start).days > MAX_WINDOW_DAYS:
            cut = start + dt.timedelta(days=MAX_WINDOW_DAYS)
            out.lines.append(
                f"The period named runs {start} to {end}; a plan covers at most "
                f"{MAX_WINDOW_DAYS} days, so this one runs to {cut}."
            )
            end = cut
        return start, end

    def plan(self, parsed: Interpretation, out: _Answer) -> None:
        start, end = self._window(parsed, out)
        args: dict[str, Any] = {"earliest_date": start.isoformat(), "latest_date": end.isoformat()}
        if parsed.vehicles:
            args["vehicles"] = parsed.names[:20]
        for key in ("payload_mass_kg", "orbit", "max_failure_probability"):
            if (value := getattr(parsed, key)) is not None:
                args[key] = value
        if parsed.where is not None:
            args["sites"] = list(dict.fromkeys([parsed.where, *parsed.other_sites]))
        args["max_options"] = 3
        if (end - start).days // 7 + 1 > 120:
            args["date_step_days"] = (end - start).days // 119 + 1
        result = out.call("plan_mission", args)
        if not isinstance(result, PlanResponse):
            return
        window = f"{args['earliest_date']} to {args['latest_date']}"
        what = ""
        if result.payload_mass_kg is not None or result.orbit is not None:
            mass = f"{result.payload_mass_kg:,.0f} kg" if result.payload_mass_kg else "a payload"
            what = f", {mass} to {describe(result.orbit or 'LEO')}"
        if len(parsed.vehicles) >= 2:
            out.lines.extend(_named_verdicts(parsed, result))
        if not result.options:
            out.lines.append(f"No option meets the requirements for {window}{what}.")
        else:
            unknown = result.options_unknown_capacity
            feasible = result.options_total - unknown
            counted = w.plural(feasible, "feasible option")
            if unknown:
                counted += f" and {w.plural(unknown, 'option')} of unknown capacity"
            if feasible == 0 and unknown:
                counted = (
                    f"{w.plural(unknown, 'option')}, none known to carry it (capacity unknown, "
                    "flagged)"
                )
            out.lines.append(f"For {window}{what}, the best of {counted}:")
            for option in result.options:
                out.lines.append(f"{option.rank}. {_option_line(option)}")
        if result.excluded_total:
            counts = ", ".join(f"{n} {r}" for r, n in result.excluded_by_reason.items())
            shown = "; ".join(
                f"{e.vehicle}{f' {e.site}/{e.pad}' if e.pad else ''}: {e.reason}"
                for e in result.excluded[:5]
            )
            out.lines.append(f"Excluded ({counts}): {shown}.")
        out.lines.extend(result.notes)
        out.lines.extend(result.limits)

    def list_pads(self, parsed: Interpretation, out: _Answer) -> None:
        vehicle = parsed.names[0]
        result = out.call("list_pads", {"query": vehicle, "limit": 10})
        if not isinstance(result, PadList):
            return
        pads = [p for p in result.pads if vehicle in p.vehicles]
        listing = ", ".join(
            f"{p.site}/{p.pad} (last launch {iso_day(p.last_flight) if p.last_flight else '-'})"
            for p in pads
        )
        out.lines.append(
            f"{vehicle} has flown from {listing or 'no known pad'} "
            f"{w.cite(result.model, result.version)}."
        )

    def list_vehicles(self, parsed: Interpretation, out: _Answer) -> None:
        result = out.call("list_vehicles", {"limit": 15, "status": "active"})
        if not isinstance(result, VehicleList):
            return
        listing = ", ".join(f"{v.name} ({v.flights} flights)" for v in result.vehicles)
        out.lines.append(
            f"The most flown of the {result.total} vehicles T-Minus' reference lists as active: "
            f"{listing} {w.cite(result.model, result.version)}."
        )

    def not_predicted(self, parsed: Interpretation, out: _Answer) -> None:
        out.understood = False
        said = next(text for topic, _, text in NOT_PREDICTED if topic == parsed.topic)
        out.lines.append(said)
        if parsed.vehicles:
            # What it can answer instead, for the vehicle named.
            tool = "predict_launch_anomaly" if parsed.topic == "price" else "predict_launch_failure"
            vehicle = parsed.names[0]
            date = iso_day(self.date_of(parsed))
            result = out.call(tool, {"vehicle": vehicle, "date": date})
            if isinstance(result, ProbabilityAnswer):
                what = (
                    "probability of a failure or partial failure (what insurers count as a claim)"
                    if tool == "predict_launch_anomaly"
                    else "failure probability"
                )
                out.lines.append(
                    f"What T-Minus can tell you: {w.a(vehicle)} launch on {date} has a {what} of "
                    f"{w.percent(result.probability)} (90% interval "
                    f"{w.interval(*result.interval)}) {w.cite(result.model, result.version)}."
                )
        else:
            out.lines.append("It answers: " + "; ".join(SHAPES) + ".")

    def unknown(self, parsed: Interpretation, out: _Answer) -> None:
        out.understood = False
        hint = ""
        if parsed.pad_written and parsed.pad is None:
            hint = f" No known pad matches {parsed.pad_written!r}."
        out.lines.append(
            "I could not match this question to one I can answer without an LLM."
            + hint
            + " Without an LLM I answer: "
            + "; ".join(SHAPES)
            + "."
        )


Handler = Callable[[OfflineAnswerer, Interpretation, _Answer], None]
# One handler per kind of question: grep finds each, and mypy checks the table is complete.
HANDLERS: Final[dict[Intent, Handler]] = {
    "launch_risk": OfflineAnswerer.launch_risk,
    "launch_anomaly": OfflineAnswerer.launch_anomaly,
    "pad_next": OfflineAnswerer.pad_next,
    "compare": OfflineAnswerer.compare,
    "return_to_flight": OfflineAnswerer.return_to_flight,
    "booster_landing": OfflineAnswerer.booster_landing,
    "weather_scrub": OfflineAnswerer.weather_scrub,
    "plan": OfflineAnswerer.plan,
    "list_pads": OfflineAnswerer.list_pads,
    "list_vehicles": OfflineAnswerer.list_vehicles,
    "not_predicted": OfflineAnswerer.not_predicted,
    "unknown": OfflineAnswerer.unknown,
}


def _option_line(option: PlanOption) -> str:
    """One plan option in a sentence: where, when, the risk and the capacity, with sources."""
    f, c = option.failure, option.feasibility
    text = (
        f"{option.vehicle} from {option.site}/{option.pad} on {iso_day(option.date)}: failure "
        f"probability {w.percent(f.probability)} (90% interval {w.interval(*f.interval)}) "
        f"{w.cite(f.model, f.version)}"
    )
    if option.flags.get("maiden_flight"):
        text += ", a maiden flight (its family's record)"
    if option.status == "in_development":
        text += ", still in development"
    if c.status == "feasible" and c.margin_kg is not None:
        config = f", {c.configuration}" if c.configuration else ""
        text += (
            f"; capacity feasible ({c.basis}{config}), margin {c.margin_kg:,.0f} kg"
            f"{_figure_source(c)} {w.cite(c.model, c.version)}"
        )
    elif c.status == "unknown":
        text += f"; capacity unknown, flagged {w.cite(c.model, c.version)}"
    return text + "."


def _figure_source(c: Feasibility) -> str:
    """The capacity figure behind a margin and its public source (the version cited after
    it only carries the reference): ', from <kg> in <source>', or nothing without one."""
    return f", from {c.capacity_kg:,.0f} kg in {c.source}" if c.source and c.capacity_kg else ""


def _named_verdicts(parsed: Interpretation, result: PlanResponse) -> list[str]:
    """For each vehicle the question named: its best option, or why it is out."""
    lines = []
    best: dict[str, PlanOption] = {}
    for option in result.options:
        best.setdefault(option.vehicle, option)
    for mention in parsed.vehicles:
        name = mention.name
        if name in best:
            option, c = best[name], best[name].feasibility
            if c.status == "feasible" and c.margin_kg is not None:
                state = (
                    f"can carry it ({c.basis}, margin {c.margin_kg:,.0f} kg"
                    f"{_figure_source(c)} {w.cite(c.model, c.version)})"
                )
            elif c.status == "unknown":
                state = f"may carry it: its capacity is unknown {w.cite(c.model, c.version)}"
            else:
                state = "is an option (no payload mass was given)"
            lines.append(f"{name} {state}; its best option is number {option.rank} below.")
            continue
        reasons = [e for e in result.excluded if e.vehicle == name]
        if reasons:
            lines.append(f"{name} is out: {reasons[0].reason}: {reasons[0].message}.")
        else:
            lines.append(f"{name} has no option among the ones shown.")
    safe = [best[m.name] for m in parsed.vehicles if m.name in best]
    feasible = [o for o in safe if o.feasibility.status != "unknown"]
    if safe:
        pick = min(feasible or safe, key=lambda o: o.failure.probability)
        lines.append(
            f"Of the vehicles you named, {pick.vehicle} is the lowest-risk one that "
            + ("can carry it." if pick.feasibility.status == "feasible" else "is kept.")
        )
    return lines
