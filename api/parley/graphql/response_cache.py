"""A whole-response cache for the read queries that dominate the chat UI (in the spirit of
GraphQL Yoga's response cache): a hit skips execution and every SQL statement.

Cached: queries whose root fields are all listed in `ResponseCache.ttls`, for a signed-in
user, without errors. Keyed by user, their cache generation (see `parley.changes`), the document,
operation name and variables. Any Redis failure means "no cache", never an error.

Bounded, because it may share a Redis with sessions and rate limits: an answer larger than
`RESPONSE_CACHE_MAX_ENTRY_BYTES` is not stored, and each user keeps at most
`RESPONSE_CACHE_MAX_ENTRIES_PER_USER` entries (the ones closest to expiry go first). The entries
live in `CACHE_REDIS_URL` when set (a Redis that may evict); the generations stay in the main
Redis, which must not evict (a lost generation could serve an old answer).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import structlog
from graphql import ExecutionResult, FieldNode, OperationDefinitionNode, OperationType
from redis.asyncio import Redis
from redis.exceptions import RedisError
from strawberry.extensions import SchemaExtension

from parley.changes import generation_key
from parley.errors import DomainError
from parley.graphql.context import Context

log = structlog.get_logger(__name__)

# Store one entry and index it by expiry in the user's sorted set, then drop what has expired
# and, past the per-user bound, the entries closest to expiry. One script: no other client
# sees the index over its bound. The braces keep a user's keys in one Redis Cluster slot.
_STORE = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], now + 1000 * tonumber(ARGV[2]), KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('DEL', unpack(oldest))
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
end
redis.call('EXPIRE', KEYS[2], ARGV[5])
return extra
"""


def _index_key(user_id: str) -> str:
    return f"cache:idx:{{{user_id}}}"


class CacheStore:
    """Generations from the main Redis, answers in the cache Redis (often the same one)."""

    def __init__(
        self,
        redis: Redis,
        entries: Redis,
        *,
        max_entry_bytes: int,
        max_entries_per_user: int,
        max_ttl: int,
    ) -> None:
        self.redis = redis
        self.entries = entries
        self.max_entry_bytes = max_entry_bytes
        self.max_entries_per_user = max_entries_per_user
        self.max_ttl = max_ttl
        self._store = entries.register_script(_STORE)

    async def generation(self, user_id: str) -> str:
        return str(await self.redis.get(generation_key(user_id)) or "0")

    async def get(self, key: str) -> str | None:
        value = await self.entries.get(key)
        return value if isinstance(value, str) else None

    async def put(self, user_id: str, key: str, payload: str, ttl: int) -> None:
        if len(payload.encode()) > self.max_entry_bytes:
            log.debug("response too large to cache", bytes=len(payload))
            return
        now = time.time_ns() // 1_000_000  # ms: answers stored in one second keep their order
        args: list[str | int] = [payload, ttl, now, self.max_entries_per_user, self.max_ttl]
        await self._store(keys=[key, _index_key(user_id)], args=args)


class ResponseCache(SchemaExtension):
    def __init__(self, store: CacheStore) -> None:
        super().__init__()
        self._store = store

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
        return f"cache:resp:{{{user_id}}}:{generation}:{digest}"

    async def on_execute(self) -> AsyncIterator[None]:
        context: Context = self.execution_context.context
        ttl = self._ttl(context)
        if ttl is None:
            yield
            return
        try:
            user_id = str(await context.user_id())
            key = self._key(user_id, await self._store.generation(user_id))
            cached = await self._store.get(key)
        except (DomainError, RedisError):
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
            await self._put(user_id, key, result.data, ttl)

    async def _put(self, user_id: str, key: str, data: dict[str, Any], ttl: int) -> None:
        try:
            await self._store.put(user_id, key, json.dumps(data, default=str), ttl)
        except RedisError:
            log.warning("could not store a cached response", exc_info=True)
