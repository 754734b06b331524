"""Migrations on a database filled before them: what was stored survives, reshaped."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from parley.local_setup import create_database, drop_database
from tests.conftest import API_DIR

URL = os.environ.get(
    "TEST_MIGRATIONS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/parley_migrations_test"
)


def migrate(target: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", target],
        cwd=API_DIR,
        env={**os.environ, "DATABASE_URL": URL},
        check=True,
        capture_output=True,
    )


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
