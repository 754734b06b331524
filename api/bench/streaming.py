"""Streaming benchmark: `generateReply` against the fake provider it relays.

    cd api && uv run --no-sync python -m bench.streaming            # full run (~4 min)
    cd api && uv run --no-sync python -m bench.streaming --quick    # smoke run (< 1 min)

1. Time to first delta and delta rate: at each concurrency level, N streams straight to the
   fake provider (the Chat Completions request the API itself makes) and N `generateReply`
   subscriptions through one API process, same scripted reply, started together, the two
   paths alternating round by round.
2. Sustained relay throughput: at the largest level, long replies, counting deltas only while
   every stream is delivering, on both paths.
3. Idle memory: 1,000 subscriptions held open on a fresh API process (their provider requests
   not yet answered), the process's resident memory read before and after; with WebSocket
   permessage-deflate offered (as browsers do) and, in the full run, without.

The fake provider, the API (one uvicorn worker) and this client are separate processes, with
PostgreSQL and Redis on the same machine. The full run writes `bench/results-streaming.md`;
`--quick` only prints unless given `--output`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import shlex
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from websockets.asyncio.client import ClientConnection

from bench import machine
from bench.clients import (
    GraphQLHttp,
    ProviderConnection,
    StreamSample,
    api_stream,
    direct_request,
    open_socket,
    subscribe_message,
)
from bench.procs import (
    HOST,
    Service,
    api_env,
    count_established,
    prepare_database,
    start_api,
    start_fake_provider,
)
from bench.report import RunInfo, render
from bench.results import (
    IdleResult,
    LevelResult,
    PathResult,
    SustainedResult,
    Window,
    all_streaming_window,
    busiest_second,
)
from bench.runner import log, run_benchmark

RESULTS = Path(__file__).resolve().parent / "results-streaming.md"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/parley_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
PROMPT = "Please count the tokens slowly."
# Accounts the streams are spread over, round robin (per-user rate limits and cache keys).
USERS = 50
# Machine load (fraction of one core) below which the machine counts as quiet.
QUIET = 0.25
# Seconds the idle provider holds its first byte: longer than any run.
HOLD = 900.0


# -- options -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    concurrency: tuple[int, ...]
    rounds: int | None
    chunks: int
    chunk_delay: float
    sustain_chunks: int
    idle: int
    idle_modes: tuple[bool, ...]  # permessage-deflate offered, per idle run
    wait_quiet: float
    compression: bool
    database_url: str
    redis_url: str
    output: Path | None
    quick: bool
    command: str

    def rounds_for(self, streams: int) -> int:
        """Measured rounds at one level: enough streams for a p99 without a long run."""
        if self.rounds is not None:
            return self.rounds
        if self.quick:
            return 3
        return max(2, min(15, math.ceil(200 / streams)))

    def text(self, chunks: int) -> str:
        """The scripted reply: `chunks` deltas of a few characters each."""
        return " ".join(f"token{i:03d}" for i in range(chunks)) + "."


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.streaming",
        description="Time generateReply against the fake provider (TTFT, throughput, memory).",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--concurrency", help="comma-separated stream counts (default 1,50,200; quick 1,20)"
    )
    parser.add_argument("--rounds", type=int, help="measured rounds per level (default: auto)")
    parser.add_argument("--chunks", type=int, help="deltas per reply (default 40; quick 20)")
    parser.add_argument(
        "--chunk-delay", type=float, help="seconds between deltas (default 0.02; quick 0.01)"
    )
    parser.add_argument(
        "--sustain-chunks",
        type=int,
        help="deltas per reply in the sustained-throughput run, 0 to skip (default 300; quick 150)",
    )
    parser.add_argument(
        "--idle", type=int, help="idle subscriptions to hold, 0 to skip (default 1000; quick 100)"
    )
    parser.add_argument(
        "--idle-deflate",
        choices=("on", "off", "both"),
        help="idle runs with permessage-deflate offered, not, or both (default both; quick on)",
    )
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="streaming runs: do not offer permessage-deflate (browsers do, so it is on)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        help="seconds to wait, at most, for other work on the machine to calm down before "
        "measuring (default 30; quick 0)",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--output", type=Path, help=f"Markdown report path (default {RESULTS.name} for full runs)"
    )
    args = parser.parse_args(argv)
    quick: bool = args.quick
    concurrency = (
        tuple(int(c) for c in args.concurrency.split(",") if c.strip())
        if args.concurrency
        else ((1, 20) if quick else (1, 50, 200))
    )
    if not concurrency or min(concurrency) < 1:
        parser.error("--concurrency needs positive integers")
    deflate = args.idle_deflate or ("on" if quick else "both")
    given = list(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["uv", "run", "--no-sync", "python", "-m", "bench.streaming", *given])
    return Options(
        concurrency=concurrency,
        rounds=args.rounds,
        chunks=args.chunks or (20 if quick else 40),
        chunk_delay=args.chunk_delay if args.chunk_delay is not None else (0.01 if quick else 0.02),
        sustain_chunks=(
            args.sustain_chunks if args.sustain_chunks is not None else (150 if quick else 300)
        ),
        idle=args.idle if args.idle is not None else (100 if quick else 1000),
        idle_modes={"on": (True,), "off": (False,), "both": (True, False)}[deflate],
        wait_quiet=args.wait_quiet if args.wait_quiet is not None else (0 if quick else 30),
        compression=not args.no_compression,
        database_url=args.database_url,
        redis_url=args.redis_url,
        output=args.output or (None if quick else RESULTS),
        quick=quick,
        command=f"cd api && {command}",
    )


# -- servers -------------------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used by each server, by this client and by the whole machine."""

    def __init__(self, services: dict[str, Service]) -> None:
        self._services = services

    def snapshot(self) -> dict[str, float]:
        values = {name: s.cpu_seconds() for name, s in self._services.items()}
        values["client"] = time.process_time()
        values["machine"] = machine.busy_cpu_seconds()
        return values

    @staticmethod
    def add(total: dict[str, float], before: dict[str, float], after: dict[str, float]) -> None:
        for name, value in after.items():
            total[name] = total.get(name, 0.0) + value - before[name]


