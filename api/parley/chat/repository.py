"""The SQL of the chat domain, and only SQL: each function is one statement, so request costs
stay countable. The service decides what to run and when to commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    CTE,
    ColumnElement,
    ScalarSelect,
    and_,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from parley.ai import CallFacts
from parley.chat.tables import ChargePurpose, Conversation, Message, MessageStatus, UsageCharge
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
    """Newest first, each with its current branch's message count and last message, and the
    user's total, in
    one statement (the list is the hottest read of the app: one round trip, not one per part).
    An empty page has no row to carry the total: `total` is then None.
    """
    total = select(func.count()).where(Conversation.user_id == user_id).scalar_subquery()
    # The branch shown ends at the current message, whose depth is the branch's length.
    last = aliased(Message)
    query = (
        select(Conversation, func.coalesce(last.depth, 0), last, total)
        .outerjoin(last, last.id == Conversation.current_message_id)
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


async def message(db: AsyncSession, message_id: uuid.UUID) -> Message | None:
    return await db.get(Message, message_id)


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


def _up_from(start: ColumnElement[bool]) -> CTE:
    """Ids of the message matching `start` and of all its ancestors."""
    branch = select(Message.id, Message.parent_id).where(start).cte("branch", recursive=True)
    step = aliased(Message)
    return branch.union_all(
        select(step.id, step.parent_id).join(branch, step.id == branch.c.parent_id)
    )


def _sibling_ids(message: type[Message]) -> ScalarSelect[list[uuid.UUID]]:
    """The ids of `message`'s turn (same parent, same role), oldest first, as one array."""
    sibling = aliased(Message)
    return (
        select(func.array_agg(aggregate_order_by(sibling.id, sibling.created_at, sibling.id)))
        .where(
            sibling.conversation_id == message.conversation_id,
            sibling.role == message.role,
            sibling.parent_id.is_not_distinct_from(message.parent_id),
        )
        .correlate(message)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class BranchMessage:
    """A message of the branch shown, with the ids of its turn's versions."""

    message: Message
    sibling_ids: list[uuid.UUID]


async def messages_pages(
    db: AsyncSession, conversation_ids: Sequence[uuid.UUID], last: int, before: Position | None
) -> dict[uuid.UUID, Page[BranchMessage]]:
    """The `last` newest messages of each conversation's current branch before the cursor,
    oldest first, each with its siblings, in one statement: the branches are walked together,
    each cut to its `last` newest (+1, to tell whether there is more) by a window. A
    conversation without messages has no entry."""
    current = select(Conversation.current_message_id).where(Conversation.id.in_(conversation_ids))
    branch = _up_from(Message.id.in_(current))
    newest_first = (Message.created_at.desc(), Message.id.desc())
    place = func.row_number().over(partition_by=Message.conversation_id, order_by=newest_first)
    ranked = select(Message.id, place.label("place")).join(branch, branch.c.id == Message.id)
    if before is not None:
        ranked = ranked.where(tuple_(Message.created_at, Message.id) < tuple_(*before))
    window = ranked.subquery("ranked")
    query = (
        select(Message, _sibling_ids(Message))
        .join(window, window.c.id == Message.id)
        .where(window.c.place <= last + 1)
        .order_by(Message.conversation_id, *newest_first)
    )
    found: dict[uuid.UUID, list[BranchMessage]] = {}
    for m, ids in (await db.execute(query)).all():
        found.setdefault(m.conversation_id, []).append(BranchMessage(m, list(ids)))
    return {
        cid: Page(items=list(reversed(rows[:last])), has_more=len(rows) > last)
        for cid, rows in found.items()
    }


async def sibling_ids(
    db: AsyncSession, message_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    query = select(Message.id, _sibling_ids(Message)).where(Message.id.in_(message_ids))
    return {row[0]: list(row[1]) for row in await db.execute(query)}


async def message_counts(
    db: AsyncSession, conversation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """The length of each conversation's current branch."""
    query = (
        select(Conversation.id, Message.depth)
        .join(Message, Message.id == Conversation.current_message_id)
        .where(Conversation.id.in_(conversation_ids))
    )
    return {row[0]: int(row[1]) for row in await db.execute(query)}


async def last_messages(
    db: AsyncSession, conversation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Message]:
    """Each conversation's current message: the last of the branch it shows."""
    query = (
        select(Conversation.id, Message)
        .join(Message, Message.id == Conversation.current_message_id)
        .where(Conversation.id.in_(conversation_ids))
    )
    return {row[0]: row[1] for row in await db.execute(query)}


async def history(db: AsyncSession, last_id: uuid.UUID, limit: int) -> list[Message]:
    """The newest `limit` messages worth sending as context on the branch ending at
    `last_id` (its siblings' branches never), oldest first."""
    branch = _up_from(Message.id == last_id)
    query = (
        select(Message)
        .join(branch, branch.c.id == Message.id)
        .where(
            or_(
                Message.status == MessageStatus.COMPLETE,
                and_(Message.status == MessageStatus.STOPPED, Message.content != ""),
            ),
        )
        .order_by(Message.depth.desc())
        .limit(limit)
    )
    rows = list((await db.scalars(query)).all())
    rows.reverse()
    return rows


async def branch_to(db: AsyncSession, message_id: uuid.UUID) -> list[Message]:
    """The branch from the first message down to `message_id`, in order."""
    branch = _up_from(Message.id == message_id)
    query = select(Message).join(branch, branch.c.id == Message.id).order_by(Message.depth)
    return list((await db.scalars(query)).all())


async def all_messages(db: AsyncSession, conversation_id: uuid.UUID) -> list[Message]:
    """Every message of the tree, in the order they were written."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return list((await db.scalars(query)).all())


async def show_newest_beneath(
    db: AsyncSession, conversation_id: uuid.UUID, message_id: uuid.UUID
) -> Conversation | None:
    """Make the newest message beneath `message_id` (itself included) current. The newest
    descendant is always a leaf: any child of it would be newer."""
    below = (
        select(Message.id, Message.created_at)
        .where(Message.id == message_id)
        .cte("below", recursive=True)
    )
    child = aliased(Message)
    below = below.union_all(
        select(child.id, child.created_at).join(below, child.parent_id == below.c.id)
    )
    newest = (
        select(below.c.id)
        .order_by(below.c.created_at.desc(), below.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stored: Conversation | None = await db.scalar(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        # Showing another version is navigation, not news: the list order stays (the
        # column's onupdate would move the conversation to the top).
        .values(current_message_id=newest, updated_at=Conversation.updated_at)
        .returning(Conversation)
        .execution_options(populate_existing=True)
    )
    return stored


async def rename_if_titled(
    db: AsyncSession, conversation_id: uuid.UUID, expected: str, title: str
) -> uuid.UUID | None:
    """Set the title only if it is still `expected` (nobody renamed it meanwhile); the
    owner's id when it did."""
    owner: uuid.UUID | None = await db.scalar(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.title == expected)
        # The reply that asked for it already moved the conversation up the list.
        .values(title=title, updated_at=Conversation.updated_at)
        .returning(Conversation.user_id)
    )
    return owner


async def add_usage_charge(
    db: AsyncSession,
    user_id: uuid.UUID,
    conversation_id: uuid.UUID,
    purpose: ChargePurpose,
    facts: CallFacts,
) -> None:
    """Store what a call that is not a reply cost (`facts.usage`, known); the conversation is
    left out when it was deleted meanwhile (the charge stays)."""
    usage = facts.usage
    assert usage is not None
    still_there = select(Conversation.id).where(Conversation.id == conversation_id)
    await db.execute(
        insert(UsageCharge).values(
            user_id=user_id,
            conversation_id=still_there.scalar_subquery(),
            purpose=purpose,
            provider=facts.provider,
            model=facts.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            usage_estimated=facts.usage_estimated,
        )
    )


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
    """A reply's one closing write: its text, status and generation facts; the stored row.
    Only a row still STREAMING is finished (a reaper may have failed it, or an earlier attempt
    of this write committed): None when there is none."""
    usage = facts.usage
    stored = await db.scalar(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.STREAMING)
        .values(
            content=content,
            status=status,
            provider=facts.provider,
            model=facts.model,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            usage_estimated=facts.usage_estimated,
            latency_ms=facts.latency_ms,
            ttft_ms=facts.ttft_ms,
            finish_reason=facts.finish_reason,
            attempts=facts.attempts,
            fallback_from=facts.fallback_from,
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


async def running_reply(db: AsyncSession, conversation_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the conversation's running (STREAMING) reply; there is at most one."""
    query = select(Message.id).where(
        Message.conversation_id == conversation_id, Message.status == MessageStatus.STREAMING
    )
    found: uuid.UUID | None = await db.scalar(query)
    return found


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
