"""Durable-replies benchmark: two API processes sharing PostgreSQL and Redis (issue 10, item 9).

    cd api && uv run --frozen python -m bench.durable          # full run: results-durable.md
    cd api && uv run --frozen python -m bench.durable --quick  # smoke run, prints only

Every phase gets its own fake provider (scripted for that phase) and its own pair of API
processes, A and B, each `python -m parley.server` with one worker as `make serve` runs it;
the benchmark's clients talk graphql-transport-ws to them.

1. Follower latency: replies started on A by a `generateReply` client; for each, a
   `replyEvents` client on B. Both sockets time every delta; latency is B's receive time minus
   A's for the same seq (B's copy went through the owner's log writer, Redis and B's reader).
2. Start under load: on A, replies arrive at a steady rate until a set number are in flight,
   then go on arriving while time to first delta is measured; the same schedule straight to the
   fake provider gives the provider's own time, and "added" is the difference at each
   percentile. Then a burst started together: the time until every reply had its first delta.
3. Relay: replies owned by A (their clients detach at ReplyStarted), many followers of each on
   B: deltas B delivers per second while every follower is receiving, with the CPU each process
   used meanwhile.
4. Idle followers and start CPU: replies on A whose provider holds its first byte; A's CPU time
   for starting them, per reply; then one follower each on B: B's resident memory per
   follower, and B's Redis connections (CLIENT LIST, matched to B's own sockets).

Each phase records the load average and how busy the machine was while it ran: the machine is
shared, and the figures are only as good as it was quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shlex
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection

from bench import machine
from bench.clients import GraphQLHttp, ProviderConnection, StreamSample, direct_request
from bench.durable_clients import (
    PROMPT,
    STOP,
    Trace,
    close_sockets,
    follow,
    follow_message,
    generate,
    open_sockets,
)
from bench.durable_report import RunInfo, render
from bench.durable_results import (
    BurstResult,
    IdleResult,
    LatencyResult,
    Load,
    RelayResult,
    StartResult,
    relay_window,
)
from bench.procs import (
    HOST,
    Service,
    api_env,
    count_established,
    port_free,
    prepare_database,
    start_fake_provider,
    start_shipped_api,
)
from bench.runner import log, run_benchmark
from bench.streaming import CpuMeter, CpuSampler

RESULTS = Path(__file__).resolve().parent / "results-durable.md"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/parley_bench10"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
FIRST_PORT, LAST_PORT = 8600, 8620
USERS = 50
QUIET = 0.25  # fraction of one core below which the machine counts as quiet
HOLD = 900.0  # seconds the idle phase's provider holds its first byte: longer than any run
# Seconds the live provider waits before its first delta: time for a follower on the other
# process to attach, so what is timed is live delivery, not a replay.
ATTACH = 1.0


# -- options -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    quick: bool
    latency_replies: int
    latency_rounds: int
    live_chunks: int
    live_delay: float
    in_flight: int
    arrival_rate: float
    steady_seconds: float
    start_chunks: int
    burst: int
    relay_replies: int
    relay_followers: int
    idle: int
    wait_quiet: float
    database_url: str
    redis_url: str
    output: Path | None
    command: str

    @staticmethod
    def text(chunks: int) -> str:
        return " ".join(f"token{i:03d}" for i in range(chunks)) + "."


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.durable",
        description="Durable replies across two API processes: follower latency, start under "
        "load, relay throughput, idle followers, start CPU.",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--in-flight", type=int, help="replies in flight (default 200; quick 40)")
    parser.add_argument("--burst", type=int, help="replies started together (default 200)")
    parser.add_argument("--idle", type=int, help="idle followers (default 1000; quick 100)")
    parser.add_argument("--relay-replies", type=int, help="relayed replies (default 20; quick 4)")
    parser.add_argument(
        "--relay-followers", type=int, help="followers per relayed reply (default 25; quick 10)"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        help="seconds to wait, at most, before each phase for the machine to calm down "
        "(default 60; quick 0)",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--output", type=Path, help=f"Markdown report path (default {RESULTS.name} for full runs)"
    )
    args = parser.parse_args(argv)
    quick: bool = args.quick
    in_flight = args.in_flight or (40 if quick else 200)
    given = list(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["uv", "run", "--frozen", "python", "-m", "bench.durable", *given])
    return Options(
        quick=quick,
        latency_replies=5 if quick else 20,
        latency_rounds=1 if quick else 2,
        # Long enough that hundreds of followers attaching under load still overlap.
        live_chunks=200 if quick else 1000,
        live_delay=0.01,
        in_flight=in_flight,
        arrival_rate=20.0,
        steady_seconds=5.0 if quick else 20.0,
        start_chunks=40 if quick else 100,
        burst=args.burst or (40 if quick else 200),
        relay_replies=args.relay_replies or (4 if quick else 20),
        relay_followers=args.relay_followers or (10 if quick else 25),
        idle=args.idle or (100 if quick else 1000),
        wait_quiet=args.wait_quiet if args.wait_quiet is not None else (0 if quick else 60),
        database_url=args.database_url,
        redis_url=args.redis_url,
        output=args.output or (None if quick else RESULTS),
        command=f"cd api && {command}",
    )


# -- servers -------------------------------------------------------------------------------------


class Ports:
    """Ports from this benchmark's range (8600-8620), skipping any in use."""

    def __init__(self) -> None:
        self._next = FIRST_PORT

    def take(self) -> int:
        while self._next <= LAST_PORT:
            port = self._next
            self._next += 1
            if port_free(port):
                return port
        raise RuntimeError(f"no free port left in {FIRST_PORT}-{LAST_PORT}")


