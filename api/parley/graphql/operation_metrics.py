"""Counts every GraphQL operation into the metrics: how long queries and mutations take, by
operation name, and the errors returned, by code.

A subscription lives as long as its socket wants: its duration says nothing about the API,
so subscriptions count their errors only. Operation names come from clients: they pass
through `operation_label`, which caps how many distinct ones become series and lets only
signed-in requests add one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from parley.graphql.error_codes import label
from parley.metrics.instruments import (
    GRAPHQL_ERRORS,
    OPERATION_SECONDS,
    error_code_label,
    operation_label,
)


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        thrown: list[GraphQLError] = []
        try:
            yield
        except GraphQLError as error:
            # A parse error is raised through the extensions before it becomes the response's
            # error: give it its code now (as ErrorCodes will) to count it.
            label(error)
            thrown.append(error)
            raise
        finally:
            self._record(time.perf_counter() - started, thrown)

    def _record(self, seconds: float, thrown: list[GraphQLError]) -> None:
        ec = self.execution_context
        errors = thrown or getattr(ec.result, "errors", None) or ec.pre_execution_errors or []
        for error in errors:
            GRAPHQL_ERRORS.labels(error_code_label((error.extensions or {}).get("code"))).inc()
        try:
            kind = ec.operation_type
        except Exception:  # no document (a syntax error) or no operation by that name
            kind = None
        if kind is OperationType.SUBSCRIPTION:
            return
        # The operation's own context (OperationScope runs first): signed in when a resolver
        # (or the response cache) authenticated the caller.
        signed_in = getattr(ec.context, "signed_in_user_id", None) is not None
        OPERATION_SECONDS.labels(
            operation_label(ec.operation_name, signed_in=signed_in)
            if kind is not None
            else "invalid",
            kind.value if kind is not None else "invalid",
        ).observe(seconds)
