"""Probability answers as JSON bytes, written straight from the predictor's columns.

A batch of 10,000 answers built as response models and dumped costs more than the model does:
a dict per item and per context, a model per item, then the dump. Here the bytes are written
column by column: each column's values are serialised by pydantic in one call (so every number
is written exactly as the schema's own serialisation writes it), the answers shared by several
rows (the same question read at the same moment) are written once, and each row adds only what
is its own (where its date falls against the data cutoff, the vehicle's status then).

The bytes equal ``ProbabilityBatchAnswer.model_dump_json()`` (and ``ProbabilityAnswer``'s for
one item) of the same answers; tests hold them to it. Should a response schema's fields change,
:data:`LAYOUT_MATCHES` turns false and callers fall back to the response models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from typing import Any, Final

import numpy as np
import pydantic_core

from tminus.features.timebase import from_day
from tminus.predictors.base import ProbabilityPrediction
from tminus.predictors.launch_failure import (
    CONTEXT_KEYS,
    FLAG_KEYS,
    OPTIONAL_KEYS,
    STATUS_FLAG,
    STATUS_KEYS,
    LaunchAnswers,
    status_values,
)
from tminus.serving.schemas import (
    ProbabilityAnswer,
    ProbabilityBatchAnswer,
    ProbabilityItem,
    Provenance,
)

ITEM_FIELDS: Final = ("probability", "interval", "flags", "context", "as_of", "days_past_cutoff")
CUTOFF_KEYS: Final = ("before_data_cutoff", "history_read_at_cutoff")
PROVENANCE_FIELDS: Final = tuple(Provenance.model_fields)
# Whether the response schemas still have the fields, in the order, written below.
LAYOUT_MATCHES: Final = (
    tuple(ProbabilityItem.model_fields) == ITEM_FIELDS
    and tuple(ProbabilityBatchAnswer.model_fields) == (*PROVENANCE_FIELDS, "items")
    and tuple(ProbabilityAnswer.model_fields) == (*PROVENANCE_FIELDS, *ITEM_FIELDS)
)
# Context columns of text (each distinct value written once); the others are numbers, booleans
# and nulls, written by column.
_TEXT: Final = frozenset({"outcome", "vehicle", "family", "provider", "vehicle_state"})
_TEXT_OPTIONAL: Final = frozenset({"resolved_from", "resolved_as", "pad"})
_TRUE, _FALSE = b"true", b"false"


def provenance_head(provenance: Provenance) -> bytes:
    """``{"model":...,"attribution":[...]`` without its closing brace: what every answer of a
    version starts with."""
    return pydantic_core.to_json(provenance.model_dump())[:-1]


def single(head: bytes, prediction: ProbabilityPrediction) -> bytes:
    """One answer (``ProbabilityAnswer``) after the version's :func:`provenance_head`."""
    item = pydantic_core.to_json(
        {
            "probability": prediction.probability,
            "interval": prediction.interval,
            "flags": prediction.flags,
            "context": prediction.context,
            "as_of": prediction.as_of,
            "days_past_cutoff": prediction.days_past_cutoff,
        }
    )
    return b"".join((head, b",", item[1:]))


def batch(head: bytes, answers: LaunchAnswers) -> bytes:
    """A batch (``ProbabilityBatchAnswer``) of answers without errors, after the version's
    :func:`provenance_head`."""
    if answers.errors:
        raise ValueError("a batch with errors has no answer to write")
    flags, contexts = _answer_parts(answers)
    as_of = [b'},"as_of":' + x for x in _moments(answers)]
    # A row's status on its own date: the last flag, and the context's last keys.
    retired = [b"," + _key(STATUS_FLAG) + _boolean(s.ended) for s in answers.statuses]
    status = [
        b"".join(
            b"," + _key(k) + pydantic_core.to_json(v)
            for k, v in zip(STATUS_KEYS, status_values(s), strict=True)
        )
        for s in answers.statuses
    ]
    # Every row's pieces in one sequence, joined once (the answer is megabytes).
    pieces = chain.from_iterable(
        zip(
            chain((b"",), repeat(b",")),
            [flags[a] for a in answers.answer],
            [retired[s] for s in answers.status],
            [contexts[a] for a in answers.answer],
            repeat(b',"before_data_cutoff":'),
            _booleans(answers.before_data_cutoff),
            repeat(b',"history_read_at_cutoff":'),
            _booleans(answers.history_read_at_cutoff),
            [status[s] for s in answers.status],
            [as_of[a] for a in answers.answer],
            repeat(b',"days_past_cutoff":'),
            _numbers(answers.days_past_cutoff),
            repeat(b"}"),
        )
    )
    return b"".join(chain((head, b',"items":['), pieces, (b"]}",)))


def _answer_parts(answers: LaunchAnswers) -> tuple[list[bytes], list[bytes]]:
    """Each answer's item in two parts, what depends on a row's own date left out:
    ``{"probability":..,"interval":[..],"flags":{..`` (the status flag missing) and
    ``},"context":{..`` (the keys after the answer's own missing)."""
    parts: list[Iterable[bytes]] = [
        repeat(b'{"probability":'),
        _numbers(answers.probability),
        repeat(b',"interval":['),
        _numbers(answers.low),
        repeat(b","),
        _numbers(answers.high),
        repeat(b"]"),
    ]
    for i, key in enumerate(FLAG_KEYS):
        opening = b"," if i else b',"flags":{'
        parts += [repeat(opening + _key(key)), _booleans(answers.flags[key])]
    flags = list(map(b"".join, zip(*parts, strict=False)))  # the literals repeat forever
    parts = []
    for i, key in enumerate(CONTEXT_KEYS):
        opening = b"," if i else b'},"context":{'
        values = answers.context[key]
        parts += [repeat(opening + _key(key)), _text(values) if key in _TEXT else _numbers(values)]
    optional = [_optional(key, answers.context[key]) for key in OPTIONAL_KEYS]
    parts.append(map(b"".join, zip(*optional, strict=True)))
    return flags, list(map(b"".join, zip(*parts, strict=False)))


def _optional(key: str, values: Sequence[Any]) -> list[bytes]:
    """``,"key":value`` where an answer carries the key, else nothing."""
    if all(v is None for v in values):
        return [b""] * len(values)
    prefix = b"," + _key(key)
    if key in _TEXT_OPTIONAL or key == "pad_mix":
        written = _text(values, many=key == "pad_mix")
    else:
        written = _numbers(values)
    return [b"" if v is None else prefix + w for v, w in zip(values, written, strict=True)]


def _moments(answers: LaunchAnswers) -> list[bytes]:
    """Each answer's ``as_of`` as pydantic writes it. A whole day (a date asked about, read at
    its midnight; or the end of the record) is written from NumPy's calendar, in bulk."""
    read_at = np.asarray(answers.read_at)
    whole = np.floor(read_at) == read_at
    midnight = np.datetime_as_string(read_at[whole].astype(np.int64).astype("datetime64[D]"))
    written = iter([b'"' + day.encode() + b'T00:00:00Z"' for day in midnight.tolist()])
    exact = iter(_text([from_day(t) for t in read_at[~whole].tolist()]))
    return [next(written) if w else next(exact) for w in whole.tolist()]


def _key(key: str) -> bytes:
    """``"key":``."""
    return pydantic_core.to_json(key) + b":"


def _numbers(values: Sequence[Any]) -> list[bytes]:
    """Numbers, booleans and nulls as pydantic writes them: the column in one call, split
    (none of them holds a comma)."""
    if not values:
        return []
    return pydantic_core.to_json(values)[1:-1].split(b",")


def _booleans(values: Sequence[bool]) -> list[bytes]:
    return [_TRUE if v else _FALSE for v in values]


def _boolean(value: bool) -> bytes:
    return _TRUE if value else _FALSE


def _text(values: Sequence[Any], *, many: bool = False) -> list[bytes]:
    """Values written one by one, each distinct one once (``many``: by identity, for values
    that cannot be hashed or are rarely equal)."""
    if many:
        written: dict[int, bytes] = {}
        return [
            written.get(id(v)) or written.setdefault(id(v), pydantic_core.to_json(v))
            for v in values
        ]
    cache = {v: pydantic_core.to_json(v) for v in set(values)}
    return [cache[v] for v in values]
