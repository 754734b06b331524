"""A whole-response cache for the read queries that dominate the chat UI (in the spirit of
GraphQL Yoga's response cache): a hit skips execution and every SQL statement.

Cached: queries whose root fields are all listed in `ResponseCache.ttls`, for a signed-in
user, without errors. Keyed by user, their cache generation (see `parley.cache`), the document,
operation name and variables. Any Redis failure means "no cache", never an error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import structlog
from graphql import ExecutionResult, FieldNode, OperationDefinitionNode, OperationType
from redis.exceptions import RedisError
from strawberry.extensions import SchemaExtension

from parley.cache import generation_key
from parley.errors import AppError
from parley.graphql.context import Context

log = structlog.get_logger(__name__)


class ResponseCache(SchemaExtension):
    def _ttl(self, context: Context) -> int | None:
        """Seconds to keep this operation's response, or None when it is not cacheable."""
        settings = context.state.settings
        ttls = {
            "conversations": settings.cache_ttl_conversations_seconds,
            "conversation": settings.cache_ttl_messages_seconds,
        }
        document = self.execution_context.graphql_document
        name = self.execution_context.operation_name
        operations = [
            d
            for d in (document.definitions if document else ())
            if isinstance(d, OperationDefinitionNode)
            and (name is None or (d.name is not None and d.name.value == name))
        ]
        if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
            return None
        selections = operations[0].selection_set.selections
        if not all(isinstance(s, FieldNode) and s.name.value in ttls for s in selections):
            return None
        ttl = min(ttls[s.name.value] for s in selections if isinstance(s, FieldNode))
        return ttl or None

    def _key(self, user_id: str, generation: str) -> str:
        ec = self.execution_context
        identity = json.dumps(
            [ec.query, ec.operation_name, ec.variables or {}], sort_keys=True, default=str
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()
        return f"cache:resp:{user_id}:{generation}:{digest}"

    async def on_execute(self) -> AsyncIterator[None]:
        context: Context = self.execution_context.context
        ttl = self._ttl(context)
        if ttl is None:
            yield
            return
        try:
            user_id = str(await context.user_id())
            redis = context.state.redis
            generation = str(await redis.get(generation_key(user_id)) or "0")
            key = self._key(user_id, generation)
            cached = await redis.get(key)
        except (AppError, RedisError):
            # Not signed in (execution reports it) or Redis unavailable: no cache this time.
            yield
            return
        if cached is not None:
            log.debug("response cache hit", operation=self.execution_context.operation_name)
            self.execution_context.result = ExecutionResult(data=json.loads(cached))
            yield
            return
        log.debug("response cache miss", operation=self.execution_context.operation_name)
        yield
        result = self.execution_context.result
        if isinstance(result, ExecutionResult) and result.data and not result.errors:
            await self._store(context, key, result.data, ttl)

    async def _store(self, context: Context, key: str, data: dict[str, Any], ttl: int) -> None:
        try:
            await context.state.redis.set(key, json.dumps(data, default=str), ex=ttl)
        except RedisError:
            log.warning("could not store a cached response", exc_info=True)
