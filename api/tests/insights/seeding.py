"""Rows written straight into the test database: conversations and messages in bulk, with
chosen texts, times and generation facts (the API would take a reply per message)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.graphql import GraphQLClient


@dataclass
class Reply:
    """An assistant message's generation facts."""

    provider: str = "OPENAI"
    model: str = "gpt-test"
    prompt_tokens: int | None = 10
    completion_tokens: int | None = 5


@dataclass
class Seeded:
    conversation_id: uuid.UUID
    message_ids: list[uuid.UUID] = field(default_factory=list)


async def user(client: GraphQLClient, email: str) -> tuple[str, uuid.UUID]:
    """A registered user's access token and id."""
    payload = await client.register(email=email)
    return payload["accessToken"], uuid.UUID(payload["user"]["id"])


async def conversation(
    engine: AsyncEngine,
    user_id: uuid.UUID,
    title: str | None,
    messages: list[str] = [],  # noqa: B006 - never mutated
    *,
    replies: list[tuple[dt.datetime, Reply]] = [],  # noqa: B006 - never mutated
) -> Seeded:
    """A conversation with user messages `messages` and assistant replies at given times."""
    seeded = Seeded(uuid.uuid4())
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO conversations (id, user_id, title, ai_provider, ai_model)"
                " VALUES (:id, :user_id, :title, 'DEMO', 'demo-1')"
            ),
            {"id": seeded.conversation_id, "user_id": user_id, "title": title},
        )
        for i, content in enumerate(messages):
            message_id = uuid.uuid4()
            seeded.message_ids.append(message_id)
            await conn.execute(
                text(
                    "INSERT INTO messages (id, conversation_id, role, content, status,"
                    " created_at) VALUES (:id, :c, 'USER', :content, 'COMPLETE', :at)"
                ),
                {
                    "id": message_id,
                    "c": seeded.conversation_id,
                    "content": content,
                    "at": base + dt.timedelta(seconds=i),
                },
            )
        for at, reply in replies:
            message_id = uuid.uuid4()
            seeded.message_ids.append(message_id)
            await conn.execute(
                text(
                    "INSERT INTO messages (id, conversation_id, role, content, status,"
                    " created_at, provider, model, prompt_tokens, completion_tokens, attempts)"
                    " VALUES (:id, :c, 'ASSISTANT', 'ok', 'COMPLETE', :at, :provider, :model,"
                    " :prompt, :completion, 1)"
                ),
                {
                    "id": message_id,
                    "c": seeded.conversation_id,
                    "at": at,
                    "provider": reply.provider,
                    "model": reply.model,
                    "prompt": reply.prompt_tokens,
                    "completion": reply.completion_tokens,
                },
            )
    return seeded
