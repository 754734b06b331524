"""Token budgets: TOKEN_BUDGET tokens per user per UTC day or month, enforced across processes.

One Redis counter per user and period holds what the period has used: the tokens of its
settled replies plus the reservations of replies still running ("used"). A reply reserves
its maximum (the estimated prompt it sends plus AI_MAX_OUTPUT_TOKENS) before anything is
stored or asked, in one Lua script: refused when used >= limit, else used += reservation.
When the reply ends (complete, failed, stopped, interrupted) it settles: used += charged
tokens - reservation, the charge being the provider's count or, when the reply ended before
the provider counted, a conservative estimate (`parley.ai.token_estimates`, the rule the
reservation is computed with). A model title reserves and settles the same way. So
concurrent replies overshoot the budget by at most one reply's maximum: once the last one is
admitted, used >= limit for every later one.

The counter starts from the database (the period's stored replies and title charges) when it is
missing: a new period, an evicted key, a flushed Redis. It expires a day after its period
ends. Without Redis the check falls back to the database alone (no reservations: concurrent
replies may then overshoot); replies are never refused because Redis is down.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley.errors import QuotaExceeded
from parley.insights.periods import Period, PeriodKind, period_at

log = structlog.get_logger(__name__)

# Kept a day past the period's end, so a reply that started before the reset still settles
# into its own period's counter.
_KEY_SLACK_SECONDS = 86_400

# KEYS[1] the counter; ARGV: reservation, limit. Returns {admitted (1/0, -1: no counter), used}.
_RESERVE = """
local used = redis.call('GET', KEYS[1])
if not used then return {-1, 0} end
used = tonumber(used)
if used >= tonumber(ARGV[2]) then return {0, used} end
return {1, redis.call('INCRBY', KEYS[1], ARGV[1])}
"""

# KEYS[1] the counter; ARGV[1] the change. A missing counter is left missing: it will start
# from the database, which already holds this reply's facts.
_SETTLE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


@dataclass(frozen=True)
class BudgetState:
    limit: int
    used: int
    resets_at: dt.datetime

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


@dataclass
class Reservation:
    """Tokens held for one running reply; settled once."""

    key: str
    tokens: int
    settled: bool = False


# The tokens a user's replies used in [start, end), from the database.
StoredTokens = Callable[[uuid.UUID, dt.datetime, dt.datetime], Awaitable[int]]


class TokenBudgets:
    def __init__(self, redis: Redis, limit: int, kind: PeriodKind) -> None:
        self._redis = redis
        self.limit = limit
        self.kind = kind
        self._reserve = redis.register_script(_RESERVE)
        self._settle = redis.register_script(_SETTLE)

    def period(self, now: dt.datetime | None = None) -> Period:
        return period_at(now or dt.datetime.now(dt.UTC), self.kind)

    @staticmethod
    def key(user_id: uuid.UUID, period: Period) -> str:
        return f"budget:{user_id}:{period.key}"

    async def reserve(
        self, user_id: uuid.UUID, tokens: int, stored: StoredTokens
    ) -> Reservation | None:
        """Hold `tokens` for a reply, or raise QuotaExceeded when the period's budget is spent.
        None when Redis is unavailable (checked against the database only)."""
        period = self.period()
        key = self.key(user_id, period)
        try:
            admitted, _ = await self._reserve(keys=[key], args=[tokens, self.limit])
            if admitted == -1:
                start = await stored(user_id, period.start, period.end)
                ttl = self._ttl(period)
                await self._redis.set(key, start, ex=ttl, nx=True)
                admitted, _ = await self._reserve(keys=[key], args=[tokens, self.limit])
        except RedisError:
            log.warning("token budget without reservations: Redis is down")
            if await stored(user_id, period.start, period.end) >= self.limit:
                raise QuotaExceeded(period.end) from None
            return None
        if admitted != 1:
            raise QuotaExceeded(period.end)
        return Reservation(key, tokens)

    async def settle(self, reservation: Reservation | None, used_tokens: int) -> None:
        """Replace the reservation by what the reply really used (0 when nothing is known)."""
        if reservation is None or reservation.settled:
            return
        reservation.settled = True
        try:
            await self._settle(keys=[reservation.key], args=[used_tokens - reservation.tokens])
        except RedisError:
            log.warning("could not settle a token reservation: Redis is down")

    async def state(self, user_id: uuid.UUID, stored_in_period: int) -> BudgetState:
        """The budget now: used is the counter (settled + reserved) when there is one, else
        what the database holds for the period."""
        period = self.period()
        used = stored_in_period
        try:
            counter = await self._redis.get(self.key(user_id, period))
        except RedisError:
            counter = None
        if counter is not None:
            used = int(counter)
        return BudgetState(self.limit, used, period.end)

    @staticmethod
    def _ttl(period: Period) -> int:
        left = (period.end - dt.datetime.now(dt.UTC)).total_seconds()
        return max(1, int(left)) + _KEY_SLACK_SECONDS