@dataclass
class Serving:
    """A fake provider and an API process pointed at it."""

    name: str
    provider: Service
    provider_port: int
    api: Service
    api_port: int
    gql: GraphQLHttp
    tokens: list[str] = field(default_factory=list)
    closed: bool = False
    meter: CpuMeter = field(init=False)

    def __post_init__(self) -> None:
        self.meter = CpuMeter({"provider": self.provider, "api": self.api})

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.api_port}/graphql"

    async def sign_up(self, users: int) -> None:
        self.tokens = await self.gql.users(users)

    def spread(self, count: int) -> list[str]:
        """`count` tokens, the accounts taken round robin."""
        return [self.tokens[i % len(self.tokens)] for i in range(count)]

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        await self.gql.aclose()
        await asyncio.to_thread(self.api.stop)
        await asyncio.to_thread(self.provider.stop)


@dataclass(frozen=True)
class Spec:
    """What one phase's servers are: the provider's script, and its first-byte delay."""

    name: str
    chunks: int
    first_byte_delay: float = 0.0
    # The shipped server declines permessage-deflate; the idle comparison turns it on.
    server_deflate: bool = False


async def launch(options: Options, log_dir: Path, spec: Spec) -> Serving:
    provider, provider_port = await asyncio.to_thread(
        start_fake_provider,
        name=f"provider-{spec.name}",
        log_dir=log_dir,
        text=options.text(spec.chunks),
        chunks=spec.chunks,
        chunk_delay=options.chunk_delay,
        first_byte_delay=spec.first_byte_delay,
    )
    try:
        env = api_env(
            database_url=options.database_url,
            redis_url=options.redis_url,
            provider_port=provider_port,
            request_timeout=HOLD if spec.first_byte_delay else 60,
        )
        api, api_port = await asyncio.to_thread(
            start_api,
            name=f"api-{spec.name}",
            log_dir=log_dir,
            env=env,
            deflate=spec.server_deflate,
        )
    except BaseException:
        await asyncio.to_thread(provider.stop)
        raise
    log(f"{spec.name}: API pid {api.pid} on :{api_port}, fake provider pid {provider.pid}")
    return Serving(spec.name, provider, provider_port, api, api_port, GraphQLHttp(api_port))


