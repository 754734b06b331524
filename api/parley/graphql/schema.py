"""The whole GraphQL schema, assembled from each domain's part."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
import structlog
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.types import ExecutionContext

from parley.auth.schema import AuthMutation, AuthQuery
from parley.chat.loaders import OperationLoaders
from parley.chat.schema import ChatMutation, ChatQuery, ChatSubscription
from parley.graphql.error_codes import ErrorCodes, is_unexpected, label_caller_error
from parley.graphql.operation_log import OperationLog
from parley.graphql.response_cache import ResponseCache
from parley.settings import Settings


@strawberry.type
class Query(AuthQuery, ChatQuery):
    pass


@strawberry.type
class Mutation(AuthMutation, ChatMutation):
    pass


@strawberry.type
class Subscription(ChatSubscription):
    pass


log = structlog.get_logger("parley.graphql")


class ParleySchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Every error passes here, parse errors included (which extensions never see).
        # Errors meant for the caller are not server faults; log only the unexpected, with stack.
        for error in errors:
            label_caller_error(error)
            if is_unexpected(error):
                log.error(
                    "unexpected error in resolver",
                    path=".".join(str(p) for p in error.path or []),
                    exc_info=error.original_error or error,
                )


ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]


def build_schema(extensions: Sequence[ExtensionFactory] = ()) -> ParleySchema:
    return ParleySchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=list(extensions)
    )


def serving_extensions(settings: Settings) -> list[ExtensionFactory]:
    """Abuse limits and caches for the served schema (the exported SDL does not depend on them)."""
    # The depth and alias rules are built once: the validation cache is keyed by rule classes,
    # and QueryDepthLimiter/MaxAliasesLimiter instances would make new classes per request
    # (so every request would miss and be validated again).
    limit_rules: list[type[ASTValidationRule]] = [
        query_depth_limiter.create_validator(settings.graphql_max_depth, should_ignore=None),
        max_aliases.create_validator(settings.graphql_max_aliases),
    ]
    return [
        OperationLog,
        ErrorCodes,
        OperationLoaders,
        ResponseCache,
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
