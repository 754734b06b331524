"""The executor the schema runs operations with: Strawberry's, minus a per-event leak."""

from __future__ import annotations

from typing import Any

from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class ParleyExecutor(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        executor = super().build_per_event_executor(payload)
        # graphql-core 3.3's `Executor.build_per_event_executor` is a shallow copy, so every
        # event of a subscription shares the subscription's `collect_subfields` memo. The memo
        # is keyed by the id of a field list collected afresh for each event: it never hits,
        # and keeps one entry (about a dozen objects) per event for the whole subscription.
        # The executor refers to itself (`async_helpers` holds its bound methods), so after the
        # subscription all of them wait for a full collection. A memo per event still serves
        # the lists within the event and is freed with it.
        executor._relevant_sub_fields = {}
        return executor
