"""What follows every committed write: the writer's cached answers go stale, and the change is
published for their other tabs and devices.

Cached answers are filed under the user's cache generation (see `parley.graphql.response_cache`);
bumping it after the commit means a reader that sees the new generation sees the new data.
Changes go out on the user's Redis channel as ids only: listeners read what changed themselves,
as the user, so nothing private travels through Redis.
"""

from __future__ import annotations

import enum
import json
import uuid
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)


def generation_key(user_id: uuid.UUID | str) -> str:
    return f"cache:gen:{user_id}"


def user_channel(user_id: uuid.UUID | str) -> str:
    return f"user-events:{user_id}"


class ChangeKind(enum.StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    conversation_id: uuid.UUID

    def encode(self) -> str:
        return json.dumps({"kind": self.kind.value, "conversation": str(self.conversation_id)})


class ChangeFeed:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def committed(self, user_id: uuid.UUID, changes: list[Change]) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.incr(generation_key(user_id))
                for change in changes:
                    pipe.publish(user_channel(user_id), change.encode())
                await pipe.execute()
        except RedisError:
            # Nothing can be served from the cache while Redis is unreachable either.
            log.warning("could not publish a change", user_id=str(user_id), exc_info=True)
