"""The tool-calling loop: an OpenAI-compatible LLM (Grok, or any) answers with T-Minus tools.

The LLM sees the toolbox as OpenAI function definitions and calls tools; each call's arguments
are validated here, against the same request schemas as the REST routes, and run on one
snapshot of the served models. A malformed call (bad JSON, unknown tool, invalid or unknown
arguments, a misspelt vehicle) is answered to the LLM as a tool error it can correct, never as a
crash. The loop is bounded in LLM calls, tool calls and wall time; on its last step the LLM is
told to answer without tools. LLM and network failures become an :class:`LLMError` with a
502/504-style status and a message saying what to check.

The final answer ends with the model versions behind every number the tools returned; beside
it, the actions the tools took (none: they are read-only), every number of the answer traced to
the tool result it came from, and the sentences that claim an action or a number no tool
produced (:mod:`tminus.tools.grounding`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import re
import time
from dataclasses import dataclass
from typing import Any, ClassVar, Final

import openai
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessage,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
    ChatCompletionMessageToolCallUnion,
    ChatCompletionMessageToolCallUnionParam,
    ChatCompletionToolMessageParam,
)

from tminus.serving.errors import ErrorKind, Problem, UpstreamError
from tminus.serving.schemas import Provenance
from tminus.serving.state import Snapshot
from tminus.settings import Settings
from tminus.tools import wording as w
from tminus.tools.grounding import ground
from tminus.tools.schemas import AskResponse, ToolCallRecord
from tminus.tools.toolbox import (
    TOOLS_BY_NAME,
    ToolCallError,
    call_tool,
    merge_sources,
    openai_tools,
    sources_line,
    success_record,
)

# A tool result longer than this (about 12k tokens) is not sent: the LLM is asked to narrow it.
MAX_TOOL_RESULT_CHARS: Final = 48_000
# An upstream error message is echoed back at most this long.
MAX_UPSTREAM_MESSAGE: Final = 300
NO_KEY: Final = "not-set"


@dataclass(frozen=True)
class LLMConfig:
    """Where the LLM is and how far the loop may go.

    ``max_steps`` bounds LLM calls, ``max_tool_calls`` the tool calls over the whole question,
    ``timeout_s`` the wall time of the whole question; ``max_retries`` is the openai client's
    retry count for transient HTTP errors.
    """

    base_url: str
    model: str
    api_key: str | None = None
    max_steps: int = 6
    max_tool_calls: int = 16
    timeout_s: float = 60.0
    max_retries: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig | None:
        """The configured LLM (``TMINUS_LLM_BASE_URL`` and ``TMINUS_LLM_MODEL``), else None."""
        if not settings.llm_base_url or not settings.llm_model:
            return None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(base_url=settings.llm_base_url, model=settings.llm_model, api_key=key or None)


def missing_llm_settings(settings: Settings) -> list[str]:
    """The environment variables still needed to use an LLM (empty when configured)."""
    missing = []
    if not settings.llm_base_url:
        missing.append("TMINUS_LLM_BASE_URL")
    if not settings.llm_model:
        missing.append("TMINUS_LLM_MODEL")
    return missing


class LLMError(UpstreamError):
    """The LLM could not produce an answer: unreachable, refused or misbehaving.

    ``error_type`` is a stable error type for clients (``llm_unreachable``, ...).
    """

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__([Problem(loc=("llm",), msg=message, type=error_type)])
        self.error_type = error_type
        self.message = message


class LLMTimeoutError(LLMError):
    """The LLM did not answer in time."""

    kind: ClassVar[ErrorKind] = "upstream_timeout"


def system_prompt(today: dt.date) -> str:
    """The instructions the LLM gets with every question."""
    return (
        "You are T-Minus, a launch mission-planning assistant. Answer with the T-Minus tools: "
        "every probability, duration or date you state must come from a tool result, never "
        "from your own knowledge. After each number, cite its source as [model version], e.g. "
        "[launch_failure 20261129T092001355427Z-b2ca]. Vehicle and pad names are GCAT's: use "
        "list_vehicles or list_pads when unsure; when a tool reports an error, correct the "
        "arguments and try again. Dates are ISO 8601 in UTC. The models' histories end at their "
        "data_cutoff; say so when the question is about later events. Keep the answer short "
        f"and plain. Today is {today.isoformat()}."
    )


def _upstream_message(exc: openai.APIStatusError) -> str:
    # The client prefixes "Error code: 500 - "; the status is already in our message.
    text = re.sub(r"^Error code: \d+ - ", "", str(exc.message or "").strip()).replace("\n", " ")
    return text if len(text) <= MAX_UPSTREAM_MESSAGE else text[:MAX_UPSTREAM_MESSAGE] + "..."


def llm_error(exc: openai.OpenAIError, config: LLMConfig) -> LLMError:
    """The :class:`LLMError` for an openai client exception."""
    where = f"the LLM endpoint {config.base_url}"
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeoutError("llm_timeout", f"{where} did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError("llm_unreachable", f"cannot reach {where}; check TMINUS_LLM_BASE_URL")
    if isinstance(exc, openai.APIStatusError):
        status, detail = exc.status_code, _upstream_message(exc)
        if status in (401, 403):
            return LLMError(
                "llm_auth",
                f"{where} refused the request (HTTP {status}): check TMINUS_LLM_API_KEY; {detail}",
            )
        if status == 404:
            return LLMError(
                "llm_not_found",
                f"{where} has no model {config.model!r} or no chat completions route "
                f"(HTTP 404): check TMINUS_LLM_MODEL and TMINUS_LLM_BASE_URL; {detail}",
            )
        if status == 429:
            return LLMError("llm_rate_limited", f"{where} is rate-limiting us (HTTP 429)")
        return LLMError("llm_error", f"{where} answered HTTP {status}: {detail}")
    return LLMError("llm_bad_response", f"{where} sent a response we cannot read: {exc}")


def _echo(call: ChatCompletionMessageToolCallUnion) -> ChatCompletionMessageToolCallUnionParam:
    """A tool call of the LLM's message, as it is sent back in the conversation."""
    if isinstance(call, ChatCompletionMessageFunctionToolCall):
        return {
            "id": call.id,
            "type": "function",
            "function": {"name": call.function.name, "arguments": call.function.arguments},
        }
    return {
        "id": call.id,
        "type": "custom",
        "custom": {"name": call.custom.name, "input": call.custom.input},
    }


