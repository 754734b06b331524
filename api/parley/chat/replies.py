"""Running one reply: ask the provider, pass each delta on as it comes, store the outcome once.

The events below are the reply's one vocabulary, from the runner to the GraphQL types that
show them. Each carries `seq`: 0 for the start, then 1, 2... for the deltas, and the end the
highest. The database is written when the reply starts (`ChatService.prepare_reply`) and when
it ends (here), never per delta. A reply the caller abandons (subscription completed, socket
gone) is cancelled at once and its partial text kept as STOPPED.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from parley.ai import ProviderError
from parley.chat.service import ChatService, PreparedReply
from parley.chat.tables import Conversation, Message, MessageStatus
from parley.errors import NotFound

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


async def run_reply(
    chat: ChatService, prepared: PreparedReply
) -> AsyncGenerator[ReplyDelta | ReplyEnded, None]:
    """Yields each delta, then one `ReplyEnded` with the stored message."""
    reply_id = prepared.assistant_message.id
    parts: list[str] = []
    stream = prepared.client.stream(
        model=prepared.conversation.ai_model, system=prepared.system, messages=prepared.context
    )

    async def finish(
        status: MessageStatus, error: str | None = None, error_status: int | None = None
    ) -> Message | None:
        # Shielded: a cancelled operation must still store what arrived.
        task = asyncio.create_task(
            chat.finish_reply(
                prepared,
                text="".join(parts),
                status=status,
                facts=stream.facts(),
                error=error,
                error_status=error_status,
            )
        )
        _closing_writes.add(task)
        task.add_done_callback(_closing_writes.discard)
        return await asyncio.shield(task)

    try:
        async with contextlib.aclosing(stream):
            async for delta in stream:
                parts.append(delta.text)
                yield ReplyDelta(seq=len(parts), assistant_message_id=reply_id, text=delta.text)
    except ProviderError as error:
        message = await finish(MessageStatus.FAILED, error.message, error.status)
        if message is None:
            raise NotFound(GONE) from None
        yield ReplyEnded(seq=len(parts) + 1, message=message, error=error.message)
        return
    except (asyncio.CancelledError, GeneratorExit):
        # The client stopped the reply or left: keep what arrived, then let cancellation on.
        await finish(MessageStatus.STOPPED)
        raise
    except Exception:
        await finish(MessageStatus.FAILED, SERVER_FAILURE)
        raise
    message = await finish(MessageStatus.COMPLETE)
    if message is None:
        raise NotFound(GONE)
    yield ReplyEnded(seq=len(parts) + 1, message=message)
