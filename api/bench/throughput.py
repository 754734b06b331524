"""Throughput benchmark: `conversations(first: 20)` with `messageCount` and `lastMessage`.

    cd api && uv run --no-sync python -m bench.throughput            # full run (~2.5 min)
    cd api && uv run --no-sync python -m bench.throughput --quick    # smoke run (< 1 min)

One signed-in user with 25 conversations of two messages each (made through the API itself,
DEMO provider). The same query is then served, side by side in one run, by:

- the floor: a bare Strawberry app (`bench/floor_app.py`) answering the same shape, the same
  bytes, from memory, with no middleware, auth, database or extensions;
- the floor plus Strawberry's parser and validation caches (which the API also has), for
  reference: the floor of a tuned Strawberry app;
- the API with its per-user response cache turned off (`CACHE_TTL_CONVERSATIONS_SECONDS=0`):
  a token check in Redis, then three database sessions (page and count, then one per
  dataloader batch), each checked out of the pool with a pre-ping;
- the API with the cache on (the default): the token check plus two Redis reads, no SQL.
  Parsing and validation still run before the cache is asked.

Each is one uvicorn worker started the same way. The load generator is `wrk` (1 thread, same
connections and duration for every server, a warm-up before each measurement), or a Python
client when wrk is missing. The rounds go through every server in turn (every other round
backwards), so drift in the machine's load touches them alike. The full run writes its
section of `bench/results-api.md`; `--quick` only prints unless `--output` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from bench import api_setup
from bench.api_setup import (
    RESULTS,
    DatabaseCounters,
    GraphQLClient,
    api_env,
    database_counters,
    log,
    prepare_database,
    start_uvicorn,
)
from bench.loadgen import LoadResult, run_load, wrk_path
from bench.procs import HOST, Service
from bench.stats import ms

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/parley_bench_api"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
PAGE = 20
QUERY = (
    "query Conversations { conversations(first: 20) { totalCount "
    "pageInfo { hasNextPage endCursor } edges { cursor node { id title updatedAt messageCount "
    "lastMessage { id content role createdAt } } } } }"
)
ALL_CONVERSATIONS = (
    "query All { conversations(first: 100) { edges { node { id title updatedAt messageCount "
    "lastMessage { id content role createdAt } } } } }"
)
CREATE = "mutation C($input: CreateConversationInput!) { createConversation(input: $input) { id } }"
SEND = (
    "mutation S($id: ID!, $c: String!) { sendMessage(conversationId: $id, content: $c) "
    "{ assistantMessage { status } } }"
)
PROMPT = "What is a good way to benchmark a GraphQL API?"
# Text every good response holds (and the wrk script checks for).
EXPECT = '"lastMessage":{"id":'

# Targets from the issue, as multiples of the floor's requests per second.
TARGET_UNCACHED = 0.6
TARGET_CACHED = 1.0


# -- options ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    duration: float
    warmup: float
    connections: int
    rounds: int
    conversations: int
    tool: str
    database_url: str
    redis_url: str
    output: Path | None
    quick: bool
    command: str


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.throughput",
        description="Requests per second and latency of conversations(first: 20) vs the floor.",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--duration", type=float, help="seconds measured per server (10; quick 3)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds before each (3; quick 1)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (32)")
    parser.add_argument("--rounds", type=int, help="rounds over the servers (2; quick 1)")
    parser.add_argument(
        "--conversations", type=int, default=25, help="conversations of the user (25, >= 20)"
    )
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk when installed (auto), or the Python fallback",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--output", type=Path, help=f"report path (default {RESULTS.name} for full runs)"
    )
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    tool = args.client
    if tool == "auto":
        tool = "wrk" if wrk_path() else "python"
    elif tool == "wrk" and not wrk_path():
        parser.error("wrk is not installed (apt-get install wrk)")
    if args.conversations < PAGE:
        parser.error(f"--conversations must be at least {PAGE}")
    return Options(
        duration=args.duration or (3.0 if quick else 10.0),
        warmup=args.warmup if args.warmup is not None else (1.0 if quick else 3.0),
        connections=args.connections,
        rounds=args.rounds or (1 if quick else 2),
        conversations=args.conversations,
        tool=tool,
        database_url=args.database_url,
        redis_url=args.redis_url,
        output=args.output or (None if quick else RESULTS),
        quick=quick,
        command=shlex.join(["python", "-m", "bench.throughput", *(argv or sys.argv[1:])]),
    )


# -- servers ------------------------------------------------------------------------------------


@dataclass
class Server:
    key: str
    label: str
    service: Service
    port: int
    token: str | None = None
    uses_database: bool = False
    response_bytes: int = 0
    runs: list[Measured] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


@dataclass(frozen=True)
class Measured:
    load: LoadResult
    server_cpu: float  # CPU seconds of the server process during the measurement
    machine_busy: float  # share of all cores busy during the measurement, 0..1
    database: DatabaseCounters | None  # the database's counters over the measurement

    @property
    def server_share(self) -> float:
        """The server's CPU as a share of one core."""
        return self.server_cpu / self.load.seconds

    @property
    def client_share(self) -> float:
        return self.load.client_cpu / self.load.seconds


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


