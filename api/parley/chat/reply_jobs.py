"""Replies as jobs of the process: started here, run in a task the process owns, stopped from
anywhere, finalized on shutdown.

Every operation that starts a reply starts a job here (`generateReply`, `regenerateReply`,
and `sendMessage`, which waits for the job's end). A subscription only follows a job
(`durable_replies.follow`); leaving it detaches. While a job runs, the process holds its
lease in Redis (`lease_key`, REPLY_LEASE_SECONDS), renewed by one loop for all jobs, which
also looks for stop requests (`stop_key`, set by `stopReply` on any process) so a stop
reaches the owner within STOP_POLL_SECONDS. A lease that is not renewed (the process died)
lets any process's reaper finalize the reply (`reply_reaper`).

Every event is published twice: to followers in this process directly (so the socket that
started a reply keeps streaming when Redis is down) and to the reply's Redis stream through
the process's `ReplyLogWriter`, for followers anywhere.

A database or Redis blip is not the reply's failure: its closing write is retried with
backoff (REPLY_FINISH_RETRY_SECONDS at most) while the lease, renewed all along, still holds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

from parley.ai import ProviderError
from parley.chat import reply_requests
from parley.chat.replies import SERVER_FAILURE, ReplyEnded, ReplyRun
from parley.chat.reply_log import GONE, EventKind, LogEvent, ReplyLogWriter
from parley.chat.reply_reader import Follower
from parley.chat.service import INTERRUPTED, ChatService, PreparedReply
from parley.chat.tables import Message, MessageStatus
from parley.errors import Unavailable, unreachable
from parley.settings import Settings

log = structlog.get_logger(__name__)

STOP_POLL_SECONDS = 0.5
_STOP_REQUEST_SECONDS = 60
SHUTTING_DOWN = "This server is restarting; start the reply again in a moment."


def lease_key(reply_id: uuid.UUID | str) -> str:
    return f"reply:{reply_id}:lease"


def stop_key(reply_id: uuid.UUID | str) -> str:
    return f"reply:{reply_id}:stop"


class ReplyJob:
    """One running reply: its events so far (for followers that join late) and followers."""

    def __init__(self, prepared: PreparedReply) -> None:
        self.prepared = prepared
        self.reply_id = prepared.assistant_message.id
        self.events: list[LogEvent] = []
        self.followers: set[Follower] = set()
        self.task: asyncio.Task[None] | None = None
        self.done = asyncio.Event()
        self.outcome: Message | None = None
        # The final event, once published (GONE, FAILED unstored, or the stored outcome).
        self.end: LogEvent | None = None
        # True while the provider streams: the only time a stop may cancel the task (a cancel
        # during the closing write would lose the outcome).
        self.streaming = False
        self._stop_status = MessageStatus.STOPPED
        self._stop_error: str | None = None

    def publish(self, event: LogEvent) -> None:
        self.events.append(event)
        for follower in self.followers:
            follower.push(event)

    def attach(self, follower: Follower) -> None:
        # Pushed one by one: deltas merge only once the follower's mailbox is full.
        for event in self.events:
            follower.push(event)
        self.followers.add(follower)

    def detach(self, follower: Follower) -> None:
        self.followers.discard(follower)

    def stop(self, status: MessageStatus = MessageStatus.STOPPED, error: str | None = None) -> None:
        """Cancel the provider request; the job stores the text so far with `status`."""
        if self.task is None or not self.streaming or self.task.cancelling():
            return
        self._stop_status, self._stop_error = status, error
        self.task.cancel()


class ReplyJobs:
    def __init__(
        self,
        settings: Settings,
        chat: ChatService,
        redis: Redis,
        writer: ReplyLogWriter,
        process_id: str,
    ) -> None:
        self._settings = settings
        self._chat = chat
        self._redis = redis
        self._writer = writer
        self._process_id = process_id
        self._lease_ms = settings.reply_lease_seconds * 1000
        # When this process last renewed its leases (loop time): they hold for a lease from it.
        self._renewed_at = 0.0
        self._jobs: dict[uuid.UUID, ReplyJob] = {}
        self._lease_task: asyncio.Task[None] | None = None
        self.accepting = True

    def local(self, reply_id: uuid.UUID) -> ReplyJob | None:
        return self._jobs.get(reply_id)

    @property
    def running(self) -> int:
        return len(self._jobs)

    async def start(
        self,
        user_id: uuid.UUID,
        conversation_id: uuid.UUID,
        content: str,
        request_id: str | None = None,
        parent_id: uuid.UUID | None = None,
    ) -> ReplyJob | uuid.UUID:
        """A new job for a new user message (after `parent_id`, by default the current
        branch's last message), or the id of the reply `request_id` already started."""

        def prepare(reply_id: uuid.UUID) -> Awaitable[PreparedReply]:
            return self._chat.prepare_reply(user_id, conversation_id, content, reply_id, parent_id)

        return await self._begin(user_id, request_id, prepare)

    async def regenerate(
        self, user_id: uuid.UUID, message_id: uuid.UUID, request_id: str | None = None
    ) -> ReplyJob | uuid.UUID:
        """A new job for a new version of the reply `message_id`, or the id of the reply
        `request_id` already started."""

        def prepare(reply_id: uuid.UUID) -> Awaitable[PreparedReply]:
            return self._chat.prepare_regeneration(user_id, message_id, reply_id)

        return await self._begin(user_id, request_id, prepare)

    async def _begin(
        self,
        user_id: uuid.UUID,
        request_id: str | None,
        prepare: Callable[[uuid.UUID], Awaitable[PreparedReply]],
    ) -> ReplyJob | uuid.UUID:
        if not self.accepting:
            raise Unavailable(SHUTTING_DOWN)
        reply_id = uuid.uuid4()
        if request_id is not None:
            try:
                existing = await reply_requests.claim(self._redis, user_id, request_id, reply_id)
            except RedisError:
                existing = None
                log.warning("client request ids unavailable: Redis is down")
            if existing is not None:
                return existing
        try:
            # Held before the row exists, so no reaper ever sees this reply unowned.
            await self._redis.set(lease_key(reply_id), self._process_id, px=self._lease_ms)
            self._renewed_at = asyncio.get_running_loop().time()
        except RedisError:
            log.warning("reply runs without a lease: Redis is down", message_id=str(reply_id))
        try:
            prepared = await prepare(reply_id)
        except BaseException:
            await self._forget(reply_id, user_id, request_id)
            raise
        job = ReplyJob(prepared)
        self._jobs[reply_id] = job
        first = LogEvent(0, EventKind.STARTED, user_message_id=str(prepared.user_message.id))
        self._publish(job, first)
        job.task = asyncio.create_task(self._run(job), name=f"reply-{reply_id}")
        return job

    async def _forget(
        self, reply_id: uuid.UUID, user_id: uuid.UUID, request_id: str | None
    ) -> None:
        try:
            await self._redis.delete(lease_key(reply_id))
            if request_id is not None:
                await reply_requests.release(self._redis, user_id, request_id)
        except RedisError:
            log.warning("could not release a refused reply's keys")

    def holds_leases(self) -> bool:
        """Whether the leases of this process's replies still hold (renewed within a lease
        time): while they do, no reaper can take a reply from it."""
        age = asyncio.get_running_loop().time() - self._renewed_at
        return age < self._lease_ms / 1000

    def _closing_retry(self, reply_id: uuid.UUID) -> AsyncRetrying:
        """How a closing write is attempted: again after an outage (PostgreSQL or Redis out of
        reach), with backoff, until REPLY_FINISH_RETRY_SECONDS pass or the lease is lost."""

        deadline = stop_after_delay(self._settings.reply_finish_retry_seconds)

        def give_up(state: RetryCallState) -> bool:
            return deadline(state) or not self.holds_leases()

        def waiting(state: RetryCallState) -> None:
            log.warning(
                "could not store a reply; retrying",
                message_id=str(reply_id),
                attempt=state.attempt_number,
            )

        return AsyncRetrying(
            retry=retry_if_exception(unreachable),
            wait=wait_exponential_jitter(multiplier=0.2, max=2.0, jitter=0.2),
            stop=give_up,
            before_sleep=waiting,
            reraise=True,
        )

    def _publish(self, job: ReplyJob, event: LogEvent, delete: tuple[str, ...] = ()) -> None:
        job.publish(event)
        self._writer.append(job.reply_id, event, delete=delete)

    async def _run(self, job: ReplyJob) -> None:
        run = ReplyRun(self._chat, job.prepared)
        retrying = self._closing_retry(job.reply_id)
        outcome: ReplyEnded | None = None
        try:
            try:
                job.streaming = True
                try:
                    async for delta in run.deltas():
                        self._publish(job, LogEvent(delta.seq, EventKind.DELTA, delta.text))
                finally:
                    job.streaming = False
            except ProviderError as error:
                outcome = await run.finish(
                    MessageStatus.FAILED, error.message, error.status, retrying=retrying
                )
            except asyncio.CancelledError:
                # Only this class cancels a job (stop, shutdown): store what arrived.
                task = asyncio.current_task()
                if task is not None:
                    task.uncancel()
                outcome = await run.finish(job._stop_status, job._stop_error, retrying=retrying)
            except Exception:
                log.exception("reply failed", message_id=str(job.reply_id))
                outcome = await run.finish(MessageStatus.FAILED, SERVER_FAILURE, retrying=retrying)
            else:
                outcome = await run.finish(MessageStatus.COMPLETE, retrying=retrying)
        except Exception:
            # The closing write failed for good (retries spent or the lease lost): the row
            # stays STREAMING and, its lease released, a reaper fails it with the text the
            # stream kept.
            log.exception("could not store a reply", message_id=str(job.reply_id))
            end = LogEvent(run.final_seq, EventKind.ENDED, status=MessageStatus.FAILED.value)
        else:
            if outcome is None:
                end = LogEvent(run.final_seq, EventKind.ENDED, status=GONE)
            else:
                job.outcome = outcome.message
                end = LogEvent(
                    outcome.seq,
                    EventKind.ENDED,
                    status=outcome.message.status.value,
                    message=outcome.message,
                )
        finally:
            self._jobs.pop(job.reply_id, None)
            # Waiters run only once this task yields: after `end` is set and published.
            job.done.set()
        job.end = end
        self._publish(job, end, delete=(lease_key(job.reply_id), stop_key(job.reply_id)))

    async def stop(self, reply_id: uuid.UUID) -> bool:
        """Stop a reply wherever it runs; True once it is no longer running here. A reply of
        another process is asked through Redis; the caller reads the stored outcome."""
        job = self._jobs.get(reply_id)
        if job is not None:
            job.stop()
            await job.done.wait()
            return True
        await self._redis.set(stop_key(reply_id), "1", ex=_STOP_REQUEST_SECONDS)
        return False

    # -- the lease loop ------------------------------------------------------------------

    def start_lease_loop(self) -> None:
        self._lease_task = asyncio.create_task(self._lease_loop(), name="reply-leases")

    async def _lease_loop(self) -> None:
        while True:
            await asyncio.sleep(STOP_POLL_SECONDS)
            try:
                await self.renew_leases()
            except RedisError:
                log.warning("could not renew reply leases", running=len(self._jobs))

    async def renew_leases(self) -> None:
        """Renew every lease held here (re-taking any Redis lost) and act on stop requests."""
        jobs = list(self._jobs.values())
        if not jobs:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for job in jobs:
                pipe.set(lease_key(job.reply_id), self._process_id, px=self._lease_ms)
                pipe.get(stop_key(job.reply_id))
            results = await pipe.execute()
        self._renewed_at = asyncio.get_running_loop().time()
        for job, requested in zip(jobs, results[1::2], strict=True):
            if requested:
                job.stop()

    # -- shutdown ------------------------------------------------------------------------

    async def shutdown(self, grace_seconds: float) -> None:
        """Take no new replies, let running ones finish for the grace period, then store the
        rest as FAILED with their text (each with its final event)."""
        self.accepting = False
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        if tasks:
            log.info("waiting for running replies", running=len(tasks))
            await asyncio.wait(tasks, timeout=grace_seconds)
        for job in list(self._jobs.values()):
            job.stop(MessageStatus.FAILED, INTERRUPTED)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._lease_task is not None:
            self._lease_task.cancel()
            await asyncio.gather(self._lease_task, return_exceptions=True)