@dataclass
class Pair:
    """A fake provider and two API processes, A and B, pointed at it."""

    name: str
    provider: Service
    provider_port: int
    a: Service
    a_port: int
    b: Service
    b_port: int
    gql: GraphQLHttp  # setup calls, through A

    @property
    def ws_a(self) -> str:
        return f"ws://{HOST}:{self.a_port}/graphql"

    @property
    def ws_b(self) -> str:
        return f"ws://{HOST}:{self.b_port}/graphql"

    def meter(self) -> CpuMeter:
        return CpuMeter({"provider": self.provider, "A": self.a, "B": self.b})

    def check_alive(self) -> None:
        for service in (self.provider, self.a, self.b):
            service.check_alive()

    async def close(self) -> None:
        await self.gql.aclose()
        await asyncio.gather(asyncio.to_thread(self.a.stop), asyncio.to_thread(self.b.stop))
        await asyncio.to_thread(self.provider.stop)


@contextlib.asynccontextmanager
async def pair(
    options: Options,
    log_dir: Path,
    ports: Ports,
    name: str,
    *,
    chunks: int,
    chunk_delay: float,
    first_byte_delay: float,
) -> AsyncIterator[Pair]:
    provider, provider_port = await asyncio.to_thread(
        start_fake_provider,
        name=f"provider-{name}",
        log_dir=log_dir,
        text=options.text(chunks),
        chunks=chunks,
        chunk_delay=chunk_delay,
        first_byte_delay=first_byte_delay,
        port=ports.take(),
    )
    services: list[Service] = [provider]
    try:
        # One environment for both: the same SECRET_KEY, so each accepts the other's tokens.
        env = api_env(
            database_url=options.database_url,
            redis_url=options.redis_url,
            provider_port=provider_port,
            request_timeout=HOLD if first_byte_delay >= HOLD else 120,
        )
        env["SHUTDOWN_GRACE_SECONDS"] = "2"
        a_port, b_port = ports.take(), ports.take()
        started = await asyncio.gather(
            asyncio.to_thread(
                start_shipped_api, name=f"api-{name}-a", log_dir=log_dir, env=env, port=a_port
            ),
            asyncio.to_thread(
                start_shipped_api, name=f"api-{name}-b", log_dir=log_dir, env=env, port=b_port
            ),
            return_exceptions=True,
        )
        services += [s for s in started if isinstance(s, Service)]
        for outcome in started:
            if isinstance(outcome, BaseException):
                raise outcome
        a, b = services[1], services[2]
        log(f"{name}: A pid {a.pid} :{a_port}, B pid {b.pid} :{b_port}, provider :{provider_port}")
        servers = Pair(name, provider, provider_port, a, a_port, b, b_port, GraphQLHttp(a_port))
    except BaseException:
        for service in services:
            await asyncio.to_thread(service.stop)
        raise
    try:
        yield servers
    finally:
        await servers.close()