@dataclass
class _Loop:
    """State of one question's loop."""

    question: str
    snapshot: Snapshot
    config: LLMConfig
    client: openai.AsyncOpenAI
    deadline: float
    records: list[ToolCallRecord]
    sources: list[list[Provenance]]
    steps: int = 0

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise LLMTimeoutError(
                "llm_timeout",
                f"no answer within {self.config.timeout_s:g} s "
                f"({w.plural(self.steps, 'LLM call')}, {w.plural(len(self.records), 'tool call')})",
            )
        return left

    async def complete(
        self, messages: list[ChatCompletionMessageParam], *, final: bool
    ) -> ChatCompletionMessage:
        """One LLM call; ``final`` forbids further tool calls."""
        self.steps += 1
        tools: list[ChatCompletionFunctionToolParam] = [
            {
                "type": "function",
                "function": {
                    "name": t.function.name,
                    "description": t.function.description,
                    "parameters": t.function.parameters,
                },
            }
            for t in openai_tools()
        ]
        try:
            response: ChatCompletion = await asyncio.wait_for(
                self.client.chat.completions.create(
                    model=self.config.model,
                    messages=messages,
                    tools=tools,
                    tool_choice="none" if final else "auto",
                    timeout=self.remaining(),
                ),
                timeout=self.remaining(),
            )
        except TimeoutError as exc:
            raise LLMTimeoutError(
                "llm_timeout", f"no answer within {self.config.timeout_s:g} s"
            ) from exc
        except openai.OpenAIError as exc:
            raise llm_error(exc, self.config) from exc
        if not response.choices:
            raise LLMError("llm_bad_response", "the LLM sent no choices")
        return response.choices[0].message

    async def run_call(
        self, call: ChatCompletionMessageToolCallUnion
    ) -> ChatCompletionToolMessageParam:
        """Run one tool call of the LLM; every failure is a tool error the LLM can read."""
        if not isinstance(call, ChatCompletionMessageFunctionToolCall):
            kind = getattr(call, "type", "unknown")
            message = f"only function tools exist here, not {kind!r} tools"
            self.records.append(
                ToolCallRecord(name=str(kind), arguments="", ok=False, error=message)
            )
            content = json.dumps({"error": message})
            return {"role": "tool", "tool_call_id": call.id, "content": content}
        name, raw = call.function.name, call.function.arguments
        arguments: dict[str, Any] | str = raw
        try:
            if len(self.records) >= self.config.max_tool_calls:
                raise ToolCallError(
                    f"tool-call budget of {self.config.max_tool_calls} is spent; "
                    "answer with the results you have"
                )
            try:
                parsed = json.loads(raw or "{}")
            except json.JSONDecodeError as exc:
                raise ToolCallError(
                    f"arguments of {name} are not valid JSON ({exc.msg} at position {exc.pos}); "
                    "send a JSON object"
                ) from exc
            if not isinstance(parsed, dict):
                raise ToolCallError(f"arguments of {name} must be a JSON object")
            arguments = parsed
            spec = TOOLS_BY_NAME.get(name)
            if spec is not None and spec.blocking:
                result = await asyncio.to_thread(
                    functools.partial(call_tool, self.snapshot, name, parsed)
                )
            else:
                result = call_tool(self.snapshot, name, parsed)
        except ToolCallError as failure:
            self.records.append(
                ToolCallRecord(name=name, arguments=arguments, ok=False, error=failure.message)
            )
            return {
                "role": "tool",
                "tool_call_id": call.id,
                "content": json.dumps(failure.to_json()),
            }
        content = result.model_dump_json(exclude_none=True)
        if len(content) > MAX_TOOL_RESULT_CHARS:
            # Cut JSON would mislead; a clear error lets the LLM ask for less.
            too_long = ToolCallError(
                f"the result of {name} is {len(content):,} characters, too long to send; call "
                "it again with a lower `max_options` or `limit`, or narrower arguments"
            )
            self.records.append(
                ToolCallRecord(name=name, arguments=arguments, ok=False, error=too_long.message)
            )
            return {
                "role": "tool",
                "tool_call_id": call.id,
                "content": json.dumps(too_long.to_json()),
            }
        found, record = success_record(name, arguments, result)
        self.sources.append(found)
        self.records.append(record)
        return {"role": "tool", "tool_call_id": call.id, "content": content}

    async def run(self, today: dt.date) -> str:
        """Loop until the LLM answers without tools; its answer."""
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": system_prompt(today)},
            {"role": "user", "content": self.question},
        ]
        for step in range(1, self.config.max_steps + 1):
            final = step == self.config.max_steps
            message = await self.complete(messages, final=final)
            if not message.tool_calls:
                if not (message.content or "").strip():
                    raise LLMError("llm_bad_response", "the LLM sent an empty answer")
                return (message.content or "").strip()
            if final:
                break
            messages.append(
                {
                    "role": "assistant",
                    "content": message.content,
                    "tool_calls": [_echo(call) for call in message.tool_calls],
                }
            )
            for call in message.tool_calls:
                messages.append(await self.run_call(call))
                self.remaining()
            if step == self.config.max_steps - 1:
                messages.append(
                    {
                        "role": "system",
                        "content": "No more tool calls: answer now with the results you have.",
                    }
                )
        raise LLMError(
            "llm_step_limit",
            f"the LLM was still calling tools after {self.config.max_steps} steps "
            f"({w.plural(len(self.records), 'tool call')}); ask a narrower question",
        )


