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
    # A reply started: `message_id` is the assistant message being written.
    REPLY_RUNNING = "reply-running"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    conversation_id: uuid.UUID
    message_id: uuid.UUID | None = None

    def encode(self) -> str:
        fields = {"kind": self.kind.value, "conversation": str(self.conversation_id)}
        if self.message_id is not None:
            fields["message"] = str(self.message_id)
        return json.dumps(fields)

    @classmethod
    def decode(cls, raw: str) -> Change:
        """The inverse of `encode`; ValueError (or KeyError) on anything else."""
        fields = json.loads(raw)
        message = fields.get("message")
        return cls(
            kind=ChangeKind(fields["kind"]),
            conversation_id=uuid.UUID(fields["conversation"]),
            message_id=uuid.UUID(message) if message is not None else None,
        )


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