# -- load ----------------------------------------------------------------------------------------


async def _busy(seconds: float = 1.0) -> float:
    before = machine.busy_cpu_seconds()
    await asyncio.sleep(seconds)
    return (machine.busy_cpu_seconds() - before) / seconds


async def settle(options: Options, phase: str) -> None:
    """Wait (up to --wait-quiet seconds) for the rest of the machine to calm down."""
    deadline = time.monotonic() + options.wait_quiet
    while True:
        busy = await _busy()
        if busy <= QUIET or time.monotonic() >= deadline:
            break
        log(f"{phase}: waiting for the machine to calm down ({busy:.0%} of a core busy)")
    if busy > QUIET:
        log(f"{phase}: the machine is busy ({busy:.0%} of a core): figures will suffer")


class LoadWatch:
    """The load average at a phase's start and end, and the machine's busy cores meanwhile."""

    def __enter__(self) -> LoadWatch:
        self.start_load = machine.load_average()
        self._busy0 = machine.busy_cpu_seconds()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.end_load = machine.load_average()
        self.wall = time.perf_counter() - self._t0
        used = machine.busy_cpu_seconds() - self._busy0
        self.busy = used / self.wall if self.wall else 0.0

    def result(self) -> Load:
        return Load(self.start_load, self.end_load, self.busy)


# -- phase 1: follower latency ---------------------------------------------------------------------


async def phase_latency(servers: Pair, options: Options) -> LatencyResult:
    count = options.latency_replies
    tokens = await servers.gql.users(count)
    owners = await open_sockets(servers.ws_a, tokens)
    followers = await open_sockets(servers.ws_b, tokens)
    result = LatencyResult(replies=0, chunks=options.live_chunks, delay=options.live_delay)
    meter = servers.meter()
    try:
        for index in range(options.latency_rounds + 1):  # round 0 warms both processes up
            conversations = await servers.gql.conversations(tokens)
            label = "warm-up" if index == 0 else f"round {index}/{options.latency_rounds}"
            log(f"latency: {label}, {count} replies on A, each followed on B")
            before, began = meter.snapshot(), time.perf_counter()
            pairs = await asyncio.gather(
                *(
                    _owner_and_follower(owners[i], followers[i], f"r{index}", conversations[i])
                    for i in range(count)
                )
            )
            servers.check_alive()
            if index > 0:
                result.add(pairs)
                CpuMeter.add(result.cpu, before, meter.snapshot())
                result.wall += time.perf_counter() - began
    finally:
        await close_sockets([*owners, *followers])
    return result


async def _owner_and_follower(
    owner: ClientConnection, follower: ClientConnection, op: str, conversation_id: str
) -> tuple[Trace, Trace]:
    started: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    owning = asyncio.ensure_future(generate(owner, op, conversation_id, started))
    try:
        message_id = await started
    except RuntimeError as exc:
        return await owning, Trace(error=f"not followed: {exc}")
    # after: 0, as a tab that saw ReplyStarted: every delta, each once.
    following = await follow(follower, op, message_id, after=0)
    return await owning, following


# -- phase 2: start under load ---------------------------------------------------------------------


class Seats:
    """Sockets on A, each with conversations of its own user, handed out one reply at a time.
    A socket gets a fresh conversation per reply while it has any, then reuses its last one."""

    def __init__(
        self, sockets: Sequence[ClientConnection], conversations: Sequence[Sequence[str]]
    ) -> None:
        self.sockets = list(sockets)
        self._conversations = [list(c) for c in conversations]
        self._free: asyncio.Queue[int] = asyncio.Queue()
        for index in range(len(sockets)):
            self._free.put_nowait(index)
        self.starved = 0

    def take(self) -> int | None:
        try:
            return self._free.get_nowait()
        except asyncio.QueueEmpty:
            self.starved += 1
            return None

    def give(self, index: int) -> None:
        self._free.put_nowait(index)

    def conversation(self, index: int) -> str:
        mine = self._conversations[index]
        return mine.pop(0) if len(mine) > 1 else mine[0]

    async def generate(self, op: str) -> Trace | None:
        """One reply on the next free socket; None when none was free."""
        index = self.take()
        if index is None:
            return None
        try:
            return await generate(self.sockets[index], op, self.conversation(index))
        finally:
            self.give(index)


