"""The durable-replies benchmark's Markdown report: the issue's targets, met or not, each with
the machine's load while it was measured, then each phase in detail."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bench.durable_results import (
    BurstResult,
    IdleResult,
    LatencyResult,
    Load,
    RelayResult,
    StartResult,
)
from bench.stats import ms, signed_ms

# Targets from issue 10, item 9.
LATENCY_P50 = 0.005
LATENCY_P99 = 0.020
ADDED_P50 = 0.005
BURST_ALL = 1.0
RELAY = 20_000.0
IDLE_KIB = 50.0
REDIS_CONNECTIONS = 10  # fewer than
START_CPU = 0.003


@dataclass(frozen=True)
class RunInfo:
    command: str
    seconds: float
    machine: Sequence[tuple[str, str]]
    load_before: str
    load_after: str
    quick: bool


def _met(ok: bool | str | None) -> str:
    if isinstance(ok, str):
        return ok
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 100:.0f}%"


def _le(value: float, limit: float) -> bool | None:
    return None if math.isnan(value) else value <= limit


def _load(load: Load | None) -> str:
    return "n/a" if load is None else f"{load.start} → {load.end} ({load.busy:.2f} cores busy)"


def _relay_met(relay: RelayResult) -> bool | str | None:
    """Met when B delivered 20,000/s. Short of it with B below 90% of a core, B was not what
    limited the run (the client or the offered load was): "not shown", with B's capacity."""
    window = relay.window
    if window is None:
        return None
    if window.per_second(window.frames) >= RELAY:
        return True
    if window.cpu_share("B") < 0.9:
        capacity = 1 / window.b_cpu_per_frame
        return f"not shown (B {window.cpu_share('B'):.0%} busy; {capacity:,.0f}/CPU-s)"
    return False


def _targets(
    latency: LatencyResult,
    steady: StartResult,
    burst: BurstResult,
    relay: RelayResult,
    idle: IdleResult,
) -> list[str]:
    relayed = relay.window.per_second(relay.window.frames) if relay.window else math.nan
    all_first = BurstResult.all_first(burst.api)
    b_redis = idle.b_redis[0]
    rows = [
        (
            "Follower on B gets each delta after A's client, p50",
            "≤ 5 ms",
            f"{ms(latency.latency(50))} ms",
            _le(latency.latency(50), LATENCY_P50),
            latency.load,
        ),
        (
            "Follower on B gets each delta after A's client, p99",
            "≤ 20 ms",
            f"{ms(latency.latency(99))} ms",
            _le(latency.latency(99), LATENCY_P99),
            latency.load,
        ),
        (
            f"Added time to first delta, p50, {steady.in_flight} in flight + "
            f"{steady.rate:g}/s arriving",
            "≤ 5 ms",
            f"{signed_ms(steady.added(50))} ms",
            _le(steady.added(50), ADDED_P50),
            steady.load,
        ),
        (
            "Added time to first delta, p99 (same run; no target)",
            "-",
            f"{signed_ms(steady.added(99))} ms",
            None,
            steady.load,
        ),
        (
            f"Burst of {burst.count} started together: all have their first delta",
            "≤ 1 s",
            f"{ms(all_first)} ms",
            _le(all_first, BURST_ALL),
            burst.load,
        ),
        (
            f"Deltas/s B relays to {relay.followers} followers of {relay.replies} replies on A",
            "≥ 20,000",
            "n/a" if math.isnan(relayed) else f"{relayed:,.0f}",
            _relay_met(relay),
            relay.load,
        ),
        (
            f"Memory per idle follower, {idle.followers:,} on B",
            "≤ 50 KiB",
            f"{idle.per_follower_kib:.1f} KiB",
            _le(idle.per_follower_kib, IDLE_KIB),
            idle.load,
        ),
        (
            f"B's Redis connections with {idle.followers:,} idle followers",
            "< 10",
            f"{b_redis}",
            b_redis < REDIS_CONNECTIONS,
            idle.load,
        ),
        (
            f"Reply start CPU on A ({idle.started:,} starts)",
            "≤ 3 ms",
            f"{ms(idle.start_cpu_per_reply)} ms",
            _le(idle.start_cpu_per_reply, START_CPU),
            idle.start_load,
        ),
    ]
    lines = [
        "## Targets (issue 10, item 9)",
        "",
        "| Target | Goal | Measured | Met | Load average at start → end (cores busy) |",
        "| --- | --- | ---: | --- | --- |",
    ]
    lines += [f"| {w} | {g} | {m} | {_met(ok)} | {_load(load)} |" for w, g, m, ok, load in rows]
    return [*lines, ""]


