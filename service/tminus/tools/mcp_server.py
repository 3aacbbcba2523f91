"""The MCP server: every tool of :mod:`tminus.tools.toolbox`, typed, with structured output.

Built on the official SDK's :class:`~mcp.server.mcpserver.MCPServer`. The SDK usually derives a
tool's argument schema from a function signature; here each tool's arguments *are* the service's
request schema (flat: ``{"vehicle": ..., "date": ...}``, exactly the REST body), so the tools are
registered with that schema and validated by it: unknown fields are refused with the allowed
ones, names are checked against the catalogue, and a bad call comes back as a tool error whose
text says what to fix. Results are the response schemas, published as ``outputSchema`` and
returned as ``structuredContent``.

:func:`build_mcp_server` takes a callable returning the current snapshot, so one server works
in-process (tests), over stdio (``tminus mcp``) and over streamable HTTP at ``/mcp`` in the
service, always answering from the models the service is serving at that moment.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Final, cast

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import ToolAnnotations
from pydantic import BaseModel, create_model

import tminus
from tminus.serving.state import Snapshot
from tminus.tools.toolbox import TOOLS, ToolSpec, describe_failure

SERVER_NAME: Final = "tminus"
INSTRUCTIONS: Final = (
    "T-Minus predicts launch risk and timing from public launch records (GCAT, r/SpaceX, "
    "BRAVO). Use its tools for every probability, duration or date you state; never estimate "
    "them yourself. Each answer names the model, version and data cutoff that produced it: "
    "cite them next to the numbers. Vehicle and pad names are GCAT's (list_vehicles, "
    "list_pads); a misspelt name fails with suggestions. Dates are ISO 8601 (UTC). Histories "
    "end at the data cutoff: say so when a question is about later events."
)
READ_ONLY: Final = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

SnapshotSource = Callable[[], Snapshot]
Lifespan = Callable[[MCPServer[Any]], AbstractAsyncContextManager[Any]]


def _argument_model(spec: ToolSpec[Any, Any]) -> type[ArgModelBase]:
    """The request schema, usable by the SDK (which needs its ``ArgModelBase`` interface)."""
    model = create_model(f"{spec.name}_arguments", __base__=(spec.arguments, ArgModelBase))
    return cast(type[ArgModelBase], model)


def mcp_tool(spec: ToolSpec[Any, Any], snapshot: SnapshotSource) -> Tool:
    """One toolbox tool as an SDK tool answering from ``snapshot()`` at call time."""

    async def run(**arguments: Any) -> BaseModel:
        # The SDK validated the arguments against the request schema already; rebuilding the
        # request schema itself keeps the handlers' types exact.
        try:
            request = spec.parse(arguments)
            current = snapshot()
            if spec.blocking:
                call = functools.partial(spec.run, current, request)
                result: BaseModel = await anyio.to_thread.run_sync(call)
                return result
            answer: BaseModel = spec.run(current, request)
            return answer
        except Exception as exc:
            failure = describe_failure(spec.name, exc)
            if failure is None:
                raise  # a bug: the SDK logs it and sends a generic error
            raise ToolError(failure.message) from exc

    run.__name__ = spec.name
    return Tool(
        fn=run,
        name=spec.name,
        title=spec.title,
        description=spec.description,
        parameters=spec.input_schema(),
        fn_metadata=FuncMetadata(arg_model=_argument_model(spec), output_model=spec.result),
        is_async=True,
        annotations=READ_ONLY if spec.read_only else None,
    )


def build_mcp_server(
    snapshot: SnapshotSource, *, lifespan: Lifespan | None = None
) -> MCPServer[Any]:
    """The T-Minus MCP server with every tool, answering from ``snapshot()``.

    Parameters
    ----------
    snapshot
        Returns the served models; called once per tool call.
    lifespan
        Runs around the server's life (``tminus mcp`` loads and polls the models in it); the
        service passes none, its own lifespan owns the models.
    """
    with _logging_left_alone():
        return MCPServer(
            name=SERVER_NAME,
            title="T-Minus",
            description="Calibrated launch risk and timing predictions, versioned.",
            instructions=INSTRUCTIONS,
            version=tminus.__version__,
            tools=[mcp_tool(spec, snapshot) for spec in TOOLS],
            lifespan=lifespan,
        )


@contextlib.contextmanager
def _logging_left_alone() -> Iterator[None]:
    """Keep ``MCPServer()`` from configuring the root logger.

    Its constructor calls ``logging.basicConfig``, which is a no-op when the root logger has a
    handler. Logging is set up by the CLI and the app, never as a side effect of building a
    server, so a placeholder handler sits on the root logger while the server is built.
    """
    root = logging.getLogger()
    placeholder = logging.NullHandler()
    root.addHandler(placeholder)
    try:
        yield
    finally:
        root.removeHandler(placeholder)
