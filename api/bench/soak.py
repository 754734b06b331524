"""Soak run: does a production API process hold its memory while it streams for a long time?

    cd api && uv run --frozen python -m bench.soak                  # 5 minutes: bench/soak.md
    cd api && SOAK_SECONDS=3600 uv run --frozen python -m bench.soak  # an hour
    cd api && uv run --frozen python -m bench.soak --quick          # 1 minute, prints only

One `python -m parley.server` process (what `make serve` and the image run: the collector
tuning included), pointed at the fake provider, relays `generateReply` streams without pause:
each of `--streams` sockets asks for a reply in a fresh conversation as soon as the last one
completed. Every `--sample` seconds the report takes the process's resident memory (VmRSS from
/proc), its CPU time, the deltas relayed so far, and the collector's figures, which the server
itself logs (`GC_STATS_INTERVAL_SECONDS`: runs per generation, objects tracked). The verdict
compares the RSS at the end with the RSS once the run has settled (`--settle`, default the first
minute): flat means within 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import machine
from bench.clients import GraphQLHttp, api_stream, open_socket
from bench.procs import (
    HOST,
    Service,
    api_env,
    free_port,
    prepare_database,
    start_fake_provider,
    start_shipped_api,
)
from bench.runner import log, run_benchmark

RESULTS = Path(__file__).resolve().parent / "soak.md"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/parley_bench_soak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
PROMPT = "Please count the tokens slowly."
# The bound: an hour's RSS within 10% of what the process held after the first minutes.
FLAT = 0.10


@dataclass(frozen=True)
class Options:
    seconds: float
    settle: float
    sample: float
    streams: int
    chunks: int
    chunk_delay: float
    database_url: str
    redis_url: str
    output: Path | None
    command: str

    @property
    def text(self) -> str:
        return " ".join(f"token{i:03d}" for i in range(self.chunks)) + "."


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description="RSS and collector figures of one `python -m parley.server` streaming "
        "replies for a while.",
    )
    parser.add_argument("--quick", action="store_true", help="one minute, printed only")
    parser.add_argument(
        "--seconds",
        type=float,
        help="how long to stream (default SOAK_SECONDS, else 300; quick 60)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        help="seconds after which the RSS is the baseline (default 60, at most a third of the run)",
    )
    parser.add_argument("--sample", type=float, help="seconds between samples (default: auto)")
    parser.add_argument("--streams", type=int, default=8, help="concurrent streams (default 8)")
    parser.add_argument("--chunks", type=int, default=200, help="deltas per reply (default 200)")
    parser.add_argument(
        "--chunk-delay", type=float, default=0.005, help="seconds between deltas (default 0.005)"
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--output", type=Path, help=f"report path (default {RESULTS.name})")
    args = parser.parse_args(argv)
    quick: bool = args.quick
    seconds = args.seconds or float(os.environ.get("SOAK_SECONDS") or (60 if quick else 300))
    if seconds <= 0 or args.streams < 1 or args.chunks < 1:
        parser.error("--seconds, --streams and --chunks must be positive")
    settle = args.settle if args.settle is not None else min(60.0, seconds / 3)
    sample = args.sample or max(5.0, min(60.0, seconds / 30))
    given = list(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["uv", "run", "--frozen", "python", "-m", "bench.soak", *given])
    if os.environ.get("SOAK_SECONDS") and args.seconds is None:
        command = f"SOAK_SECONDS={os.environ['SOAK_SECONDS']} {command}"
    return Options(
        seconds=seconds,
        settle=settle,
        sample=sample,
        streams=args.streams,
        chunks=args.chunks,
        chunk_delay=args.chunk_delay,
        database_url=args.database_url,
        redis_url=args.redis_url,
        output=args.output or (None if quick else RESULTS),
        command=f"cd api && {command}",
    )


# -- measuring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since streaming began
    rss_kib: int
    cpu_seconds: float
    replies: int
    deltas: int
    gc: dict[str, Any]  # the server's latest "gc stats" line, {} before the first


@dataclass
class Tally:
    replies: int = 0
    deltas: int = 0
    errors: list[str] = field(default_factory=list)


class GcLog:
    """The server's "gc stats" lines, read from its log as it grows."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self.latest: dict[str, Any] = {}

    def read(self) -> dict[str, Any]:
        with contextlib.suppress(OSError), self._path.open("rb") as log_file:
            log_file.seek(self._offset)
            for line in log_file:
                if not line.endswith(b"\n"):
                    break  # half written: read it next time
                self._offset += len(line)
                if b'"gc stats"' in line:
                    with contextlib.suppress(ValueError):
                        self.latest = json.loads(line)
        return self.latest