@contextlib.asynccontextmanager
async def launched(
    options: Options, log_dir: Path, specs: Sequence[Spec]
) -> AsyncIterator[dict[str, Serving]]:
    """Every phase's servers, started side by side (their start-up is slow, and idle servers
    cost the others nothing); each phase closes its own when done, the rest are closed here."""
    started = await asyncio.gather(
        *(launch(options, log_dir, spec) for spec in specs), return_exceptions=True
    )
    servers = {s.name: s for s in started if isinstance(s, Serving)}
    try:
        for result in started:
            if isinstance(result, BaseException):
                raise result
        yield servers
    finally:
        for srv in servers.values():
            await srv.close()


# -- streams -------------------------------------------------------------------------------------

Factory = Callable[[asyncio.Event], Awaitable[StreamSample]]


async def _together(factories: Sequence[Factory]) -> tuple[list[StreamSample], float]:
    """Start every stream at the same moment; the samples and the round's wall time."""
    go = asyncio.Event()
    tasks = [asyncio.ensure_future(make(go)) for make in factories]
    await asyncio.sleep(0)  # every task is now waiting for `go`
    go.set()
    samples = list(await asyncio.gather(*tasks))
    starts = [s.sent_at for s in samples]
    ends = [s.last_delta_at or s.sent_at for s in samples]
    return samples, (max(ends) - min(starts)) if samples else 0.0


async def _open_sockets(
    ws_url: str, tokens: Sequence[str], *, compression: bool, parallel: int = 50
) -> list[ClientConnection]:
    """One initialised socket per token."""
    gate = asyncio.Semaphore(parallel)

    async def one(token: str) -> ClientConnection:
        async with gate:
            return await open_socket(ws_url, token, compression=compression)

    results = await asyncio.gather(*(one(t) for t in tokens), return_exceptions=True)
    sockets = [r for r in results if isinstance(r, ClientConnection)]
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        await _close_sockets(sockets)
        raise RuntimeError(
            f"{len(failures)} of {len(tokens)} sockets failed to open: {failures[0]!r}"
        )
    return sockets


async def _close_sockets(sockets: Sequence[ClientConnection], parallel: int = 100) -> None:
    gate = asyncio.Semaphore(parallel)

    async def one(conn: ClientConnection) -> None:
        async with gate:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 10)

    await asyncio.gather(*(one(c) for c in sockets))


