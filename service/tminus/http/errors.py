"""The one error only HTTP raises: a route's own refusal, with its status and problems."""

from __future__ import annotations

from tminus.serving.errors import Problem


class ApiError(Exception):
    """An HTTP-only error (the admin key, a route's own checks) with its status and problems.

    The core raises :class:`~tminus.serving.errors.ServiceError` instead; both are answered in
    the same shape.
    """

    def __init__(
        self, status: int, problems: list[Problem], *, headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.problems = problems
        self.headers = headers or {}
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems))
