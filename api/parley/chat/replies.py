"""Running one reply: ask the provider, relay deltas as they come, store the outcome once.

The database is written when the reply starts (by `ChatService.prepare_reply`) and when it
ends (here), never per delta. A reply the caller abandons (subscription completed, socket
gone) is cancelled at once and its partial text kept as STOPPED.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from parley.ai import Delta, Finished, ProviderError
from parley.chat.models import Message, MessageStatus
from parley.chat.service import ChatService, PreparedReply, ReplyOutcome

# Closing writes that outlive a cancelled operation; held so they are not garbage-collected.
_closing_writes: set[asyncio.Task[Message]] = set()


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Done:
    message: Message
    error: ProviderError | None = None


async def _finish_surviving_cancellation(
    chat: ChatService, prepared: PreparedReply, outcome: ReplyOutcome
) -> Message:
    task = asyncio.create_task(chat.finish_reply(prepared, outcome))
    _closing_writes.add(task)
    task.add_done_callback(_closing_writes.discard)
    return await asyncio.shield(task)


async def run_reply(
    chat: ChatService, prepared: PreparedReply
) -> AsyncGenerator[TextDelta | Done, None]:
    """Yields each delta, then one `Done` with the stored message (COMPLETE or FAILED)."""
    parts: list[str] = []
    started = time.perf_counter()
    first_delta_at: float | None = None
    finished: Finished | None = None

    def outcome(
        status: MessageStatus, *, error: str | None = None, error_status: int | None = None
    ) -> ReplyOutcome:
        return ReplyOutcome(
            text="".join(parts),
            status=status,
            usage=finished.usage if finished else None,
            finish_reason=finished.finish_reason if finished else None,
            latency_ms=_ms(started, time.perf_counter()),
            ttft_ms=_ms(started, first_delta_at) if first_delta_at else None,
            error=error,
            error_status=error_status,
        )

    conversation = prepared.conversation
    stream = prepared.model.stream(
        model=conversation.ai_model, system=prepared.system, messages=prepared.context
    )
    try:
        async with contextlib.aclosing(stream):
            async for event in stream:
                if isinstance(event, Delta):
                    if first_delta_at is None:
                        first_delta_at = time.perf_counter()
                    parts.append(event.text)
                    yield TextDelta(event.text)
                else:
                    finished = event
    except ProviderError as error:
        failed = outcome(MessageStatus.FAILED, error=error.message, error_status=error.status)
        yield Done(await _finish_surviving_cancellation(chat, prepared, failed), error)
        return
    except (asyncio.CancelledError, GeneratorExit):
        # The client stopped the reply or left: keep what arrived, then let cancellation on.
        await _finish_surviving_cancellation(chat, prepared, outcome(MessageStatus.STOPPED))
        raise
    except Exception:
        failed = outcome(MessageStatus.FAILED, error="The reply failed on the server.")
        await _finish_surviving_cancellation(chat, prepared, failed)
        raise
    complete = outcome(MessageStatus.COMPLETE)
    yield Done(await _finish_surviving_cancellation(chat, prepared, complete))


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)
