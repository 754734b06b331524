"""The durable-replies machinery of one process, assembled: jobs, the log writer, the reader
and the reaper, started and stopped with the app, and `follow`, which every reply
subscription goes through.

    replies = DurableReplies.build(settings, chat, redis)
    await replies.start()             # lifespan start-up
    job = await replies.jobs.start(user_id, conversation_id, content, request_id)
    async for event in replies.follow(reply_id, after): ...   # LogEvents, up to ENDED
    await replies.shutdown(grace)     # lifespan exit
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley.chat.reply_jobs import ReplyJobs
from parley.chat.reply_log import EventKind, LogEvent, ReplyLog, ReplyLogWriter
from parley.chat.reply_reader import Follower, ReplyReader
from parley.chat.reply_reaper import ReplyReaper
from parley.chat.service import ChatService
from parley.chat.tables import Message, MessageStatus
from parley.metrics.instruments import REPLY_FOLLOWERS
from parley.settings import Settings

_STOP_POLL_SECONDS = 0.1


@dataclass
class DurableReplies:
    chat: ChatService
    log: ReplyLog
    writer: ReplyLogWriter
    reader: ReplyReader
    jobs: ReplyJobs
    reaper: ReplyReaper
    lease_seconds: int

    @classmethod
    def build(cls, settings: Settings, chat: ChatService, redis: Redis) -> DurableReplies:
        # Names this process in leases and in its reader's wake stream.
        process_id = uuid.uuid4().hex
        reply_log = ReplyLog(redis, settings.reply_events_ttl_seconds)
        writer = ReplyLogWriter(reply_log)
        jobs = ReplyJobs(settings, chat, redis, writer, process_id)
        return cls(
            chat=chat,
            log=reply_log,
            writer=writer,
            reader=ReplyReader(settings.redis_url, redis, process_id),
            jobs=jobs,
            reaper=ReplyReaper(
                chat, redis, reply_log, jobs, settings.reply_lease_seconds, process_id
            ),
            lease_seconds=settings.reply_lease_seconds,
        )

    async def start(self) -> None:
        self.writer.start()
        self.reader.start()
        self.jobs.start_lease_loop()
        self.reaper.start()

    async def shutdown(self, grace_seconds: float) -> None:
        await self.jobs.shutdown(grace_seconds)
        await self.reaper.stop()
        await self.writer.stop()
        await self.reader.stop()

    async def follow(
        self, reply_id: uuid.UUID, after: int | None, follower: Follower | None = None
    ) -> AsyncGenerator[LogEvent, None]:
        """The reply's events with seq > after, live, up to and including ENDED: from the
        job when it runs here, else from its stream through this process's reader."""
        follower = follower or Follower(after)
        # Closed with the caller, so the follower detaches at once (not when collected).
        events = self._follow(reply_id, follower)
        with REPLY_FOLLOWERS.track_inprogress():
            async with contextlib.aclosing(events):
                async for event in events:
                    yield event

    async def _follow(
        self, reply_id: uuid.UUID, follower: Follower
    ) -> AsyncGenerator[LogEvent, None]:
        job = self.jobs.local(reply_id)
        if job is not None:
            job.attach(follower)
            try:
                while True:
                    event = await follower.next()
                    yield event
                    if event.kind is EventKind.ENDED:
                        return
            finally:
                job.detach(follower)
            return
        start = follower.after
        if start >= 0:
            # `after` may be at or past the reply's latest event: read from that event instead,
            # so its final event (the follower takes that whatever `after` says) still comes.
            try:
                latest = await self.log.last(reply_id)
            except RedisError:
                latest = None
            if latest is not None and latest.kind is EventKind.ENDED and latest.seq <= start:
                yield latest
                return
            start = latest.seq if latest is not None else -1
        cursor = self.reader.follow(reply_id, follower, start)
        try:
            if cursor > follower.after:
                follower.prime(await self.log.read_range(reply_id, follower.after, cursor))
            while True:
                event = await follower.next()
                yield event
                if event.kind is EventKind.ENDED:
                    return
        finally:
            self.reader.unfollow(reply_id, follower)

    async def stop(self, reply_id: uuid.UUID, message: Message) -> Message:
        """Stop a running reply from any process; the stored message (final unless its owner
        could not be reached within the lease time)."""
        if message.status is not MessageStatus.STREAMING:
            return message
        if await self.jobs.stop(reply_id):
            job_outcome = await self._stored(reply_id)
            return job_outcome or message
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lease_seconds + 2
        latest = message
        while loop.time() < deadline:
            await asyncio.sleep(_STOP_POLL_SECONDS)
            stored = await self._stored(reply_id)
            if stored is None:
                return latest
            latest = stored
            if stored.status is not MessageStatus.STREAMING:
                break
        return latest

    async def _stored(self, reply_id: uuid.UUID) -> Message | None:
        return await self.chat.message(reply_id)