async def seed(port: int, count: int) -> str:
    """A new user with `count` conversations of two messages each; its access token."""
    client = GraphQLClient(port)
    try:
        token = await client.register(
            f"bench-{uuid.uuid4().hex[:8]}@bench.example.com", "bench password 1"
        )
        gate = asyncio.Semaphore(4)

        async def one(index: int) -> None:
            async with gate:
                data = await client.call(
                    CREATE,
                    {
                        "input": {
                            "title": f"Benchmark conversation {index:02d}",
                            "aiProvider": "DEMO",
                        }
                    },
                    token,
                )
                conversation_id = data["createConversation"]["id"]
                sent = await client.call(SEND, {"id": conversation_id, "c": PROMPT}, token)
                status = sent["sendMessage"]["assistantMessage"]["status"]
                if status != "COMPLETE":
                    raise RuntimeError(f"the demo reply ended {status}")

        await asyncio.gather(*(one(i) for i in range(count)))
        return token
    finally:
        await client.aclose()


async def export_conversations(port: int, token: str) -> list[dict[str, Any]]:
    client = GraphQLClient(port)
    try:
        data = await client.call(ALL_CONVERSATIONS, token=token)
    finally:
        await client.aclose()
    return [edge["node"] for edge in data["conversations"]["edges"]]


