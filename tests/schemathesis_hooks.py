"""schemathesis hooks of the project (``schemathesis.toml``): the domain-refusal check.

A few operations may refuse input their schema allows: a name outside the catalogue, a window
the planner cannot plan (see ``schemathesis.toml``). This check keeps that allowance narrow: a
422 to schema-valid input must consist of those refusals only. Any other type (a pattern, a
type, a bound) means the schema says one thing and the service does another.
"""

from __future__ import annotations

from typing import Any, Final

import schemathesis
from schemathesis import GenerationMode

# The refusals no schema can state: the catalogue's names, and the planner's cross-field rules.
DOMAIN_REFUSALS: Final = frozenset(
    {"unknown_name", "invalid_value", "invalid_window", "too_many_dates", "margin_needs_mass"}
)


@schemathesis.check
def valid_input_is_refused_only_by_the_catalogue(ctx: Any, response: Any, case: Any) -> None:
    """A 422 to input the schema allows names only refusals the schema cannot state."""
    generation = getattr(getattr(case, "meta", None), "generation", None)
    if response.status_code != 422 or getattr(generation, "mode", None) != GenerationMode.POSITIVE:
        return
    problems = response.json().get("detail", [])
    others = [p for p in problems if p.get("type") not in DOMAIN_REFUSALS]
    if others:
        raise AssertionError(
            "input the schema allows was refused by a rule it does not state: "
            + "; ".join(f"{p.get('loc')}: {p.get('type')}: {p.get('msg')}" for p in others[:3])
        )