async def _steady(
    launch: Callable[[int], Awaitable[float | None]], count: int, rate: float
) -> list[float | None]:
    """Launch `count` replies at `rate` per second (on schedule, whatever the earlier ones do);
    their times to first delta, in order."""
    t0 = time.perf_counter()
    tasks = []
    for k in range(count):
        delay = t0 + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(launch(k)))
    return list(await asyncio.gather(*tasks))


async def phase_start(servers: Pair, options: Options) -> tuple[StartResult, BurstResult]:
    rate, in_flight = options.arrival_rate, options.in_flight
    fill = in_flight  # arrivals before the measured ones: the in-flight count is reached
    measured = int(options.steady_seconds * rate)
    total = fill + measured
    pool_size = max(options.burst, in_flight + int(3 * rate))  # margin for late replies
    tokens = await servers.gql.users(min(USERS, pool_size))
    spread = [tokens[i % len(tokens)] for i in range(pool_size)]
    # Fresh conversations (an empty history, as the direct requests have) for every reply,
    # a few spare: the queue hands sockets out round robin, so their use is even.
    per_socket = math.ceil((20 + total + options.burst) / pool_size) + 1
    created = await servers.gql.conversations([t for t in spread for _ in range(per_socket)])
    owned = [created[i * per_socket : (i + 1) * per_socket] for i in range(pool_size)]
    request = direct_request(servers.provider_port, PROMPT)
    direct = [await ProviderConnection.open(servers.provider_port) for _ in range(pool_size)]
    seats = Seats(await open_sockets(servers.ws_a, spread), owned)
    go = asyncio.Event()
    go.set()
    try:
        log("start: warm-up, 20 replies on A")
        await asyncio.gather(*(seats.generate(f"warm{i}") for i in range(20)))
        direct_pool = list(direct)

        async def direct_one(k: int) -> float | None:
            if not direct_pool:
                return None
            conn = direct_pool.pop()
            try:
                sample = await conn.stream(go, request=request, expected=options.start_chunks)
            finally:
                direct_pool.append(conn)
            return sample.ttft if sample.error is None else None

        errors: list[str] = []

        async def api_one(k: int) -> float | None:
            trace = await seats.generate(f"s{k}")
            if trace is None:
                return None
            if not trace.ok:
                errors.append(trace.error or f"ended {trace.final}")
                return None
            return trace.ttft

        log(
            f"start: direct to the provider, {rate:g}/s until {in_flight} in flight, "
            f"then {measured} measured"
        )
        with LoadWatch() as direct_load:
            direct_ttft = (await _steady(direct_one, total, rate))[fill:]
        await asyncio.sleep(1)
        log("start: through A, the same schedule")
        seats.starved = 0
        meter = servers.meter()
        before = meter.snapshot()
        with LoadWatch() as api_load:
            api_ttft = (await _steady(api_one, total, rate))[fill:]
        after = meter.snapshot()
        servers.check_alive()
        steady = StartResult(
            in_flight=in_flight,
            rate=rate,
            measured=measured,
            direct=[t for t in direct_ttft if t is not None],
            api=[t for t in api_ttft if t is not None],
            errors=errors,
            starved=seats.starved,
            cpu={k: after[k] - before[k] for k in after},
            wall=api_load.wall,
            load=api_load.result(),
            direct_load=direct_load.result(),
        )
        await asyncio.sleep(2)
        burst = await _burst(servers, options, seats, request)
    finally:
        await close_sockets(seats.sockets)
        await asyncio.gather(*(conn.close() for conn in direct))
    return steady, burst


