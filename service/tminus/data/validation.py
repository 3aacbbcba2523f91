"""Validating tables against their declarations (:mod:`tminus.data.specs`) and sources against
theirs, turning pandera failures into one clear line."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from tminus.data.errors import SourceValidationError, TableValidationError
from tminus.data.specs import spec_of


def _describe(case: pd.Series) -> tuple[str, object, str]:
    column = str(case.get("column") or "(table)")
    check = str(case.get("check"))
    value = case.get("failure_case")
    return column, case.get("index"), f"value {value!r} fails {check}"


def validate_source(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str) -> pd.DataFrame:
    """Validate a raw source frame; on failure raise naming the file, line and column.

    Parameters
    ----------
    frame
        Raw values, indexed by the 1-based line number of each row in ``file``.
    schema
        Pandera schema of the raw columns.
    file
        The source file's name, used in the message.

    Raises
    ------
    SourceValidationError
        The first failure in file order, with a count of the others.
    """
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        order = pd.to_numeric(cases["index"], errors="coerce")
        cases = cases.assign(_order=order).sort_values("_order", kind="stable", na_position="last")
        column, label, problem = _describe(cases.iloc[0])
        line = None if pd.isna(cases["_order"].iloc[0]) else int(cases["_order"].iloc[0])
        raise SourceValidationError(
            file,
            line=line,
            record=None if line is not None else f"(label {label!r})",
            column=column,
            problem=problem,
            more=len(cases) - 1,
        ) from None


def validate_table(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate a processed table against its declaration; returns it as the schema coerces it.

    Raises
    ------
    TableValidationError
        Naming the table, the column, the row (by ``key`` value when given) and the check.
    """
    spec = spec_of(name)
    key = spec.key
    try:
        return spec.schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        first = cases.iloc[0]
        column, label, problem = _describe(first)
        row = ""
        if label is not None and pd.notna(pd.Series([label])).all():
            row = f", row {label}"
            if key is not None and label in frame.index:
                row += f" ({key}={frame.at[label, key]!r})"
        more = len(cases) - 1
        tail = f" (and {more} more)" if more else ""
        raise TableValidationError(
            f"processed table {name}{row}, column {column}: {problem}{tail}"
        ) from None
    except SchemaError as exc:  # pragma: no cover - lazy=True reports through SchemaErrors
        raise TableValidationError(f"processed table {name}: {exc}") from None