def _latency(result: LatencyResult) -> list[str]:
    return [
        "## 1. Follower latency (owner's client on A, follower on B)",
        "",
        f"{result.replies} replies (in rounds of concurrent replies, a warm-up round left "
        f"out), {result.chunks} deltas each, one every "
        f"{result.delay * 1000:.0f} ms from the fake provider.",
        "",
        "| Deltas timed on both | A's client got | B's follower got | p50 | p90 | p99 | max | "
        "B before A | Errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {len(result.diffs):,} | {result.owner_deltas:,} | {result.follower_deltas:,} | "
        f"{ms(result.latency(50))} ms | {ms(result.latency(90))} ms | "
        f"{ms(result.latency(99))} ms | {ms(result.latency(100))} ms | "
        f"{sum(1 for d in result.diffs if d < 0):,} | {len(result.errors)} |",
        "",
        "Latency = the follower socket's receive time minus the owner socket's for the same "
        "`seq`, both read by this one client process (`time.perf_counter()`). A delta counts "
        "only when both sockets got that seq as a delta of its own (a merged delta carries the "
        "seq of its last piece). The follower subscribes with `after: 0` as soon as the owner's "
        "client sees ReplyStarted; the provider waits a second before its first delta, so "
        "every timed delta was delivered live. CPU over the measured rounds (cores): "
        + " / ".join(
            f"{n} {result.cpu_share(n):.2f}" for n in ("A", "B", "provider", "client", "machine")
        )
        + ".",
        *(["", f"First error: `{result.errors[0][:300]}`"] if result.errors else []),
        "",
    ]


def _start(steady: StartResult, burst: BurstResult) -> list[str]:
    def row(name: str, values: Sequence[float]) -> str:
        from bench.stats import percentile

        return (
            f"| {name} | {len(values)} | {ms(percentile(values, 50))} | "
            f"{ms(percentile(values, 99))} |"
        )

    lines = [
        "## 2. Time to first delta under load (replies on A)",
        "",
        f"Replies arrive at {steady.rate:g}/s, each on a socket of its own, until "
        f"{steady.in_flight} are in flight; the next {steady.measured} arrivals are measured "
        "(each reply lasts as long as the in-flight count takes to arrive, so it stays there). "
        "The same schedule runs straight to the fake provider first; added = A - direct at the "
        "same percentile.",
        "",
        "| Path | Measured | TTFT p50 ms | TTFT p99 ms |",
        "| --- | ---: | ---: | ---: |",
        row("direct", steady.direct),
        row("through A", steady.api),
        "",
        f"Added: p50 {signed_ms(steady.added(50))} ms, p99 {signed_ms(steady.added(99))} ms. "
        f"Errors {len(steady.errors)}, arrivals with no free socket {steady.starved}. "
        f"CPU over the API run (share of one core): A {_pct(steady.cpu_share('A'))}, "
        f"B {_pct(steady.cpu_share('B'))}, provider {_pct(steady.cpu_share('provider'))}, "
        f"client {_pct(steady.cpu_share('client'))}. Direct run: {steady.direct_load}; "
        f"API run: {steady.load}.",
        *(["", f"First error: `{steady.errors[0][:300]}`"] if steady.errors else []),
        "",
        f"Burst: {burst.count} started together (subscribe messages sent at once).",
        "",
        "| Path | Failed | TTFT p50 ms | TTFT p99 ms | All had a first delta after |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, samples, load in (
        ("direct", burst.direct, burst.direct_load),
        ("through A", burst.api, burst.load),
    ):
        lines.append(
            f"| {name} ({load}) | {BurstResult.failed(samples)} | "
            f"{ms(BurstResult.ttft(samples, 50))} | {ms(BurstResult.ttft(samples, 99))} | "
            f"{ms(BurstResult.all_first(samples))} ms |"
        )
    return [*lines, ""]


def _relay(result: RelayResult) -> list[str]:
    window = result.window
    lines = [
        "## 3. Relay (replies owned by A, followers on B)",
        "",
        f"{result.replies} replies started on A (their clients detach at ReplyStarted), "
        f"{result.followers // max(1, result.replies)} followers of each on B, one socket each; "
        f"{result.chunks} deltas per reply, one every {result.delay * 1000:.0f} ms. Counted while "
        "every follower was receiving (less 0.25 s once the last one had its first delta) or, "
        "when followers attached too late for such a stretch, over the busiest second; CPU "
        "from /proc snapshots every 0.2 s over the same window.",
        "",
    ]
    if window is None:
        lines.append("No stretch with every follower receiving: no figure.")
    else:
        lines += [
            "| Window | Seconds | Deltas sent by B/s | Provider pieces/s they carried | "
            "B's CPU per delta | CPU A / B / provider / client / whole machine (cores) |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            f"| {window.kind} | {window.seconds:.2f} | {window.per_second(window.frames):,.0f} | "
            f"{window.per_second(window.pieces):,.0f} | "
            f"{window.b_cpu_per_frame * 1e6:.1f} µs (= {1 / window.b_cpu_per_frame:,.0f}/CPU-s) | "
            + " / ".join(
                f"{window.cpu_share(n):.2f}" for n in ("A", "B", "provider", "client", "machine")
            )
            + " |",
        ]
    lines += [
        "",
        f"Followers complete (final COMPLETE, last seq = {result.chunks}): "
        f"{result.complete}/{result.followers}. Errors: {len(result.errors)}. {result.load}.",
        "The figure is ReplyDelta messages B sent (each follower's copy counts); when B falls "
        "behind it merges deltas, so a message may carry several provider pieces (second "
        "column). Everything runs on the same two cores: when the client's share is high, it "
        "limits the figure too.",
        *(["", f"First error: `{result.errors[0][:300]}`"] if result.errors else []),
        "",
    ]
    return lines


