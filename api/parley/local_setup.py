"""`make setup` helpers: write `.env` with a fresh secret, create the database if it is missing.

Both are idempotent: an existing `.env` and an existing database are left as they are.
"""

from __future__ import annotations

import asyncio
import secrets
import sys

import asyncpg

from parley.settings import ENV_FILE, DatabaseSettings


def write_env() -> None:
    if ENV_FILE.exists():
        print(f"{ENV_FILE.name} exists; left as it is")
        return
    example = ENV_FILE.with_name(".env.example").read_text()
    lines = [
        f"SECRET_KEY={secrets.token_urlsafe(48)}" if line.startswith("SECRET_KEY=") else line
        for line in example.splitlines()
    ]
    ENV_FILE.write_text("\n".join(lines) + "\n")
    ENV_FILE.chmod(0o600)
    print(f"wrote {ENV_FILE.name} with a random SECRET_KEY")


def _admin_url_and_name(url: str) -> tuple[str, str]:
    """The server's `postgres` maintenance database, and the database name in `url`."""
    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    base, _, name = plain.rpartition("/")
    return f"{base}/postgres", name.split("?", 1)[0]


def _quoted(name: str) -> str:
    # Identifiers cannot be bound parameters; quote them as PostgreSQL does.
    return '"' + name.replace('"', '""') + '"'


async def create_database(url: str) -> None:
    """Create the database named in `url` unless it exists."""
    admin_url, name = _admin_url_and_name(url)
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            print(f"database {name} exists")
            return
        await conn.execute(f"CREATE DATABASE {_quoted(name)}")
        print(f"created database {name}")
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    admin_url, name = _admin_url_and_name(url)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        print(f"dropped database {name}")
    finally:
        await conn.close()


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    if command == "env":
        write_env()
    elif command == "createdb":
        asyncio.run(create_database(DatabaseSettings().database_url))
    elif command == "dropdb":
        asyncio.run(drop_database(DatabaseSettings().database_url))
    else:
        sys.exit("usage: python -m parley.local_setup env|createdb|dropdb")


if __name__ == "__main__":
    main(sys.argv)
