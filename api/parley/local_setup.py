"""Local database chores for the Makefile: `.env`, create/drop, backup/restore.

`make setup` writes `.env` with a fresh secret and creates the database if it is missing; both
are idempotent: an existing `.env` and an existing database are left as they are.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import subprocess
import sys
from pathlib import Path

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


def backup(url: str, directory: Path) -> Path:
    """pg_dump (custom format) into `directory`, named by time."""
    directory.mkdir(parents=True, exist_ok=True)
    _, name = _admin_url_and_name(url)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = directory / f"{name}-{stamp}.dump"
    # The PostgreSQL client tools, from PATH, with arguments we built (no shell).
    subprocess.run(["pg_dump", "--format=custom", f"--file={target}", _plain(url)], check=True)  # noqa: S603, S607
    print(f"wrote {target}")
    return target


def restore(url: str, dump: Path) -> None:
    """Replace the database's contents with a dump made by `backup`."""
    if not dump.is_file():
        sys.exit(f"no such backup: {dump}")
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={_plain(url)}",
            str(dump),
        ],
        check=True,
    )
    print(f"restored {dump}")


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    if command == "env":
        write_env()
    elif command == "createdb":
        asyncio.run(create_database(DatabaseSettings().database_url))
    elif command == "dropdb":
        asyncio.run(drop_database(DatabaseSettings().database_url))
    elif command == "backup":
        backup(DatabaseSettings().database_url, Path(argv[2] if len(argv) > 2 else "backups"))
    elif command == "restore" and len(argv) > 2:
        restore(DatabaseSettings().database_url, Path(argv[2]))
    else:
        sys.exit(
            "usage: python -m parley.local_setup env | createdb | dropdb | backup [DIR]"
            " | restore FILE"
        )


if __name__ == "__main__":
    main(sys.argv)
