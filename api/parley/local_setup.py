"""Local database chores for the Makefile: `.env`, create/drop, backup/restore.

`make setup` writes `.env` first (a fresh secret, and API_PORT, WEB_PORT and DATABASE_URL
from the environment when given: `API_PORT=8100 DATABASE_URL=... make setup`), says which
ports and database it will use and how to choose others, and only then creates the database if
it is missing. Both steps are idempotent: an existing database is left as it is, and an
existing `.env` only takes the chosen values the environment gives.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import asyncpg

from parley.settings import ENV_FILE, DatabaseSettings

# What a user chooses before anything is created; given in the environment, they go into .env.
CHOSEN = ("API_PORT", "WEB_PORT", "DATABASE_URL")
EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def _with_values(text: str, values: dict[str, str]) -> str:
    """`text` (.env lines) with each key in `values` set, uncommented or appended."""
    lines = text.splitlines()
    for key, value in values.items():
        pattern = re.compile(rf"^#?\s*{key}=")
        for i, line in enumerate(lines):
            if pattern.match(line):
                lines[i] = f"{key}={value}"
                break
        else:
            lines.append(f"{key}={value}")
    return "\n".join(lines) + "\n"


def write_env(env_file: Path = ENV_FILE, environ: dict[str, str] | None = None) -> None:
    """Write `env_file` from .env.example (with a random SECRET_KEY) unless it exists; either
    way, set the CHOSEN values the environment gives."""
    environ = dict(os.environ) if environ is None else environ
    chosen = {key: environ[key] for key in CHOSEN if environ.get(key)}
    if env_file.exists():
        current = env_file.read_text()
        updated = _with_values(current, chosen)
        if updated.rstrip("\n") != current.rstrip("\n"):
            env_file.write_text(updated)
            print(f"{env_file.name}: set {', '.join(chosen)} from the environment")
        else:
            print(f"{env_file.name} exists; left as it is")
        return
    text = _with_values(EXAMPLE.read_text(), {"SECRET_KEY": secrets.token_urlsafe(48), **chosen})
    env_file.write_text(text)
    env_file.chmod(0o600)
    print(f"wrote {env_file.name} with a random SECRET_KEY")


def explain_choices(env_file: Path = ENV_FILE) -> None:
    """Before anything is created: which ports and database are in use, and how to change them."""
    values = {**_read_env(env_file), **{k: v for k, v in os.environ.items() if k in CHOSEN}}
    url = DatabaseSettings(_env_file=env_file).database_url
    shown = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
    print(
        f"Using API port {values.get('API_PORT') or 8000}, web port "
        f"{values.get('WEB_PORT') or 3000} and database {shown} (from {env_file}).\n"
        "To choose others, run setup again with them, e.g.\n  API_PORT=8100 WEB_PORT=3100 "
        "DATABASE_URL=postgresql://user:pass@host:5432/db make setup\n"
        "or edit .env and run `make setup` again (CORS_ORIGINS and the web app's API URL follow "
        "the ports unless set)."
    )


def _read_env(env_file: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.startswith("#"):
                values[key.strip()] = value.strip()
    return values


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
        explain_choices()
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
