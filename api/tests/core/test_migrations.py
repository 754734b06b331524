"""Migrations on a database filled before them: what was stored survives, reshaped."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from parley.local_setup import create_database, drop_database
from tests.support.servers import API_DIR

URL = os.environ.get(
    "TEST_MIGRATIONS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/parley_migrations_test"
)


def migrate(target: str, direction: str = "upgrade") -> None:
    subprocess.run(
        [sys.executable, "-m", "alembic", direction, target],
        cwd=API_DIR,
        env={**os.environ, "DATABASE_URL": URL},
        check=True,
        capture_output=True,
    )


def downgrade(target: str) -> None:
    migrate(target, "downgrade")


@pytest.fixture
async def db() -> AsyncIterator[asyncpg.Connection]:
    await drop_database(URL)
    await create_database(URL)
    conn = await asyncpg.connect(URL)
    try:
        yield conn
    finally:
        await conn.close()
        await drop_database(URL)


async def _add_user(conn: asyncpg.Connection, email: str) -> uuid.UUID:
    user_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO users (id, email, hashed_password) VALUES ($1, $2, 'x')", user_id, email
    )
    return user_id


async def test_emails_take_their_compatibility_form_unless_it_collides(
    db: asyncpg.Connection,
) -> None:
    migrate("0002")
    fullwidth = await _add_user(db, "\uff42en@example.com")  # fullwidth "b"
    taken_twin = await _add_user(db, "\uff43y@example.com")  # would become cy@...
    await _add_user(db, "cy@example.com")
    migrate("head")
    emails = {r["id"]: r["email"] for r in await db.fetch("SELECT id, email FROM users")}
    assert emails[fullwidth] == "ben@example.com"
    assert emails[taken_twin] == "\uff43y@example.com"  # left for an operator to merge
    assert len(emails) == 3


async def test_generation_facts_move_from_json_to_columns_and_back(
    db: asyncpg.Connection,
) -> None:
    migrate("0003")
    user_id = await _add_user(db, "gen@example.com")
    conversation_id, reply_id = uuid.uuid4(), uuid.uuid4()
    await db.execute(
        "INSERT INTO conversations (id, user_id, ai_provider, ai_model)"
        " VALUES ($1, $2, 'OPENAI', 'm')",
        conversation_id,
        user_id,
    )
    metadata = {
        "provider": "OPENAI",
        "model": "gpt-x",
        "promptTokens": 11,
        "completionTokens": 5,
        "finishReason": "stop",
        "latencyMs": 120,
        "ttftMs": 30,
        "error": "cut",
        "errorStatus": 502,
    }
    await db.execute(
        "INSERT INTO messages (id, conversation_id, role, content, status, tokens_used, metadata)"
        " VALUES ($1, $2, 'ASSISTANT', 'hi', 'FAILED', 16, $3::jsonb)",
        reply_id,
        conversation_id,
        json.dumps(metadata),
    )
    migrate("0004")
    row = await db.fetchrow("SELECT * FROM messages WHERE id = $1", reply_id)
    assert row is not None
    assert (row["provider"], row["model"], row["prompt_tokens"], row["completion_tokens"]) == (
        "OPENAI",
        "gpt-x",
        11,
        5,
    )
    assert (row["latency_ms"], row["ttft_ms"], row["finish_reason"], row["attempts"]) == (
        120,
        30,
        "stop",
        1,
    )
    assert (row["error"], row["error_status"], row["content"]) == ("cut", 502, "hi")
    assert "metadata" not in dict(row)

    downgrade("0003")
    back = await db.fetchrow("SELECT tokens_used, metadata FROM messages WHERE id = $1", reply_id)
    assert back is not None
    assert back["tokens_used"] == 16
    assert json.loads(back["metadata"]) == metadata


async def test_every_conversation_becomes_a_chain_ending_at_its_last_message(
    db: asyncpg.Connection,
) -> None:
    migrate("0005")
    user_id = await _add_user(db, "tree@example.com")
    chatty, empty = uuid.uuid4(), uuid.uuid4()
    for conversation_id in (chatty, empty):
        await db.execute(
            "INSERT INTO conversations (id, user_id, ai_provider, ai_model)"
            " VALUES ($1, $2, 'DEMO', 'demo-1')",
            conversation_id,
            user_id,
        )
    # Written out of order, two with the same instant: the chain follows (created_at, id).
    same = "2026-01-01T00:00:02Z"
    ids = sorted(uuid.uuid4() for _ in range(2))
    rows = [
        (uuid.uuid4(), "USER", "2026-01-01T00:00:03Z"),
        (uuid.uuid4(), "USER", "2026-01-01T00:00:00Z"),
        (ids[1], "ASSISTANT", same),
        (ids[0], "USER", same),
        (uuid.uuid4(), "ASSISTANT", "2026-01-01T00:00:01Z"),
    ]
    for message_id, role, at in rows:
        await db.execute(
            "INSERT INTO messages (id, conversation_id, role, content, status, created_at)"
            " VALUES ($1, $2, $3, 'text', 'COMPLETE', $4::timestamptz)",
            message_id,
            chatty,
            role,
            dt.datetime.fromisoformat(at),
        )
    migrate("head")

    chain = [rows[1][0], rows[4][0], ids[0], ids[1], rows[0][0]]
    stored = {
        r["id"]: r
        for r in await db.fetch(
            "SELECT id, parent_id, depth FROM messages WHERE conversation_id = $1", chatty
        )
    }
    assert len(stored) == 5  # nothing lost
    assert [stored[m]["parent_id"] for m in chain] == [None, *chain[:-1]]
    assert [stored[m]["depth"] for m in chain] == [1, 2, 3, 4, 5]
    current = {
        r["id"]: r["current_message_id"]
        for r in await db.fetch("SELECT id, current_message_id FROM conversations")
    }
    assert current == {chatty: chain[-1], empty: None}

    downgrade("0005")
    assert await db.fetchval("SELECT count(*) FROM messages") == 5


async def test_search_columns_are_generated_for_existing_rows_and_dropped_on_downgrade(
    db: asyncpg.Connection,
) -> None:
    migrate("0006")
    user_id = await _add_user(db, "search@example.com")
    conversation_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO conversations (id, user_id, title, ai_provider, ai_model)"
        " VALUES ($1, $2, 'Deploying Kubernetes', 'DEMO', 'demo-1')",
        conversation_id,
        user_id,
    )
    await db.execute(
        "INSERT INTO messages (id, conversation_id, role, content, status)"
        " VALUES ($1, $2, 'USER', 'The servers were running', 'COMPLETE')",
        uuid.uuid4(),
        conversation_id,
    )
    migrate("0007")
    # Rows written before the migration are searchable, stemmed; titles weigh A.
    assert (
        await db.fetchval(
            "SELECT title_tsv::text FROM conversations WHERE id = $1", conversation_id
        )
        == "'deploy':1A 'kubernet':2A"
    )
    assert (
        await db.fetchval(
            "SELECT count(*) FROM messages"
            " WHERE content_tsv @@ websearch_to_tsquery('english', 'run')"
        )
        == 1
    )
    assert await db.fetchval("SELECT 'kubernets' <% title FROM conversations") is True
    indexes = {
        r["indexname"]
        for r in await db.fetch("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    }
    assert {
        "ix_conversations_title_tsv",
        "ix_messages_content_tsv",
        "ix_conversations_title_trgm",
    } <= indexes

    downgrade("0006")
    columns = {
        r["column_name"]
        for r in await db.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name IN ('messages', 'conversations')"
        )
    }
    assert not {"title_tsv", "content_tsv"} & columns
    assert await db.fetchval("SELECT count(*) FROM messages") == 1
    migrate("head")  # and up again, over the same rows


async def test_only_the_newest_streaming_reply_of_a_conversation_stays_running(
    db: asyncpg.Connection,
) -> None:
    migrate("0006")
    user_id = await _add_user(db, "running@example.com")
    conversation_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO conversations (id, user_id, ai_provider, ai_model)"
        " VALUES ($1, $2, 'DEMO', 'demo-1')",
        conversation_id,
        user_id,
    )
    older, newer, done = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for message_id, status, at in (
        (older, "STREAMING", "2026-01-01T00:00:00Z"),
        (newer, "STREAMING", "2026-01-01T00:00:01Z"),
        (done, "COMPLETE", "2026-01-01T00:00:02Z"),
    ):
        await db.execute(
            "INSERT INTO messages (id, conversation_id, role, content, status, created_at)"
            " VALUES ($1, $2, 'ASSISTANT', 'so far', $3, $4::timestamptz)",
            message_id,
            conversation_id,
            status,
            dt.datetime.fromisoformat(at),
        )
    migrate("0008")
    rows = {
        r["id"]: (r["status"], r["content"], r["error"])
        for r in await db.fetch("SELECT id, status, content, error FROM messages")
    }
    assert rows[older][:2] == ("FAILED", "so far")  # the text it had is kept
    assert rows[older][2]
    assert rows[newer] == ("STREAMING", "so far", None)
    assert rows[done][0] == "COMPLETE"
    with pytest.raises(asyncpg.UniqueViolationError):
        await db.execute("UPDATE messages SET status = 'STREAMING' WHERE id = $1", done)

    downgrade("0006")
    await db.execute("UPDATE messages SET status = 'STREAMING' WHERE id = $1", done)
