"""Forking: a branch copied into a conversation of its own."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from parley.chat.tables import Message, MessageStatus

UNTITLED = "New chat"
BRANCH_SUFFIX = " (branch)"


def branch_title(title: str | None, max_chars: int) -> str:
    """ "<title> (branch)", the title shortened when both would not fit."""
    base = title or UNTITLED
    room = max_chars - len(BRANCH_SUFFIX)
    if room <= 0:
        return base[:max_chars]
    if len(base) > room:
        base = base[: room - 1].rstrip() + "…"
    return base + BRANCH_SUFFIX


def copy_branch(branch: Sequence[Message], conversation_id: uuid.UUID) -> list[Message]:
    """New rows for `branch` (first message first) in another conversation: new ids, the same
    text, times and generation facts, each pointing at its copied parent. The copies carry no
    usage: the original replies paid once, and `usage` and exports count only them."""
    new_ids: dict[uuid.UUID, uuid.UUID] = {}
    copies: list[Message] = []
    columns = [c.key for c in Message.__table__.columns]
    for original in branch:
        values = {key: getattr(original, key) for key in columns}
        new_ids[original.id] = uuid.uuid4()
        values.update(
            id=new_ids[original.id],
            conversation_id=conversation_id,
            parent_id=new_ids.get(original.parent_id) if original.parent_id else None,
            prompt_tokens=None,
            completion_tokens=None,
            usage_estimated=False,
            copied=True,
        )
        if original.status is MessageStatus.STREAMING:
            # The copy has no job writing it: it keeps what the original had so far.
            values["status"] = MessageStatus.STOPPED
        copies.append(Message(**values))
    return copies
