"""Conversations and replies: ownership, validation, and what is stored when.

Every read and write of the chat domain goes through here; the SQL is in `repository`. A write
is one unit (`_write`): it commits, then the user's cached answers go stale and the change is
published, so no write can forget either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.ai import AIProvider, CallFacts, ChatMessage, ProviderClient, ProviderRegistry, Role
from parley.changes import Change, ChangeFeed, ChangeKind
from parley.chat import repository
from parley.chat.repository import ConversationSummary
from parley.chat.tables import Conversation, Message, MessageRole, MessageStatus
from parley.chat.validation import (
    clean_content,
    clean_model,
    clean_system_prompt,
    clean_title,
    title_from_message,
)
from parley.errors import Forbidden, InvalidInput, NotFound
from parley.pagination import Page, Position
from parley.settings import Settings

log = structlog.get_logger(__name__)
_ROLES: dict[MessageRole, Role] = {MessageRole.USER: "user", MessageRole.ASSISTANT: "assistant"}
INTERRUPTED = "The server stopped before the reply finished."


@dataclass(frozen=True)
class ConversationChanges:
    title: str | None = None
    ai_provider: AIProvider | None = None
    ai_model: str | None = None
    system_prompt: str | None = None


@dataclass(frozen=True)
class PreparedReply:
    """A stored user message and its reply-to-be, with everything needed to ask the provider."""

    conversation: Conversation
    user_message: Message
    assistant_message: Message
    client: ProviderClient
    system: str
    context: list[ChatMessage]


@dataclass
class _Unit:
    db: AsyncSession
    changes: list[Change] = field(default_factory=list)

    def changed(self, conversation_id: uuid.UUID) -> None:
        self.changes.append(Change(ChangeKind.CHANGED, conversation_id))

    def deleted(self, conversation_id: uuid.UUID) -> None:
        self.changes.append(Change(ChangeKind.DELETED, conversation_id))

    def reply_running(self, conversation_id: uuid.UUID, message_id: uuid.UUID) -> None:
        self.changes.append(Change(ChangeKind.REPLY_RUNNING, conversation_id, message_id))


def check_owner(conversation: Conversation | None, user_id: uuid.UUID) -> Conversation:
    """The conversation if `user_id` owns it: NOT_FOUND when missing, FORBIDDEN when not theirs."""
    if conversation is None:
        raise NotFound("Conversation not found.")
    if conversation.user_id != user_id:
        raise Forbidden("This conversation belongs to someone else.")
    return conversation


class ChatService:
    def __init__(
        self,
        settings: Settings,
        db_sessions: async_sessionmaker[AsyncSession],
        providers: ProviderRegistry,
        changes: ChangeFeed,
    ) -> None:
        self._settings = settings
        self._db = db_sessions
        self._providers = providers
        self._changes = changes

    # -- reads ---------------------------------------------------------------------------

    async def conversations_page(
        self, user_id: uuid.UUID, first: int, after: Position | None
    ) -> Page[ConversationSummary]:
        async with self._db() as db:
            page = await repository.conversations_page(db, user_id, first, after)
            if page.total is None:  # an empty page past the end still owes the total
                total = 0 if after is None else await repository.count_conversations(db, user_id)
                page = Page(page.items, page.has_more, total)
        return page

    async def conversations_by_id(self, ids: Sequence[uuid.UUID]) -> list[Conversation | None]:
        """In the order asked, unchecked: pass each through `check_owner` before use."""
        async with self._db() as db:
            found = await repository.conversations_by_id(db, ids)
        return [found.get(i) for i in ids]

    async def message_counts(self, ids: Sequence[uuid.UUID]) -> list[int]:
        async with self._db() as db:
            counts = await repository.message_counts(db, ids)
        return [counts.get(i, 0) for i in ids]

    async def last_messages(self, ids: Sequence[uuid.UUID]) -> list[Message | None]:
        async with self._db() as db:
            found = await repository.last_messages(db, ids)
        return [found.get(i) for i in ids]

    async def own_message(
        self, user_id: uuid.UUID, message_id: uuid.UUID
    ) -> tuple[Message, Conversation]:
        """The caller's message and its conversation; NOT_FOUND when missing or someone
        else's (a stranger learns nothing about the id)."""
        async with self._db() as db:
            found = await repository.message_and_conversation(db, message_id)
        if found is None or found[1].user_id != user_id:
            raise NotFound("Message not found.")
        return found

    async def message(self, message_id: uuid.UUID) -> Message | None:
        """A message by id, unchecked (for the server's own jobs, never a caller's id)."""
        async with self._db() as db:
            found = await repository.message_and_conversation(db, message_id)
        return found[0] if found else None

    async def streaming_replies(self, older_than: dt.datetime, limit: int) -> list[uuid.UUID]:
        async with self._db() as db:
            return await repository.streaming_replies(db, older_than, limit)

    async def messages_page(
        self, conversation: Conversation, last: int, before: Position | None
    ) -> Page[Message]:
        """A page of a conversation already checked to be the caller's."""
        async with self._db() as db:
            return await repository.messages_page(db, conversation.id, last, before)

    # -- writes --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _write(self, user_id: uuid.UUID) -> AsyncIterator[_Unit]:
        async with self._db() as db:
            unit = _Unit(db)
            yield unit
            await db.commit()
        await self._changes.committed(user_id, unit.changes)

    async def create(self, user_id: uuid.UUID, changes: ConversationChanges) -> Conversation:
        provider = changes.ai_provider or self._providers.default_provider()
        self._check_configured(provider)
        model = (
            self._offered_model(provider, changes.ai_model)
            if changes.ai_model is not None
            else self._providers.default_model(provider)
        )
        conversation = Conversation(
            id=uuid.uuid4(),
            user_id=user_id,
            title=clean_title(changes.title, self._settings.title_max_chars)
            if changes.title is not None and changes.title.strip()
            else None,
            ai_provider=provider,
            ai_model=model,
            system_prompt=clean_system_prompt(
                changes.system_prompt, self._settings.system_prompt_max_chars
            ),
        )
        async with self._write(user_id) as unit:
            unit.db.add(conversation)
            unit.changed(conversation.id)
        return conversation

    async def update(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID, changes: ConversationChanges
    ) -> Conversation:
        async with self._write(user_id) as unit:
            conversation = check_owner(
                await repository.conversation(unit.db, conversation_id), user_id
            )
            if changes.title is not None:
                conversation.title = clean_title(changes.title, self._settings.title_max_chars)
            if changes.ai_provider is not None:
                self._check_configured(changes.ai_provider)
                if changes.ai_provider != conversation.ai_provider and changes.ai_model is None:
                    conversation.ai_model = self._providers.default_model(changes.ai_provider)
                conversation.ai_provider = changes.ai_provider
            if changes.ai_model is not None:
                conversation.ai_model = self._offered_model(
                    conversation.ai_provider, changes.ai_model
                )
            if changes.system_prompt is not None:
                # An empty string clears the prompt (the server default applies again).
                conversation.system_prompt = clean_system_prompt(
                    changes.system_prompt, self._settings.system_prompt_max_chars
                )
            await unit.db.flush()
            await unit.db.refresh(conversation)
            unit.changed(conversation.id)
        return conversation

    async def delete(self, user_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        async with self._write(user_id) as unit:
            conversation = check_owner(
                await repository.conversation(unit.db, conversation_id), user_id
            )
            await unit.db.delete(conversation)
            unit.deleted(conversation_id)

    async def prepare_reply(
        self,
        user_id: uuid.UUID,
        conversation_id: uuid.UUID,
        content: str,
        reply_id: uuid.UUID | None = None,
    ) -> PreparedReply:
        """Check everything, then store the user message and a STREAMING reply in one commit.
        `reply_id` is the reply's id when the caller chose it first (to hold its lease)."""
        text = clean_content(content, self._settings.message_max_chars)
        async with self._write(user_id) as unit:
            db = unit.db
            conversation = check_owner(await repository.conversation(db, conversation_id), user_id)
            client = self._client(conversation.ai_provider)
            # The operator may have withdrawn the model since the conversation chose it.
            self._offered_model(conversation.ai_provider, conversation.ai_model)
            earlier = await repository.history(
                db, conversation.id, self._settings.history_max_messages - 1
            )
            now = dt.datetime.now(dt.UTC)
            user_message = Message(
                id=uuid.uuid4(),
                conversation_id=conversation.id,
                role=MessageRole.USER,
                content=text,
                status=MessageStatus.COMPLETE,
                created_at=now,
            )
            assistant_message = Message(
                id=reply_id or uuid.uuid4(),
                conversation_id=conversation.id,
                role=MessageRole.ASSISTANT,
                content="",
                status=MessageStatus.STREAMING,
                provider=conversation.ai_provider,
                model=conversation.ai_model,
                attempts=0,
                # One microsecond later, so the pair sorts in the order it was written.
                created_at=now + dt.timedelta(microseconds=1),
            )
            db.add_all([user_message, assistant_message])
            # Set here rather than by the database, so the caller sees the values without a
            # refresh (ReplyStarted carries the conversation).
            conversation.updated_at = now
            if conversation.title is None:
                conversation.title = title_from_message(text)
            unit.changed(conversation.id)
            unit.reply_running(conversation.id, assistant_message.id)
        context = [
            ChatMessage(role=_ROLES[m.role], content=m.content) for m in [*earlier, user_message]
        ]
        return PreparedReply(
            conversation=conversation,
            user_message=user_message,
            assistant_message=assistant_message,
            client=client,
            system=conversation.system_prompt or self._settings.default_system_prompt,
            context=context,
        )

    async def finish_reply(
        self,
        prepared: PreparedReply,
        *,
        text: str,
        status: MessageStatus,
        facts: CallFacts,
        final_seq: int,
        error: str | None = None,
        error_status: int | None = None,
    ) -> Message | None:
        """The reply's one closing write: text, status, generation facts and the seq of its
        final event. None when the conversation was deleted while the reply ran."""
        message = prepared.assistant_message
        async with self._write(prepared.conversation.user_id) as unit:
            stored = await repository.finish_message(
                unit.db,
                message.id,
                content=text,
                status=status,
                facts=facts,
                error=error,
                error_status=error_status,
                final_seq=final_seq,
            )
            unit.changed(message.conversation_id)
        log.info(
            "reply stored",
            conversation_id=str(message.conversation_id),
            message_id=str(message.id),
            status=status.value,
        )
        return stored

    async def fail_abandoned(
        self, message_id: uuid.UUID, *, text: str, final_seq: int
    ) -> Message | None:
        """A reply whose process is gone: FAILED with the text it had. None when it was no
        longer STREAMING (its owner finished it after all) or its conversation is gone."""
        async with self._db() as db:
            stored = await repository.fail_abandoned(
                db, message_id, content=text, error=INTERRUPTED, final_seq=final_seq
            )
            conversation = (
                await repository.conversation(db, stored.conversation_id) if stored else None
            )
            await db.commit()
        if stored is None or conversation is None:
            return None
        await self._changes.committed(
            conversation.user_id, [Change(ChangeKind.CHANGED, conversation.id)]
        )
        log.warning("failed an abandoned reply", message_id=str(message_id))
        return stored

    # -- rules ---------------------------------------------------------------------------

    def _offered_model(self, provider: AIProvider, name: str) -> str:
        model = clean_model(name)
        if not self._providers.offers(provider, model):
            offered = ", ".join(self._providers.info(provider).models)
            raise InvalidInput(
                f"The model `{model}` is not offered for {provider.display_name}; "
                f"choose one of: {offered}.",
                field="ai_model",
            )
        return model

    def _check_configured(self, provider: AIProvider) -> None:
        if not self._providers.is_configured(provider):
            raise InvalidInput(
                f"The {provider.value} provider is not configured on this server.",
                field="ai_provider",
            )

    def _client(self, provider: AIProvider) -> ProviderClient:
        self._check_configured(provider)
        return self._providers.client(provider)
