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

import asyncpg
import redis.exceptions
import sqlalchemy.exc


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
    # This process is shutting down, or PostgreSQL or Redis cannot be reached: the same request
    # on another process (or in a moment) will be served.
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


class TooManyOpen(DomainError):
    """Too many operations running at once, on one socket or over all of an account's."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, limit: int, scope: str) -> None:
        super().__init__(
            f"Subscription limit reached: at most {limit} running operations per {scope}; "
            "complete one first."
        )
        self.limit = limit

    def details(self) -> dict[str, object]:
        return {"limit": self.limit}


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


UNREACHABLE = "A service this server needs is unreachable right now; try again in a moment."

# What PostgreSQL or Redis being out of reach looks like from here: a refused or dropped
# socket, asyncpg's connection classes (08xxx, shutdowns, "cannot connect now"), and redis-py's
# connection and timeout errors. Not a statement the database refused: that is a fault.
_UNREACHABLE_KINDS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    sqlalchemy.exc.TimeoutError,
)


def unreachable(error: BaseException) -> bool:
    """True when `error` (or what it wraps) says PostgreSQL or Redis could not be reached:
    worth retrying, and for a caller UNAVAILABLE rather than an internal error."""
    seen: BaseException | None = error
    for _ in range(8):  # wrappers nest a few deep (SQLAlchemy, its asyncpg adapter, asyncpg)
        if seen is None:
            return False
        if isinstance(seen, _UNREACHABLE_KINDS):
            return True
        if isinstance(seen, sqlalchemy.exc.DBAPIError):
            if seen.connection_invalidated:
                return True
            orig = seen.orig
            seen = orig if isinstance(orig, BaseException) else seen.__cause__
            continue
        seen = seen.__cause__
    return False
