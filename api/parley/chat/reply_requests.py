"""Client request ids: a retried or doubled `generateReply` follows the reply it started.

Kept in Redis (SET NX with a 24-hour TTL), not in a column: the window is 24 hours, which a
key's expiry gives for free with no sweeping and no unique index to outlive it; SET NX makes
the claim atomic across processes; and when Redis is down a reply cannot be resumed or
followed anyway, so a retry that starts a second reply is the honest degraded behaviour.
The key is the user's, so one user's ids never meet another's.
"""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from parley.errors import InvalidInput

REQUEST_TTL_SECONDS = 24 * 3600
MAX_CHARS = 64


def clean_request_id(value: str) -> str:
    if not 1 <= len(value) <= MAX_CHARS or not value.isprintable():
        raise InvalidInput(
            f"clientRequestId must be 1 to {MAX_CHARS} printable characters.",
            field="client_request_id",
        )
    return value


def _key(user_id: uuid.UUID, request_id: str) -> str:
    return f"reply-request:{user_id}:{request_id}"


async def claim(
    redis: Redis, user_id: uuid.UUID, request_id: str, reply_id: uuid.UUID
) -> uuid.UUID | None:
    """Claim `request_id` for `reply_id`; the reply it already started, when it did."""
    key = _key(user_id, request_id)
    if await redis.set(key, str(reply_id), nx=True, ex=REQUEST_TTL_SECONDS):
        return None
    existing = await redis.get(key)
    return uuid.UUID(str(existing)) if existing else None


async def release(redis: Redis, user_id: uuid.UUID, request_id: str) -> None:
    """The reply never started (refused): the id may be used again."""
    await redis.delete(_key(user_id, request_id))