async def _stream_forever(
    ws_url: str, gql: GraphQLHttp, token: str, options: Options, stop: float, tally: Tally
) -> None:
    """One socket, one reply after another (each in a new conversation, so every prompt is the
    same size), until `stop`."""
    go = asyncio.Event()
    go.set()
    conn = await open_socket(ws_url, token, compression=False)
    try:
        index = 0
        while time.monotonic() < stop:
            data = await gql.call(
                "mutation C($input: CreateConversationInput!) "
                "{ createConversation(input: $input) { id } }",
                {"input": {"aiProvider": "OPENAI"}},
                token,
            )
            index += 1
            sample = await api_stream(
                go,
                conn=conn,
                op_id=str(index),
                conversation_id=str(data["createConversation"]["id"]),
                prompt=PROMPT,
                expected_text=options.text,
                expected=options.chunks,
            )
            tally.replies += 1
            tally.deltas += sample.deltas
            # Fewer deltas than the provider sent is no failure: a follower merges deltas
            # when its socket lags (chat.reply_reader), and the stored reply is checked whole.
            if sample.error == f"{sample.deltas} deltas, expected {options.chunks}":
                sample.error = None
            if sample.error is not None:
                tally.errors.append(sample.error)
                if len(tally.errors) > 20:
                    raise RuntimeError(f"too many failed streams, e.g. {tally.errors[0]}")
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), 10)


async def _sample(api: Service, gc_log: GcLog, began: float, tally: Tally) -> Sample:
    return Sample(
        at=time.monotonic() - began,
        rss_kib=api.rss_kib(),
        cpu_seconds=api.cpu_seconds(),
        replies=tally.replies,
        deltas=tally.deltas,
        gc=gc_log.read(),
    )


async def soak(options: Options, api: Service, api_port: int) -> tuple[list[Sample], Tally]:
    gql = GraphQLHttp(api_port)
    tally = Tally()
    gc_log = GcLog(api.log_path)
    try:
        tokens = await gql.users(options.streams)
        began = time.monotonic()
        stop = began + options.seconds
        ws_url = f"ws://{HOST}:{api_port}/graphql"
        workers = asyncio.gather(
            *(_stream_forever(ws_url, gql, t, options, stop, tally) for t in tokens)
        )
        samples = [await _sample(api, gc_log, began, tally)]
        try:
            while not workers.done():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(workers), options.sample)
                api.check_alive()
                samples.append(await _sample(api, gc_log, began, tally))
                last = samples[-1]
                log(
                    f"{last.at / 60:5.1f} min: RSS {last.rss_kib / 1024:.1f} MiB, "
                    f"{last.deltas:,} deltas, gc runs {last.gc.get('collections', '-')}"
                )
        finally:
            if not workers.done():
                workers.cancel()
            with contextlib.suppress(BaseException):
                await workers
        # The server's next "gc stats" line, taken after the last stream.
        await asyncio.sleep(options.sample)
        samples.append(await _sample(api, gc_log, began, tally))
    finally:
        await gql.aclose()
    return samples, tally


# -- the report ---------------------------------------------------------------------------------


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def _runs(gc: dict[str, Any]) -> str:
    runs = gc.get("collections")
    return " / ".join(f"{n:,}" for n in runs) if isinstance(runs, list) else "-"


