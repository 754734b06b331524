"""The streaming benchmark's Markdown report."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bench.results import IdleResult, LevelResult, SustainedResult, Window
from bench.stats import ms, signed_ms

# Targets from the issue.
TARGET_ADDED_P50 = 0.002
TARGET_ADDED_P99 = 0.010
TARGET_THROUGHPUT = 0.95
TARGET_IDLE_KIB = 50.0
TARGET_STREAMS = 200
TARGET_IDLE = 1000


@dataclass(frozen=True)
class RunInfo:
    command: str
    seconds: float
    machine: Sequence[tuple[str, str]]
    load_before: str
    busy_before: float  # fraction of one core, all processes, just before the run
    chunks: int
    chunk_delay: float
    compression: bool


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 100:.0f}%"


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def _cpu(window: Window | None) -> str:
    if window is None:
        return "n/a"
    return " / ".join(_pct(window.cpu_share(n)) for n in ("provider", "api", "client", "other"))


def _targets(
    levels: Sequence[LevelResult], sustained: SustainedResult | None, idle: Sequence[IdleResult]
) -> list[str]:
    lines = ["## Targets", "", "| Target | Goal | Measured | Met |", "| --- | --- | --- | --- |"]
    if levels:
        top = max(levels, key=lambda level: level.streams)
        added50 = top.api.ttft(50) - top.direct.ttft(50)
        added99 = top.api.ttft(99) - top.direct.ttft(99)
        delivery = top.api.delivery_rate() / top.direct.delivery_rate()
        lines += [
            f"| Added time to first delta, p50, {top.streams} streams started together | ≤ 2 ms "
            f"| {signed_ms(added50)} ms | {_met(added50 <= TARGET_ADDED_P50)} |",
            f"| Added time to first delta, p99, {top.streams} streams started together | ≤ 10 ms "
            f"| {signed_ms(added99)} ms | {_met(added99 <= TARGET_ADDED_P99)} |",
            f"| Relayed throughput, {top.streams} streams started together (per-stream pace "
            f"once the reply is under way, API ÷ direct) | ≥ 95% | {_pct(delivery)} | "
            f"{_met(delivery >= TARGET_THROUGHPUT)} |",
        ]
    if sustained is not None:
        ratio = sustained.ratio
        what = "all delivering at once"
        if math.isnan(ratio):
            # The API never had every stream going at once: compare the busiest seconds.
            ratio = sustained.api_peak / sustained.direct_peak
            what = "busiest second (the API never had them all delivering at once)"
        lines.append(
            f"| Relayed throughput, {sustained.streams} long streams, {what} "
            f"(deltas/s, API ÷ direct) | ≥ 95% | {_pct(ratio)} | "
            f"{_met(None if math.isnan(ratio) else ratio >= TARGET_THROUGHPUT)} |"
        )
    # Every idle run is reported against the target; the shipped server declines deflate.
    for run in idle:
        shipped = "" if run.compression else ", as shipped"
        lines.append(
            f"| Memory per idle subscription, {run.subscriptions:,} on one process "
            f"(permessage-deflate {'on' if run.compression else 'off'}{shipped}) | ≤ 50 KiB | "
            f"{run.per_subscription_kib:.1f} KiB | "
            f"{_met(run.per_subscription_kib <= TARGET_IDLE_KIB)} |"
        )
    notes = []
    if levels and max(level.streams for level in levels) != TARGET_STREAMS:
        notes.append(f"the targets name {TARGET_STREAMS} streams")
    if idle and idle[0].subscriptions != TARGET_IDLE:
        notes.append(f"the idle target names {TARGET_IDLE:,} subscriptions")
    if notes:
        lines += ["", f"(A shorter run than the targets describe: {'; '.join(notes)}.)"]
    return [*lines, ""]


def _streaming(levels: Sequence[LevelResult]) -> list[str]:
    lines = [
        "## Time to first delta and delta rate (streams started together)",
        "",
        "| Streams | Path | Streams ok | TTFT p50 ms | TTFT p99 ms | Added p50 ms | "
        "Added p99 ms | Pace, deltas/s per stream | Relayed | Aggregate deltas/s | "
        "Last delta p50 ms | CPU provider / API / client / rest |",
        "| ---: | --- |" + " ---: |" * 9 + " --- |",
    ]
    for level in levels:
        for name, path in (("direct", level.direct), ("API", level.api)):
            is_api = path is level.api
            added = ("", "")
            ratio = ""
            if is_api:
                added = (
                    signed_ms(path.ttft(50) - level.direct.ttft(50)),
                    signed_ms(path.ttft(99) - level.direct.ttft(99)),
                )
                ratio = _pct(path.delivery_rate() / level.direct.delivery_rate())
            cpu = " / ".join(_pct(path.cpu_share(p)) for p in ("provider", "api", "client"))
            lines.append(
                f"| {level.streams} | {name} | {len(path.good)}/{len(path.samples)} | "
                f"{ms(path.ttft(50))} | {ms(path.ttft(99))} | {added[0]} | {added[1]} | "
                f"{path.delivery_rate():.1f} | {ratio} | {path.aggregate():.0f} | "
                f"{ms(path.duration(50))} | {cpu} / {_pct(path.other_cpu_share())} |"
            )
    lines += [
        "",
        "TTFT: from the request (direct) or the `subscribe` message (API) being sent to the "
        "first content delta received; both include the provider's wait before its first "
        "delta. Added = API - direct at the same percentile. Pace: mean over streams of "
        "deltas ÷ (last delta - reply start), the reply starting when the request is sent "
        "(direct) or when ReplyStarted arrives (API), so the API's preparation is left out "
        "(it is in the TTFT) but any lag in relaying is not; Relayed = API pace ÷ direct "
        "pace. Aggregate: deltas ÷ wall time of the rounds "
        "(first request to last delta, start-up included). CPU: % of one core during the "
        "measured rounds; 'rest' is every other process on the machine (PostgreSQL, Redis, "
        "and anything else that was running).",
        "",
        "### Where the API's time to first delta goes",
        "",
        "| Streams | subscribe → ReplyStarted p50 / p99 ms | ReplyStarted → first delta "
        "p50 / p99 ms | Direct TTFT p50 / p99 ms |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for level in levels:
        api = level.api
        lines.append(
            f"| {level.streams} | {ms(api.started(50))} / {ms(api.started(99))} | "
            f"{ms(api.started_to_delta(50))} / {ms(api.started_to_delta(99))} | "
            f"{ms(level.direct.ttft(50))} / {ms(level.direct.ttft(99))} |"
        )
    lines += [
        "",
        "subscribe → ReplyStarted: parsing and validating the operation, the token check, the "
        "rate limit, and `prepare_reply` (ownership, history, two inserts and an update, one "
        "commit), queued behind every other subscription started at the same moment. "
        "ReplyStarted → first delta: the provider request through the SDK and the first "
        "relayed delta (the direct TTFT is the floor for it).",
        "",
    ]
    return lines


def _sustained(result: SustainedResult, chunk_delay: float) -> list[str]:
    ideal = result.streams / chunk_delay
    lines = [
        "## Sustained relay throughput",
        "",
        f"{result.streams} streams of {result.chunks} deltas (one every {chunk_delay * 1000:g} ms),"
        " started together; counted only while every stream of the round is delivering (from "
        "0.25 s after the last stream's first delta to the first stream's last delta), so the "
        f"burst of starts is left out. The provider's pace is {ideal:,.0f} deltas/s in all.",
        "",
        "| Streams | Path | Window s | Deltas/s, all streams | vs direct | Errors | "
        "CPU in window: provider / API / client / rest |",
        "| ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, window, errors in (
        ("direct", result.direct, len(result.direct_errors)),
        ("API", result.api, len(result.api_errors)),
    ):
        versus = _pct(result.ratio) if name == "API" else ""
        if window is None:
            lines.append(f"| {result.streams} | {name} | n/a | n/a | {versus} | {errors} | n/a |")
            continue
        lines.append(
            f"| {result.streams} | {name} | {window.seconds:.1f} | {window.throughput:,.0f} | "
            f"{versus} | {errors} | {_cpu(window)} |"
        )
    if result.api is None:
        lines += [
            "",
            "No window for the API: its streams never all delivered at the same time (its p99 "
            f"time to first delta, {ms(result.api_ttft_p99)} ms, outlasted the first streams).",
        ]
    lines += [
        "",
        f"Busiest second of the round: direct {result.direct_peak:,.0f}, API "
        f"{result.api_peak:,.0f} deltas/s ({_pct(result.api_peak / result.direct_peak)}); "
        f"the API process used {_pct(result.api_peak_cpu.get('api', math.nan))} of a core "
        f"then (machine: {_pct(result.api_peak_cpu.get('machine', math.nan))}). "
        f"Pace once under way (as in the table above): direct {result.direct_delivery:.1f}, "
        f"API {result.api_delivery:.1f} deltas/s per stream ({_pct(result.delivery_ratio)}).",
    ]
    for label, failures in (("direct", result.direct_errors), ("API", result.api_errors)):
        if failures:
            lines.append(f"{label} errors ({len(failures)}), first: `{failures[0][:200]}`.")
    return [*lines, ""]


def _idle(runs: Sequence[IdleResult]) -> list[str]:
    lines = [
        "## Idle subscriptions",
        "",
        "A fresh API process per row. Each socket carries one `generateReply` whose provider "
        "request is open but unanswered (the fake provider holds its first byte), so the "
        "subscription, its socket and its provider connection are all alive and idle. A first "
        "batch is opened and closed before the baseline is read, so start-up allocations "
        "(database pool, SDK pool, caches) are not counted. RSS from /proc/PID/status, median "
        "of 5 reads.",
        "",
        "| Subscriptions | permessage-deflate | Held at the provider | RSS before KiB | "
        "RSS with them KiB | Peak RSS KiB | Per subscription KiB | Opening time s |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        deflate = run.extensions if run.compression else "not offered"
        lines.append(
            f"| {run.subscriptions:,} | {deflate} | {run.held:,} | {run.baseline_kib:,} | "
            f"{run.loaded_kib:,} | {run.peak_kib:,} | {run.per_subscription_kib:.1f} | "
            f"{run.open_seconds:.1f} |"
        )
    return [*lines, ""]


def render(
    info: RunInfo,
    levels: Sequence[LevelResult],
    sustained: SustainedResult | None,
    idle: Sequence[IdleResult],
) -> str:
    lines = ["# Streaming benchmark: `generateReply` vs the fake provider", ""]
    lines += [f"Command: `{info.command}` ({info.seconds:.0f} s)", ""]
    lines += ["| Machine | |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in info.machine]
    lines += [
        f"| Load before the run | {_pct(info.busy_before)} of one core busy; load average "
        f"{info.load_before} |",
        "",
        "Processes: the fake provider (`tests.fakes.provider_server`), the API (one uvicorn "
        "worker) and this client are separate processes; PostgreSQL and Redis run on the same "
        "machine. They all share its cores, so at high concurrency they compete for CPU: the "
        "CPU columns say how much each used.",
        "",
        f"Script: each reply is {info.chunks} deltas, one every {info.chunk_delay * 1000:g} ms "
        "(first byte at once), so the provider sets the pace: "
        f"{1 / info.chunk_delay:.0f} deltas/s per stream. Direct = Chat Completions streaming "
        "straight to the fake provider (the same request body the API sends, on kept-alive "
        "connections); API = one `generateReply` subscription per WebSocket through one API "
        "process, one conversation per stream, accounts shared round robin. Streams of a round "
        "start at the same moment; the two paths alternate round by round. "
        "WebSocket permessage-deflate: "
        f"{'offered by the client, as browsers do' if info.compression else 'not offered'}; "
        "the API declines it, as shipped (`--ws-per-message-deflate false`), except in the "
        "idle run that measures it.",
        "",
    ]
    lines += _targets(levels, sustained, idle)
    if levels:
        lines += _streaming(levels)
    if sustained is not None:
        lines += _sustained(sustained, info.chunk_delay)
    if idle:
        lines += _idle(idle)
    return "\n".join(lines)
