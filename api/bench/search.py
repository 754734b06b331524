"""Search benchmark: `search` over 100,000 messages in 1,000 conversations of one user.

    cd api && uv run --frozen python -m bench.search          # full run: results-search.md
    cd api && uv run --frozen python -m bench.search --quick  # smoke run (10,000 messages), prints

A fresh database (`parley_bench_search`, migrated by Alembic) is seeded with COPY: one user's
1,000 conversations of 100 messages each (half of them replies with generation facts), plus
other users' noise (three users, 10,000 messages each, the same vocabulary, so every query
also matches rows the index must skip). Texts are drawn from a fixed vocabulary with a Zipf
tail, so some words are common ("system": about one message in four) and others rare.

Each query is then timed two ways, one request at a time after a warm-up:
- through the API: `search(query, first: 20)` over HTTP to one uvicorn worker (token check,
  GraphQL, the one SQL statement, snippets), with the hits' conversations and messages;
- SQL only: the same statement (`parley.insights.repository.search_page`) on one connection
  in this process.
`usage` (the default range) is timed through the API as well. The machine is shared: the load
average before and after each run is reported with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from bench import api_setup, machine
from bench.api_setup import GraphQLClient, api_env, prepare_database, start_uvicorn
from bench.runner import log, run_benchmark
from bench.stats import ms, percentile
from parley.db import create_engine, create_session_factory
from parley.insights import repository
from parley.insights.snippets import highlight_terms
from parley.settings import DatabaseSettings

RESULTS = Path(__file__).resolve().parent / "results-search.md"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/parley_bench_search"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
PASSWORD = "bench password"

# Words every chat has; "system" is the common word the benchmark asks for.
COMMON = [
    "system",
    "service",
    "request",
    "response",
    "error",
    "value",
    "function",
    "data",
    "user",
    "time",
    "code",
    "file",
    "server",
    "client",
    "query",
    "result",
    "test",
    "change",
    "issue",
    "problem",
    "example",
    "question",
    "answer",
]
TOPICS = [
    "Kubernetes",
    "Postgres",
    "Redis",
    "Python",
    "TypeScript",
    "Terraform",
    "Docker",
    "Nginx",
    "GraphQL",
    "Kafka",
    "Elasticsearch",
    "Grafana",
    "Prometheus",
    "Ansible",
    "Jenkins",
    "Webpack",
    "Django",
    "Flask",
    "React",
    "Svelte",
]
NOUNS = [
    "deployment",
    "checklist",
    "migration",
    "plan",
    "outage",
    "review",
    "upgrade",
    "notes",
    "design",
    "sketch",
    "performance",
    "tuning",
    "onboarding",
    "guide",
    "backup",
    "strategy",
    "incident",
    "report",
]
RARE = "zeppelin"
PHRASE = "error handling"

SEARCH = (
    "query S($q: String!) { search(query: $q, first: 20) { totalCount "
    "pageInfo { hasNextPage endCursor } edges { cursor node { snippet "
    "highlights { start end } conversation { id title } message { id createdAt } } } } }"
)
USAGE = (
    "query U { usage { totalTokens replies byModel { model totalTokens } "
    "byDay { day totalTokens } } }"
)


@dataclass(frozen=True)
class Case:
    label: str
    query: str


CASES = (
    Case("common word", "system"),
    Case("rare word", RARE),
    Case("phrase", f'"{PHRASE}"'),
    Case("two words", "database migration"),
    Case("typo in a title", "kubernets"),
    Case("prefix", "terraf"),
    Case("web syntax", "server -client"),
)


@dataclass(frozen=True)
class Options:
    conversations: int
    messages_per_conversation: int
    noise_users: int
    noise_messages: int
    rounds: int
    database_url: str
    redis_url: str
    output: Path | None


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description="search latency over 100,000 messages (p50/p99, API and SQL only)",
    )
    parser.add_argument("--quick", action="store_true", help="10,000 messages, few rounds")
    parser.add_argument("--rounds", type=int, help="timed requests per query (default 200)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--output", type=Path, help="where to write the report")
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    return Options(
        conversations=100 if quick else 1000,
        messages_per_conversation=100,
        noise_users=1 if quick else 3,
        noise_messages=2_000 if quick else 10_000,
        rounds=args.rounds or (30 if quick else 200),
        database_url=args.database_url,
        redis_url=args.redis_url,
        output=args.output or (None if quick else RESULTS),
    )


# -- seeding ------------------------------------------------------------------------------------


class Texts:
    """Message texts from a fixed vocabulary: common words, a Zipf tail of made-up words, now
    and then a topic, the phrase, and (rarely) the rare word."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        syllables = ["ka", "lo", "mi", "ren", "tas", "vu", "no", "pel", "dra", "shi", "qua", "zo"]
        self.tail = sorted({"".join(rng.choice(syllables) for _ in range(3)) for _ in range(4000)})
        self.weights = [1 / (rank + 1) for rank in range(len(self.tail))]

    def message(self) -> str:
        rng = self.rng
        count = rng.randint(12, 60)
        words = rng.choices(self.tail, self.weights, k=count)
        for _ in range(rng.randint(1, 4)):
            words.insert(rng.randrange(len(words)), rng.choice(COMMON))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words)), rng.choice(TOPICS).lower())
        for word in ("database", "migration"):
            if rng.random() < 0.1:
                words.insert(rng.randrange(len(words)), word)
        if rng.random() < 0.01:
            words.insert(rng.randrange(len(words)), PHRASE)
        if rng.random() < 0.0002:
            words.insert(rng.randrange(len(words)), RARE)
        return " ".join(words).capitalize() + "."

    def title(self, index: int) -> str:
        return f"{self.rng.choice(TOPICS)} {self.rng.choice(NOUNS)} {index}"


