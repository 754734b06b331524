"""Gives every GraphQL error a contract code, and masks the ones we did not mean to show.

- domain errors (`parley.errors.DomainError`) get their code, the field at fault under its
  GraphQL name, and their details, camel-cased;
- errors without a path happened before execution (syntax, validation, variables, limits):
  the caller's fault, so `BAD_USER_INPUT`; except an exception of ours with no path, which is
  what a subscription's source raises before its first event;
- PostgreSQL or Redis out of reach (`parley.errors.unreachable`) is `UNAVAILABLE` with a fixed
  message (the original names hosts): retry later, not a server fault;
- anything else escaped a resolver unexpectedly: its message is replaced (it may hold
  internals) and the request id is attached so the logged stack can be found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.utils.str_converters import to_camel_case

from parley.errors import UNREACHABLE, DomainError, ErrorCode, unreachable
from parley.request_context import current_request_id

INTERNAL_MESSAGE = "Internal server error."


def has_code(error: GraphQLError) -> bool:
    return bool((error.extensions or {}).get("code"))


# What graphql-core leaves under a pre-execution error: a coercion or a scalar's refusal.
_CALLER_FAULTS = (GraphQLError, ValueError, TypeError)


def _escaped_without_path(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (DomainError, *_CALLER_FAULTS))


def is_unexpected(error: GraphQLError) -> bool:
    if has_code(error):
        return False
    return error.path is not None or _escaped_without_path(error)


def is_outage(error: GraphQLError) -> bool:
    """An UNAVAILABLE that PostgreSQL or Redis being out of reach caused (not a refusal)."""
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, DomainError)
        and (error.extensions or {}).get("code") == ErrorCode.UNAVAILABLE.value
    )


def label(error: GraphQLError) -> None:
    """Give a domain error, an outage or a pre-execution error (no path, no code) its code,
    in place."""
    original = error.original_error
    if original is not None and not has_code(error) and unreachable(original):
        error.message = UNREACHABLE
        error.extensions = {
            "code": ErrorCode.UNAVAILABLE.value,
            "requestId": current_request_id(),
        }
    elif isinstance(original, DomainError):
        extensions: dict[str, object] = {"code": original.code.value}
        if original.field is not None:
            extensions["field"] = to_camel_case(original.field)
        extensions.update({to_camel_case(k): v for k, v in original.details().items()})
        error.extensions = extensions
    elif error.path is None and not has_code(error) and not _escaped_without_path(error):
        error.extensions = {**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT.value}


class ErrorCodes(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {
            "code": ErrorCode.INTERNAL_SERVER_ERROR.value,
            "requestId": current_request_id(),
        }
        return masked


class RefusalStatus(SchemaExtension):
    """Over HTTP, an operation refused by a rate limit answers 429 with `Retry-After`, whichever
    resolver refused it."""

    def on_operation(self) -> Iterator[None]:
        yield
        ec = self.execution_context
        response = ec.context.response
        errors = getattr(ec.result, "errors", None) or ec.pre_execution_errors or []
        waits = [
            int((e.extensions or {}).get("retryAfter") or 1)
            for e in errors
            if (e.extensions or {}).get("code") == ErrorCode.RATE_LIMITED.value
        ]
        if response is not None and waits:
            response.status_code = 429
            response.headers["Retry-After"] = str(max(waits))


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(error: GraphQLError) -> None:
    """Drop graphql-core's "Did you mean ...?" hints (they name schema members), in place."""
    error.message = _SUGGESTION.sub("", error.message)