async def _burst(
    servers: Pair,
    options: Options,
    seats: Seats,
    request: bytes,
) -> BurstResult:
    count = min(options.burst, len(seats.sockets))
    chunks = options.start_chunks

    async def together(
        factories: Sequence[Callable[[asyncio.Event], Awaitable[tuple[float, float | None]]]],
    ) -> list[tuple[float, float | None]]:
        go = asyncio.Event()
        tasks = [asyncio.ensure_future(make(go)) for make in factories]
        await asyncio.sleep(0)
        go.set()
        return list(await asyncio.gather(*tasks))

    def direct_factory(
        conn: ProviderConnection,
    ) -> Callable[[asyncio.Event], Awaitable[tuple[float, float | None]]]:
        async def run(go: asyncio.Event) -> tuple[float, float | None]:
            sample: StreamSample = await conn.stream(go, request=request, expected=chunks)
            return sample.sent_at, sample.first_delta_at

        return run

    def api_factory(
        conn: ClientConnection, cid: str
    ) -> Callable[[asyncio.Event], Awaitable[tuple[float, float | None]]]:
        async def run(go: asyncio.Event) -> tuple[float, float | None]:
            await go.wait()
            trace = await generate(conn, f"b{cid}", cid)
            return trace.sent_at, trace.times[0] if trace.ok else None

        return run

    # Fresh connections: the provider closes ones idle for 30 s.
    fresh = [await ProviderConnection.open(servers.provider_port) for _ in range(count)]
    log(f"burst: {count} straight to the provider together")
    try:
        with LoadWatch() as direct_load:
            direct_samples = await together([direct_factory(c) for c in fresh])
    finally:
        await asyncio.gather(*(conn.close() for conn in fresh))
    await asyncio.sleep(1)
    log(f"burst: {count} replies on A together")
    cids = [seats.conversation(i) for i in range(count)]
    with LoadWatch() as api_load:
        api = await together([api_factory(seats.sockets[i], cids[i]) for i in range(count)])
    servers.check_alive()
    return BurstResult(count, direct_samples, api, api_load.result(), direct_load.result())


# -- phase 3: relay --------------------------------------------------------------------------------


async def phase_relay(servers: Pair, options: Options) -> RelayResult:
    replies, per_reply = options.relay_replies, options.relay_followers
    tokens = await servers.gql.users(replies)
    conversations = await servers.gql.conversations(tokens)
    owners = await open_sockets(servers.ws_a, tokens)
    followers = await open_sockets(servers.ws_b, [t for t in tokens for _ in range(per_reply)])
    meter = servers.meter()
    try:
        log(f"relay: {replies} replies on A (clients detach), {per_reply} followers each on B")

        async def one(i: int) -> list[Trace]:
            owner = await generate(owners[i], "relay", conversations[i], detach=True)
            if owner.message_id is None:
                return [owner]
            mine = followers[i * per_reply : (i + 1) * per_reply]
            return list(
                await asyncio.gather(*(follow(f, "relay", owner.message_id, 0) for f in mine))
            )

        with LoadWatch() as load, CpuSampler(meter) as sampler:
            traces = [
                t
                for group in await asyncio.gather(*(one(i) for i in range(replies)))
                for t in group
            ]
        servers.check_alive()
    finally:
        await close_sockets([*owners, *followers])
    window = relay_window(traces, sampler)
    return RelayResult(
        replies=replies,
        followers=replies * per_reply,
        chunks=options.live_chunks,
        delay=options.live_delay,
        traces=traces,
        window=window,
        load=load.result(),
    )


# -- phase 4: idle followers and start CPU -------------------------------------------------------


def _local_ports_to(pid: int, remote_port: int) -> set[int]:
    """Local ports of `pid`'s TCP sockets connected to `remote_port` (any address)."""
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if (
                    len(fields) > 9
                    and fields[9] in inodes
                    and int(fields[2].rsplit(":", 1)[1], 16) == remote_port
                ):
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


async def redis_connections(redis: Redis, pid: int, redis_port: int) -> tuple[int, int, str]:
    """(CLIENT LIST entries whose address is one of the process's sockets, its sockets to
    Redis, what those connections ran last with how many of each: which ones they are)."""
    ports = _local_ports_to(pid, redis_port)
    clients = await redis.client_list()
    mine = [c for c in clients if int(str(c.get("addr", ":0")).rsplit(":", 1)[1]) in ports]
    last: dict[str, int] = {}
    for client in mine:
        name = f"{client.get('name') or 'unnamed'}: {client.get('cmd', '?')}"
        last[name] = last.get(name, 0) + 1
    about = ", ".join(f"{k} x{v}" for k, v in sorted(last.items(), key=lambda kv: -kv[1]))
    return len(mine), len(ports), about or "none"


