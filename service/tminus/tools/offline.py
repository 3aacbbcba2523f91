"""Answers without an LLM: a question read by the deterministic parser, answered by the tools.

The rooms: :mod:`tminus.tools.vocabulary` (the words questions are made of),
:mod:`tminus.tools.parser` (a question read into an interpretation, with the catalogue's one
name rule), :mod:`tminus.tools.answers` (one handler per kind of question, writing the
answer from the tools' numbers with their sources). A question that names a payload mass or an
orbit is answered by the planner, which checks what can carry it there.
"""

from __future__ import annotations

import datetime as dt

from tminus.serving.state import Snapshot
from tminus.tools.answers import OfflineAnswerer
from tminus.tools.schemas import AskResponse


def answer_offline(
    question: str, snapshot: Snapshot, *, today: dt.date | None = None
) -> AskResponse:
    """Answer ``question`` without an LLM, from the tools' numbers, citing their versions."""
    day = today or dt.datetime.now(dt.UTC).date()
    return OfflineAnswerer(snapshot, day).answer(question)
