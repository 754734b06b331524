"""The chat part of the GraphQL schema's roots: each resolver maps arguments to one service
call and its answer to types (see `types`); the service decides, the repository queries."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from parley.ai import AIProvider
from parley.chat.replies import ReplyEnded, run_reply, started
from parley.chat.service import ConversationChanges, check_owner
from parley.chat.types import (
    Conversation,
    ConversationConnection,
    ConversationEdge,
    Message,
    ProviderInfo,
    ReplyEvent,
    SendMessagePayload,
    reply_event,
)
from parley.errors import ProviderFailed
from parley.graphql.connections import decode_cursor, edges, page_size, parse_id
from parley.graphql.context import Context


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
        ctx = info.context
        page = await ctx.chat.conversations_page(
            await ctx.user_id(), page_size(first, "first"), decode_cursor(after, "after")
        )
        pairs, page_info = edges(
            page,
            position=lambda s: (s.conversation.updated_at, s.conversation.id),
            direction="forward",
            continued=after is not None,
        )
        return ConversationConnection(
            edges=[
                ConversationEdge(cursor=c, node=Conversation.from_row(s.conversation, s))
                for c, s in pairs
            ],
            page_info=page_info,
            total_count=page.total or 0,
        )

    @strawberry.field
    async def conversation(self, info: Info[Context, None], id: strawberry.ID) -> Conversation:
        ctx = info.context
        user_id = await ctx.user_id()
        # Through a loader: several `conversation` fields in one document cost one lookup.
        row = await ctx.chat_loaders.conversation.load(parse_id(id))
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
            user_id, parse_id(conversation_id, "conversation_id"), content
        )
        ctx.chat_loaders.forget(prepared.conversation.id)
        async with contextlib.aclosing(run_reply(ctx.chat, prepared)) as events:
            async for event in events:
                if not isinstance(event, ReplyEnded):
                    continue
                if event.error is not None:
                    raise ProviderFailed(
                        event.error, provider=prepared.conversation.ai_provider.value
                    )
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
            user_id, parse_id(conversation_id, "conversation_id"), content
        )
        yield reply_event(started(prepared))
        async with contextlib.aclosing(run_reply(ctx.chat, prepared)) as events:
            async for event in events:
                yield reply_event(event)
