"""Per-user cache generations in Redis.

Every cached response of a user is filed under the user's current generation; any write that
could change what they read bumps it, so stale entries are never read again and simply expire.
Bump after the write commits: a reader that sees the new generation then sees the new data.
"""

from __future__ import annotations

import uuid

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)


def generation_key(user_id: uuid.UUID | str) -> str:
    return f"cache:gen:{user_id}"


class UserCacheGenerations:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def bump(self, user_id: uuid.UUID) -> None:
        try:
            await self._redis.incr(generation_key(user_id))
        except RedisError:
            # Nothing can be served from the cache while Redis is unreachable either.
            log.warning("could not invalidate the cache", user_id=str(user_id), exc_info=True)