async def _steady_rss(service: Service, samples: int = 5) -> int:
    values = []
    for _ in range(samples):
        values.append(service.rss_kib())
        await asyncio.sleep(0.2)
    return int(statistics.median(values))


async def _wait_held(servers: Pair, count: int, limit: float = 120) -> int:
    """Until `count` requests wait at the provider (connections open to it)."""
    deadline = time.monotonic() + limit
    while True:
        held = count_established(servers.provider_port)
        if held >= count or time.monotonic() > deadline:
            return held
        servers.check_alive()
        await asyncio.sleep(0.05)


async def _start_detached(
    sockets: Sequence[ClientConnection], conversations: Sequence[str], prefix: str
) -> list[Trace]:
    """Start one reply per conversation on A, each socket starting its share one after
    another, every client detaching at ReplyStarted."""
    traces: list[Trace] = [Trace() for _ in conversations]

    async def worker(index: int) -> None:
        # Conversation k belongs to the user of socket k % len(sockets).
        for k in range(index, len(conversations), len(sockets)):
            traces[k] = await generate(
                sockets[index], f"{prefix}{k}", conversations[k], detach=True
            )

    await asyncio.gather(*(worker(i) for i in range(len(sockets))))
    return traces


async def _hold_followers(
    servers: Pair, tokens: Sequence[str], message_ids: Sequence[str]
) -> list[ClientConnection]:
    """One socket per follower on B, each following its reply from the start (after: null
    replays ReplyStarted: its arrival shows the follow is in place)."""
    sockets = await open_sockets(servers.ws_b, tokens)
    gate = asyncio.Semaphore(50)

    async def one(conn: ClientConnection, message_id: str) -> None:
        async with gate:
            await conn.send(follow_message("idle", message_id, None))
            async with asyncio.timeout(60):
                while True:
                    raw = await conn.recv(decode=True)
                    if '"ReplyStarted"' in raw:
                        return
                    if '"errors"' in raw or '"error"' in raw or '"complete"' in raw:
                        raise RuntimeError(f"follow failed: {raw[:300]}")

    try:
        await asyncio.gather(*(one(c, m) for c, m in zip(sockets, message_ids, strict=True)))
    except BaseException:
        await close_sockets(sockets)
        raise
    return sockets


