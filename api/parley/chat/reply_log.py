"""A reply's events in Redis: one stream per reply, entry ids made from the contract's seq.

Entry `n-1` holds the event with seq n (Redis wants ids above 0-0, hence the `-1`), so "the
events after seq n" is simply "the entries after id n-1": a reconnecting follower, the
process reader and a replay all address the stream by seq, and an event appended twice (a
retry) is refused by Redis instead of duplicated. The stream expires
REPLY_EVENTS_TTL_SECONDS after the reply's final event.

Owners append through one `ReplyLogWriter` per process, which sends whatever accumulated
since its last round trip in one pipeline: the provider loop never waits on Redis, and 200
running replies cost one round trip per tick, not 200.
"""

from __future__ import annotations

import asyncio
import enum
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import structlog
from redis.asyncio import Redis

from parley.chat.tables import Message

log = structlog.get_logger(__name__)

# The end status of a reply whose conversation was deleted while it ran (no message left).
GONE = "GONE"


class EventKind(enum.StrEnum):
    STARTED = "started"
    DELTA = "delta"
    ENDED = "ended"


@dataclass(frozen=True)
class LogEvent:
    """One event of a reply as followers get it. `status` is the stored status of an ENDED
    reply (or GONE); `user_message_id` is set on STARTED. `message` is the stored reply,
    attached to an ENDED event in the owning process only (never sent to Redis)."""

    seq: int
    kind: EventKind
    text: str = ""
    status: str = ""
    user_message_id: str = ""
    message: Message | None = field(default=None, compare=False, repr=False)

    def fields(self) -> dict[str, str]:
        values = {"k": self.kind.value}
        if self.text:
            values["t"] = self.text
        if self.status:
            values["s"] = self.status
        if self.user_message_id:
            values["u"] = self.user_message_id
        return values

    @classmethod
    def from_entry(cls, entry_id: str, fields: dict[str, str]) -> LogEvent:
        return cls(
            seq=seq_of(entry_id),
            kind=EventKind(fields["k"]),
            text=fields.get("t", ""),
            status=fields.get("s", ""),
            user_message_id=fields.get("u", ""),
        )


def stream_key(reply_id: uuid.UUID | str) -> str:
    return f"reply:{reply_id}:events"


def entry_id(seq: int) -> str:
    """The stream position just after which seq+1 comes; -1 (nothing seen) is 0-0."""
    return f"{seq}-1" if seq >= 0 else "0-0"


def seq_of(entry: str) -> int:
    return int(entry.split("-", 1)[0])


def joined_text(events: list[LogEvent]) -> str:
    return "".join(e.text for e in events if e.kind is EventKind.DELTA)


class ReplyLog:
    """Reads of reply streams (through the shared pool: short commands only)."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds

    async def read_range(
        self, reply_id: uuid.UUID | str, after: int, upto: int | None = None
    ) -> list[LogEvent]:
        """Events with after < seq <= upto (to the end when upto is None)."""
        entries = await self.redis.xrange(
            stream_key(reply_id),
            min=f"({entry_id(after)}" if after >= 0 else "-",
            max=entry_id(upto) if upto is not None else "+",
        )
        # decode_responses clients: ids and fields are str.
        return [
            LogEvent.from_entry(i, f) for i, f in cast(list[tuple[str, dict[str, str]]], entries)
        ]

    async def last(self, reply_id: uuid.UUID | str) -> LogEvent | None:
        """The reply's latest event (its final one once it ended); None when none is kept."""
        entries = await self.redis.xrevrange(stream_key(reply_id), count=1)
        return next(
            (LogEvent.from_entry(i, f) for i, f in cast(list[tuple[str, dict[str, str]]], entries)),
            None,
        )

    async def exists(self, reply_id: uuid.UUID | str) -> bool:
        return bool(await self.redis.exists(stream_key(reply_id)))

    async def append_now(self, reply_id: uuid.UUID | str, event: LogEvent) -> None:
        """Append one event at once (the reaper's final event); expire when it ends."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(stream_key(reply_id), cast(Any, event.fields()), id=entry_id(event.seq))
            if event.kind is EventKind.ENDED:
                pipe.expire(stream_key(reply_id), self.ttl_seconds)
            await pipe.execute()


@dataclass
class _Pending:
    reply_id: str
    event: LogEvent | None = None
    delete: tuple[str, ...] = ()


class ReplyLogWriter:
    """The owners' appends, batched into one pipeline per round trip, in order."""

    def __init__(self, log: ReplyLog) -> None:
        self._log = log
        self._pending: list[_Pending] = []
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def append(self, reply_id: uuid.UUID, event: LogEvent, *, delete: tuple[str, ...] = ()) -> None:
        """Queue `event`; `delete` names keys to drop once it is written (a released lease)."""
        self._pending.append(_Pending(str(reply_id), event, delete))
        self._idle.clear()
        self._ready.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="reply-log-writer")

    async def flush(self) -> None:
        """Wait until everything queued so far has been sent (or given up on)."""
        await self._idle.wait()

    async def stop(self) -> None:
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            batch, self._pending = self._pending, []
            try:
                await self._send(batch)
            except Exception:
                # Followers elsewhere miss these events (their final event, built from the
                # database, still carries the whole text); the reply itself goes on, and so
                # must this writer.
                log.warning("could not write reply events", events=len(batch), exc_info=True)
            if not self._pending:
                self._idle.set()

    async def _send(self, batch: list[_Pending]) -> None:
        ttl = self._log.ttl_seconds
        async with self._log.redis.pipeline(transaction=False) as pipe:
            for item in batch:
                if item.event is not None:
                    key = stream_key(item.reply_id)
                    pipe.xadd(key, cast(Any, item.event.fields()), id=entry_id(item.event.seq))
                    if item.event.kind is EventKind.ENDED:
                        pipe.expire(key, ttl)
                for key in item.delete:
                    pipe.delete(key)
            # One refused entry (already written by a reaper) must not drop the others.
            await pipe.execute(raise_on_error=False)
