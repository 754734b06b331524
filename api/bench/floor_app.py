"""The framework's floor: a bare Strawberry app serving the `conversations` shape from memory.

    uvicorn bench.floor_app:create_app --factory --host 127.0.0.1 --port 8100 --no-proxy-headers

The same GraphQL types and fields as the API's `conversations(first, after)` connection (the
fields the benchmark selects), mounted the same way (`Route("/graphql", GraphQL(schema))` in a
Starlette app), with none of our layers: no middleware, no auth, no database, no Redis and no
schema extensions. The root resolver is `async` (a real one has to await something); every
other field, `messageCount` and `lastMessage` included, is a plain attribute.

Environment:
- `FLOOR_DATA`: a JSON file, a list of conversations as the API returns them
  (`id`, `title`, `updatedAt`, `messageCount`, `lastMessage {id content role createdAt}`),
  so the floor answers with the same bytes the API does. Without it, 25 conversations of
  two messages each are made up.
- `FLOOR_CACHES=1`: add Strawberry's `ParserCache` and `ValidationCache` (as the API has),
  the floor of a tuned Strawberry app rather than of a bare one.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import os
import uuid
from pathlib import Path
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

MAX_PAGE = 100
REPLY = (
    "Here is a short answer in **Markdown**, with a list:\n\n- one point\n- another point\n\n"
    "And a closing sentence that makes the message about as long as a typical reply."
)


@strawberry.enum
class MessageRole(enum.Enum):
    SYSTEM = "SYSTEM"
    USER = "USER"
    ASSISTANT = "ASSISTANT"


@strawberry.type
class Message:
    id: strawberry.ID
    content: str
    role: MessageRole
    created_at: dt.datetime


@strawberry.type
class Conversation:
    id: strawberry.ID
    title: str
    updated_at: dt.datetime
    message_count: int
    last_message: Message | None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ConversationEdge:
    cursor: str
    node: Conversation


@strawberry.type
class ConversationConnection:
    edges: list[ConversationEdge]
    page_info: PageInfo
    total_count: int


def encode_cursor(at: dt.datetime, row_id: str) -> str:
    """The API's cursor format: base64url of `isoformat|id`, unpadded."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


# Newest first, with their cursors (built once: the floor does no per-request preparation).
_EDGES: list[ConversationEdge] = []


def _page(first: int, after: str | None) -> ConversationConnection:
    if not 1 <= first <= MAX_PAGE:
        raise ValueError(f"`first` must be between 1 and {MAX_PAGE}.")
    start = 0
    if after is not None:
        start = next((i + 1 for i, e in enumerate(_EDGES) if e.cursor == after), len(_EDGES))
    edges = _EDGES[start : start + first]
    return ConversationConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + first < len(_EDGES),
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(_EDGES),
    )


@strawberry.type
class Query:
    @strawberry.field
    async def conversations(
        self, first: int = 20, after: str | None = None
    ) -> ConversationConnection:
        return _page(first, after)


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _from_json(item: dict[str, Any]) -> Conversation:
    last = item.get("lastMessage")
    return Conversation(
        id=strawberry.ID(item["id"]),
        title=item["title"],
        updated_at=_parse_time(item["updatedAt"]),
        message_count=int(item["messageCount"]),
        last_message=None
        if last is None
        else Message(
            id=strawberry.ID(last["id"]),
            content=last["content"],
            role=MessageRole(last["role"]),
            created_at=_parse_time(last["createdAt"]),
        ),
    )


def _made_up(count: int = 25) -> list[Conversation]:
    now = dt.datetime.now(dt.UTC)
    conversations = []
    for index in range(count):
        at = now - dt.timedelta(minutes=index)
        conversations.append(
            Conversation(
                id=strawberry.ID(str(uuid.uuid4())),
                title=f"Benchmark conversation {index:02d}",
                updated_at=at,
                message_count=2,
                last_message=Message(
                    id=strawberry.ID(str(uuid.uuid4())),
                    content=REPLY,
                    role=MessageRole.ASSISTANT,
                    created_at=at,
                ),
            )
        )
    return conversations


def load(path: str | None) -> list[Conversation]:
    if not path:
        return _made_up()
    items = json.loads(Path(path).read_text())
    return [_from_json(item) for item in items]


def create_app() -> Starlette:
    conversations = sorted(
        load(os.environ.get("FLOOR_DATA")), key=lambda c: (c.updated_at, c.id), reverse=True
    )
    _EDGES[:] = [
        ConversationEdge(cursor=encode_cursor(c.updated_at, c.id), node=c) for c in conversations
    ]
    extensions: list[type[SchemaExtension] | Any] = []
    if os.environ.get("FLOOR_CACHES") == "1":
        extensions = [lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)]
    schema = strawberry.Schema(query=Query, extensions=extensions)
    graphql = GraphQL[None, None](schema, graphql_ide=None)
    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])
