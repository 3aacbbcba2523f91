"""``tminus plan``, ``tminus ask`` and ``tminus mcp``: the LLM face from the shell.

They load the champion of every model from the registry in-process (no server needed), answer,
and exit; ``tminus mcp`` serves the MCP tools over stdio until its client disconnects.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from tminus.console import ModelsDirOption, fail
from tminus.features.timebase import iso_day
from tminus.settings import get_settings

if TYPE_CHECKING:
    from tminus.serving.state import ModelStore

_out = Console()

AsJson = Annotated[bool, typer.Option("--json", help="Print the full answer as JSON.")]


def _store(models_dir: Path | None) -> ModelStore:
    """A model store with every champion loaded; exits with a clear message if none is."""
    from tminus.predictors.kinds import MODEL_NAMES
    from tminus.registry.store import Registry
    from tminus.serving.state import ModelStore

    root = models_dir or get_settings().models_dir
    store = ModelStore(Registry(root), MODEL_NAMES)
    store.refresh()
    if len(store.missing) == len(MODEL_NAMES):
        raise fail(
            f"no champion model in {root}: run `make train` (or `tminus train --promote`) first"
        )
    return store


def _problems(exc: ValidationError) -> str:
    from tminus.serving.errors import validation_problems

    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'request'}: "
        + str(e["msg"]).removeprefix("Value error, ")
        for e in validation_problems(exc.errors())
    )


def plan(
    *,
    earliest: Annotated[str, typer.Option("--earliest", help="First acceptable date (ISO).")],
    latest: Annotated[str, typer.Option("--latest", help="Last acceptable date (ISO).")],
    vehicle: Annotated[
        list[str] | None,
        typer.Option("--vehicle", "-v", help="An allowed vehicle (repeat for several)."),
    ] = None,
    site: Annotated[
        list[str] | None,
        typer.Option("--site", help="An allowed site: GCAT code (CC) or name (Kourou)."),
    ] = None,
    provider: Annotated[
        list[str] | None, typer.Option("--provider", help="An allowed GCAT provider, e.g. SPX.")
    ] = None,
    max_risk: Annotated[
        float | None,
        typer.Option("--max-risk", help="Risk tolerance: highest failure probability (0-1)."),
    ] = None,
    payload_mass_kg: Annotated[
        float | None,
        typer.Option("--payload-mass", help="Payload mass in kg, checked against capacity."),
    ] = None,
    orbit: Annotated[
        str | None,
        typer.Option(
            "--orbit", help="Orbit class: LEO, SSO, MEO, GTO, GEO, HEO, LUNAR, ESCAPE (or a name)."
        ),
    ] = None,
    rank_by: Annotated[str, typer.Option("--rank-by", help="'risk', 'date' or 'margin'.")] = "risk",
    max_options: Annotated[int, typer.Option("--max-options", help="Options shown.")] = 10,
    models_dir: ModelsDirOption = None,
    as_json: AsJson = False,
) -> None:
    """Rank vehicle, pad and date options for a mission window, with reasons and exclusions."""
    from tminus.serving.errors import ServiceError
    from tminus.tools.planner import plan_mission
    from tminus.tools.schemas import PlanRequest

    raw: dict[str, Any] = {
        "earliest_date": earliest,
        "latest_date": latest,
        "vehicles": vehicle or None,
        "sites": site or None,
        "providers": provider or None,
        "max_failure_probability": max_risk,
        "payload_mass_kg": payload_mass_kg,
        "orbit": orbit,
        "rank_by": rank_by,
        "max_options": max_options,
    }
    try:
        request = PlanRequest.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        raise fail(_problems(exc), 2) from exc
    store = _store(models_dir)
    try:
        answer = plan_mission(store.snapshot, request)
    except ServiceError as exc:
        raise fail(str(exc), 2) from exc
    if as_json:
        _out.print_json(answer.model_dump_json())
        return
    title = f"Options {answer.earliest_date.date()} to {answer.latest_date.date()}"
    if answer.payload_mass_kg is not None or answer.orbit is not None:
        mass = f"{answer.payload_mass_kg:,.0f} kg" if answer.payload_mass_kg else "payload"
        title += f", {mass} to {answer.orbit or 'LEO'}"
    table = Table(title=title)
    for column in ("#", "vehicle", "pad", "date", "failure p (90% interval)", "capacity", "flags"):
        table.add_column(column)
    for o in answer.options:
        f, c = o.failure, o.feasibility
        capacity = c.status.replace("_", " ")
        if c.margin_kg is not None:
            capacity += f", margin {c.margin_kg:,.0f} kg ({c.basis})"
        table.add_row(
            str(o.rank),
            o.vehicle,
            f"{o.site}/{o.pad}",
            iso_day(o.date),
            f"{f.probability:.2%} ({f.interval[0]:.2%}-{f.interval[1]:.2%})",
            capacity,
            ", ".join(sorted(o.flags)),
        )
    _out.print(table)
    # Sentences cite "[model version]": print them as text, not as rich markup.
    for o in answer.options:
        _out.print(f"{o.rank}. {o.vehicle} {o.site}/{o.pad}", style="bold", markup=False)
        for reason in o.reasons:
            _out.print(f"   {reason}", markup=False, highlight=False)
    if answer.excluded:
        counts = ", ".join(f"{n} {reason}" for reason, n in answer.excluded_by_reason.items())
        _out.print(f"Excluded ({answer.excluded_total}: {counts})", style="bold", markup=False)
        for e in answer.excluded:
            where = f" {e.site}/{e.pad}" if e.pad else ""
            _out.print(f"   {e.vehicle}{where}: {e.reason}: {e.message}", markup=False)
    for note in [*answer.notes, *answer.limits]:
        _out.print(note, style="dim", markup=False, highlight=False)


def ask(
    question: Annotated[str, typer.Argument(help="A question in plain language.")],
    offline: Annotated[
        bool, typer.Option("--offline", help="Use the deterministic parser, not the LLM.")
    ] = False,
    models_dir: ModelsDirOption = None,
    as_json: AsJson = False,
) -> None:
    """Answer a question with the tools: via TMINUS_LLM_* if set, else offline."""
    import asyncio

    from tminus.tools.ask import LLMConfig, LLMError, ask_llm
    from tminus.tools.offline import answer_offline
    from tminus.tools.schemas import AskRequest

    try:
        request = AskRequest(question=question, mode="offline" if offline else "auto")
    except ValidationError as exc:
        raise fail(_problems(exc), 2) from exc
    store = _store(models_dir)
    config = None if offline else LLMConfig.from_settings(get_settings())
    today = dt.datetime.now(dt.UTC).date()
    if config is None:
        answer = answer_offline(request.question, store.snapshot, today=today)
    else:
        try:
            answer = asyncio.run(ask_llm(request.question, store.snapshot, config, today=today))
        except LLMError as exc:
            raise fail(f"{exc.message} ({exc.error_type})", 3) from exc
    if as_json:
        _out.print_json(answer.model_dump_json())
        return
    _out.print(answer.answer, markup=False, highlight=False)
    if not answer.understood:
        raise typer.Exit(4)


def mcp(models_dir: ModelsDirOption = None) -> None:
    """Serve the T-Minus tools over MCP on stdio (for Claude Desktop, Cursor, ...)."""
    import asyncio

    from mcp.server.mcpserver import MCPServer

    from tminus.tools.mcp_server import build_mcp_server

    # stdout carries the protocol: every log line goes to stderr.
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    store = _store(models_dir)
    interval = get_settings().reload_interval_s

    @contextlib.asynccontextmanager
    async def lifespan(server: MCPServer[Any]) -> AsyncIterator[None]:
        # A promoted champion is picked up without restarting the client's server process.
        poller = asyncio.create_task(store.poll(interval))
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    server = build_mcp_server(lambda: store.snapshot, lifespan=lifespan)
    server.run("stdio")


def register(app: typer.Typer) -> None:
    """Mount ``plan``, ``ask`` and ``mcp`` on the root app."""
    app.command("plan")(plan)
    app.command("ask")(ask)
    app.command("mcp")(mcp)
