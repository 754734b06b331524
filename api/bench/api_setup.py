"""What the API benchmarks (`bench.throughput`, `bench.login_storm`) share: their uvicorn
processes, the API's environment, a fresh database, GraphQL setup calls, and their sections
of `bench/results-api.md`.

Each server is one uvicorn worker started as the issue says (`--host 127.0.0.1 --port P
--no-proxy-headers --log-level warning`), from the API directory, with this interpreter (the
project's venv), in a session of its own, its output in a log file; `Service.stop()` (from
`bench.procs`) ends it, and an exit hook stops any left running.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from bench import machine
from bench.loadgen import wrk_path, wrk_version
from bench.procs import HOST, Service, free_port
from parley.local_setup import create_database, drop_database

API_DIR = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results-api.md"
_running: list[Service] = []


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- processes ----------------------------------------------------------------------------------


def stop_all() -> None:
    for service in list(_running):
        with contextlib.suppress(Exception):
            service.stop(timeout=10)
        _running.remove(service)


atexit.register(stop_all)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def start_uvicorn(
    name: str,
    factory: str,
    env: Mapping[str, str],
    log_dir: Path,
    ready_path: str,
    timeout: float = 30,
) -> tuple[Service, int]:
    """`uvicorn FACTORY --factory` on a free loopback port, ready when GET `ready_path`
    answers 2xx-4xx (the floor has no health route: its /graphql GET answers 4xx)."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                factory,
                "--factory",
                "--host",
                HOST,
                "--port",
                str(port),
                "--no-proxy-headers",
                "--log-level",
                "warning",
            ],
            cwd=API_DIR,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(name, process, log_path)
    _running.append(service)

    def ready() -> bool:
        if not _port_open(port):
            return False
        try:
            response = httpx.get(f"http://{HOST}:{port}{ready_path}", timeout=2)
        except httpx.HTTPError:
            return False
        return response.status_code < 500

    deadline = time.monotonic() + timeout
    while not ready():
        service.check_alive()
        if time.monotonic() > deadline:
            stop(service)
            raise TimeoutError(f"{name} did not start:\n{service.log_tail()}")
        time.sleep(0.1)
    return service, port


def stop(service: Service) -> None:
    service.stop(timeout=10)
    if service in _running:
        _running.remove(service)


