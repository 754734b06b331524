"""The SQL of the chat domain. Each function is one statement, so request costs stay countable."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from parley.chat.models import Conversation, Message, MessageStatus


@dataclass(frozen=True)
class ConversationSummary:
    conversation: Conversation
    message_count: int
    last_message: Message | None


@dataclass(frozen=True)
class ConversationPage:
    rows: list[ConversationSummary]
    # All of the user's conversations; None when the page is empty (no row to carry it).
    total: int | None


async def conversations_page(
    db: AsyncSession,
    user_id: uuid.UUID,
    limit: int,
    after: tuple[dt.datetime, uuid.UUID] | None,
) -> ConversationPage:
    """Newest first, each with its message count and last message, and the user's total, in
    one statement (the list is the hottest read of the app: one round trip, not one per part).

    `limit + 1` rows are asked for so the caller can tell if more exist.
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
        query = query.where(
            tuple_(Conversation.updated_at, Conversation.id) < tuple_(after[0], after[1])
        )
    query = query.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit + 1)
    rows = (await db.execute(query)).all()
    return ConversationPage(
        rows=[ConversationSummary(c, int(count), message) for c, count, message, _ in rows],
        total=int(rows[0][3]) if rows else None,
    )


async def conversations_by_id(
    db: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Conversation]:
    rows = await db.scalars(select(Conversation).where(Conversation.id.in_(ids)))
    return {row.id: row for row in rows}


async def count_conversations(db: AsyncSession, user_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(Conversation).where(Conversation.user_id == user_id)
    return int(await db.scalar(query) or 0)


async def messages_page(
    db: AsyncSession,
    conversation_id: uuid.UUID,
    last: int,
    before: tuple[dt.datetime, uuid.UUID] | None,
) -> list[Message]:
    """The `last + 1` newest messages before the cursor, newest first (the caller reverses)."""
    query = select(Message).where(Message.conversation_id == conversation_id)
    if before is not None:
        query = query.where(tuple_(Message.created_at, Message.id) < tuple_(before[0], before[1]))
    query = query.order_by(Message.created_at.desc(), Message.id.desc()).limit(last + 1)
    return list((await db.scalars(query)).all())


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


async def fail_stale_streams(db: AsyncSession, older_than: dt.datetime) -> int:
    """Replies left STREAMING by a crash will never finish: mark them FAILED."""
    result = await db.execute(
        update(Message)
        .where(Message.status == MessageStatus.STREAMING, Message.created_at < older_than)
        .values(
            status=MessageStatus.FAILED,
            meta=Message.meta.op("||")(
                func.jsonb_build_object("error", "The server stopped before the reply finished.")
            ),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
