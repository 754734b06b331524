"""Conversation changes for the caller's tabs and devices, from the users' Redis channels (see
`parley.changes`) to the listeners on this process.

One pub/sub connection per process carries every listening user's channel: a user's channel is
subscribed when their first listener arrives and unsubscribed when their last one leaves, so a
thousand open tabs cost one Redis connection, not a thousand. Each listener has a bounded
`Inbox`; a listener that falls behind gets changes merged per conversation, never an unbounded
backlog.

Redis down: listeners stay open and receive nothing meanwhile; the reader reconnects with
backoff and subscribes every listening user's channel again. A subscription change that fails
(the connection dropping under it) leaves its listener open: the reader, whenever a read
returns nothing, makes the subscriptions match the listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from parley.changes import Change, ChangeKind, user_channel

log = structlog.get_logger(__name__)

_CHANNEL_PREFIX = user_channel("")
# A read wakes up at least this often, so the connection's health check (a PING every
# `health_check_interval`) runs and a dead connection is noticed.
_READ_TIMEOUT_SECONDS = 5.0
_RETRY_MIN_SECONDS = 0.1
_RETRY_MAX_SECONDS = 5.0
INBOX_LIMIT = 100
CLIENT_NAME_PREFIX = "parley-conversation-events-"


class Inbox:
    """One listener's pending changes, at most `limit`, merged per conversation.

    A conversation's later change replaces its earlier one (listeners read the conversation's
    current state, so nothing is lost), and each started reply is kept once. Past `limit`
    distinct entries the oldest is dropped and counted.
    """

    def __init__(self, limit: int = INBOX_LIMIT) -> None:
        self._limit = limit
        self._pending: OrderedDict[tuple[str, uuid.UUID], Change] = OrderedDict()
        self._ready = asyncio.Event()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._pending)

    def put(self, change: Change) -> None:
        key = (
            ("reply", change.message_id)
            if change.kind is ChangeKind.REPLY_RUNNING and change.message_id is not None
            else ("conversation", change.conversation_id)
        )
        self._pending.pop(key, None)
        self._pending[key] = change
        if len(self._pending) > self._limit:
            self._pending.popitem(last=False)
            self.dropped += 1
        self._ready.set()

    async def get(self) -> Change:
        while not self._pending:
            self._ready.clear()
            await self._ready.wait()
        return self._pending.popitem(last=False)[1]


class ConversationEvents:
    """Per process: the users' change channels over one pub/sub connection, fanned out."""

    def __init__(self, redis_url: str, inbox_limit: int = INBOX_LIMIT) -> None:
        # A client of its own, named (with the process id), so its one connection can be found
        # in CLIENT LIST.
        self.client_name = f"{CLIENT_NAME_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self._redis = Redis.from_url(
            redis_url,
            decode_responses=True,
            client_name=self.client_name,
            health_check_interval=30,
            socket_connect_timeout=2,
            socket_timeout=5,
        )
        self._inbox_limit = inbox_limit
        self._inboxes: dict[uuid.UUID, set[Inbox]] = {}
        # What the current connection is subscribed to; the listeners are the truth.
        self._subscribed: set[uuid.UUID] = set()
        self._pubsub: PubSub | None = None
        # Subscription changes and reconnects, one at a time, so they reach Redis in order.
        self._lock = asyncio.Lock()
        self._someone_listens = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @property
    def listening_users(self) -> int:
        return len(self._inboxes)

    def start(self) -> None:
        """Start the reader (inside the running loop: the app's lifespan)."""
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name="conversation-events")

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._disconnect()
        await self._redis.aclose()

    @contextlib.asynccontextmanager
    async def listen(self, user_id: uuid.UUID) -> AsyncIterator[Inbox]:
        """An inbox of `user_id`'s changes until this is left. It is live once entered when the
        process's connection is up (the user's channel is subscribed here), else as soon as
        the reader has connected."""
        inbox = Inbox(self._inbox_limit)
        self._inboxes.setdefault(user_id, set()).add(inbox)
        self._someone_listens.set()
        try:
            await self._sync(user_id)
            yield inbox
        finally:
            inboxes = self._inboxes.get(user_id)
            if inboxes is not None:
                inboxes.discard(inbox)
                if not inboxes:
                    del self._inboxes[user_id]
            if not self._inboxes:
                self._someone_listens.clear()
            # Shielded: the listener is usually leaving because its task was cancelled.
            await asyncio.shield(self._sync(user_id))

    async def _sync(self, user_id: uuid.UUID) -> None:
        """Make the connection's subscription to `user_id`'s channel match their listeners."""
        async with self._lock:
            wanted = user_id in self._inboxes
            if self._pubsub is None or wanted == (user_id in self._subscribed):
                return  # not connected: the reader subscribes everyone when it connects
            try:
                if wanted:
                    await self._pubsub.subscribe(user_channel(user_id))
                    self._subscribed.add(user_id)
                else:
                    await self._pubsub.unsubscribe(user_channel(user_id))
                    self._subscribed.discard(user_id)
            except (RedisError, OSError, RuntimeError):
                # RuntimeError: redis-py's when this command's health check reads the
                # connection while the reader is reconnecting it. The listener stays; the
                # reader makes the subscriptions match the listeners at its next wake-up.
                log.warning("conversation events: subscription change failed", exc_info=True)

    async def _reconcile(self, pubsub: PubSub) -> None:
        """Subscribe whoever listens but is not subscribed (a change that failed), and the
        reverse; run by the reader between reads, so nothing else reads the connection."""
        async with self._lock:
            missing = self._inboxes.keys() - self._subscribed
            extra = self._subscribed - self._inboxes.keys()
            if missing:
                await pubsub.subscribe(*(user_channel(u) for u in missing))
                self._subscribed |= missing
            if extra:
                await pubsub.unsubscribe(*(user_channel(u) for u in extra))
                self._subscribed -= extra

    async def _connect(self) -> PubSub:
        async with self._lock:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            users = list(self._inboxes)
            try:
                await pubsub.connect()  # type: ignore[no-untyped-call]
                if users:
                    await pubsub.subscribe(*(user_channel(u) for u in users))
            except BaseException:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
                raise
            self._pubsub, self._subscribed = pubsub, set(users)
            return pubsub

    async def _disconnect(self) -> None:
        async with self._lock:
            pubsub, self._pubsub, self._subscribed = self._pubsub, None, set()
        if pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _read_forever(self) -> None:
        delay = _RETRY_MIN_SECONDS
        while True:
            # No connection until somebody listens on this process; then it is kept.
            await self._someone_listens.wait()
            try:
                pubsub = await self._connect()
                delay = _RETRY_MIN_SECONDS
                while True:
                    message = await pubsub.get_message(timeout=_READ_TIMEOUT_SECONDS)
                    if message is None:
                        await self._reconcile(pubsub)
                    elif message.get("type") == "message":
                        self._deliver(str(message["channel"]), str(message["data"]))
            except (RedisError, OSError):
                log.warning("conversation events: Redis connection lost", exc_info=True)
            except Exception:
                # Whatever it was, a dead reader would silence every listener: start over.
                log.exception("conversation events: reader failed")
            await self._disconnect()
            await asyncio.sleep(delay)
            delay = min(delay * 2, _RETRY_MAX_SECONDS)

    def _deliver(self, channel: str, data: str) -> None:
        try:
            user_id = uuid.UUID(channel.removeprefix(_CHANNEL_PREFIX))
            change = Change.decode(data)
        except (ValueError, KeyError, TypeError):
            log.warning("conversation events: unreadable message", channel=channel)
            return
        for inbox in self._inboxes.get(user_id, ()):
            inbox.put(change)
