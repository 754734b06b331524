"""Running one reply: ask the provider, pass each delta on as it comes, store the outcome once.

The events below are the reply's one vocabulary, from the runner to the GraphQL types that
show them. Each carries `seq`: 0 for the start, then 1, 2... for the deltas, and the end the
highest (also stored as the message's `final_seq`). The database is written when the reply
starts (`ChatService.prepare_reply`) and when it ends (`ReplyRun.finish`), never per delta.

`ReplyRun` is one provider call and its closing write. `reply_jobs.ReplyJobs` drives it for
every operation that starts a reply (`generateReply`, `regenerateReply`, `sendMessage`): the
reply is a job of the process, not of the request, holding a lease, with its events in Redis
(`reply_log`) for followers on any process; leaving only detaches, and `stopReply` or a
shutdown ends it as STOPPED or FAILED.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from tenacity import AsyncRetrying

from parley.chat.service import ChatService, PreparedReply
from parley.chat.tables import Conversation, Message, MessageStatus
from parley.metrics.instruments import REPLIES_STREAMING

SERVER_FAILURE = "The reply failed on the server."

# Closing writes that outlive a cancelled operation; held so they are not garbage-collected.
_closing_writes: set[asyncio.Task[Message | None]] = set()
GONE = "This conversation was deleted while the reply ran."


@dataclass(frozen=True)
class ReplyStarted:
    seq: int
    conversation: Conversation
    user_message: Message
    assistant_message_id: uuid.UUID


@dataclass(frozen=True)
class ReplyDelta:
    seq: int
    assistant_message_id: uuid.UUID
    text: str


@dataclass(frozen=True)
class ReplyEnded:
    """The stored reply: COMPLETE, STOPPED or FAILED (then `error` says why, safely)."""

    seq: int
    message: Message
    error: str | None = None


ReplyEvent = ReplyStarted | ReplyDelta | ReplyEnded


def started(prepared: PreparedReply) -> ReplyStarted:
    return ReplyStarted(
        seq=0,
        conversation=prepared.conversation,
        user_message=prepared.user_message,
        assistant_message_id=prepared.assistant_message.id,
    )


def ended(message: Message) -> ReplyEnded:
    """The final event of a stored reply, as the database has it."""
    return ReplyEnded(
        seq=message.final_seq if message.final_seq is not None else 1,
        message=message,
        error=(message.error or SERVER_FAILURE) if message.status is MessageStatus.FAILED else None,
    )


class ReplyRun:
    """One provider call for a prepared reply: its deltas, then its one closing write."""

    def __init__(self, chat: ChatService, prepared: PreparedReply) -> None:
        self._chat = chat
        self.prepared = prepared
        self.parts: list[str] = []
        self._stream = prepared.client.stream(
            model=prepared.conversation.ai_model, system=prepared.system, messages=prepared.context
        )

    @property
    def final_seq(self) -> int:
        return len(self.parts) + 1

    async def deltas(self) -> AsyncGenerator[ReplyDelta, None]:
        """The provider's deltas as they come; ProviderError when it fails. Cancelling the
        consumer closes the provider request at once."""
        reply_id = self.prepared.assistant_message.id
        with REPLIES_STREAMING.track_inprogress():
            async with contextlib.aclosing(self._stream):
                async for delta in self._stream:
                    self.parts.append(delta.text)
                    yield ReplyDelta(
                        seq=len(self.parts), assistant_message_id=reply_id, text=delta.text
                    )

    async def finish(
        self,
        status: MessageStatus,
        error: str | None = None,
        error_status: int | None = None,
        retrying: AsyncRetrying | None = None,
    ) -> ReplyEnded | None:
        """Store the outcome with the text so far (attempted as `retrying` says), or find the
        outcome already stored (a reaper's); None when the conversation was deleted."""
        # Shielded: a cancelled caller must still store what arrived.
        task = asyncio.create_task(
            self._chat.finish_reply(
                self.prepared,
                text="".join(self.parts),
                status=status,
                facts=self._stream.facts(),
                final_seq=self.final_seq,
                error=error,
                error_status=error_status,
                retrying=retrying,
            )
        )
        _closing_writes.add(task)
        task.add_done_callback(_closing_writes.discard)
        message = await asyncio.shield(task)
        if message is None:
            return None
        self._chat.suggest_title(self.prepared, message)
        # As stored: this run's outcome, or the one stored before it (a reaper's FAILED).
        return ended(message)