def render(options: Options, samples: Sequence[Sample], tally: Tally, info: dict[str, str]) -> str:
    streaming = [s for s in samples if s.at <= options.seconds + options.sample]
    settled = next((s for s in streaming if s.at >= options.settle), streaming[-1])
    end = streaming[-1]
    growth = (end.rss_kib - settled.rss_kib) / settled.rss_kib
    relayed = end.deltas - settled.deltas
    per_kdelta = (end.rss_kib - settled.rss_kib) / (relayed / 1000) if relayed else float("nan")
    cpu_us = (end.cpu_seconds - samples[0].cpu_seconds) / end.deltas * 1e6 if end.deltas else 0
    flat = abs(growth) <= FLAT
    lines = [
        "# Soak run: one `python -m parley.server` streaming replies",
        "",
        f"Command: `{options.command}` ({options.seconds / 60:.0f} min of streaming)",
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in machine.describe()),
        f"| Load average (/proc/loadavg) | {info['load_before']} before, "
        f"{info['load_after']} after |",
        "",
        f"{options.streams} sockets, each asking for one reply after another (a new conversation "
        f"each, so every prompt is alike) from the fake provider: {options.chunks} deltas per "
        f"reply, one every {options.chunk_delay * 1000:g} ms. The API is one process as "
        "`make serve` runs it (`python -m parley.server`, `API_WORKERS=1`), with "
        f"`GC_STATS_INTERVAL_SECONDS={options.sample:g}` so it logs the collector's figures. "
        "RSS: VmRSS from /proc; CPU: the process's user + system time.",
        "",
        "## Verdict",
        "",
        "| Figure | Value |",
        "| --- | --- |",
        f"| RSS once settled ({settled.at / 60:.1f} min) | {_mib(settled.rss_kib)} MiB |",
        f"| RSS at the end ({end.at / 60:.1f} min) | {_mib(end.rss_kib)} MiB |",
        f"| Growth after settling | {growth * 100:+.1f}% "
        f"({per_kdelta:+.1f} KiB per 1,000 deltas) |",
        f"| Flat (within {FLAT * 100:.0f}%) | {'yes' if flat else '**no**'} |",
        f"| Replies / deltas relayed | {end.replies:,} / {end.deltas:,} "
        f"({len(tally.errors)} failed streams) |",
        f"| API CPU per delta | {cpu_us:.0f} µs (everything included: starts, stores) |",
        f"| Collector runs, gen 0 / 1 / 2 | {_runs(end.gc)} |",
        "",
        "## Over time",
        "",
        "| Minute | Replies | Deltas | RSS MiB | API CPU µs per delta (interval) | "
        "gc runs gen 0 / 1 / 2 | Objects tracked |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    previous: Sample | None = None
    for s in samples:
        interval = "-"
        if previous is not None and s.deltas > previous.deltas:
            used = s.cpu_seconds - previous.cpu_seconds
            interval = f"{used / (s.deltas - previous.deltas) * 1e6:.0f}"
        tracked = s.gc.get("tracked")
        lines.append(
            f"| {s.at / 60:.1f} | {s.replies:,} | {s.deltas:,} | {_mib(s.rss_kib)} | {interval} | "
            f"{_runs(s.gc)} | {f'{tracked:,}' if isinstance(tracked, int) else '-'} |"
        )
        previous = s
    lines += [
        "",
        "The last row is taken one sample after the streams ended. The collector's figures are "
        "the server's latest `gc stats` log line at each sample (counted since start-up).",
    ]
    if tally.errors:
        lines += ["", f"Failed streams ({len(tally.errors)}), first: `{tally.errors[0][:200]}`."]
    return "\n".join(lines)


async def run(options: Options, log_dir: Path) -> str:
    load_before = machine.load_average()
    log(f"preparing the database ({options.database_url.rsplit('/', 1)[-1]})")
    await prepare_database(options.database_url, log_dir)
    from redis.asyncio import Redis

    redis = Redis.from_url(options.redis_url)
    try:
        await redis.flushdb()  # this benchmark's own Redis database: an earlier run's leftovers
    finally:
        await redis.aclose()
    provider, provider_port = await asyncio.to_thread(
        start_fake_provider,
        name="provider",
        log_dir=log_dir,
        text=options.text,
        chunks=options.chunks,
        chunk_delay=options.chunk_delay,
    )
    try:
        env = api_env(
            database_url=options.database_url,
            redis_url=options.redis_url,
            provider_port=provider_port,
            request_timeout=60,
        )
        # INFO, for the collector's lines (a few access lines per reply come with them).
        env |= {"LOG_LEVEL": "INFO", "GC_STATS_INTERVAL_SECONDS": str(options.sample)}
        api_port = free_port()
        api = await asyncio.to_thread(
            start_shipped_api, name="api", log_dir=log_dir, env=env, port=api_port
        )
        try:
            log(
                f"API pid {api.pid} on :{api_port}; streaming for {options.seconds / 60:.1f} min "
                f"on {options.streams} sockets"
            )
            samples, tally = await soak(options, api, api_port)
        finally:
            await asyncio.to_thread(api.stop)
    finally:
        await asyncio.to_thread(provider.stop)
    info = {"load_before": load_before, "load_after": machine.load_average()}
    return render(options, samples, tally, info)


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    run_benchmark(
        lambda log_dir: run(options, log_dir),
        open_files=1024 + 4 * options.streams,
        log_prefix="parley-bench-soak-",
        output=options.output,
    )


if __name__ == "__main__":
    main()