async def _user_id(conn: asyncpg.Connection, email: str) -> uuid.UUID:
    value = await conn.fetchval("SELECT id FROM users WHERE email = $1", email)
    return uuid.UUID(str(value))


async def seed(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    conversations: int,
    per_conversation: int,
    rng: random.Random,
) -> int:
    """COPY `conversations` conversations of `per_conversation` messages for the user."""
    texts = Texts(rng)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    conversation_rows = []
    message_rows = []
    for c in range(conversations):
        conversation_id = uuid.uuid4()
        at = start + dt.timedelta(minutes=c * 80)
        conversation_rows.append(
            (conversation_id, user_id, texts.title(c), "DEMO", "demo-1", at, at)
        )
        for m in range(per_conversation):
            reply = m % 2 == 1
            message_rows.append(
                (
                    uuid.uuid4(),
                    conversation_id,
                    "ASSISTANT" if reply else "USER",
                    texts.message(),
                    "COMPLETE",
                    at + dt.timedelta(seconds=m),
                    m + 1,
                    "DEMO" if reply else None,
                    "demo-1" if reply else None,
                    rng.randint(50, 2000) if reply else None,
                    rng.randint(20, 800) if reply else None,
                    1 if reply else None,
                )
            )
    await conn.copy_records_to_table(
        "conversations",
        records=conversation_rows,
        columns=["id", "user_id", "title", "ai_provider", "ai_model", "created_at", "updated_at"],
    )
    await conn.copy_records_to_table(
        "messages",
        records=message_rows,
        columns=[
            "id",
            "conversation_id",
            "role",
            "content",
            "status",
            "created_at",
            "depth",
            "provider",
            "model",
            "prompt_tokens",
            "completion_tokens",
            "attempts",
        ],
    )
    return len(message_rows)


# -- timing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    p50: float
    p99: float
    hits: int


async def _timed(call: Callable[[], Awaitable[int]], rounds: int, warmup: int = 10) -> Timing:
    hits = 0
    for _ in range(warmup):
        hits = await call()
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - began)
    return Timing(percentile(samples, 50), percentile(samples, 99), hits)


