"""The chat domain's GraphQL types: how its rows and reply events are shown."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated, cast

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.scalars import JSON
from strawberry.types import Info

from parley.ai import AIProvider
from parley.ai import ProviderInfo as ProviderInfoData
from parley.chat import replies
from parley.chat.repository import ConversationSummary
from parley.chat.tables import Conversation as ConversationRow
from parley.chat.tables import Message as MessageRow
from parley.chat.tables import MessageStatus
from parley.graphql.connections import PageInfo, decode_cursor, edges, page_size
from parley.graphql.context import Context

strawberry.enum(AIProvider, name="AIProvider")
strawberry.enum(MessageStatus)

UNTITLED = "New chat"


@strawberry.enum
class MessageRole(enum.Enum):
    # The contract's roles; the domain's `MessageRole` has only those it stores.
    SYSTEM = strawberry.enum_value(
        "SYSTEM",
        description="Reserved: a conversation keeps its instructions as `systemPrompt`, so "
        "no stored message has this role.",
    )
    USER = "USER"
    ASSISTANT = "ASSISTANT"


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


@strawberry.type(description="How an assistant message was produced.")
class Generation:
    provider: AIProvider = strawberry.field(
        description="The provider and model that answered, after any fallback."
    )
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None
    usage_estimated: bool = strawberry.field(
        description="The token counts are the server's conservative estimate, not the "
        "provider's: the reply stopped or failed before the provider counted them."
    )
    latency_ms: int | None
    time_to_first_token_ms: int | None
    finish_reason: str | None
    attempts: int = strawberry.field(
        description="Provider calls made for this reply, retries and fallbacks included."
    )
    fallback_from: AIProvider | None = strawberry.field(
        description="The conversation's own provider when another one answered; else null."
    )
    error: str | None = strawberry.field(
        description="Why the reply failed or stopped early, when it did (safe to show)."
    )

    @classmethod
    def from_row(cls, row: MessageRow) -> Generation | None:
        """The typed columns of an assistant message; None for a user message."""
        if row.provider is None or row.model is None:
            return None
        return cls(
            provider=row.provider,
            model=row.model,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
            usage_estimated=bool(row.usage_estimated),
            latency_ms=row.latency_ms,
            time_to_first_token_ms=row.ttft_ms,
            finish_reason=row.finish_reason,
            attempts=row.attempts or 0,
            fallback_from=row.fallback_from,
            error=row.error,
        )


def _metadata(row: MessageRow, generation: Generation) -> dict[str, object]:
    """The old JSON shape of `Message.metadata`, kept for clients that still read it."""
    values: dict[str, object] = {
        "provider": generation.provider.value,
        "model": generation.model,
        "promptTokens": generation.prompt_tokens,
        "completionTokens": generation.completion_tokens,
        "usageEstimated": generation.usage_estimated,
        "finishReason": generation.finish_reason,
        "latencyMs": generation.latency_ms,
        "ttftMs": generation.time_to_first_token_ms,
        "attempts": generation.attempts,
    }
    if generation.error is not None:
        values.update(error=generation.error, errorStatus=row.error_status)
    return values


@strawberry.type
class Message:
    id: strawberry.ID
    conversation_id: strawberry.ID
    role: MessageRole
    content: str
    status: MessageStatus
    created_at: dt.datetime
    generation: Generation | None = strawberry.field(description="Null for user messages.")
    parent_id: strawberry.ID | None = strawberry.field(
        description="The message this one follows; null for a conversation's first message."
    )

    @strawberry.field(
        description=(
            "Tokens the provider reported for the call that produced this message "
            "(assistant messages)."
        )
    )
    def tokens_used(self) -> int | None:
        g = self.generation
        if g is None or g.prompt_tokens is None or g.completion_tokens is None:
            return None
        return g.prompt_tokens + g.completion_tokens

    @strawberry.field(
        description="Provider, model, prompt/completion tokens, latency, finish reason, error.",
        deprecation_reason="Use `generation`: the same facts, typed.",
    )
    def metadata(self) -> JSON | None:
        return JSON(self._metadata) if self._metadata else None

    _metadata: strawberry.Private[dict[str, object] | None] = None
    _row_id: strawberry.Private[uuid.UUID | None] = None
    # What a messages page already fetched: the ids of this turn's versions, oldest first.
    _siblings: strawberry.Private[list[uuid.UUID] | None] = None

    # Plain resolvers for the same reason as Conversation's: on a page the siblings are
    # already here; elsewhere graphql-core awaits the batching loader's awaitable.
    @strawberry.field(
        description=(
            "The versions of this turn (same parent, same role), oldest first, this one included."
        )
    )
    def sibling_ids(self, info: Info[Context, None]) -> list[strawberry.ID]:
        if self._siblings is not None:
            return [strawberry.ID(str(i)) for i in self._siblings]
        return cast(list[strawberry.ID], self._load_siblings(info.context, as_index=False))

    @strawberry.field(description="1-based place of this message among siblingIds.")
    def sibling_index(self, info: Info[Context, None]) -> int:
        if self._siblings is not None:
            return self._siblings.index(self._own_id) + 1
        return cast(int, self._load_siblings(info.context, as_index=True))

    @property
    def _own_id(self) -> uuid.UUID:
        return self._row_id or uuid.UUID(str(self.id))

    async def _load_siblings(
        self, context: Context, *, as_index: bool
    ) -> list[strawberry.ID] | int:
        siblings = await context.chat_loaders.siblings.load(self._own_id)
        if as_index:
            return siblings.index(self._own_id) + 1
        return [strawberry.ID(str(i)) for i in siblings]

    @classmethod
    def from_row(cls, row: MessageRow, siblings: list[uuid.UUID] | None = None) -> Message:
        generation = Generation.from_row(row)
        return cls(
            id=strawberry.ID(str(row.id)),
            conversation_id=strawberry.ID(str(row.conversation_id)),
            role=MessageRole(row.role.value),
            content=row.content,
            status=row.status,
            created_at=row.created_at,
            generation=generation,
            parent_id=strawberry.ID(str(row.parent_id)) if row.parent_id else None,
            _metadata=_metadata(row, generation) if generation else None,
            _row_id=row.id,
            _siblings=siblings,
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
    current_message_id: strawberry.ID | None = strawberry.field(
        description="The last message of the branch shown; null for an empty conversation."
    )
    row: strawberry.Private[ConversationRow]
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
            current_message_id=(
                strawberry.ID(str(row.current_message_id)) if row.current_message_id else None
            ),
            row=row,
            summary=summary,
        )

    # Plain (sync) resolvers: on a page every value is already here, and an async resolver
    # per field and row costs a coroutine and a future each. Elsewhere they hand graphql-core
    # the batching loader's awaitable, which it awaits; the cast keeps the field's type.
    @strawberry.field
    def message_count(self, info: Info[Context, None]) -> int:
        if self.summary is not None:
            return self.summary.message_count
        return cast(int, info.context.chat_loaders.message_count.load(self.row.id))

    @strawberry.field
    def last_message(self, info: Info[Context, None]) -> Message | None:
        if self.summary is not None:
            row = self.summary.last_message
            return Message.from_row(row) if row else None
        return cast(Message | None, self._load_last_message(info.context, self.row.id))

    @staticmethod
    async def _load_last_message(context: Context, conversation_id: uuid.UUID) -> Message | None:
        row = await context.chat_loaders.last_message.load(conversation_id)
        return Message.from_row(row) if row else None

    @strawberry.field(
        description=(
            "The current branch (first message to currentMessageId): newest messages, oldest "
            "first within the page; page backwards with `before`."
        )
    )
    async def messages(
        self, info: Info[Context, None], last: int = 50, before: str | None = None
    ) -> MessageConnection:
        # Through a loader: a page of conversations asks for all their messages at once.
        page = await info.context.chat_loaders.messages_page(
            self.row.id,
            page_size(last, "last"),
            decode_cursor(before, "before"),
            answers_text=_selects_content(info),
        )
        pairs, page_info = edges(
            page,
            position=lambda m: (m.message.created_at, m.message.id),
            direction="backward",
            continued=before is not None,
        )
        return MessageConnection(
            edges=[
                MessageEdge(cursor=c, node=Message.from_row(m.message, m.sibling_ids))
                for c, m in pairs
            ],
            page_info=page_info,
        )


def _selects_content(info: Info[Context, None]) -> bool:
    """Whether this `messages` field asks for `edges { node { content } }` (fragments
    included): only then does its text count towards the response's size."""
    raw = info._raw_info
    found = [node.selection_set for node in raw.field_nodes if node.selection_set]
    for name in ("edges", "node", "content"):
        found = _fields_named(found, name, raw.fragments)
    return bool(found)


