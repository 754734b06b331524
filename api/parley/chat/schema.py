"""The chat part of the GraphQL schema's roots: each resolver maps arguments to one service
call and its answer to types (see `types`); the service decides, the repository queries."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import Annotated

import strawberry
from redis.exceptions import RedisError
from strawberry.types import Info

from parley.ai import AIProvider
from parley.changes import ChangeKind
from parley.chat import replies
from parley.chat.loaders import ChatLoaders
from parley.chat.reply_jobs import ReplyJob
from parley.chat.reply_log import GONE, EventKind, LogEvent
from parley.chat.reply_requests import clean_request_id
from parley.chat.service import ConversationChanges, check_owner
from parley.chat.tables import Message as MessageRow
from parley.chat.tables import MessageStatus
from parley.chat.types import (
    Conversation,
    ConversationChanged,
    ConversationConnection,
    ConversationDeleted,
    ConversationEdge,
    ConversationEvent,
    ExportFormat,
    Message,
    ProviderInfo,
    ReplyDelta,
    ReplyEvent,
    ReplyRunning,
    SendMessagePayload,
    reply_event,
)
from parley.errors import UNREACHABLE, InvalidInput, NotFound, ProviderFailed, Unavailable
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

    @strawberry.field(
        description="The conversation's current branch as a document (JSON: the whole tree)."
    )
    async def export_conversation(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        format: ExportFormat = ExportFormat.MARKDOWN,
    ) -> str:
        ctx = info.context
        user_id = await ctx.user_id()
        return await ctx.chat.export(user_id, parse_id(id), format.name)

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
            "Shows the branch through a message: the conversation's current message becomes "
            "the newest message beneath it."
        )
    )
    async def select_branch(
        self, info: Info[Context, None], message_id: strawberry.ID
    ) -> Conversation:
        ctx = info.context
        user_id = await ctx.user_id()
        row = await ctx.chat.select_branch(user_id, parse_id(message_id, "message_id"))
        ctx.chat_loaders.forget(row.id)
        return Conversation.from_row(row)

    @strawberry.mutation(
        description=(
            "Copies the branch from the first message down to this one into a new conversation "
            "of the caller's (same provider, model and system prompt)."
        )
    )
    async def fork_conversation(
        self, info: Info[Context, None], message_id: strawberry.ID
    ) -> Conversation:
        ctx = info.context
        user_id = await ctx.user_id()
        await ctx.limit_forks(user_id)
        return Conversation.from_row(
            await ctx.chat.fork(user_id, parse_id(message_id, "message_id"))
        )

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
        # A job like generateReply's (a lease, one per conversation, stoppable, followable):
        # this request only waits for its end, and the reply outlives a client that leaves.
        job = await ctx.replies.jobs.start(
            user_id, parse_id(conversation_id, "conversation_id"), content
        )
        if isinstance(job, uuid.UUID):  # only a clientRequestId names an earlier reply
            raise RuntimeError("a reply started without a request id was found again")
        prepared = job.prepared
        ctx.chat_loaders.forget(prepared.conversation.id)
        await job.done.wait()
        if job.end is not None and job.end.status == GONE:
            raise NotFound(replies.GONE)
        if job.outcome is None:
            # The closing write could not be made (retries spent): a reaper fails it later.
            raise Unavailable(UNREACHABLE)
        end = replies.ended(job.outcome)
        if end.error is not None:
            raise ProviderFailed(end.error, provider=prepared.conversation.ai_provider.value)
        return SendMessagePayload(
            user_message=Message.from_row(prepared.user_message),
            assistant_message=Message.from_row(job.outcome),
        )

    @strawberry.mutation(
        description=(
            "Stops a running reply; returns the stored message (already final if the reply "
            "had ended)."
        )
    )
    async def stop_reply(self, info: Info[Context, None], message_id: strawberry.ID) -> Message:
        ctx = info.context
        user_id = await ctx.user_id()
        reply_id = parse_id(message_id, "message_id")
        message, _ = await ctx.chat.own_message(user_id, reply_id)
        return Message.from_row(await ctx.replies.stop(reply_id, message))


# How long a retried generateReply waits for the reply its clientRequestId started to be
# stored (the first call claims the id a few milliseconds before it writes the reply).
_RETRY_WAIT_SECONDS = 5.0


async def _shown(
    ctx: Context, user_id: uuid.UUID, reply_id: uuid.UUID, event: LogEvent
) -> ReplyEvent:
    """A logged event as the GraphQL type shows it (reading what the log only names)."""
    if event.kind is EventKind.DELTA:
        return ReplyDelta(
            seq=event.seq, assistant_message_id=strawberry.ID(str(reply_id)), text=event.text
        )
    if event.kind is EventKind.STARTED:
        user_message, conversation = await ctx.chat.own_message(
            user_id, uuid.UUID(event.user_message_id)
        )
        return reply_event(replies.ReplyStarted(0, conversation, user_message, reply_id))
    if event.status == GONE:
        raise NotFound(replies.GONE)
    message = event.message or (await ctx.chat.own_message(user_id, reply_id))[0]
    return reply_event(replace(replies.ended(message), seq=event.seq))


async def _own_reply(
    ctx: Context, user_id: uuid.UUID, reply_id: uuid.UUID, wait: float = 0.0
) -> MessageRow:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            message, _ = await ctx.chat.own_message(user_id, reply_id)
        except NotFound:
            if loop.time() >= deadline:
                raise
            await asyncio.sleep(0.05)
            continue
        return message


async def _follow(
    ctx: Context, user_id: uuid.UUID, reply_id: uuid.UUID, after: int | None, wait: float = 0.0
) -> AsyncGenerator[ReplyEvent, None]:
    """A reply's events after `after`, live; its stored final event alone when the reply
    ended and its events are no longer kept."""
    message = await _own_reply(ctx, user_id, reply_id, wait)
    durable = ctx.replies
    if message.status is not MessageStatus.STREAMING and durable.jobs.local(reply_id) is None:
        try:
            kept = await durable.log.exists(reply_id)
        except RedisError:
            kept = False
        if not kept:
            yield reply_event(replies.ended(message))
            return
    async with contextlib.aclosing(durable.follow(reply_id, after)) as events:
        async for event in events:
            yield await _shown(ctx, user_id, reply_id, event)


async def _started_or_followed(
    ctx: Context, user_id: uuid.UUID, job: ReplyJob | uuid.UUID
) -> AsyncGenerator[ReplyEvent, None]:
    """A new job's events from its start; for a retry or double submit (an id), the events
    of the reply its clientRequestId started."""
    if isinstance(job, uuid.UUID):
        follow = _follow(ctx, user_id, job, None, wait=_RETRY_WAIT_SECONDS)
    else:
        ctx.chat_loaders.forget(job.prepared.conversation.id)
        yield reply_event(replies.started(job.prepared))
        follow = _follow(ctx, user_id, job.reply_id, 0)
    async with contextlib.aclosing(follow) as events:
        async for event in events:
            yield event


@strawberry.type
class ChatSubscription:
    @strawberry.subscription(
        description=(
            "Starts one reply and follows it: ReplyStarted, then ReplyDelta*, then "
            "ReplyCompleted or ReplyFailed. Leaving only detaches: the reply runs on and is "
            "stored. A clientRequestId this user used in the last 24 hours starts nothing and "
            "follows the reply that id started."
        )
    )
    async def generate_reply(
        self,
        info: Info[Context, None],
        conversation_id: strawberry.ID,
        content: str,
        client_request_id: str | None = None,
        parent_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description=(
                    "The message this turn follows; default the current branch's last message. "
                    "To edit a user message: its parent, or the conversation's id when it is "
                    "the first message (null means the default)."
                )
            ),
        ] = None,
    ) -> AsyncGenerator[ReplyEvent, None]:
        ctx = info.context
        user_id = await ctx.user_id()
        request_id = clean_request_id(client_request_id) if client_request_id is not None else None
        await ctx.limit_messages(user_id)
        job = await ctx.replies.jobs.start(
            user_id,
            parse_id(conversation_id, "conversation_id"),
            content,
            request_id,
            parent_id=parse_id(parent_id, "parent_id") if parent_id is not None else None,
        )
        async with contextlib.aclosing(_started_or_followed(ctx, user_id, job)) as events:
            async for event in events:
                yield event

    @strawberry.subscription(
        description=(
            "Asks again: a new version of an assistant message (same parent), streamed like "
            "generateReply's reply and made current. A clientRequestId works as there."
        )
    )
    async def regenerate_reply(
        self,
        info: Info[Context, None],
        message_id: strawberry.ID,
        client_request_id: str | None = None,
    ) -> AsyncGenerator[ReplyEvent, None]:
        ctx = info.context
        user_id = await ctx.user_id()
        request_id = clean_request_id(client_request_id) if client_request_id is not None else None
        await ctx.limit_messages(user_id)
        job = await ctx.replies.jobs.regenerate(
            user_id, parse_id(message_id, "message_id"), request_id
        )
        async with contextlib.aclosing(_started_or_followed(ctx, user_id, job)) as events:
            async for event in events:
                yield event

    @strawberry.subscription(
        description=(
            "Follows one of the caller's replies, running or finished, from any API process: "
            "the events with seq > `after`, then live ones up to the final event."
        )
    )
    async def reply_events(
        self, info: Info[Context, None], message_id: strawberry.ID, after: int | None = None
    ) -> AsyncGenerator[ReplyEvent, None]:
        ctx = info.context
        user_id = await ctx.user_id()
        if after is not None and after < 0:
            raise InvalidInput("after must be 0 or more.", field="after")
        reply_id = parse_id(message_id, "message_id")
        async with contextlib.aclosing(_follow(ctx, user_id, reply_id, after)) as events:
            async for event in events:
                yield event

    @strawberry.subscription(
        description=(
            "Every change to the caller's conversations, delivered to all of the caller's tabs "
            "and devices.\nEnds with UNAUTHENTICATED once the socket's token has expired or its "
            "session was logged out (checked at each event): subscribe again on a fresh socket."
        )
    )
    async def conversation_events(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[ConversationEvent, None]:
        ctx = info.context
        user_id = await ctx.user_id()
        async with ctx.state.conversation_events.listen(user_id) as inbox:
            while True:
                change = await inbox.get()
                # The socket outlives its token: deliver only while the caller is signed in.
                await ctx.auth.authenticate(ctx.bearer())
                match change.kind:
                    case ChangeKind.DELETED:
                        yield ConversationDeleted(id=strawberry.ID(str(change.conversation_id)))
                    case ChangeKind.REPLY_RUNNING if change.message_id is not None:
                        yield ReplyRunning(
                            conversation_id=strawberry.ID(str(change.conversation_id)),
                            assistant_message_id=strawberry.ID(str(change.message_id)),
                        )
                    case ChangeKind.CHANGED:
                        # Read as the caller, now: the channel carries ids only. Loaders cache per
                        # operation, and this operation lasts: fresh ones for each event.
                        ctx.loaders = ChatLoaders(ctx.chat)
                        [row] = await ctx.chat.conversations_by_id([change.conversation_id])
                        if row is not None and row.user_id == user_id:  # else deleted since
                            yield ConversationChanged(conversation=Conversation.from_row(row))