class Streams:
    """N direct connections and N API sockets, ready for rounds of N streams on each path."""

    def __init__(self, srv: Serving, streams: int, options: Options, chunks: int) -> None:
        self.srv = srv
        self.streams = streams
        self.compression = options.compression
        self.chunks = chunks
        self.text = options.text(chunks)
        self.tokens = srv.spread(streams)
        self.request = direct_request(srv.provider_port, PROMPT)
        self.direct: list[ProviderConnection] = []
        self.sockets: list[ClientConnection] = []

    async def __aenter__(self) -> Streams:
        self.sockets = await _open_sockets(
            self.srv.ws_url, self.tokens, compression=self.compression
        )
        self.direct = list(
            await asyncio.gather(
                *(ProviderConnection.open(self.srv.provider_port) for _ in range(self.streams))
            )
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.gather(*(conn.close() for conn in self.direct))
        await _close_sockets(self.sockets)

    async def direct_round(self) -> tuple[list[StreamSample], float]:
        return await _together(
            [partial(c.stream, request=self.request, expected=self.chunks) for c in self.direct]
        )

    async def new_conversations(self) -> list[str]:
        """One fresh conversation per socket (so every reply has the same, empty history)."""
        conversations = await self.srv.gql.conversations(self.tokens)
        await asyncio.sleep(0.1)
        return conversations

    async def api_round(
        self, op: str, conversations: Sequence[str]
    ) -> tuple[list[StreamSample], float]:
        return await _together(
            [
                partial(
                    api_stream,
                    conn=conn,
                    op_id=op,
                    conversation_id=cid,
                    prompt=PROMPT,
                    expected_text=self.text,
                    expected=self.chunks,
                )
                for conn, cid in zip(self.sockets, conversations, strict=True)
            ]
        )


async def run_level(srv: Serving, options: Options, streams: int) -> LevelResult:
    rounds = options.rounds_for(streams)
    result = LevelResult(streams, rounds)

    async def measured(
        target: PathResult, run: Callable[[], Awaitable[tuple[list[StreamSample], float]]]
    ) -> None:
        before = srv.meter.snapshot()
        began = time.perf_counter()
        samples, wall = await run()
        CpuMeter.add(target.cpu, before, srv.meter.snapshot())
        target.cpu_wall += time.perf_counter() - began
        target.samples.extend(samples)
        target.walls.append(wall)
        await asyncio.sleep(0.25)  # let the closing writes and the sockets settle

    async with Streams(srv, streams, options, options.chunks) as paths:
        log(f"{streams} streams: warm-up")
        await paths.direct_round()
        await paths.api_round(f"c{streams}-warm", await paths.new_conversations())
        await asyncio.sleep(0.5)
        for index in range(rounds):
            log(f"{streams} streams: round {index + 1}/{rounds}")
            # Alternate the paths so drift in the machine's load touches both alike.
            await measured(result.direct, paths.direct_round)
            conversations = await paths.new_conversations()
            await measured(
                result.api, partial(paths.api_round, f"c{streams}-{index}", conversations)
            )
            srv.api.check_alive()
    for name, path in (("direct", result.direct), ("API", result.api)):
        if path.errors:
            log(f"{streams} streams, {name}: {len(path.errors)} errors, e.g. {path.errors[0]}")
    return result


class CpuSampler:
    """Snapshots of a `CpuMeter` every few hundred milliseconds, to cut a window out later."""

    def __init__(self, meter: CpuMeter, every: float = 0.2) -> None:
        self._meter = meter
        self._every = every
        self.points: list[tuple[float, dict[str, float]]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.points.append((time.perf_counter(), self._meter.snapshot()))
            await asyncio.sleep(self._every)

    def __enter__(self) -> CpuSampler:
        self._task = asyncio.ensure_future(self._run())
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._task is not None:
            self._task.cancel()

    def between(self, start: float, end: float) -> tuple[float, float, dict[str, float]]:
        """The snapshots nearest inside [start, end]: their times and the CPU used between."""
        inside = [p for p in self.points if start <= p[0] <= end]
        if len(inside) < 2:
            return start, end, {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        return t0, t1, {name: last[name] - first[name] for name in last}


def _window(samples: list[StreamSample], sampler: CpuSampler) -> Window | None:
    found = all_streaming_window(samples)
    if found is None:
        return None
    start, end, _ = found
    # Count over the span the CPU snapshots cover, so both figures describe the same time.
    t0, t1, cpu = sampler.between(start, end)
    if t1 - t0 < 0.5:
        return None
    inside = sum(1 for s in samples for t in s.times if t0 <= t <= t1)
    return Window(t0, t1, inside, cpu)


async def run_sustained(srv: Serving, options: Options, streams: int) -> SustainedResult:
    chunks = options.sustain_chunks
    await srv.sign_up(min(USERS, streams))
    async with Streams(srv, streams, options, chunks) as paths:
        log(f"sustained: {streams} streams of {chunks} deltas, direct")
        with CpuSampler(srv.meter) as sampler:
            direct, _ = await paths.direct_round()
        direct_window = _window(direct, sampler)
        await asyncio.sleep(0.5)
        log(f"sustained: {streams} streams of {chunks} deltas, API")
        conversations = await paths.new_conversations()
        with CpuSampler(srv.meter) as sampler:
            api, _ = await paths.api_round("sustained", conversations)
        api_window = _window(api, sampler)
        peak_start, api_peak = busiest_second(api)
        t0, t1, used = sampler.between(peak_start - 0.1, peak_start + 1.1)
        api_peak_cpu = {k: v / (t1 - t0) for k, v in used.items()} if t1 > t0 else {}
    await srv.close()
    direct_path = PathResult(samples=direct)
    api_path = PathResult(samples=api)
    for name, path in (("direct", direct_path), ("API", api_path)):
        if path.errors:
            log(f"sustained, {name}: {len(path.errors)} errors, e.g. {path.errors[0]}")
    return SustainedResult(
        streams=streams,
        chunks=chunks,
        direct=direct_window,
        api=api_window,
        direct_errors=direct_path.errors,
        api_errors=api_path.errors,
        api_ttft_p99=api_path.ttft(99),
        direct_delivery=direct_path.delivery_rate(),
        api_delivery=api_path.delivery_rate(),
        direct_peak=busiest_second(direct)[1],
        api_peak=api_peak,
        api_peak_cpu=api_peak_cpu,
    )


# -- idle subscriptions --------------------------------------------------------------------------


async def _hold(conn: ClientConnection, conversation_id: str) -> None:
    """Subscribe and wait for ReplyStarted: the reply then waits on the provider."""
    await conn.send(subscribe_message("idle", conversation_id, PROMPT))
    async with asyncio.timeout(60):
        while True:
            raw = await conn.recv(decode=True)
            if '"ReplyStarted"' in raw:
                return
            if '"error"' in raw or '"complete"' in raw or '"errors"' in raw:
                raise RuntimeError(f"subscription failed: {raw[:300]}")


async def _hold_many(
    srv: Serving, tokens: Sequence[str], conversations: Sequence[str], compression: bool
) -> list[ClientConnection]:
    """One socket per token, each holding a reply in the matching conversation."""
    sockets = await _open_sockets(srv.ws_url, tokens, compression=compression)
    gate = asyncio.Semaphore(50)

    async def one(conn: ClientConnection, cid: str) -> None:
        async with gate:
            await _hold(conn, cid)

    try:
        await asyncio.gather(*(one(c, cid) for c, cid in zip(sockets, conversations, strict=True)))
    except BaseException:
        await _close_sockets(sockets)
        raise
    return sockets


async def _wait_held(srv: Serving, count: int, limit: float = 60) -> int:
    """Until `count` connections to the provider are open: the requests are waiting."""
    deadline = time.monotonic() + limit
    while True:
        held = count_established(srv.provider_port)
        if held >= count or time.monotonic() > deadline:
            return held
        srv.api.check_alive()
        await asyncio.sleep(0.1)


async def _steady_rss(api: Service, samples: int = 5) -> int:
    values = []
    for _ in range(samples):
        values.append(api.rss_kib())
        await asyncio.sleep(0.2)
    return int(statistics.median(values))


def _idle_name(compression: bool) -> str:
    return f"idle-{'deflate' if compression else 'plain'}"


async def run_idle(srv: Serving, options: Options, compression: bool) -> IdleResult:
    count = options.idle
    warm = min(50, max(20, count // 5))
    name = srv.name
    await srv.sign_up(min(USERS, count))
    tokens = srv.spread(count + warm)
    conversations = await srv.gql.conversations(tokens)
    # Warm-up: every code path, the database pool and the SDK's connection pool are used
    # before the baseline is read.
    log(f"{name}: warm-up with {warm} held subscriptions")
    warm_sockets = await _hold_many(srv, tokens[:warm], conversations[:warm], compression)
    await _wait_held(srv, warm, limit=20)
    await _close_sockets(warm_sockets)
    await asyncio.sleep(2)
    baseline = await _steady_rss(srv.api)
    log(f"{name}: baseline RSS {baseline:,} KiB; opening {count} subscriptions")
    held_sockets: list[ClientConnection] = []
    try:
        started = time.perf_counter()
        held_sockets = await _hold_many(srv, tokens[warm:], conversations[warm:], compression)
        held = await _wait_held(srv, count)
        open_seconds = time.perf_counter() - started
        await asyncio.sleep(2)
        loaded = await _steady_rss(srv.api)
        peak = srv.api.peak_rss_kib()
        response = held_sockets[0].response if held_sockets else None
        extensions = (
            response.headers.get("Sec-WebSocket-Extensions", "none") if response else "none"
        )
        log(f"{name}: {held} held at the provider, RSS {loaded:,} KiB")
    finally:
        await _close_sockets(held_sockets)
        await asyncio.sleep(1)  # the STOPPED writes of the closed subscriptions
    await srv.close()
    return IdleResult(
        count, held, baseline, loaded, peak, open_seconds, compression, extensions or "none"
    )


# -- main ---------------------------------------------------------------------------------------


async def _busy_now(seconds: float = 1.0) -> float:
    before = machine.busy_cpu_seconds()
    await asyncio.sleep(seconds)
    return (machine.busy_cpu_seconds() - before) / seconds


async def run(options: Options, log_dir: Path) -> str:
    began = time.perf_counter()
    deadline = time.monotonic() + options.wait_quiet
    while True:
        load_before = machine.load_average()
        busy_before = await _busy_now()
        if busy_before <= QUIET or time.monotonic() >= deadline:
            break
        log(f"waiting for the machine to calm down ({busy_before:.0%} of a core busy)")
    if busy_before > QUIET:
        log(f"the machine is already busy ({busy_before:.0%} of a core): figures will suffer")
    log(f"preparing the database ({options.database_url.rsplit('/', 1)[-1]})")
    await prepare_database(options.database_url, log_dir)
    specs: list[Spec] = []
    if options.concurrency:
        specs.append(Spec("streaming", options.chunks))
    if options.sustain_chunks > 0:
        specs.append(Spec("sustained", options.sustain_chunks))
    if options.idle > 0:
        specs += [
            Spec(_idle_name(mode), options.chunks, HOLD, server_deflate=mode)
            for mode in options.idle_modes
        ]
    levels: list[LevelResult] = []
    sustained: SustainedResult | None = None
    idle: list[IdleResult] = []
    async with launched(options, log_dir, specs) as servers:
        if options.concurrency:
            srv = servers["streaming"]
            await srv.sign_up(min(USERS, max(options.concurrency)))
            for streams in options.concurrency:
                levels.append(await run_level(srv, options, streams))
            await srv.close()
        if options.sustain_chunks > 0:
            sustained = await run_sustained(servers["sustained"], options, max(options.concurrency))
        for mode in options.idle_modes if options.idle > 0 else ():
            idle.append(await run_idle(servers[_idle_name(mode)], options, mode))
    info = RunInfo(
        command=options.command,
        seconds=time.perf_counter() - began,
        machine=machine.describe(),
        load_before=load_before,
        busy_before=busy_before,
        chunks=options.chunks,
        chunk_delay=options.chunk_delay,
        compression=options.compression,
    )
    return render(info, levels, sustained, idle)


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    # This client's sockets; the servers (which inherit the limit) need two per idle stream.
    run_benchmark(
        lambda log_dir: run(options, log_dir),
        open_files=4 * max(options.idle, *options.concurrency) + 1024,
        log_prefix="parley-bench-",
        output=options.output,
    )


if __name__ == "__main__":
    main()
