"""Hostile documents: the worst GraphQL documents we can build under the API's limits, and how
long the API takes to refuse (or answer) each, with `/health_check` probed meanwhile.

Run from `api/` with `python -m bench.hostile` (or `make bench`). It starts one API process as
shipped, on a fresh database, and writes its section of `bench/results-api.md`.

Each document is sent anonymously (no token), as an attacker would. A document the API
accepts is still a finding when it costs much: the figures say how long each took.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from redis.asyncio import Redis

from bench.api_setup import (
    GraphQLClient,
    api_env,
    describe,
    log,
    machine_table,
    prepare_database,
    run_main,
    start_uvicorn,
    stop,
    utc_now,
    write_section,
)
from bench.procs import HOST

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/parley_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def fragment_chain(levels: int) -> str:
    """Each fragment spreads the next twice: 2^levels fields once expanded."""
    parts = ["query Q { ...F1 }"]
    for level in range(1, levels):
        parts.append(f"fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}")
    parts.append(f"fragment F{levels} on Query {{ providers {{ provider }} }}")
    return "\n".join(parts)


def repeated_field(times: int) -> str:
    """One field selected again and again: quadratic for the overlapping-fields rule."""
    return "{ " + " ".join(["providers { provider }"] * times) + " }"


def many_fragments(count: int) -> str:
    """Many small fragments spread side by side: every pair is compared for overlaps."""
    spreads = " ".join(f"...F{i}" for i in range(count))
    fragments = "\n".join(
        f"fragment F{i} on Query {{ providers {{ provider }} }}" for i in range(count)
    )
    return f"query Q {{ {spreads} }}\n{fragments}"


def aliased_fields(count: int) -> str:
    """Distinct aliases of one field, each with a sub-selection."""
    return "{ " + " ".join(f"a{i}: providers {{ provider }}" for i in range(count)) + " }"


def nested_fragments_in_fields(width: int) -> str:
    """A fragment spread under many fields: expansion multiplies field counts."""
    fields = " ".join(["providers { ...P }"] * width)
    return (
        f"query Q {{ {fields} }}\nfragment P on ProviderInfo {{ {' '.join(['provider'] * width)} }}"
    )


def operations_chain(operations: int, chain: int) -> str:
    """Many operations, each walking the same fragment chain (variables rules walk it each)."""
    ops = "\n".join(f"query O{i} {{ ...F1 }}" for i in range(operations))
    frags = "\n".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1, chain))
    last = f"fragment F{chain} on Query {{ providers {{ provider }} }}"
    return f"{ops}\n{frags}\n{last}"


def search_amplification(aliases: int) -> str:
    """Issue 17's document: 100 search hits, each with its conversation's last 100 messages.
    Before the cost counted list sizes, 3 aliases answered 496 MB in 17.5 s."""
    one = (
        'search(query: "deploy", first: 100) { edges { node { conversation { '
        "messages(last: 100) { edges { node { content } } } } } } }"
    )
    return "{ " + " ".join(f"a{i}: {one}" for i in range(aliases)) + " }"


def variant(document: str, n: int) -> str:
    """The same document under another operation name: a different parse tree, so neither a
    parser cache nor a validation cache (keyed by text or by tree) can answer for it."""
    if document.startswith("{"):
        return f"query V{n} {document}"
    return re.sub(r"^query (\w+)", lambda m: f"query {m.group(1)}_{n}", document, count=1)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], str]


CASES = [
    Case("fragment chain, 22 levels (4 M fields expanded)", lambda: fragment_chain(22)),
    Case("`providers { provider }` x 440", lambda: repeated_field(440)),
    Case("`providers { provider }` x 199", lambda: repeated_field(199)),
    Case("`providers { provider }` x 249 (498 of the 500 allowed)", lambda: repeated_field(249)),
    Case("200 fragments, each `providers { provider }`", lambda: many_fragments(200)),
    Case("15 aliases of `providers`", lambda: aliased_fields(15)),
    Case("60 `providers { ...P }`, P selects 60 fields", lambda: nested_fragments_in_fields(60)),
    Case("100 operations over a 100-fragment chain", lambda: operations_chain(100, 100)),
    Case(
        "3 aliases of `search(first: 100)` x `messages(last: 100)` (issue 17)",
        lambda: search_amplification(3),
    ),
    # Last: before the fix this one would hold the process for about half an hour.
    Case("fragment chain, 30 levels (1 G fields expanded)", lambda: fragment_chain(30)),
]


@dataclass(frozen=True)
class Outcome:
    name: str
    size: int
    status: int | str
    code: str
    median: float
    slowest: float


async def _send(http: httpx.AsyncClient, document: str, allowance: float) -> tuple[int | str, str]:
    try:
        response = await http.post("/graphql", json={"query": document}, timeout=allowance)
    except httpx.TimeoutException:
        return "timeout", "-"
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return response.status_code, "not JSON"
    codes = sorted({str((e.get("extensions") or {}).get("code")) for e in errors})
    return response.status_code, ",".join(codes) or "accepted"


async def _probe_health(port: int, stop_event: asyncio.Event, allowance: float) -> list[float]:
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=allowance) as http:
        while not stop_event.is_set():
            started = time.perf_counter()
            # A timeout counts as the whole allowance: the API could not answer at all.
            with contextlib.suppress(httpx.TimeoutException):
                await http.get("/health_check")
            samples.append(time.perf_counter() - started)
            await asyncio.sleep(0.01)
    return samples


async def run_case(
    port: int, case: Case, allowance: float, repeats: int
) -> tuple[Outcome, list[float]]:
    document = case.build()
    stop_event = asyncio.Event()
    probe = asyncio.create_task(_probe_health(port, stop_event, allowance))
    await asyncio.sleep(0.05)
    times: list[float] = []
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}") as http:
        for attempt in range(repeats):
            started = time.perf_counter()
            status, code = await _send(http, variant(document, attempt), allowance)
            times.append(time.perf_counter() - started)
            if status == "timeout":
                break
    stop_event.set()
    health = await probe
    outcome = Outcome(
        case.name, len(document.encode()), status, code, statistics.median(times), max(times)
    )
    return outcome, health


ALIASED_READ = """
query Long($id: ID!, $last: Int!) {
  a: conversation(id: $id) { messages(last: $last) { edges { node { content } } } }
  b: conversation(id: $id) { messages(last: $last) { edges { node { id content } } } }
  c: conversation(id: $id) { messages(last: $last) { edges { node { content role } } } }
  d: conversation(id: $id) { messages(last: $last) { edges { node { content status } } } }
  e: conversation(id: $id) { messages(last: $last) { edges { node { content createdAt } } } }
}
"""


async def cache_growth(port: int, reads: int = 5) -> tuple[int, int, int]:
    """Redis growth from `reads` aliased reads of a long conversation (each a distinct cache key):
    bytes of the largest response, bytes Redis grew, and cached responses stored."""
    client = GraphQLClient(port)
    redis = Redis.from_url(REDIS_URL)
    try:
        token = await client.register("cache-bench@example.com", "bench password")
        created = await client.call(
            "mutation { createConversation(input: {}) { id } }", token=token
        )
        cid = created["createConversation"]["id"]
        send = "mutation($id: ID!, $c: String!) { sendMessage(conversationId: $id, content: $c)"
        send += " { userMessage { id } } }"
        for i in range(50):
            await client.call(send, {"id": cid, "c": f"{i} " + "x" * 30_000}, token=token)
        before = int((await redis.info("memory"))["used_memory"])
        keys_before = len(await redis.keys("cache:resp:*"))
        largest = 0
        for last in range(100 - reads + 1, 101):
            response = await client.http.post(
                "/graphql",
                json={"query": ALIASED_READ, "variables": {"id": cid, "last": last}},
                headers={"authorization": f"Bearer {token}"},
            )
            largest = max(largest, len(response.content))
        after = int((await redis.info("memory"))["used_memory"])
        stored = len(await redis.keys("cache:resp:*")) - keys_before
        return largest, after - before, stored
    finally:
        await client.aclose()
        await redis.aclose()


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


async def main(allowance: float, repeats: int, label: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        log_dir = Path(tmp)
        await prepare_database(DATABASE_URL, log_dir)
        env = api_env(database_url=DATABASE_URL, redis_url=REDIS_URL, bcrypt_rounds=4)
        service, port = start_uvicorn(
            "api", "parley.main:create_app", env, log_dir, ready_path="/health_check"
        )
        rows: list[str] = []
        try:
            # First: the last document case can keep an unprotected API busy for half an hour.
            largest, grew, stored = await cache_growth(port)
            log(
                f"cache: {grew / 1e6:.1f} MB for 5 reads of {largest / 1e6:.1f} MB, {stored} stored"
            )
            for case in CASES:
                outcome, health = await run_case(port, case, allowance, repeats)
                worst = max(health) if health else 0.0
                log(f"{case.name}: {outcome.status} {outcome.code} in {outcome.median:.3f}s")
                rows.append(
                    f"| {outcome.name} | {outcome.size:,} | {outcome.status} | {outcome.code} | "
                    f"{_fmt_seconds(outcome.median)} | {_fmt_seconds(outcome.slowest)} | "
                    f"{_fmt_seconds(worst)} |"
                )
        finally:
            stop(service)
        about = await describe(DATABASE_URL, REDIS_URL, "Python asyncio client")
    title = "## Hostile documents" + (f" ({label})" if label else "")
    markdown = "\n".join(
        [
            title,
            "",
            f"Run {utc_now()} by `python -m bench.hostile`: one API process as shipped; each "
            f"document sent {repeats} times in a row, anonymously, each time under another "
            "operation name so no cache helps, with a "
            f"{allowance:.0f} s client timeout (a timed-out document is not sent again); "
            "`/health_check` is polled meanwhile and its slowest answer shown.",
            "",
            "| Document | Bytes | Status | Codes | Median answer | Slowest answer "
            "| Slowest /health_check |",
            "| --- | ---: | --- | --- | ---: | ---: | ---: |",
            *rows,
            "",
            "Response cache under the aliased-read attack: one user reads a conversation of 100 "
            "messages of 30,000 characters five times, each time asking for it five times under "
            "different aliases (a distinct cache key each time). "
            f"Largest response {largest / 1e6:.1f} MB (answers over `MAX_RESPONSE_BYTES` are "
            f"refused); Redis grew by {grew / 1e6:.2f} MB; "
            f"{stored} responses stored.",
            "",
            *machine_table(about),
        ]
    )
    print(markdown)
    write_section("hostile", markdown)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per document")
    parser.add_argument("--repeats", type=int, default=5, help="times each document is sent")
    parser.add_argument("--label", help="a note for the section title (e.g. 'before')")
    args = parser.parse_args()
    run_main(lambda: main(args.timeout, args.repeats, args.label))


if __name__ == "__main__":
    cli()
