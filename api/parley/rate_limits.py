"""Moving-window rate limits in Redis (the `limits` library), shared by every API process.

A limited call fails with `RATE_LIMITED` and `retryAfter`; over HTTP the response is also 429
with a `Retry-After` header (set by the caller, who owns the response). When Redis is down the
limits fail open: refusing every user because the limiter is blind would be worse.
"""

from __future__ import annotations

import math
import time

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import BlockingConnectionPool

from parley.errors import RateLimited
from parley.metrics.instruments import RATE_LIMIT_REFUSALS, rate_limit_label

log = structlog.get_logger(__name__)


def parse_limit(value: str, variable: str) -> RateLimitItem:
    try:
        return parse(value)
    except ValueError:
        raise ValueError(f"{variable} is not a rate limit like `10/minute`: {value!r}") from None


class RateLimiter:
    # Its own small pool: limits are checked on every sign-in and send, and must not wait
    # behind (or starve) the app's other Redis work.
    POOL_SIZE = 4

    def __init__(self, redis_url: str) -> None:
        pool = BlockingConnectionPool.from_url(
            redis_url,
            max_connections=self.POOL_SIZE,
            timeout=2,
            socket_connect_timeout=2,
            socket_timeout=2,
            client_name="parley-limits",
        )
        storage = RedisStorage(
            f"async+{redis_url}",
            implementation="redispy",
            wrap_exceptions=True,
            key_prefix="rl",
            connection_pool=pool,  # type: ignore[arg-type]  # passed on to redis.asyncio.Redis
        )
        self._window = MovingWindowRateLimiter(storage)

    async def hit(self, limit: RateLimitItem, *identity: str) -> None:
        """Count one call against `limit` for `identity`; raise `RateLimited` when over it."""
        try:
            if await self._window.hit(limit, *identity):
                return
        except StorageError:
            log.warning("rate limiter unavailable; allowing the call", limit=str(limit))
            return
        await self._refuse(limit, *identity)

    async def check(self, limit: RateLimitItem, *identity: str) -> None:
        """Raise `RateLimited` if `identity` has used up `limit`, without counting a call."""
        try:
            if await self._window.test(limit, *identity):
                return
        except StorageError:
            log.warning("rate limiter unavailable; allowing the call", limit=str(limit))
            return
        await self._refuse(limit, *identity)

    async def record(self, limit: RateLimitItem, *identity: str) -> None:
        """Count one event (say, a failed sign-in) against `limit`; never refuses."""
        try:
            await self._window.hit(limit, *identity)
        except StorageError:
            log.warning("rate limiter unavailable; event not counted", limit=str(limit))

    async def _refuse(self, limit: RateLimitItem, *identity: str) -> None:
        try:
            stats = await self._window.get_window_stats(limit, *identity)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        except StorageError:
            retry_after = 1
        log.info("rate limited", limit=str(limit), retry_after=retry_after)
        RATE_LIMIT_REFUSALS.labels(rate_limit_label(identity[0] if identity else None)).inc()
        raise RateLimited(retry_after)
