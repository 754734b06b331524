"""Conversations and replies: ownership, validation, and what is stored when."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.ai import AIProvider, ChatMessage, ChatModel, ProviderRegistry, Role, Usage
from parley.cache import UserCacheGenerations
from parley.chat import repository
from parley.chat.models import Conversation, Message, MessageRole, MessageStatus
from parley.chat.validation import (
    clean_content,
    clean_model,
    clean_system_prompt,
    clean_title,
    title_from_message,
)
from parley.errors import BadUserInput, Forbidden, NotFound
from parley.settings import Settings

log = structlog.get_logger(__name__)
_ROLES: dict[MessageRole, Role] = {MessageRole.USER: "user", MessageRole.ASSISTANT: "assistant"}


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
    model: ChatModel
    system: str
    context: list[ChatMessage]


@dataclass(frozen=True)
class ReplyOutcome:
    text: str
    status: MessageStatus
    usage: Usage | None = None
    finish_reason: str | None = None
    latency_ms: int | None = None
    ttft_ms: int | None = None
    # Safe to show: a ProviderError's message, or a generic line for our own failures.
    error: str | None = None
    error_status: int | None = None


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
        sessions: async_sessionmaker[AsyncSession],
        providers: ProviderRegistry,
        cache: UserCacheGenerations,
    ) -> None:
        self._settings = settings
        self._db = sessions
        self._providers = providers
        self._cache = cache

    async def owned(
        self, db: AsyncSession, user_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> Conversation:
        return check_owner(await db.get(Conversation, conversation_id), user_id)

    async def create(self, user_id: uuid.UUID, changes: ConversationChanges) -> Conversation:
        provider = changes.ai_provider or self._providers.default_provider()
        self._check_configured(provider)
        model = (
            self._offered_model(provider, changes.ai_model)
            if changes.ai_model is not None
            else self._providers.default_model(provider)
        )
        conversation = Conversation(
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
        async with self._db() as db:
            db.add(conversation)
            await db.commit()
        await self._cache.bump(user_id)
        return conversation

    async def update(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID, changes: ConversationChanges
    ) -> Conversation:
        async with self._db() as db:
            conversation = await self.owned(db, user_id, conversation_id)
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
            await db.commit()
            await db.refresh(conversation)
        await self._cache.bump(user_id)
        return conversation

    async def delete(self, user_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        async with self._db() as db:
            conversation = await self.owned(db, user_id, conversation_id)
            await db.delete(conversation)
            await db.commit()
        await self._cache.bump(user_id)

    async def prepare_reply(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID, content: str
    ) -> PreparedReply:
        """Check everything, then store the user message and a STREAMING reply in one commit."""
        text = clean_content(content, self._settings.message_max_chars)
        async with self._db() as db:
            conversation = await self.owned(db, user_id, conversation_id)
            self._check_configured(conversation.ai_provider)
            # The operator may have withdrawn the model since the conversation chose it.
            self._offered_model(conversation.ai_provider, conversation.ai_model)
            model = self._providers.get(conversation.ai_provider)
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
                meta={},
                created_at=now,
            )
            assistant_message = Message(
                id=uuid.uuid4(),
                conversation_id=conversation.id,
                role=MessageRole.ASSISTANT,
                content="",
                status=MessageStatus.STREAMING,
                meta={
                    "provider": conversation.ai_provider.value,
                    "model": conversation.ai_model,
                },
                # One microsecond later, so the pair sorts in the order it was written.
                created_at=now + dt.timedelta(microseconds=1),
            )
            db.add_all([user_message, assistant_message])
            # Set here rather than by the database, so the caller sees the values without a
            # refresh (ReplyStarted carries the conversation).
            conversation.updated_at = now
            if conversation.title is None:
                conversation.title = title_from_message(text)
            await db.commit()
        await self._cache.bump(user_id)
        context = [
            ChatMessage(role=_ROLES[m.role], content=m.content)
            for m in [*earlier, user_message]
            if m.role in _ROLES
        ]
        return PreparedReply(
            conversation=conversation,
            user_message=user_message,
            assistant_message=assistant_message,
            model=model,
            system=conversation.system_prompt or self._settings.default_system_prompt,
            context=context,
        )

    async def finish_reply(self, prepared: PreparedReply, outcome: ReplyOutcome) -> Message:
        """The reply's one closing write: text, status, usage and metadata."""
        message = prepared.assistant_message
        meta: dict[str, Any] = {
            **message.meta,
            "promptTokens": outcome.usage.prompt_tokens if outcome.usage else None,
            "completionTokens": outcome.usage.completion_tokens if outcome.usage else None,
            "finishReason": outcome.finish_reason,
            "latencyMs": outcome.latency_ms,
            "ttftMs": outcome.ttft_ms,
        }
        if outcome.error is not None:
            meta["error"] = outcome.error
            meta["errorStatus"] = outcome.error_status
        async with self._db() as db:
            await db.execute(
                update(Message)
                .where(Message.id == message.id)
                .values(
                    content=outcome.text,
                    status=outcome.status,
                    tokens_used=outcome.usage.total_tokens if outcome.usage else None,
                    meta=meta,
                )
            )
            await db.commit()
        await self._cache.bump(prepared.conversation.user_id)
        stored = Message(
            id=message.id,
            conversation_id=message.conversation_id,
            role=message.role,
            content=outcome.text,
            status=outcome.status,
            tokens_used=outcome.usage.total_tokens if outcome.usage else None,
            meta=meta,
            created_at=message.created_at,
        )
        log.info(
            "reply stored",
            conversation_id=str(message.conversation_id),
            message_id=str(message.id),
            status=outcome.status.value,
        )
        return stored

    async def fail_stale_streams(self) -> int:
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(
            minutes=self._settings.streaming_stale_minutes
        )
        async with self._db() as db:
            count = await repository.fail_stale_streams(db, cutoff)
            await db.commit()
        if count:
            log.warning("marked interrupted replies as failed", count=count)
        return count

    def _offered_model(self, provider: AIProvider, name: str) -> str:
        model = clean_model(name)
        if not self._providers.offers(provider, model):
            offered = ", ".join(self._providers.info(provider).models)
            raise BadUserInput(
                f"The model `{model}` is not offered for {provider.display_name}; "
                f"choose one of: {offered}.",
                field="aiModel",
            )
        return model

    def _check_configured(self, provider: AIProvider) -> None:
        if not self._providers.is_configured(provider):
            raise BadUserInput(
                f"The {provider.value} provider is not configured on this server.",
                field="aiProvider",
            )
