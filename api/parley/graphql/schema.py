"""The whole GraphQL schema, assembled from each domain's part."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension
from strawberry.types import ExecutionContext

from parley.auth.schema import AuthMutation, AuthQuery
from parley.chat.schema import ChatMutation, ChatQuery, ChatSubscription
from parley.graphql.context import OperationScope
from parley.graphql.error_codes import (
    ErrorCodes,
    RefusalStatus,
    is_outage,
    is_unexpected,
    label,
    without_suggestions,
)
from parley.graphql.execution import ParleyExecutor
from parley.graphql.input_limits import InputLimitsQuery
from parley.graphql.operation_log import OperationLog
from parley.graphql.operation_metrics import OperationMetrics
from parley.graphql.response_cache import CacheStore, ResponseCache
from parley.graphql.response_size import ResponseSize
from parley.graphql.validation import DocumentLimits, DocumentValidation, DocumentValidator
from parley.insights.schema import InsightsQuery
from parley.state import AppState


@strawberry.type
class Query(AuthQuery, ChatQuery, InsightsQuery, InputLimitsQuery):
    pass


@strawberry.type
class Mutation(AuthMutation, ChatMutation):
    pass


@strawberry.type
class Subscription(ChatSubscription):
    pass


log = structlog.get_logger("parley.graphql")


class ParleySchema(strawberry.Schema):
    # Set when introspection is off: hints would name what introspection hides.
    hide_suggestions = False

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Every error passes here, parse errors included (which extensions never see).
        # Errors meant for the caller are not server faults; log only the unexpected, with stack.
        for error in errors:
            label(error)
            if self.hide_suggestions:
                without_suggestions(error)
            if is_unexpected(error):
                log.error(
                    "unexpected error in resolver",
                    path=".".join(str(p) for p in error.path or []),
                    exc_info=error.original_error or error,
                )
            elif is_outage(error):
                # Not a fault of ours: the kind only (no stack), to see how long it lasted.
                log.warning(
                    "a service is unreachable",
                    path=".".join(str(p) for p in error.path or []),
                    kind=type(error.original_error).__name__,
                )


ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]


def build_schema(
    extensions: Sequence[ExtensionFactory] = (), *, hide_suggestions: bool = False
) -> ParleySchema:
    schema = ParleySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=list(extensions),
        execution_context_class=ParleyExecutor,
    )
    schema.hide_suggestions = hide_suggestions
    return schema


def serving_extensions(state: AppState) -> list[ExtensionFactory]:
    """Abuse limits and caches for the served schema (the exported SDL does not depend on them)."""
    settings = state.settings
    # One validator for the process: it holds the rules and the cache of recent answers.
    validator = DocumentValidator(
        DocumentLimits(
            max_selections=settings.graphql_max_fields,
            max_depth=settings.graphql_max_depth,
            max_aliases=settings.graphql_max_aliases,
            introspection=settings.graphql_introspection,
            max_cost=settings.graphql_max_cost,
        )
    )
    cache = CacheStore(
        state.redis,
        state.cache_redis,
        max_entry_bytes=settings.response_cache_max_entry_bytes,
        max_entries_per_user=settings.response_cache_max_entries_per_user,
        max_ttl=max(settings.cache_ttl_conversations_seconds, settings.cache_ttl_messages_seconds),
    )
    return [
        OperationScope,
        OperationLog,
        # Outside ErrorCodes, like the log: it sees every error with its final code.
        OperationMetrics,
        ErrorCodes,
        RefusalStatus,
        lambda: ResponseCache(cache),
        # Inside the cache: an answer it refused is never stored.
        lambda: ResponseSize(settings.max_response_bytes),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: DocumentValidation(validator),
    ]


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
