"""Gives every GraphQL error a contract code, and masks the ones we did not mean to show.

- errors that carry a code (our `AppError`s) pass unchanged;
- errors without a path happened before execution (syntax, validation, variables, limits):
  the caller's fault, so `BAD_USER_INPUT`;
- anything else escaped a resolver unexpectedly: its message is replaced (it may hold
  internals) and the request id is attached so the logged stack can be found.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from parley.errors import ErrorCode
from parley.request_context import current_request_id

INTERNAL_MESSAGE = "Internal server error."


def is_unexpected(error: GraphQLError) -> bool:
    return not (error.extensions or {}).get("code") and error.path is not None


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


def label_caller_error(error: GraphQLError) -> None:
    """Give a pre-execution error (no path, no code) its code, in place."""
    if error.path is None and not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT.value}