def _fields_named(
    sets: list[SelectionSetNode],
    name: str,
    fragments: dict[str, FragmentDefinitionNode],
) -> list[SelectionSetNode]:
    """The selection sets of the fields called `name` in these sets (a leaf: an empty one)."""
    found: list[SelectionSetNode] = []
    pending = list(sets)
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == name:
                    found.append(selection.selection_set or SelectionSetNode(selections=()))
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                spread = selection.name.value
                if spread not in seen and spread in fragments:
                    seen.add(spread)
                    pending.append(fragments[spread].selection_set)
    return found


@strawberry.type
class ConversationEdge:
    cursor: str
    node: Conversation


@strawberry.type
class ConversationConnection:
    edges: list[ConversationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class SendMessagePayload:
    user_message: Message
    assistant_message: Message


@strawberry.type(
    description="First event of a reply: the stored user message and the id the reply will have."
)
class ReplyStarted:
    seq: int = strawberry.field(description="Always 0: the first event of a reply.")
    user_message: Message
    assistant_message_id: strawberry.ID
    conversation: Conversation = strawberry.field(
        description="The conversation as the message left it (a first message names it)."
    )


@strawberry.type(description="A piece of reply text, in order.")
class ReplyDelta:
    seq: int = strawberry.field(
        description="1, 2, ... in order; a merged delta carries the seq of its last piece."
    )
    assistant_message_id: strawberry.ID
    text: str


@strawberry.type(
    description="Final event of a COMPLETE or STOPPED reply (message.status tells which)."
)
class ReplyCompleted:
    seq: int = strawberry.field(description="The highest seq of the reply.")
    message: Message


@strawberry.type(
    description=(
        "Last event of a failed reply: the stored assistant message "
        "(status FAILED, partial text kept)."
    )
)
class ReplyFailed:
    seq: int = strawberry.field(description="The highest seq of the reply.")
    message: Message
    code: str
    error: str


ReplyEvent = Annotated[
    ReplyStarted | ReplyDelta | ReplyCompleted | ReplyFailed, strawberry.union("ReplyEvent")
]

REPLY_FAILED_CODE = "PROVIDER_ERROR"


def reply_event(
    event: replies.ReplyEvent,
) -> ReplyStarted | ReplyDelta | ReplyCompleted | ReplyFailed:
    """The GraphQL face of a reply event."""
    match event:
        case replies.ReplyStarted():
            return ReplyStarted(
                seq=event.seq,
                user_message=Message.from_row(event.user_message),
                assistant_message_id=strawberry.ID(str(event.assistant_message_id)),
                conversation=Conversation.from_row(event.conversation),
            )
        case replies.ReplyDelta():
            return ReplyDelta(
                seq=event.seq,
                assistant_message_id=strawberry.ID(str(event.assistant_message_id)),
                text=event.text,
            )
        case replies.ReplyEnded(error=None):
            return ReplyCompleted(seq=event.seq, message=Message.from_row(event.message))
        case replies.ReplyEnded():
            return ReplyFailed(
                seq=event.seq,
                message=Message.from_row(event.message),
                code=REPLY_FAILED_CODE,
                error=event.error or "",
            )


@strawberry.type(
    description=(
        "A conversation was created or changed (title, provider, model, prompt, or a new message)."
    )
)
class ConversationChanged:
    conversation: Conversation


@strawberry.type
class ConversationDeleted:
    id: strawberry.ID


@strawberry.type(
    description="A reply started in one of the caller's conversations; follow it with replyEvents."
)
class ReplyRunning:
    conversation_id: strawberry.ID
    assistant_message_id: strawberry.ID


ConversationEvent = Annotated[
    ConversationChanged | ConversationDeleted | ReplyRunning, strawberry.union("ConversationEvent")
]


@strawberry.enum
class ExportFormat(enum.Enum):
    MARKDOWN = strawberry.enum_value("MARKDOWN", description="The current branch, as Markdown.")
    JSON = strawberry.enum_value(
        "JSON", description="The whole tree, each message with its parent and generation facts."
    )
