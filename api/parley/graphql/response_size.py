"""Bounded responses: an operation's answer is refused, coded, once it would pass
`MAX_RESPONSE_BYTES`, instead of being built whole.

Two guards, one limit:
- while executing, the loaders charge the text they hand out to the operation's
  `ResponseBytes` (`chat.loaders`): past the limit, the next charge fails and the operation's
  answer becomes that one error, so a document that would build hundreds of megabytes stops
  after a few;
- at encoding, an HTTP answer that is still over the limit (text that came from elsewhere) is
  replaced by the same error: cheap, as the encoded length is known there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from graphql import GraphQLError
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from parley.errors import ResponseTooLarge
from parley.graphql.context import Context


def _refusal(limit: int) -> GraphQLError:
    error = ResponseTooLarge(limit)
    return GraphQLError(error.message, extensions={"code": error.code.value, "limit": limit})


class ResponseSize(SchemaExtension):
    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self._max_bytes = max_bytes

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        context: Context = ec.context
        # A subscription's operation answers once per event: each is bounded by the encoder.
        if ec.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        budget = context.chat_loaders.response_bytes
        budget.limit = self._max_bytes
        yield
        result = ec.result
        if budget.exceeded and result is not None:
            # Tracebacks hold the frames that held the loaded text, in cycles only the
            # collector's oldest generation would free: cut them with the errors.
            for dropped in result.errors or ():
                dropped.__traceback__ = None
                if dropped.original_error is not None:
                    dropped.original_error.__traceback__ = None
            # One coded error, no data: the partial answer is dropped, not sent.
            result.data = None
            result.errors = ec.pre_execution_errors = [_refusal(self._max_bytes)]
            context.chat_loaders.release()


def bounded(response: Response, max_bytes: int) -> Response:
    """The encoded HTTP answer, or its refusal when it is over the limit."""
    if len(response.body) <= max_bytes:
        return response
    payload = {"data": None, "errors": [_refusal(max_bytes).formatted]}
    refused = Response(
        json.dumps(payload, separators=(",", ":")),
        status_code=response.status_code,
        media_type="application/json",
    )
    for name, value in response.headers.items():
        if name not in ("content-length", "content-type"):
            refused.headers.append(name, value)
    return refused
