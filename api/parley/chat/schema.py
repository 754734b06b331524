"""The chat part of the GraphQL schema: providers, conversations, messages and replies."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncGenerator
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from parley.ai import AIProvider
from parley.ai import ProviderInfo as ProviderInfoData
from parley.chat import repository
from parley.chat.cursors import decode_cursor, encode_cursor, parse_id
from parley.chat.loaders import chat_loaders
from parley.chat.models import Conversation as ConversationRow
from parley.chat.models import Message as MessageRow
from parley.chat.models import MessageRole, MessageStatus
from parley.chat.replies import Done, TextDelta, run_reply
from parley.chat.repository import ConversationSummary
from parley.chat.service import ConversationChanges, check_owner
from parley.errors import BadUserInput, ProviderFailed
from parley.graphql.context import Context

strawberry.enum(AIProvider, name="AIProvider")
strawberry.enum(MessageRole)
strawberry.enum(MessageStatus)

UNTITLED = "New chat"
MAX_PAGE = 100


def _page_size(value: int, name: str) -> int:
    if not 1 <= value <= MAX_PAGE:
        raise BadUserInput(f"`{name}` must be between 1 and {MAX_PAGE}.", field=name)
    return value


@strawberry.type
class ProviderInfo:
    provider: AIProvider
    display_name: str
    configured: bool = strawberry.field(
        description="True when the server has what this provider needs (key, base URL)."
    )
    default_model: str
    models: list[str]
    is_default: bool = strawberry.field(
        description="True for the provider new conversations get when none is chosen."
    )
    accepts_any_model: bool = strawberry.field(
        description="True when any model name is accepted, not only those in `models`."
    )

    @classmethod
    def from_data(cls, info: ProviderInfoData, default: AIProvider) -> ProviderInfo:
        return cls(
            provider=info.provider,
            display_name=info.display_name,
            configured=info.configured,
            default_model=info.default_model,
            models=list(info.models),
            is_default=info.provider is default,
            accepts_any_model=info.accepts_any_model,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Message:
    id: strawberry.ID
    conversation_id: strawberry.ID
    role: MessageRole
    content: str
    status: MessageStatus
    tokens_used: int | None = strawberry.field(
        description=(
            "Tokens the provider reported for the call that produced this message "
            "(assistant messages)."
        )
    )
    metadata: JSON | None = strawberry.field(
        description="Provider, model, prompt/completion tokens, latency, finish reason, error."
    )
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: MessageRow) -> Message:
        return cls(
            id=strawberry.ID(str(row.id)),
            conversation_id=strawberry.ID(str(row.conversation_id)),
            role=row.role,
            content=row.content,
            status=row.status,
            tokens_used=row.tokens_used,
            metadata=JSON(row.meta) if row.meta else None,
            created_at=row.created_at,
        )


@strawberry.type
class MessageEdge:
    cursor: str
    node: Message


@strawberry.type
class MessageConnection:
    edges: list[MessageEdge]
    page_info: PageInfo


@strawberry.type
class Conversation:
    id: strawberry.ID
    title: str
    ai_provider: AIProvider
    ai_model: str
    system_prompt: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    # What a page query already fetched for this conversation, if it came from one.
    summary: strawberry.Private[ConversationSummary | None] = None

    @classmethod
    def from_row(
        cls, row: ConversationRow, summary: ConversationSummary | None = None
    ) -> Conversation:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title or UNTITLED,
            ai_provider=row.ai_provider,
            ai_model=row.ai_model,
            system_prompt=row.system_prompt,
            created_at=row.created_at,
            updated_at=row.updated_at,
            summary=summary,
        )

    @property
    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(str(self.id))

    # Plain (sync) resolvers: on a page every value is already here, and an async resolver
    # per field and row costs a coroutine and a future each. Elsewhere they hand graphql-core
    # the batching loader's awaitable, which it awaits; the cast keeps the field's type.
    @strawberry.field
    def message_count(self) -> int:
        if self.summary is not None:
            return self.summary.message_count
        return cast(int, chat_loaders().message_count.load(self._uuid))

    @strawberry.field
    def last_message(self) -> Message | None:
        if self.summary is not None:
            row = self.summary.last_message
            return Message.from_row(row) if row else None
        return cast(Message | None, self._load_last_message())

    async def _load_last_message(self) -> Message | None:
        row = await chat_loaders().last_message.load(self._uuid)
        return Message.from_row(row) if row else None

    @strawberry.field(
        description="Newest messages, oldest first within the page; page backwards with `before`."
    )
    async def messages(
        self, info: Info[Context, None], last: int = 50, before: str | None = None
    ) -> MessageConnection:
        size = _page_size(last, "last")
        position = decode_cursor(before, "before") if before else None
        async with info.context.state.sessions() as db:
            rows = await repository.messages_page(db, self._uuid, size, position)
        has_older = len(rows) > size
        page = list(reversed(rows[:size]))
        edges = [
            MessageEdge(cursor=encode_cursor(m.created_at, m.id), node=Message.from_row(m))
            for m in page
        ]
        return MessageConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=before is not None,
                has_previous_page=has_older,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


@strawberry.type
class ConversationEdge:
    cursor: str
    node: Conversation


@strawberry.type
class ConversationConnection:
    edges: list[ConversationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CreateConversationInput:
    title: str | None = None
    ai_provider: AIProvider | None = None
    ai_model: str | None = None
    system_prompt: str | None = None

    def changes(self) -> ConversationChanges:
        return ConversationChanges(self.title, self.ai_provider, self.ai_model, self.system_prompt)


@strawberry.input
class UpdateConversationInput(CreateConversationInput):
    pass


@strawberry.type
class SendMessagePayload:
    user_message: Message
    assistant_message: Message


@strawberry.type(
    description="First event of a reply: the stored user message and the id the reply will have."
)
class ReplyStarted:
    user_message: Message
    assistant_message_id: strawberry.ID
    conversation: Conversation = strawberry.field(
        description="The conversation as the message left it (a first message names it)."
    )


@strawberry.type(description="A piece of reply text, in order.")
class ReplyDelta:
    assistant_message_id: strawberry.ID
    text: str


@strawberry.type(description="Last event of a finished reply: the stored assistant message.")
class ReplyCompleted:
    message: Message


@strawberry.type(
    description=(
        "Last event of a failed reply: the stored assistant message "
        "(status FAILED, partial text kept)."
    )
)
class ReplyFailed:
    message: Message
    code: str
    error: str


ReplyEvent = Annotated[
    ReplyStarted | ReplyDelta | ReplyCompleted | ReplyFailed, strawberry.union("ReplyEvent")
]


@strawberry.type
class ChatQuery:
    @strawberry.field
    def providers(self, info: Info[Context, None]) -> list[ProviderInfo]:
        registry = info.context.state.providers
        default = registry.default_provider()
        return [ProviderInfo.from_data(p, default) for p in registry.infos()]

    @strawberry.field(
        description="The caller's conversations, most recently updated first. first: 1..100."
    )
    async def conversations(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> ConversationConnection:
        user_id = await info.context.user_id()
        size = _page_size(first, "first")
        position = decode_cursor(after, "after") if after else None
        async with info.context.state.sessions() as db:
            page = await repository.conversations_page(db, user_id, size, position)
            total = page.total
            if total is None:  # an empty page past the end still owes the total
                total = 0 if after is None else await repository.count_conversations(db, user_id)
        rows = page.rows
        edges = [
            ConversationEdge(
                cursor=encode_cursor(summary.conversation.updated_at, summary.conversation.id),
                node=Conversation.from_row(summary.conversation, summary),
            )
            for summary in rows[:size]
        ]
        return ConversationConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

    @strawberry.field
    async def conversation(self, info: Info[Context, None], id: strawberry.ID) -> Conversation:
        user_id = await info.context.user_id()
        # Through a loader: several `conversation` fields in one document cost one lookup.
        row = await chat_loaders().conversation.load(parse_id(id))
        return Conversation.from_row(check_owner(row, user_id))


@strawberry.type
class ChatMutation:
    @strawberry.mutation
    async def create_conversation(
        self, info: Info[Context, None], input: CreateConversationInput
    ) -> Conversation:
        user_id = await info.context.user_id()
        return Conversation.from_row(await info.context.chat.create(user_id, input.changes()))

    @strawberry.mutation
    async def update_conversation(
        self, info: Info[Context, None], id: strawberry.ID, input: UpdateConversationInput
    ) -> Conversation:
        user_id = await info.context.user_id()
        row = await info.context.chat.update(user_id, parse_id(id), input.changes())
        return Conversation.from_row(row)

    @strawberry.mutation(description="Returns the id of the deleted conversation.")
    async def delete_conversation(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> strawberry.ID:
        user_id = await info.context.user_id()
        await info.context.chat.delete(user_id, parse_id(id))
        return id

    @strawberry.mutation(
        description=(
            "Non-streaming: stores the user message, asks the provider, stores and returns both."
        )
    )
    async def send_message(
        self, info: Info[Context, None], conversation_id: strawberry.ID, content: str
    ) -> SendMessagePayload:
        ctx = info.context
        user_id = await ctx.user_id()
        await ctx.limit_messages(user_id)
        prepared = await ctx.chat.prepare_reply(
            user_id, parse_id(conversation_id, "conversationId"), content
        )
        chat_loaders().forget(prepared.conversation.id)
        async for event in run_reply(ctx.chat, prepared):
            if isinstance(event, Done):
                if event.error is not None:
                    raise ProviderFailed(event.error.message, provider=event.error.provider.value)
                return SendMessagePayload(
                    user_message=Message.from_row(prepared.user_message),
                    assistant_message=Message.from_row(event.message),
                )
        raise RuntimeError("a reply ended without an outcome")


@strawberry.type
class ChatSubscription:
    @strawberry.subscription(
        description=(
            "Streams one reply: ReplyStarted, then ReplyDelta*, then ReplyCompleted or "
            "ReplyFailed.\nCompleting the subscription early stops generation; the partial "
            "reply is stored as STOPPED."
        )
    )
    async def generate_reply(
        self, info: Info[Context, None], conversation_id: strawberry.ID, content: str
    ) -> AsyncGenerator[ReplyEvent, None]:
        ctx = info.context
        user_id = await ctx.user_id()
        await ctx.limit_messages(user_id)
        prepared = await ctx.chat.prepare_reply(
            user_id, parse_id(conversation_id, "conversationId"), content
        )
        reply_id = strawberry.ID(str(prepared.assistant_message.id))
        yield ReplyStarted(
            user_message=Message.from_row(prepared.user_message),
            assistant_message_id=reply_id,
            conversation=Conversation.from_row(prepared.conversation),
        )
        async with contextlib.aclosing(run_reply(ctx.chat, prepared)) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    yield ReplyDelta(assistant_message_id=reply_id, text=event.text)
                elif event.error is not None:
                    yield ReplyFailed(
                        message=Message.from_row(event.message),
                        code="PROVIDER_ERROR",
                        error=event.error.message,
                    )
                else:
                    yield ReplyCompleted(message=Message.from_row(event.message))