async def ask_llm(
    question: str,
    snapshot: Snapshot,
    config: LLMConfig,
    *,
    today: dt.date | None = None,
    client: openai.AsyncOpenAI | None = None,
) -> AskResponse:
    """Answer ``question`` with the LLM at ``config``, calling T-Minus tools on ``snapshot``.

    Raises
    ------
    LLMError
        The endpoint is unreachable, refuses us, times out, sends nothing usable, or keeps
        calling tools past ``config.max_steps``.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    own = client is None
    client = client or openai.AsyncOpenAI(
        base_url=config.base_url,
        # Never let the client fall back to OPENAI_API_KEY: that key must not reach another
        # provider's endpoint. Local servers take any placeholder.
        api_key=config.api_key or NO_KEY,
        timeout=config.timeout_s,
        max_retries=config.max_retries,
    )
    loop = _Loop(
        question=question,
        snapshot=snapshot,
        config=config,
        client=client,
        deadline=time.monotonic() + config.timeout_s,
        records=[],
        sources=[],
    )
    try:
        text = await loop.run(today)
    finally:
        if own:
            await client.close()
    sources = merge_sources(loop.sources)
    notes = []
    if not loop.records:
        notes.append(
            "The LLM answered without calling a T-Minus tool: any number in its answer is its "
            "own, not T-Minus'."
        )
    failed = sum(1 for r in loop.records if not r.ok)
    if failed:
        notes.append(
            f"{w.plural(failed, 'tool call')} failed and {'was' if failed == 1 else 'were'} "
            "answered to the LLM as tool errors."
        )
    grounding = ground(text, question=question, records=loop.records, today=today)
    if grounding.ungrounded:
        notes.append(
            f"{w.plural(len(grounding.ungrounded), 'sentence')} of the answer "
            f"{'states' if len(grounding.ungrounded) == 1 else 'state'} an action or a number "
            "that no tool call took or returned; see `ungrounded`."
        )
    actions = [
        record.name
        for record in loop.records
        if record.ok and (spec := TOOLS_BY_NAME.get(record.name)) and not spec.read_only
    ]
    answer = text + ("\n\n" + sources_line(sources) if sources else "")
    return AskResponse(
        question=question,
        answer=answer,
        mode="llm",
        llm_model=config.model,
        understood=True,
        steps=loop.steps,
        tool_calls=loop.records,
        sources=sources,
        notes=notes,
        actions=actions,
        numbers=grounding.numbers,
        ungrounded=grounding.ungrounded,
    )
