"""What the durable-replies benchmark measured, and the figures derived from it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.durable_clients import Trace
from bench.stats import percentile
from bench.streaming import CpuSampler

# A relay window starts this long after the last follower's first delta, when every follower
# has caught up and only live deltas flow.
SETTLE = 0.25


@dataclass(frozen=True)
class Load:
    """The machine while a phase ran: load average (1, 5, 15 min) at its start and end, and
    the cores busy on average (every process: the servers, this client, the other sessions)."""

    start: str
    end: str
    busy: float

    def __str__(self) -> str:
        return f"load {self.start} → {self.end}, {self.busy:.2f} cores busy"


@dataclass
class LatencyResult:
    replies: int
    chunks: int
    delay: float
    # B's receive time minus A's, per seq seen on both sockets (seconds).
    diffs: list[float] = field(default_factory=list)
    owner_deltas: int = 0
    follower_deltas: int = 0
    errors: list[str] = field(default_factory=list)
    load: Load | None = None
    # CPU seconds used over the measured rounds, and their wall time.
    cpu: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0

    def cpu_share(self, name: str) -> float:
        return self.cpu.get(name, math.nan) / self.wall if self.wall else math.nan

    def add(self, pairs: Sequence[tuple[Trace, Trace]]) -> None:
        for owner, follower in pairs:
            self.replies += 1
            for trace in (owner, follower):
                if not trace.ok:
                    self.errors.append(trace.error or f"ended {trace.final}")
            self.owner_deltas += len(owner.seqs)
            self.follower_deltas += len(follower.seqs)
            on_a = owner.by_seq()
            self.diffs += [
                t - on_a[s] for s, t in zip(follower.seqs, follower.times, strict=True) if s in on_a
            ]

    def latency(self, q: float) -> float:
        return percentile(self.diffs, q)


@dataclass
class StartResult:
    in_flight: int
    rate: float
    measured: int
    direct: list[float]  # time to first delta straight from the provider (seconds)
    api: list[float]  # the same through A
    errors: list[str]
    starved: int  # arrivals that found no free socket (not sent)
    cpu: dict[str, float]
    wall: float
    load: Load
    direct_load: Load

    def added(self, q: float) -> float:
        return percentile(self.api, q) - percentile(self.direct, q)

    def cpu_share(self, name: str) -> float:
        return self.cpu.get(name, math.nan) / self.wall if self.wall else math.nan


@dataclass
class BurstResult:
    count: int
    # (sent, first delta) per reply; first delta None when it failed.
    direct: list[tuple[float, float | None]]
    api: list[tuple[float, float | None]]
    load: Load
    direct_load: Load

    @staticmethod
    def all_first(samples: Sequence[tuple[float, float | None]]) -> float:
        """From the first request sent to the last first delta; NaN if any failed."""
        firsts = [f for _, f in samples]
        if not samples or any(f is None for f in firsts):
            return math.nan
        return max(f for f in firsts if f is not None) - min(s for s, _ in samples)

    @staticmethod
    def ttft(samples: Sequence[tuple[float, float | None]], q: float) -> float:
        return percentile([f - s for s, f in samples if f is not None], q)

    @staticmethod
    def failed(samples: Sequence[tuple[float, float | None]]) -> int:
        return sum(1 for _, f in samples if f is None)


@dataclass(frozen=True)
class RelayWindow:
    start: float
    end: float
    frames: int  # ReplyDelta messages received
    pieces: int  # provider deltas they carried (a merged delta carries several)
    cpu: dict[str, float]
    # "every follower receiving", or "busiest second" when there was no such stretch.
    kind: str

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def per_second(self, value: int) -> float:
        return value / self.seconds if self.seconds > 0 else math.nan

    def cpu_share(self, name: str) -> float:
        return self.cpu.get(name, math.nan) / self.seconds if self.seconds > 0 else math.nan

    @property
    def b_cpu_per_frame(self) -> float:
        """B's CPU seconds per delta message sent."""
        used = self.cpu.get("B", math.nan)
        return used / self.frames if self.frames else math.nan


def _count(traces: Sequence[Trace], t0: float, t1: float) -> tuple[int, int]:
    frames = pieces = 0
    for trace in traces:
        previous = 0
        for seq, at in zip(trace.seqs, trace.times, strict=True):
            if t0 <= at <= t1:
                frames += 1
                pieces += seq - previous
            previous = seq
    return frames, pieces


def relay_window(traces: Sequence[Trace], sampler: CpuSampler) -> RelayWindow | None:
    """The stretch during which every follower was receiving (less a settling margin), cut to
    the CPU snapshots inside it; failing that (followers that attached late under load), the
    busiest whole second. None when there were no deltas."""
    good = [t for t in traces if t.times]
    if not good:
        return None
    start = max(t.times[0] for t in good) + SETTLE
    end = min(t.times[-1] for t in good)
    t0, t1, cpu = sampler.between(start, end)
    if t1 - t0 >= 0.5:
        return RelayWindow(t0, t1, *_count(good, t0, t1), cpu, "every follower receiving")
    times = sorted(at for t in good for at in t.times)
    best, best_start = -1, times[0]
    edge = 0
    for index, at in enumerate(times):
        while times[edge] < at - 1.0:
            edge += 1
        if index - edge + 1 > best:
            best, best_start = index - edge + 1, at - 1.0
    t0, t1, cpu = sampler.between(best_start - 0.1, best_start + 1.1)
    if t1 - t0 < 0.5:
        return None
    return RelayWindow(t0, t1, *_count(good, t0, t1), cpu, "busiest second")


@dataclass
class RelayResult:
    replies: int
    followers: int
    chunks: int
    delay: float
    traces: list[Trace]
    window: RelayWindow | None
    load: Load

    @property
    def complete(self) -> int:
        """Followers that got the final COMPLETE event and every piece of the text."""
        return sum(1 for t in self.traces if t.ok and t.seqs and t.seqs[-1] == self.chunks)

    @property
    def errors(self) -> list[str]:
        return [t.error or f"ended {t.final}" for t in self.traces if not t.ok]


@dataclass
class IdleResult:
    followers: int
    baseline_kib: int
    loaded_kib: int
    peak_kib: int
    open_seconds: float
    # (CLIENT LIST entries from the process, its TCP sockets to Redis, client names)
    b_redis: tuple[int, int, str]
    a_redis: tuple[int, int, str]
    started: int
    at_provider: int
    start_errors: list[str]
    start_cpu: float  # A's CPU seconds from the first start to every request at the provider
    start_wall: float
    idle_cpu_rate: float  # A's CPU seconds per second while idle, just before
    load: Load
    start_load: Load

    @property
    def per_follower_kib(self) -> float:
        return (
            (self.loaded_kib - self.baseline_kib) / self.followers if self.followers else math.nan
        )

    @property
    def start_cpu_per_reply(self) -> float:
        return self.start_cpu / self.started if self.started else math.nan

    @property
    def start_cpu_less_idle(self) -> float:
        if not self.started:
            return math.nan
        return (self.start_cpu - self.idle_cpu_rate * self.start_wall) / self.started