async def check_answer(server: Server, count: int) -> dict[str, Any]:
    """One request as the benchmark sends it; fails unless the answer is complete."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"http://{HOST}:{server.port}/graphql",
            content=json.dumps({"query": QUERY}).encode(),
            headers=server.headers,
        )
    body: dict[str, Any] = response.json()
    problem = None
    if response.status_code != 200 or body.get("errors"):
        problem = f"HTTP {response.status_code}: {body}"
    else:
        page = body["data"]["conversations"]
        edges = page["edges"]
        if page["totalCount"] != count or len(edges) != PAGE:
            problem = f"{page['totalCount']} conversations, {len(edges)} edges"
        elif any(e["node"]["messageCount"] != 2 or not e["node"]["lastMessage"] for e in edges):
            problem = "a conversation without its two messages"
        elif EXPECT not in response.text:
            problem = f"the answer lacks {EXPECT!r}"
    if problem:
        raise RuntimeError(f"{server.label} answered wrongly: {problem}")
    server.response_bytes = len(response.content)
    return body


async def measure(server: Server, options: Options) -> Measured:
    body = json.dumps({"query": QUERY}).encode()

    async def load(seconds: float) -> LoadResult:
        return await run_load(
            server.port,
            "/graphql",
            body,
            server.headers,
            connections=options.connections,
            seconds=seconds,
            expect=EXPECT,
            tool=options.tool,
        )

    if options.warmup > 0:
        await load(options.warmup)
    counters = await database_counters(options.database_url) if server.uses_database else None
    cpu = server.service.cpu_seconds()
    busy, total = _cpu_times()
    result = await load(options.duration)
    busy_after, total_after = _cpu_times()
    cpu_after = server.service.cpu_seconds()
    if counters is not None:
        await asyncio.sleep(1.2)  # backends flush their statistics about once a second
        counters = await database_counters(options.database_url) - counters
    server.service.check_alive()
    return Measured(
        load=result,
        server_cpu=cpu_after - cpu,
        machine_busy=(busy_after - busy) / max(1, total_after - total),
        database=counters,
    )


# -- report -------------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def rps(server: Server) -> float:
    """Requests per second over all measured rounds."""
    requests = sum(r.load.requests for r in server.runs)
    seconds = sum(r.load.seconds for r in server.runs)
    return requests / seconds if seconds else math.nan


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 100:.0f}%"


def render(
    options: Options, servers: list[Server], about: list[tuple[str, str]], elapsed: float
) -> str:
    by_key = {s.key: s for s in servers}
    floor = rps(by_key["floor"])
    uncached = rps(by_key["uncached"]) / floor
    cached = rps(by_key["cached"]) / floor
    lines = [
        "## Throughput: `conversations(first: 20)` with `messageCount` and `lastMessage`",
        "",
        f"Run: `{options.command}` ({elapsed:.0f} s), {api_setup.utc_now()}.",
        "",
        *api_setup.machine_table(about),
        "",
        f"One signed-in user with {options.conversations} conversations of two messages each; "
        f"the query asks for the first {PAGE} with `totalCount`, `pageInfo`, cursors, "
        "`messageCount` and `lastMessage`. Every server is one uvicorn worker "
        "(`--no-proxy-headers --log-level warning`, uvloop and httptools) on the same two "
        "cores as the load generator, PostgreSQL and Redis. Load: "
        f"{options.connections} connections, {options.warmup:g} s warm-up then "
        f"{options.duration:g} s measured per server, {options.rounds} round(s) over all "
        "servers; every response is checked. Requests per second are over all rounds; "
        "latencies are the median of the rounds' percentiles.",
        "",
        "| Target | Goal | Measured | Met |",
        "| --- | --- | --- | --- |",
        f"| API uncached ÷ floor (req/s) | ≥ {TARGET_UNCACHED:.1f}x | {uncached:.2f}x | "
        f"{_met(uncached >= TARGET_UNCACHED)} |",
        f"| API cached ÷ floor (req/s) | ≥ {TARGET_CACHED:.1f}x | {cached:.2f}x | "
        f"{_met(cached >= TARGET_CACHED)} |",
        "",
        "| Server | req/s | ÷ floor | p50 ms | p99 ms | max ms | Server CPU (of 1 core) | "
        "Client CPU | Machine busy (2 cores) | SQL transactions / req | "
        "New DB connections / s | Response bytes | Errors |",
        "| --- |" + " ---: |" * 12,
    ]
    for server in servers:
        runs = server.runs
        counted = [(r.database, r.load) for r in runs if r.database is not None]
        requests = sum(load.requests for _, load in counted)
        seconds = sum(load.seconds for _, load in counted)
        per_request = connections = "-"
        if counted and requests:
            per_request = f"{sum(c.transactions for c, _ in counted) / requests:.1f}"
            connections = f"{sum(c.sessions for c, _ in counted) / seconds:.0f}"
        errors = sum(r.load.errors + r.load.bad for r in runs)
        lines.append(
            f"| {server.label} | {rps(server):,.0f} | {rps(server) / floor:.2f}x | "
            f"{ms(_median([r.load.p50 for r in runs]))} | "
            f"{ms(_median([r.load.p99 for r in runs]))} | "
            f"{ms(max(r.load.max for r in runs))} | "
            f"{_pct(_median([r.server_share for r in runs]))} | "
            f"{_pct(_median([r.client_share for r in runs]))} | "
            f"{_pct(_median([r.machine_busy for r in runs]))} | {per_request} | {connections} | "
            f"{server.response_bytes:,} | {errors} |"
        )
    lines += [
        "",
        "The floors serve the API's own data (exported from it at setup), and every "
        "server's answer was checked to be the same JSON. SQL transactions per request and "
        "new connections per second come from `pg_stat_database` (approximate: backends "
        "flush their counters about once a second).",
    ]
    if options.rounds > 1:
        lines += [
            "",
            "| Round | " + " | ".join(s.label for s in servers) + " |",
            "| ---: |" + " ---: |" * len(servers),
        ]
        for index in range(options.rounds):
            cells = [
                f"{s.runs[index].load.rps:,.0f} req/s, p99 {ms(s.runs[index].load.p99)} ms"
                for s in servers
            ]
            lines.append(f"| {index + 1} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


# -- main ---------------------------------------------------------------------------------------


async def run(options: Options, log_dir: Path) -> str:
    began = time.perf_counter()
    log(f"preparing the database ({options.database_url.rsplit('/', 1)[-1]})")
    await prepare_database(options.database_url, log_dir)
    about = await api_setup.describe(
        options.database_url, options.redis_url, api_setup.load_tool_label(options.tool)
    )

    secret = secrets.token_urlsafe(36)  # both API processes accept the same tokens

    def env(ttl: int | None) -> dict[str, str]:
        return api_env(
            database_url=options.database_url,
            redis_url=options.redis_url,
            bcrypt_rounds=4,
            cache_ttl_conversations=ttl,
            secret_key=secret,
        )

    log("starting the API (uncached) and seeding")
    uncached, uncached_port = start_uvicorn(
        "api-uncached", "parley.main:create_app", env(0), log_dir, "/health_check"
    )
    token = await seed(uncached_port, options.conversations)
    floor_data = log_dir / "floor-data.json"
    floor_data.write_text(json.dumps(await export_conversations(uncached_port, token)))

    log("starting the API (cached) and the floors")
    cached, cached_port = start_uvicorn(
        "api-cached", "parley.main:create_app", env(None), log_dir, "/health_check"
    )
    floor_env = {**os.environ, "FLOOR_DATA": str(floor_data)}
    bare, bare_port = start_uvicorn(
        "floor", "bench.floor_app:create_app", floor_env, log_dir, "/graphql"
    )
    tuned, tuned_port = start_uvicorn(
        "floor-caches",
        "bench.floor_app:create_app",
        {**floor_env, "FLOOR_CACHES": "1"},
        log_dir,
        "/graphql",
    )
    servers = [
        Server("floor", "Floor: bare Strawberry, from memory", bare, bare_port),
        Server("floor_caches", "Floor + parser/validation caches", tuned, tuned_port),
        Server("uncached", "API, uncached", uncached, uncached_port, token, uses_database=True),
        Server("cached", "API, cached", cached, cached_port, token, uses_database=True),
    ]
    answers = [await check_answer(s, options.conversations) for s in servers]
    if any(a != answers[0] for a in answers[1:]):
        raise RuntimeError("the floor and the API answer differently")

    for round_index in range(options.rounds):
        # Every other round goes backwards, so a drift in the machine's load evens out.
        order = servers if round_index % 2 == 0 else servers[::-1]
        for server in order:
            log(f"round {round_index + 1}/{options.rounds}: {server.label}")
            measured = await measure(server, options)
            server.runs.append(measured)
            load = measured.load
            log(
                f"  {load.rps:,.0f} req/s, p50 {ms(load.p50)} ms, p99 {ms(load.p99)} ms, "
                f"errors {load.errors + load.bad}, server CPU {_pct(measured.server_share)}"
            )
            if load.errors or load.bad:
                raise RuntimeError(f"{server.label}: {load.errors} errors, {load.bad} bad answers")
    for server in servers:
        api_setup.stop(server.service)
    return render(options, servers, about, time.perf_counter() - began)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    log_dir = Path(tempfile.mkdtemp(prefix="parley-bench-throughput-"))
    log(f"load generator: {api_setup.load_tool_label(options.tool)}")
    try:
        report = api_setup.run_main(lambda: run(options, log_dir))
    except BaseException:
        log(f"failed; server logs kept in {log_dir}")
        raise
    shutil.rmtree(log_dir, ignore_errors=True)
    print(report)
    if options.output is not None:
        api_setup.write_section("throughput", report, options.output)
        log(f"wrote {options.output}")


if __name__ == "__main__":
    main()
