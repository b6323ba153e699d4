"""Domain errors: what a service raises when it refuses an action.

Each maps to one HTTP status and one stable ``code`` (SPEC §9), so the API,
the pages and the admin answer the same refusal the same way.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal.  ``message`` is shown to people; ``code`` to machines."""

    status = 400
    code = "invalid"

    def __init__(self, message: Any = "", **context: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return str(self.message)


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class SeparationOfDuties(DomainError):
    status = 403
    code = "separation_of_duties"


class Throttled(DomainError):
    """Too many action requests from one person in a short time; ``retry_after`` is in seconds."""

    status = 429
    code = "throttled"

    def __init__(self, message: Any = "", *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Invalid(DomainError):
    """Bad input.  ``errors`` is ``{field: [messages]}``; nothing was written."""

    status = 400
    code = "invalid"

    def __init__(self, errors: dict[str, list[str]], message: Any = "") -> None:
        super().__init__(
            message or "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items())
        )
        self.errors = {field: [str(m) for m in msgs] for field, msgs in errors.items()}
