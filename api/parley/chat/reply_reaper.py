"""Finalizing replies whose process is gone: every process runs one reaper.

A running reply's owner renews its lease every STOP_POLL_SECONDS; a STREAMING reply older
than the lease with no lease left was abandoned (its process crashed or was killed). The
reaper that claims it first stores it FAILED with the text its stream kept, and appends the
final event, so its followers end and no viewer waits on a spinner. This replaces the old
start-up sweep, which failed replies by age alone (and so could fail one still running).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley.chat.reply_jobs import ReplyJobs, lease_key
from parley.chat.reply_log import EventKind, LogEvent, ReplyLog, joined_text
from parley.chat.service import ChatService
from parley.chat.tables import MessageStatus
from parley.errors import unreachable

log = structlog.get_logger(__name__)

_BATCH = 100
_CLAIM_SECONDS = 30


def _claim_key(reply_id: uuid.UUID) -> str:
    return f"reply:{reply_id}:reaping"


class ReplyReaper:
    def __init__(
        self,
        chat: ChatService,
        redis: Redis,
        reply_log: ReplyLog,
        jobs: ReplyJobs,
        lease_seconds: int,
        process_id: str,
    ) -> None:
        self._chat = chat
        self._redis = redis
        self._log = reply_log
        self._jobs = jobs
        self._lease_seconds = lease_seconds
        self._process_id = process_id
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="reply-reaper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _loop(self) -> None:
        # Half the lease: an abandoned reply is finalized within 1.5 leases of its last renewal.
        interval = self._lease_seconds / 2
        while True:
            await asyncio.sleep(interval)
            try:
                await self.reap()
            except RedisError:
                log.warning("reaper cannot reach Redis; leases unknown, nothing reaped")
            except Exception as error:
                if unreachable(error):  # the database is away: try again next round
                    log.warning("reaper cannot reach the database; nothing reaped")
                else:
                    log.exception("reaper failed")

    async def reap(self) -> int:
        """Finalize the abandoned replies found now; how many this process finalized."""
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self._lease_seconds)
        candidates = [
            i for i in await self._chat.streaming_replies(cutoff, _BATCH) if not self._jobs.local(i)
        ]
        if not candidates:
            return 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for reply_id in candidates:
                pipe.exists(lease_key(reply_id))
            held = await pipe.execute()
        reaped = 0
        for reply_id, leased in zip(candidates, held, strict=True):
            if leased:
                continue
            # One reaper per reply, whichever process gets there first.
            claimed = await self._redis.set(
                _claim_key(reply_id), self._process_id, nx=True, ex=_CLAIM_SECONDS
            )
            if claimed and await self._finalize(reply_id):
                reaped += 1
        return reaped

    async def _finalize(self, reply_id: uuid.UUID) -> bool:
        events = await self._log.read_range(reply_id, -1)
        final_seq = max((e.seq for e in events if e.kind is not EventKind.ENDED), default=0) + 1
        message = await self._chat.fail_abandoned(
            reply_id, text=joined_text(events), final_seq=final_seq
        )
        if message is None:
            return False
        if not any(e.kind is EventKind.ENDED for e in events):
            await self._log.append_now(
                reply_id,
                LogEvent(final_seq, EventKind.ENDED, status=MessageStatus.FAILED.value),
            )
        return True
