"""Following replies: a bounded mailbox per follower, and one reader per process.

`ReplyReader` is the only thing in a process that waits on reply streams: one task doing a
blocking XREAD over every stream this process's followers follow, on one dedicated
connection, fanning each entry out to the followers' mailboxes. A follower holds no Redis
connection; a hundred followers of one reply cost one stream in that XREAD.

The followed set changes while XREAD blocks: a new stream is picked up by waking the reader
with an entry in a stream of its own (`wake_key`), which every XREAD includes. A stream whose
last follower left is simply left out of the next XREAD. Each XREAD names every followed
stream, so one round trip costs O(streams followed) to build and parse; a wake costs one such
round trip, not a rebuild of any other state.

`Follower` merges deltas once MAX_PENDING events wait, so a slow client gets fewer, longer
deltas (each carrying the seq of its last piece), never an unbounded queue. The final event
always reaches a follower, even one that asked for the events after a seq at or past it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, cast

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley.chat.reply_log import EventKind, LogEvent, entry_id, seq_of, stream_key

log = structlog.get_logger(__name__)

MAX_PENDING = 64
_BLOCK_MS = 5_000
_RETRY_SECONDS = 1.0
_READ_COUNT = 1_000


def _merge(events: list[LogEvent]) -> list[LogEvent]:
    """Consecutive deltas as one, carrying the seq of the last."""
    merged: list[LogEvent] = []
    for event in events:
        if event.kind is EventKind.DELTA and merged and merged[-1].kind is EventKind.DELTA:
            merged[-1] = replace(event, text=merged[-1].text + event.text)
        else:
            merged.append(event)
    return merged


class Follower:
    """The events one subscription has yet to send, in seq order, each at most once; the
    final event whatever `after` was (a follower asking past the end still ends)."""

    def __init__(self, after: int | None, max_pending: int = MAX_PENDING) -> None:
        self.after = -1 if after is None else after
        self._last_seq = self.after
        self._pending: deque[LogEvent] = deque()
        self._max_pending = max_pending
        self._ready = asyncio.Event()
        self._ended = False
        # Deltas folded into another because this follower was behind (for tests and metrics).
        self.merged = 0

    def _wanted(self, event: LogEvent, seen_up_to: int) -> bool:
        if event.kind is EventKind.ENDED:
            return not self._ended
        return event.seq > seen_up_to

    def push(self, event: LogEvent) -> None:
        if not self._wanted(event, self._last_seq):
            return
        self._ended = self._ended or event.kind is EventKind.ENDED
        self._last_seq = max(self._last_seq, event.seq)
        pending = self._pending
        if (
            event.kind is EventKind.DELTA
            and len(pending) >= self._max_pending
            and pending[-1].kind is EventKind.DELTA
        ):
            last = pending.pop()
            pending.append(replace(event, text=last.text + event.text))
            self.merged += 1
        else:
            pending.append(event)
        self._ready.set()

    def prime(self, earlier: list[LogEvent]) -> None:
        """Put a catch-up read (events up to where live delivery began) ahead of the live
        events already pushed, merged; call before the first `next`."""
        head = [e for e in earlier if self._wanted(e, self.after)]
        if self._pending:
            head = [e for e in head if e.seq < self._pending[0].seq]
        if not head:
            return
        for event in reversed(_merge(head)):
            self._pending.appendleft(event)
        self._ended = self._ended or any(e.kind is EventKind.ENDED for e in head)
        self._last_seq = max(self._last_seq, head[-1].seq)
        self._ready.set()

    async def next(self) -> LogEvent:
        while not self._pending:
            self._ready.clear()
            await self._ready.wait()
        return self._pending.popleft()


@dataclass
class _Stream:
    cursor: int
    followers: set[Follower] = field(default_factory=set)


class ReplyReader:
    def __init__(
        self, redis_url: str, pool: Redis, process_id: str, block_ms: int = _BLOCK_MS
    ) -> None:
        # The one connection that blocks; its timeout outlasts the longest block.
        self._conn = Redis.from_url(
            redis_url,
            decode_responses=True,
            single_connection_client=True,
            socket_connect_timeout=2,
            socket_timeout=block_ms / 1000 + 5,
        )
        self._block_ms = block_ms
        self._pool = pool
        self.wake_key = f"reply-reader-wake:{process_id}"
        self._wake_id = "0-0"
        self._streams: dict[str, _Stream] = {}
        self._changed = asyncio.Event()
        self._blocked = False
        self._wake_sent = False
        self._task: asyncio.Task[None] | None = None
        self._wakes: set[asyncio.Task[None]] = set()
        self.reads = 0

    @property
    def blocked(self) -> bool:
        """True while the reader waits in XREAD (only a wake or an entry ends that)."""
        return self._blocked

    @property
    def followed_streams(self) -> int:
        return len(self._streams)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="reply-reader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for task in list(self._wakes):
            task.cancel()
        with contextlib.suppress(RedisError):
            await self._pool.delete(self.wake_key)
        await self._conn.aclose()

    def follow(self, reply_id: uuid.UUID, follower: Follower, start: int | None = None) -> int:
        """Start delivering the reply's events to `follower` (a stream not yet read from is
        read after `start`, by default the follower's `after`); the seq up to which this
        reader has already read (the caller reads what the follower needs up to it, then
        `prime`s)."""
        key = stream_key(reply_id)
        stream = self._streams.get(key)
        if stream is None:
            cursor = follower.after if start is None else min(start, follower.after)
            stream = self._streams[key] = _Stream(cursor=cursor)
            self._wake()
        stream.followers.add(follower)
        return stream.cursor

    def unfollow(self, reply_id: uuid.UUID, follower: Follower) -> None:
        key = stream_key(reply_id)
        stream = self._streams.get(key)
        if stream is None:
            return
        stream.followers.discard(follower)
        if not stream.followers:
            # Left out of the next XREAD; no wake needed.
            del self._streams[key]

    def _wake(self) -> None:
        self._changed.set()
        if self._blocked and not self._wake_sent:
            self._wake_sent = True
            task = asyncio.create_task(self._send_wake())
            self._wakes.add(task)
            task.add_done_callback(self._wakes.discard)

    async def _send_wake(self) -> None:
        try:
            async with self._pool.pipeline(transaction=False) as pipe:
                pipe.xadd(self.wake_key, {"w": "1"}, maxlen=10, approximate=False)
                pipe.expire(self.wake_key, 3600)
                await pipe.execute()
        except RedisError:
            log.warning("could not wake the reply reader")

    async def _run(self) -> None:
        while True:
            if not self._streams:
                self._changed.clear()
                await self._changed.wait()
                continue
            self._changed.clear()
            self._wake_sent = False
            wanted = {key: entry_id(s.cursor) for key, s in self._streams.items()}
            wanted[self.wake_key] = self._wake_id
            self._blocked = True
            try:
                result = await self._conn.xread(
                    cast(Any, wanted), count=_READ_COUNT, block=self._block_ms
                )
            except RedisError:
                log.warning("reply reader cannot reach Redis; retrying")
                await asyncio.sleep(_RETRY_SECONDS)
                continue
            finally:
                self._blocked = False
            self.reads += 1
            # RESP2 with decode_responses: [[key, [(id, fields), ...]], ...].
            self._deliver(cast(list[tuple[str, list[tuple[str, dict[str, str]]]]], result or []))

    def _deliver(self, result: list[tuple[str, list[tuple[str, dict[str, str]]]]]) -> None:
        for key, entries in result:
            if key == self.wake_key:
                self._wake_id = entries[-1][0]
                continue
            stream = self._streams.get(key)
            if stream is None:
                continue
            for entry, fields in entries:
                if seq_of(entry) <= stream.cursor:
                    continue
                stream.cursor = seq_of(entry)
                try:
                    event = LogEvent.from_entry(entry, fields)
                except (KeyError, ValueError):
                    # Not written by a reply owner: skipped, so it cannot stall this reader.
                    log.warning("skipped a malformed reply event", stream=key)
                    continue
                for follower in stream.followers:
                    follower.push(event)
                if event.kind is EventKind.ENDED:
                    del self._streams[key]
                    break