def api_env(
    *,
    database_url: str,
    redis_url: str,
    bcrypt_rounds: int,
    cache_ttl_conversations: int | None = None,
    secret_key: str | None = None,
) -> dict[str, str]:
    """Every variable the API reads that matters here, set explicitly so the repository's
    `.env` cannot change the run (nor point it at a real AI provider). API processes that
    must accept each other's tokens need the same `secret_key`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret_key or secrets.token_urlsafe(36),  # 48 characters
        "BCRYPT_ROUNDS": str(bcrypt_rounds),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "RATE_LIMIT_MESSAGES": "1000000/minute",
        "RATE_LIMIT_AUTH": "1000000/minute",
        "GRAPHQL_IDE": "false",
        "TRUSTED_PROXIES": "",
        "DEFAULT_AI_PROVIDER": "DEMO",
        "DEMO_STREAM_DELAY_MS": "0",
        "OPENAI_API_KEY": "",
        "ANTHROPIC_API_KEY": "",
        "GEMINI_API_KEY": "",
        "XAI_API_KEY": "",
        "OLLAMA_BASE_URL": "",
    }
    env.pop("CACHE_TTL_CONVERSATIONS_SECONDS", None)
    if cache_ttl_conversations is not None:
        env["CACHE_TTL_CONVERSATIONS_SECONDS"] = str(cache_ttl_conversations)
    return env


# -- database -----------------------------------------------------------------------------------


async def prepare_database(database_url: str, log_dir: Path) -> None:
    """A fresh database (dropped first when its name says it is a bench one), migrated by
    Alembic as `make migrate` does."""
    name = urlsplit(database_url).path.lstrip("/")
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        if "bench" in name:
            await drop_database(database_url)
        await create_database(database_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "alembic",
        "upgrade",
        "head",
        cwd=API_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(120):
        out, _ = await process.communicate()
    (log_dir / "database.log").write_text(chatter.getvalue() + out.decode(errors="replace"))
    if process.returncode != 0:
        raise RuntimeError(f"alembic upgrade failed:\n{out.decode(errors='replace')}")


@dataclass(frozen=True)
class DatabaseCounters:
    """Cumulative counters of one database, from pg_stat_database."""

    transactions: int  # committed plus rolled back
    sessions: int  # connections opened to it (PostgreSQL 14+; 0 before)

    def __sub__(self, other: DatabaseCounters) -> DatabaseCounters:
        return DatabaseCounters(
            self.transactions - other.transactions, self.sessions - other.sessions
        )


async def database_counters(database_url: str) -> DatabaseCounters:
    """Backends flush these counters at most about once a second (and when idle, later):
    differences taken around a busy run are approximate."""
    name = urlsplit(database_url).path.lstrip("/")
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT xact_commit + xact_rollback AS xacts, "
            "coalesce((to_jsonb(d) ->> 'sessions')::bigint, 0) AS sessions "
            "FROM pg_stat_database d WHERE datname = $1",
            name,
        )
    finally:
        await conn.close()
    if row is None:
        return DatabaseCounters(0, 0)
    return DatabaseCounters(int(row["xacts"]), int(row["sessions"]))


async def server_versions(database_url: str, redis_url: str) -> tuple[str, str]:
    postgres = redis_version = "-"
    with contextlib.suppress(Exception):
        conn = await asyncpg.connect(database_url)
        try:
            postgres = str(await conn.fetchval("SHOW server_version")).split(" ", 1)[0]
        finally:
            await conn.close()
    with contextlib.suppress(Exception):
        from redis.asyncio import Redis

        client = Redis.from_url(redis_url)
        try:
            info = await client.info("server")
            redis_version = str(info.get("redis_version", "-"))
        finally:
            await client.aclose()
    return postgres, redis_version


# -- GraphQL setup calls ------------------------------------------------------------------------


class GraphQLClient:
    def __init__(self, port: int) -> None:
        self.http = httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=60)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL call failed ({response.status_code}): {body}")
        data: dict[str, Any] = body["data"]
        return data

    async def register(self, email: str, password: str) -> str:
        data = await self.call(
            "mutation R($input: RegisterInput!) { register(input: $input) { accessToken } }",
            {"input": {"email": email, "password": password, "fullName": "Bench"}},
        )
        return str(data["register"]["accessToken"])


# -- the report ---------------------------------------------------------------------------------


async def describe(database_url: str, redis_url: str, load_tool: str) -> list[tuple[str, str]]:
    about = machine.describe()
    postgres, redis_version = await server_versions(database_url, redis_url)
    load1, load5, _ = os.getloadavg()
    about += [
        ("Servers", f"PostgreSQL {postgres}, Redis {redis_version} (same machine)"),
        ("Load generator", load_tool),
        ("Load average at start", f"{load1:.2f} (1 min), {load5:.2f} (5 min)"),
    ]
    return about


def machine_table(about: list[tuple[str, str]]) -> list[str]:
    return ["| Machine | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in about)]


def load_tool_label(tool: str) -> str:
    if tool == "wrk":
        return f"{wrk_version()} (1 thread)"
    why = "chosen with --client python" if wrk_path() else "wrk not found"
    return f"Python asyncio client ({why})"


_TITLE = "# API benchmarks"
_PREAMBLE = (
    "Written by `python -m bench.throughput` and `python -m bench.login_storm` (run from `api/`, "
    "or `make bench`); each run replaces its own section. Benchmarks, not tests: the figures "
    "depend on the machine, described in each section."
)
_ORDER = ("throughput", "login_storm")


def write_section(section: str, markdown: str, path: Path = RESULTS) -> None:
    """Replace this benchmark's section of the shared report, keeping the other's."""
    sections: dict[str, str] = {}
    if path.exists():
        found = re.findall(
            r"<!-- (\w+):begin -->\n(.*?)\n<!-- \1:end -->", path.read_text(), flags=re.S
        )
        sections = dict(found)
    sections[section] = markdown.strip()
    parts = [_TITLE, "", _PREAMBLE, ""]
    for name in (*_ORDER, *sorted(set(sections) - set(_ORDER))):
        if name in sections:
            parts += [f"<!-- {name}:begin -->", sections[name], f"<!-- {name}:end -->", ""]
    path.write_text("\n".join(parts))


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def dump_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value))


def run_main(coro_factory: Callable[[], Any]) -> Any:
    """Run the benchmark's coroutine on uvloop when available, stopping servers at the end."""
    try:
        import uvloop

        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(coro_factory())
    finally:
        stop_all()
