"""The chat domain's tables: conversations and their messages."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from parley.ai.providers import AIProvider
from parley.db import Base, TimestampMixin, new_id

MODEL_NAME_MAX_CHARS = 100
TITLE_COLUMN_CHARS = 200
RUNNING_REPLY_INDEX = "ux_messages_one_running"


class MessageRole(enum.StrEnum):
    USER = "USER"
    ASSISTANT = "ASSISTANT"


class MessageStatus(enum.StrEnum):
    STREAMING = "STREAMING"
    COMPLETE = "COMPLETE"
    STOPPED = "STOPPED"
    FAILED = "FAILED"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as checked strings: readable in SQL, and new values need no ALTER TYPE.
    return Enum(cls, name=name, native_enum=False, length=16, create_constraint=True)


class Conversation(TimestampMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_updated", "user_id", "updated_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # NULL until the first message names it (the API shows a placeholder meanwhile).
    title: Mapped[str | None] = mapped_column(String(TITLE_COLUMN_CHARS))
    ai_provider: Mapped[AIProvider] = mapped_column(_enum(AIProvider, "ai_provider"))
    ai_model: Mapped[str] = mapped_column(String(MODEL_NAME_MAX_CHARS))
    system_prompt: Mapped[str | None] = mapped_column(Text)
    # The last message of the branch shown (messages form a tree); NULL while empty. The
    # constraint is named and added after both tables exist (each table points at the other).
    current_message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(
            "messages.id",
            ondelete="SET NULL",
            use_alter=True,
            name="fk_conversations_current_message_id_messages",
        )
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_created", "conversation_id", "created_at", "id"),
        Index("ix_messages_parent", "parent_id"),
        Index(
            "ix_messages_streaming",
            "created_at",
            postgresql_where=text("status = 'STREAMING'"),
        ),
        # One running reply per conversation, enforced where every process writes: a second
        # reply started meanwhile (another tab, another process) fails to insert.
        Index(
            RUNNING_REPLY_INDEX,
            "conversation_id",
            unique=True,
            postgresql_where=text("status = 'STREAMING'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    # The message this one follows (NULL for a first message): messages form a tree, and the
    # versions of one turn (an edit, a regeneration) share a parent.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE")
    )
    # 1 for a first message, the parent's + 1 otherwise: a branch's length is its last
    # message's depth, so counting a branch needs no walk.
    depth: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    role: Mapped[MessageRole] = mapped_column(_enum(MessageRole, "message_role"))
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MessageStatus] = mapped_column(_enum(MessageStatus, "message_status"))
    # Set by the app, not the database: a user message and its reply are written in one
    # transaction, where now() would give both the same instant and an ambiguous order.
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    # Generation facts: NULL for user messages; provider, model and attempts are set when a
    # reply starts, the rest when it ends.
    provider: Mapped[AIProvider | None] = mapped_column(_enum(AIProvider, "message_provider"))
    model: Mapped[str | None] = mapped_column(String(MODEL_NAME_MAX_CHARS))
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    # The tokens are our estimate (`parley.ai.token_estimates`): the reply ended before its
    # provider counted them (stopped, failed mid-stream).
    usage_estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A fork's copy of another conversation's message: it carries no usage, since the
    # original reply paid once.
    copied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    ttft_ms: Mapped[int | None] = mapped_column(Integer)
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int | None] = mapped_column(Integer)
    fallback_from: Mapped[AIProvider | None] = mapped_column(
        _enum(AIProvider, "message_fallback_from")
    )
    error: Mapped[str | None] = mapped_column(Text)
    error_status: Mapped[int | None] = mapped_column(Integer)
    # The seq of the reply's final event (see `parley.chat.replies`), for when its stream of
    # events has expired.
    final_seq: Mapped[int | None] = mapped_column(Integer)


class ChargePurpose(enum.StrEnum):
    TITLE = "TITLE"


class UsageCharge(Base):
    """Provider calls a user is charged for that are not replies (a model's title): counted by
    `usage` and the token budget beside the replies' generation facts."""

    __tablename__ = "usage_charges"
    __table_args__ = (Index("ix_usage_charges_user_created", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Kept when the conversation is deleted: the provider was paid all the same.
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    purpose: Mapped[ChargePurpose] = mapped_column(_enum(ChargePurpose, "charge_purpose"))
    provider: Mapped[AIProvider] = mapped_column(_enum(AIProvider, "charge_provider"))
    model: Mapped[str] = mapped_column(String(MODEL_NAME_MAX_CHARS))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    usage_estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
