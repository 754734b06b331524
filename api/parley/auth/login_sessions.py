"""Login sessions (one per sign-in; not database sessions) and the access-token blacklist,
in Redis with TTLs so they expire by themselves.

A session is one login. It remembers the one refresh token (by `jti`) that may be spent next;
spending any other token of the session means it was stolen or replayed, so the whole session goes.
"""

from __future__ import annotations

import enum
import uuid

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

# Atomic compare-and-rotate: two concurrent refreshes with the same token cannot both win.
_ROTATE = """
local current = redis.call('HGET', KEYS[1], 'jti')
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return -1
end
redis.call('HSET', KEYS[1], 'jti', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class Rotation(enum.Enum):
    ROTATED = 1
    UNKNOWN_SESSION = 0
    REUSE_DETECTED = -1


def _session_key(session_id: str) -> str:
    return f"auth:session:{session_id}"


def _blacklist_key(jti: str) -> str:
    return f"auth:blacklist:{jti}"


class LoginSessions:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._rotate = redis.register_script(_ROTATE)

    @staticmethod
    def new_session_id() -> str:
        return uuid.uuid4().hex

    async def open(self, session_id: str, user_id: uuid.UUID, refresh_jti: str, ttl: int) -> None:
        key = _session_key(session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"user_id": str(user_id), "jti": refresh_jti})
            pipe.expire(key, ttl)
            await pipe.execute()

    async def rotate(self, session_id: str, spent_jti: str, next_jti: str, ttl: int) -> Rotation:
        result = await self._rotate(
            keys=[_session_key(session_id)], args=[spent_jti, next_jti, ttl]
        )
        return Rotation(int(result))

    async def revoke(self, session_id: str) -> None:
        await self._redis.delete(_session_key(session_id))

    async def blacklist(self, jti: str, ttl: int) -> None:
        if ttl > 0:
            await self._redis.set(_blacklist_key(jti), "1", ex=ttl)

    async def access_allowed(self, session_id: str, jti: str) -> bool:
        """One round trip: the session still exists and this access token is not blacklisted.

        When Redis cannot be asked, a token whose signature and expiry checked out is accepted
        (it lives minutes): signed-in users keep working through a Redis outage, at the cost of
        revocations taking effect only when Redis is back or the token expires.
        """
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.exists(_session_key(session_id))
                pipe.exists(_blacklist_key(jti))
                session_exists, blacklisted = await pipe.execute()
        except RedisError:
            log.warning("session store unavailable; accepting a valid access token")
            return True
        return bool(session_exists) and not blacklisted
