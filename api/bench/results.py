"""What the streaming benchmark measured, and the figures derived from it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench.clients import StreamSample
from bench.stats import mean, percentile

# A sustained-throughput window starts this long after the last stream's first delta, so the
# burst of starts is over on both paths.
SETTLE = 0.25


@dataclass
class PathResult:
    """One path (direct or API) at one concurrency level, over all its measured rounds."""

    samples: list[StreamSample] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    # The time over which `cpu` was measured (the rounds, start to finish).
    cpu_wall: float = 0.0

    @property
    def good(self) -> list[StreamSample]:
        return [s for s in self.samples if s.ok]

    @property
    def errors(self) -> list[str]:
        return [s.error or "no delta" for s in self.samples if not s.ok]

    def ttft(self, q: float) -> float:
        return percentile([t for s in self.good if (t := s.ttft) is not None], q)

    def rate(self) -> float:
        return mean([r for s in self.good if (r := s.rate) is not None])

    def delivery_rate(self) -> float:
        """Mean over streams of deltas ÷ (last delta - reply start), where the reply starts
        when the request is sent (direct) or when ReplyStarted arrives (API): the pace at
        which the reply reached the client once it was under way, preparation left out."""
        rates = []
        for s in self.good:
            start = s.started_at if s.started_at is not None else s.sent_at
            if s.times and s.times[-1] > start:
                rates.append(s.deltas / (s.times[-1] - start))
        return mean(rates)

    def aggregate(self) -> float:
        wall = sum(self.walls)
        return sum(s.deltas for s in self.good) / wall if wall else math.nan

    def duration(self, q: float) -> float:
        return percentile([d for s in self.good if (d := s.duration) is not None], q)

    def started(self, q: float) -> float:
        return percentile(
            [s.started_at - s.sent_at for s in self.good if s.started_at is not None], q
        )

    def started_to_delta(self, q: float) -> float:
        return percentile(
            [s.times[0] - s.started_at for s in self.good if s.started_at is not None and s.times],
            q,
        )

    def cpu_share(self, name: str) -> float:
        """CPU used by `name` as a fraction of one core, over the rounds' wall time."""
        wall = self.cpu_wall
        return self.cpu.get(name, 0.0) / wall if wall else math.nan

    def other_cpu_share(self) -> float:
        """The rest of the machine (PostgreSQL, Redis, anything else running)."""
        ours = sum(self.cpu.get(name, 0.0) for name in ("provider", "api", "client"))
        wall = self.cpu_wall
        return (self.cpu.get("machine", 0.0) - ours) / wall if wall else math.nan


@dataclass
class LevelResult:
    streams: int
    rounds: int
    direct: PathResult = field(default_factory=PathResult)
    api: PathResult = field(default_factory=PathResult)


@dataclass
class Window:
    """The stretch of a round during which every stream was delivering deltas."""

    start: float
    end: float
    deltas: int
    cpu: dict[str, float]

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def throughput(self) -> float:
        return self.deltas / self.seconds if self.seconds > 0 else math.nan

    def cpu_share(self, name: str) -> float:
        if self.seconds <= 0 or not self.cpu:
            return math.nan
        if name == "other":
            ours = sum(self.cpu.get(n, 0.0) for n in ("provider", "api", "client"))
            return (self.cpu.get("machine", 0.0) - ours) / self.seconds
        return self.cpu.get(name, math.nan) / self.seconds


def all_streaming_window(samples: list[StreamSample]) -> tuple[float, float, int] | None:
    """(start, end, deltas inside) for the time every stream was between its first and last
    delta, less a settling margin at the start; None if there was no such time."""
    good = [s for s in samples if s.ok]
    if not good or len(good) != len(samples):
        return None
    start = max(s.times[0] for s in good) + SETTLE
    end = min(s.times[-1] for s in good)
    if end <= start:
        return None
    inside = sum(1 for s in good for t in s.times if start <= t <= end)
    return start, end, inside


def busiest_second(samples: list[StreamSample]) -> tuple[float, float]:
    """(start, deltas received) of the whole second of the round with the most deltas."""
    times = sorted(t for s in samples for t in s.times)
    if not times:
        return math.nan, math.nan
    counts: dict[int, int] = {}
    for t in times:
        key = int(t - times[0])
        counts[key] = counts.get(key, 0) + 1
    # The last second is partial; leave it out unless it is the only one.
    whole = {k: c for k, c in counts.items() if k < max(counts)} or counts
    best = max(whole, key=lambda k: whole[k])
    return times[0] + best, float(whole[best])


@dataclass
class SustainedResult:
    streams: int
    chunks: int
    direct: Window | None
    api: Window | None
    direct_errors: list[str]
    api_errors: list[str]
    api_ttft_p99: float
    direct_delivery: float
    api_delivery: float
    direct_peak: float
    api_peak: float
    # CPU during the API's busiest second, as a fraction of one core.
    api_peak_cpu: dict[str, float]

    @property
    def ratio(self) -> float:
        if self.direct is None or self.api is None:
            return math.nan
        return self.api.throughput / self.direct.throughput

    @property
    def delivery_ratio(self) -> float:
        return self.api_delivery / self.direct_delivery


@dataclass
class IdleResult:
    subscriptions: int
    held: int
    baseline_kib: int
    loaded_kib: int
    peak_kib: int
    open_seconds: float
    compression: bool
    extensions: str

    @property
    def per_subscription_kib(self) -> float:
        return (self.loaded_kib - self.baseline_kib) / self.subscriptions
