"""Errors meant for the caller, as plain exceptions of the domain.

Each kind has a code (the contract's codes are these kinds); `field` names the input at fault
in the domain's own terms (`system_prompt`), and `details()` says more in the same terms. The
GraphQL layer alone turns them into coded GraphQL errors, with GraphQL's names
(`parley.graphql.error_codes`). Their messages are safe to show; anything else that escapes is
an internal error and is masked.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar


class ErrorCode(enum.StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    PROVIDER_ERROR = "PROVIDER_ERROR"
    # The caller's token budget for the period is spent (extensions.resetsAt says until when).
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    # This process is shutting down: the same request on another process (or in a moment)
    # will be served.
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class DomainError(Exception):
    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def details(self) -> dict[str, object]:
        """More for the caller, keyed in the domain's terms."""
        return {}


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class InvalidInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT


class ResponseTooLarge(InvalidInput):
    """The answer would be larger than a response may be: the caller should ask for less."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The response would be larger than {limit} bytes; ask for fewer or smaller items."
        )
        self.limit = limit

    def details(self) -> dict[str, object]:
        return {"limit": self.limit}


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class ReplyAlreadyRunning(Conflict):
    """A conversation runs one reply at a time: a second would be built from a history that
    lacks the first exchange. The caller can follow (or stop) the running one."""

    def __init__(self, running_message_id: str | None) -> None:
        super().__init__("A reply is already running in this conversation; wait for it or stop it.")
        self.running_message_id = running_message_id

    def details(self) -> dict[str, object]:
        return {"running_message_id": self.running_message_id}


class RateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests; try again in {retry_after} s.")
        self.retry_after = retry_after

    def details(self) -> dict[str, object]:
        return {"retry_after": self.retry_after}


class QuotaExceeded(DomainError):
    code = ErrorCode.QUOTA_EXCEEDED

    def __init__(self, resets_at: dt.datetime) -> None:
        super().__init__("Your token budget for this period is spent.")
        self.resets_at = resets_at

    def details(self) -> dict[str, object]:
        # As the DateTime scalar shows a moment: ISO 8601 with its offset.
        return {"resets_at": self.resets_at.isoformat()}


class Unavailable(DomainError):
    code = ErrorCode.UNAVAILABLE


class ProviderFailed(DomainError):
    code = ErrorCode.PROVIDER_ERROR

    def __init__(self, message: str, *, provider: str) -> None:
        super().__init__(message)
        self.provider = provider

    def details(self) -> dict[str, object]:
        return {"provider": self.provider}