async def run(options: Options, log_dir: Path) -> str:
    load_before = os.getloadavg()
    await prepare_database(options.database_url, log_dir)
    env = api_env(database_url=options.database_url, redis_url=options.redis_url, bcrypt_rounds=4)
    api, port = start_uvicorn("api", "parley.main:create_app", env, log_dir, "/health_check")
    client = GraphQLClient(port)
    rng = random.Random(12)
    engine = create_engine(DatabaseSettings(database_url=options.database_url).async_database_url)
    try:
        token = await client.register("bench@example.com", PASSWORD)
        for n in range(options.noise_users):
            await client.register(f"noise{n}@example.com", PASSWORD)
        conn = await asyncpg.connect(options.database_url)
        try:
            began = time.perf_counter()
            me = await _user_id(conn, "bench@example.com")
            seeded = await seed(
                conn, me, options.conversations, options.messages_per_conversation, rng
            )
            for n in range(options.noise_users):
                other = await _user_id(conn, f"noise{n}@example.com")
                seeded += await seed(conn, other, options.noise_messages // 100, 100, rng)
            await conn.execute("ANALYZE")
            seed_seconds = time.perf_counter() - began
        finally:
            await conn.close()
        log(f"seeded {seeded} messages in {seed_seconds:.1f} s")

        sessions = create_session_factory(engine)
        results: list[tuple[Case, Timing, Timing]] = []
        for case in CASES:

            async def through_api(case: Case = case) -> int:
                data = await client.call(SEARCH, {"q": case.query}, token=token)
                return int(data["search"]["totalCount"])

            async def sql_only(case: Case = case) -> int:
                session: AsyncSession
                async with sessions() as session:
                    found = await repository.search_page(
                        session, me, case.query, highlight_terms(case.query), 21, None
                    )
                return found.total

            api_timing = await _timed(through_api, options.rounds)
            sql_timing = await _timed(sql_only, options.rounds)
            log(
                f"{case.label}: {api_timing.hits} hits, API p50 {ms(api_timing.p50)} ms "
                f"p99 {ms(api_timing.p99)} ms; SQL p50 {ms(sql_timing.p50)} ms "
                f"p99 {ms(sql_timing.p99)} ms"
            )
            results.append((case, api_timing, sql_timing))

        async def usage() -> int:
            data = await client.call(USAGE, token=token)
            return int(data["usage"]["replies"])

        usage_timing = await _timed(usage, options.rounds)
    finally:
        await client.aclose()
        await engine.dispose()
        api_setup.stop(api)
    load_after = os.getloadavg()
    return _report(options, seeded, seed_seconds, results, usage_timing, load_before, load_after)


def _report(
    options: Options,
    seeded: int,
    seed_seconds: float,
    results: list[tuple[Case, Timing, Timing]],
    usage_timing: Timing,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> str:
    mine = options.conversations * options.messages_per_conversation
    lines = [
        "# Search benchmark",
        "",
        "Written by `python -m bench.search` (run from `api/`, or `make bench`). A benchmark, "
        "not a test: the figures depend on the machine below, shared with other work.",
        "",
        f"Data: one user with {options.conversations:,} conversations and {mine:,} messages; "
        f"{seeded - mine:,} messages of {options.noise_users} other users as noise "
        f"(seeded with COPY in {seed_seconds:.1f} s, indexes and generated columns included). "
        f"{options.rounds} timed requests per query, one at a time, after 10 warm-up ones; "
        "each asks for 20 hits with snippets, their conversations and messages, and the total.",
        "",
        "| Query | Text | Hits | API p50 (ms) | API p99 (ms) | SQL p50 (ms) | SQL p99 (ms) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case, api_timing, sql_timing in results:
        lines.append(
            f"| {case.label} | `{case.query}` | {api_timing.hits:,} | {ms(api_timing.p50)} | "
            f"{ms(api_timing.p99)} | {ms(sql_timing.p50)} | {ms(sql_timing.p99)} |"
        )
    lines += [
        "",
        f"`usage` (default range, {usage_timing.hits:,} replies): API p50 "
        f"{ms(usage_timing.p50)} ms, p99 {ms(usage_timing.p99)} ms.",
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in machine.describe()),
        f"| Load average (1, 5 min) | before {load_before[0]:.2f}, {load_before[1]:.2f}; "
        f"after {load_after[0]:.2f}, {load_after[1]:.2f} |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    run_benchmark(
        lambda log_dir: run(options, log_dir),
        open_files=1024,
        log_prefix="parley-bench-search-",
        output=options.output,
    )


if __name__ == "__main__":
    main()
