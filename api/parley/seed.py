"""`make seed-db`: demo users with sample conversations. Running it again changes nothing.

Every row has a fixed id (uuid5 of a name), and rows that exist are left alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from parley.ai import AIProvider
from parley.auth.passwords import PasswordHasher
from parley.auth.tables import User
from parley.chat.tables import Conversation, Message, MessageRole, MessageStatus
from parley.db import create_engine, create_session_factory
from parley.settings import load_settings

_NAMESPACE = uuid.UUID("6f1c1a52-7d0e-4d6b-9a55-3b0d2f8f7c11")
DEMO_PASSWORD = "parley-demo-password"


@dataclass(frozen=True)
class SeedUser:
    email: str
    full_name: str
    conversations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


SEED_USERS = (
    SeedUser(
        "demo@parley.dev",
        "Demo User",
        (
            (
                "Welcome to Parley",
                (
                    (
                        "What is Parley?",
                        "**Parley** is a template for AI chat products: a typed "
                        "GraphQL API and a Next.js app, with streaming replies.",
                    ),
                    (
                        "How do I add a provider?",
                        "Set its key in `.env`, for example:\n\n"
                        "```sh\nOPENAI_API_KEY=sk-...\n```\n\nthen pick it in *New chat*.",
                    ),
                ),
            ),
            (
                "Markdown showcase",
                (
                    (
                        "Show me a table",
                        "| Provider | Needs |\n| --- | --- |\n"
                        "| OpenAI | `OPENAI_API_KEY` |\n| Ollama | `OLLAMA_BASE_URL` |",
                    ),
                ),
            ),
        ),
    ),
    SeedUser(
        "ada@parley.dev",
        "Ada Lovelace",
        (("Notes on the engine", (("Summarise note G", "It computes Bernoulli numbers."),)),),
    ),
)


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, "/".join(parts))


async def seed(db: AsyncSession, hasher: PasswordHasher) -> int:
    """Insert what is missing; return how many rows were added."""
    added = 0
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for seed_user in SEED_USERS:
        user_id = _id(seed_user.email)
        if await db.get(User, user_id) is None:
            db.add(
                User(
                    id=user_id,
                    email=seed_user.email,
                    full_name=seed_user.full_name,
                    hashed_password=await hasher.hash(DEMO_PASSWORD),
                )
            )
            await db.flush()
            added += 1
        for c_index, (title, exchanges) in enumerate(seed_user.conversations):
            conversation_id = _id(seed_user.email, title)
            at = start + dt.timedelta(days=c_index)
            result = await db.execute(
                insert(Conversation)
                .values(
                    id=conversation_id,
                    user_id=user_id,
                    title=title,
                    ai_provider=AIProvider.DEMO,
                    ai_model="demo-1",
                    created_at=at,
                    updated_at=at,
                )
                .on_conflict_do_nothing(index_elements=["id"])
            )
            added += result.rowcount or 0  # type: ignore[attr-defined]
            # Each conversation is one chain: every message follows the one before it.
            parent_id: uuid.UUID | None = None
            depth = 0
            for m_index, (question, answer) in enumerate(exchanges):
                for offset, (role, content) in enumerate(
                    ((MessageRole.USER, question), (MessageRole.ASSISTANT, answer))
                ):
                    generation = (
                        {"provider": AIProvider.DEMO, "model": "demo-1", "attempts": 1}
                        if role is MessageRole.ASSISTANT
                        else {}
                    )
                    message_id = _id(seed_user.email, title, str(m_index), role.value)
                    depth += 1
                    result = await db.execute(
                        insert(Message)
                        .values(
                            id=message_id,
                            conversation_id=conversation_id,
                            parent_id=parent_id,
                            depth=depth,
                            role=role,
                            content=content,
                            status=MessageStatus.COMPLETE,
                            created_at=at + dt.timedelta(minutes=m_index, seconds=offset),
                            **generation,
                        )
                        .on_conflict_do_nothing(index_elements=["id"])
                    )
                    added += result.rowcount or 0  # type: ignore[attr-defined]
                    parent_id = message_id
            await db.execute(
                update(Conversation)
                .where(
                    Conversation.id == conversation_id, Conversation.current_message_id.is_(None)
                )
                # Keeps the seeded time (the column's onupdate would set now).
                .values(current_message_id=parent_id, updated_at=Conversation.updated_at)
            )
    await db.commit()
    return added


async def main() -> None:
    settings = load_settings()
    engine = create_engine(settings.async_database_url)
    try:
        async with create_session_factory(engine)() as db:
            added = await seed(db, PasswordHasher(settings.bcrypt_rounds))
    finally:
        await engine.dispose()
    emails = ", ".join(u.email for u in SEED_USERS)
    print(f"seeded {added} rows; sign in as {emails} with password {DEMO_PASSWORD!r}")


if __name__ == "__main__":
    asyncio.run(main())
