"""The per-process reply reader against the real Redis: one blocking connection for many
streams, woken when a stream is added, each follower getting each event once."""

from __future__ import annotations

import asyncio
import uuid

from redis.asyncio import Redis

from parley.chat.reply_log import EventKind, LogEvent, ReplyLog
from parley.chat.reply_reader import Follower, ReplyReader
from tests.support.servers import TEST_REDIS_URL, LiveServer

# Far longer than any test waits: only a wake can end a read early.
_NEVER_MS = 120_000


async def _until_ended(follower: Follower) -> list[LogEvent]:
    events = [await asyncio.wait_for(follower.next(), 20)]
    while events[-1].kind is not EventKind.ENDED:
        events.append(await asyncio.wait_for(follower.next(), 20))
    return events


async def test_a_stream_added_while_the_reader_blocks_wakes_it(
    server: LiveServer, redis: Redis
) -> None:
    reader = ReplyReader(TEST_REDIS_URL, redis, uuid.uuid4().hex, block_ms=_NEVER_MS)
    log = ReplyLog(redis, ttl_seconds=60)
    reader.start()
    try:
        idle = Follower(after=None)
        reader.follow(uuid.uuid4(), idle)  # a stream nobody writes: the reader blocks on it
        while not reader.blocked:
            await asyncio.sleep(0.01)

        replies = [uuid.uuid4() for _ in range(20)]
        followers = [Follower(after=None) for _ in replies]
        for reply_id, follower in zip(replies, followers, strict=True):
            assert reader.follow(reply_id, follower) == -1
        for reply_id in replies:
            await log.append_now(reply_id, LogEvent(0, EventKind.STARTED, user_message_id="u"))
            for seq in range(1, 4):
                await log.append_now(reply_id, LogEvent(seq, EventKind.DELTA, text=f"{seq} "))
            await log.append_now(reply_id, LogEvent(4, EventKind.ENDED, status="COMPLETE"))

        for follower in followers:
            events = await _until_ended(follower)
            assert [e.seq for e in events] == [0, 1, 2, 3, 4]
            assert "".join(e.text for e in events) == "1 2 3 "
        # Ended streams leave the read; the idle one stays.
        assert reader.followed_streams == 1
    finally:
        await reader.stop()


async def test_a_late_follower_catches_up_from_the_stream_then_follows_live(
    server: LiveServer, redis: Redis
) -> None:
    reader = ReplyReader(TEST_REDIS_URL, redis, uuid.uuid4().hex, block_ms=_NEVER_MS)
    log = ReplyLog(redis, ttl_seconds=60)
    reader.start()
    reply_id = uuid.uuid4()
    try:
        early = Follower(after=None)
        reader.follow(reply_id, early)
        await log.append_now(reply_id, LogEvent(0, EventKind.STARTED, user_message_id="u"))
        for seq in range(1, 11):
            await log.append_now(reply_id, LogEvent(seq, EventKind.DELTA, text=f"{seq},"))
        while True:  # the early follower has read all ten
            event = await asyncio.wait_for(early.next(), 20)
            if event.seq == 10:
                break

        late = Follower(after=3)
        cursor = reader.follow(reply_id, late)
        assert cursor == 10
        late.prime(await log.read_range(reply_id, late.after, cursor))
        await log.append_now(reply_id, LogEvent(11, EventKind.DELTA, text="11,"))
        await log.append_now(reply_id, LogEvent(12, EventKind.ENDED, status="COMPLETE"))

        events = await _until_ended(late)
        # Seqs 4..10 from the catch-up read, merged into one delta; then the live ones.
        assert [(e.seq, e.text) for e in events] == [
            (10, "4,5,6,7,8,9,10,"),
            (11, "11,"),
            (12, ""),
        ]
    finally:
        await reader.stop()
