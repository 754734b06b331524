"""The SQL of the chat domain, and only SQL: each function is one statement, so request costs
stay countable. The service decides what to run and when to commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from parley.ai import CallFacts
from parley.chat.tables import Conversation, Message, MessageStatus
from parley.pagination import Page, Position


@dataclass(frozen=True)
class ConversationSummary:
    """A conversation as a list shows it: with its message count and last message."""

    conversation: Conversation
    message_count: int
    last_message: Message | None


async def conversations_page(
    db: AsyncSession, user_id: uuid.UUID, limit: int, after: Position | None
) -> Page[ConversationSummary]:
    """Newest first, each with its message count and last message, and the user's total, in
    one statement (the list is the hottest read of the app: one round trip, not one per part).
    An empty page has no row to carry the total: `total` is then None.
    """
    total = select(func.count()).where(Conversation.user_id == user_id).scalar_subquery()
    message_count = (
        select(func.count())
        .where(Message.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    newest = (
        select(Message)
        .where(Message.conversation_id == Conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
        .correlate(Conversation)
        .lateral()
    )
    last = aliased(Message, newest)
    query = (
        select(Conversation, message_count, last, total)
        .outerjoin(last, true())
        .where(Conversation.user_id == user_id)
    )
    if after is not None:
        query = query.where(tuple_(Conversation.updated_at, Conversation.id) < tuple_(*after))
    query = query.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit + 1)
    rows = (await db.execute(query)).all()
    summaries = [ConversationSummary(c, int(count), message) for c, count, message, _ in rows]
    return Page(
        items=summaries[:limit],
        has_more=len(rows) > limit,
        total=int(rows[0][3]) if rows else None,
    )


async def count_conversations(db: AsyncSession, user_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(Conversation).where(Conversation.user_id == user_id)
    return int(await db.scalar(query) or 0)


async def conversation(db: AsyncSession, conversation_id: uuid.UUID) -> Conversation | None:
    return await db.get(Conversation, conversation_id)


async def message_and_conversation(
    db: AsyncSession, message_id: uuid.UUID
) -> tuple[Message, Conversation] | None:
    """A message and the conversation that holds it, in one statement."""
    query = (
        select(Message, Conversation)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.id == message_id)
    )
    row = (await db.execute(query)).first()
    return (row[0], row[1]) if row else None


async def conversations_by_id(
    db: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Conversation]:
    rows = await db.scalars(select(Conversation).where(Conversation.id.in_(ids)))
    return {row.id: row for row in rows}


async def messages_page(
    db: AsyncSession, conversation_id: uuid.UUID, last: int, before: Position | None
) -> Page[Message]:
    """The `last` newest messages before the cursor, oldest first."""
    query = select(Message).where(Message.conversation_id == conversation_id)
    if before is not None:
        query = query.where(tuple_(Message.created_at, Message.id) < tuple_(*before))
    query = query.order_by(Message.created_at.desc(), Message.id.desc()).limit(last + 1)
    rows = list((await db.scalars(query)).all())
    return Page(items=list(reversed(rows[:last])), has_more=len(rows) > last)


async def message_counts(
    db: AsyncSession, conversation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    query = (
        select(Message.conversation_id, func.count())
        .where(Message.conversation_id.in_(conversation_ids))
        .group_by(Message.conversation_id)
    )
    return {row[0]: int(row[1]) for row in await db.execute(query)}


async def last_messages(
    db: AsyncSession, conversation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Message]:
    query = (
        select(Message)
        .where(Message.conversation_id.in_(conversation_ids))
        .ext(distinct_on(Message.conversation_id))
        .order_by(Message.conversation_id, Message.created_at.desc(), Message.id.desc())
    )
    return {message.conversation_id: message for message in await db.scalars(query)}


async def history(db: AsyncSession, conversation_id: uuid.UUID, limit: int) -> list[Message]:
    """The newest `limit` messages worth sending as context, oldest first."""
    query = (
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            or_(
                Message.status == MessageStatus.COMPLETE,
                and_(Message.status == MessageStatus.STOPPED, Message.content != ""),
            ),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    rows = list((await db.scalars(query)).all())
    rows.reverse()
    return rows


async def finish_message(
    db: AsyncSession,
    message_id: uuid.UUID,
    *,
    content: str,
    status: MessageStatus,
    facts: CallFacts,
    error: str | None,
    error_status: int | None,
    final_seq: int,
) -> Message | None:
    """A reply's one closing write: its text, status and generation facts; the stored row
    (None when the conversation was deleted meanwhile)."""
    usage = facts.usage
    stored = await db.scalar(
        update(Message)
        .where(Message.id == message_id)
        .values(
            content=content,
            status=status,
            provider=facts.provider,
            model=facts.model,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            latency_ms=facts.latency_ms,
            ttft_ms=facts.ttft_ms,
            finish_reason=facts.finish_reason,
            attempts=facts.attempts,
            error=error,
            error_status=error_status,
            final_seq=final_seq,
        )
        .returning(Message)
    )
    return stored


async def streaming_replies(
    db: AsyncSession, older_than: dt.datetime, limit: int
) -> list[uuid.UUID]:
    """Ids of replies still STREAMING that started before `older_than` (the reaper checks
    whether anyone still runs them)."""
    query = (
        select(Message.id)
        .where(Message.status == MessageStatus.STREAMING, Message.created_at < older_than)
        .order_by(Message.created_at)
        .limit(limit)
    )
    return list((await db.scalars(query)).all())


async def fail_abandoned(
    db: AsyncSession, message_id: uuid.UUID, *, content: str, error: str, final_seq: int
) -> Message | None:
    """A reply nobody runs any more: FAILED with the text it had, only if still STREAMING
    (its owner may have finished it meanwhile)."""
    stored: Message | None = await db.scalar(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.STREAMING)
        .values(content=content, status=MessageStatus.FAILED, error=error, final_seq=final_seq)
        .returning(Message)
    )
    return stored