async def phase_idle(servers: Pair, options: Options, redis: Redis) -> IdleResult:
    count, warm = options.idle, 20
    redis_port = int(options.redis_url.rsplit(":", 1)[1].split("/")[0])
    tokens = await servers.gql.users(min(USERS, count))
    # Reply k (warm-up or held) is in a conversation of tokens[k % users], started on the
    # socket of that user and followed by a socket of that user.
    warm_tokens = [tokens[k % len(tokens)] for k in range(warm)]
    held_tokens = [tokens[k % len(tokens)] for k in range(count)]
    warm_conversations = await servers.gql.conversations(warm_tokens)
    held_conversations = await servers.gql.conversations(held_tokens)
    owners = await open_sockets(servers.ws_a, tokens)
    held: list[ClientConnection] = []
    try:
        # Warm-up: every path of a start on A and of a follow on B, then stopped (which frees
        # the provider connections the held requests occupy).
        log(f"idle: warm-up, {warm} replies on A followed on B, then stopped")
        warm_traces = await _start_detached(owners, warm_conversations, "w")
        warm_started = [
            (tokens[k % len(tokens)], t.message_id)
            for k, t in enumerate(warm_traces)
            if t.message_id
        ]
        warm_followers = await _hold_followers(
            servers, [t for t, _ in warm_started], [m for _, m in warm_started]
        )
        await asyncio.gather(*(servers.gql.call(STOP, {"m": m}, t) for t, m in warm_started))
        await close_sockets(warm_followers)
        await asyncio.sleep(2)
        # A's CPU while idle (lease renewals, reaper, reader), to set the start CPU against.
        cpu0, t0 = servers.a.cpu_seconds(), time.perf_counter()
        await asyncio.sleep(3)
        idle_rate = (servers.a.cpu_seconds() - cpu0) / (time.perf_counter() - t0)
        base_held = count_established(servers.provider_port)
        log(f"idle: starting {count} replies on A ({len(owners)} sockets)")
        with LoadWatch() as start_load:
            cpu0, t0 = servers.a.cpu_seconds(), time.perf_counter()
            traces = await _start_detached(owners, held_conversations, "h")
            at_provider = await _wait_held(servers, base_held + count) - base_held
            cpu1, t1 = servers.a.cpu_seconds(), time.perf_counter()
        started = [(held_tokens[k], t.message_id) for k, t in enumerate(traces) if t.message_id]
        start_errors = [t.error or "no id" for t in traces if not t.message_id]
        baseline = await _steady_rss(servers.b)
        log(f"idle: B's baseline RSS {baseline:,} KiB; {len(started)} followers on B")
        with LoadWatch() as idle_load:
            opened = time.perf_counter()
            held = await _hold_followers(servers, [t for t, _ in started], [m for _, m in started])
            open_seconds = time.perf_counter() - opened
            await asyncio.sleep(2)
            loaded = await _steady_rss(servers.b)
            b_redis = await redis_connections(redis, servers.b.pid, redis_port)
            a_redis = await redis_connections(redis, servers.a.pid, redis_port)
        log(f"idle: B's RSS {loaded:,} KiB, Redis connections B {b_redis[0]}, A {a_redis[0]}")
        servers.check_alive()
    finally:
        await close_sockets([*owners, *held])
    return IdleResult(
        followers=len(held),
        baseline_kib=baseline,
        loaded_kib=loaded,
        peak_kib=servers.b.peak_rss_kib(),
        open_seconds=open_seconds,
        b_redis=b_redis,
        a_redis=a_redis,
        started=len(started),
        at_provider=at_provider,
        start_errors=start_errors,
        start_cpu=cpu1 - cpu0,
        start_wall=t1 - t0,
        idle_cpu_rate=idle_rate,
        load=idle_load.result(),
        start_load=start_load.result(),
    )


# -- main ----------------------------------------------------------------------------------------


async def run(options: Options, log_dir: Path) -> str:
    began = time.perf_counter()
    load_before = machine.load_average()
    log(f"preparing the database ({options.database_url.rsplit('/', 1)[-1]})")
    await prepare_database(options.database_url, log_dir)
    redis = Redis.from_url(options.redis_url, decode_responses=True)
    await redis.flushdb()  # this benchmark's own Redis database: leftovers of an earlier run
    ports = Ports()
    try:
        await settle(options, "latency")
        async with pair(
            options,
            log_dir,
            ports,
            "live",
            chunks=options.live_chunks,
            chunk_delay=options.live_delay,
            first_byte_delay=ATTACH,
        ) as srv:
            with LoadWatch() as watch:
                latency = await phase_latency(srv, options)
            latency.load = watch.result()
            await settle(options, "relay")
            relay = await phase_relay(srv, options)
        await settle(options, "start")
        start_delay = options.in_flight / options.arrival_rate / options.start_chunks
        async with pair(
            options,
            log_dir,
            ports,
            "start",
            chunks=options.start_chunks,
            chunk_delay=start_delay,
            first_byte_delay=0.0,
        ) as srv:
            steady, burst = await phase_start(srv, options)
        await settle(options, "idle")
        async with pair(
            options, log_dir, ports, "idle", chunks=20, chunk_delay=0.01, first_byte_delay=HOLD
        ) as srv:
            idle = await phase_idle(srv, options, redis)
    finally:
        await redis.aclose()
    info = RunInfo(
        command=options.command,
        seconds=time.perf_counter() - began,
        machine=machine.describe(),
        load_before=load_before,
        load_after=machine.load_average(),
        quick=options.quick,
    )
    return render(info, latency, steady, burst, relay, idle)


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    run_benchmark(
        lambda log_dir: run(options, log_dir),
        open_files=4 * max(options.idle, options.in_flight * 2) + 4096,
        log_prefix="parley-bench-durable-",
        output=options.output,
    )


if __name__ == "__main__":
    main()