def _idle(result: IdleResult) -> list[str]:
    return [
        "## 4. Idle followers on B, and reply start CPU on A",
        "",
        f"{result.started:,} replies started on A by 50 sockets, one after another on each "
        "(clients detach at ReplyStarted); the provider holds its first byte, so each reply "
        f"waits there ({result.at_provider:,} requests seen held). Start errors: "
        f"{len(result.start_errors)}.",
        "",
        f"- Start CPU: A's CPU time (utime + stime from /proc/PID/stat) from the first start to "
        f"every request held at the provider, divided by the replies started: "
        f"**{ms(result.start_cpu_per_reply)} ms** per reply "
        f"({result.start_cpu:.2f} s over {result.start_wall:.1f} s; less A's idle rate of "
        f"{result.idle_cpu_rate * 1000:.1f} ms/s: {ms(result.start_cpu_less_idle)} ms). "
        "It includes the client's subscribe and complete messages. "
        f"{result.start_load}.",
        f"- Idle followers: {result.followers:,} sockets on B, each following one of those "
        f"replies (`replyEvents` with `after: null`, in place once ReplyStarted is replayed; "
        f"subscribed 50 at a time), opened in {result.open_seconds:.1f} s. "
        f"B's RSS {result.baseline_kib:,} → "
        f"{result.loaded_kib:,} KiB (peak {result.peak_kib:,}): "
        f"**{result.per_follower_kib:.1f} KiB per follower**, socket included.",
        f"- Redis connections (CLIENT LIST entries whose address is one of the process's own "
        f"TCP sockets, from /proc/PID/fd and /proc/net/tcp): B **{result.b_redis[0]}** "
        f"({result.b_redis[1]} sockets; name and last command: {result.b_redis[2]}), A "
        f"{result.a_redis[0]} ({result.a_redis[1]} sockets; {result.a_redis[2]}) while owning "
        f"{result.started:,} replies.",
        f"- {result.load}.",
        *(
            ["", f"First start error: `{result.start_errors[0][:300]}`"]
            if result.start_errors
            else []
        ),
        "",
    ]


def render(
    info: RunInfo,
    latency: LatencyResult,
    steady: StartResult,
    burst: BurstResult,
    relay: RelayResult,
    idle: IdleResult,
) -> str:
    lines = [
        "# Durable replies benchmark",
        "",
        f"Written by `{info.command}` (or `make bench`) in {info.seconds / 60:.1f} min. A "
        "benchmark, not a test: the figures depend on the machine below and on how quiet it "
        "was (every figure carries the load average while it was taken).",
        "",
        "Two API processes, A and B, each `python -m parley.server` with one worker (as "
        "`make serve` runs it), share PostgreSQL and Redis on the same machine; a fake "
        "OpenAI-compatible provider (`tests.fakes.provider_server`, its own process) streams "
        "scripted deltas at a set pace; this client (one more process) speaks "
        "graphql-transport-ws to both. Every phase starts a fresh provider and pair.",
        "",
        *(["**Quick run: smaller than the targets describe.**", ""] if info.quick else []),
        *_targets(latency, steady, burst, relay, idle),
        *_latency(latency),
        *_start(steady, burst),
        *_relay(relay),
        *_idle(idle),
        "## Limits of this measurement",
        "",
        "- Every process (A, B, the provider, PostgreSQL, Redis, this client) shares the "
        "machine's cores, with other work running: the load columns say how busy it was. A "
        "figure taken while the machine had no idle core says more about the machine than "
        "about the API.",
        "- Phase 2 runs its replies on A only (B idles): it measures one process's starts.",
        '- The relay client runs on the same cores as B; the relay row says "not shown" '
        "(with B's deltas per CPU-second) when B was not near a full core, since then "
        "something else set the pace.",
        "- Memory per follower includes the follower's WebSocket (one socket per follower, as "
        "a browser tab has); the Redis connections are counted once the followers are in "
        "place, so they include what the subscribing itself opened and kept.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in info.machine),
        f"| Load average (1, 5, 15 min) | {info.load_before} at the start, "
        f"{info.load_after} at the end |",
    ]
    return "\n".join(lines)
