"""Per-user caps on open sockets and on the operations running over them, across processes.

Each user has two sorted sets in Redis, one of sockets and one of operations; a member's score
is the moment (Redis's clock, ms) it expires unless renewed. A socket renews its own members
every `WS_CHECK_SECONDS` (the watcher in `parley.graphql.transport`), so the members of a
process that died expire by themselves after `LIFETIME_CHECKS` missed renewals. Admission
prunes expired members and counts what is left in one script: two processes admitting at once
cannot both take the last slot.

When Redis cannot be asked, sockets and operations are admitted (and simply not counted), as
signed-in users keep working through a Redis outage elsewhere (`auth.login_sessions`).
"""

from __future__ import annotations

import itertools
import uuid

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley.auth.tokens import Claims
from parley.errors import TooManyOpen

log = structlog.get_logger(__name__)

# A member outlives this many missed renewals: a busy event loop is not a dead process.
LIFETIME_CHECKS = 4

_NOW_MS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS[1]: a user's set; ARGV: member, cap, lifetime (ms). 1: admitted, 0: the set is full.
_ADMIT = (
    _NOW_MS
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
)

# KEYS: the user's sockets, the user's operations; ARGV: lifetime (ms), the socket, its
# operations. XX: a member released (or expired) meanwhile is not brought back.
_RENEW = (
    _NOW_MS
    + """
local expires = now + tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if #ARGV > 2 then
  for i = 3, #ARGV do redis.call('ZADD', KEYS[2], 'XX', expires, ARGV[i]) end
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return 1
"""
)


def sockets_key(user_id: uuid.UUID) -> str:
    return f"ws:sockets:{user_id}"


def operations_key(user_id: uuid.UUID) -> str:
    return f"ws:operations:{user_id}"


class TooManySockets(Exception):
    """The user already has the most open sockets allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Too many open sockets for this account (at most {limit}).")
        self.limit = limit


class SocketLimits:
    """Admits a signed-in user's sockets; one per app, shared by every socket of the process."""

    def __init__(
        self, redis: Redis, *, max_sockets: int, max_operations: int, check_seconds: float
    ) -> None:
        self._redis = redis
        self.max_sockets = max_sockets
        self.max_operations = max_operations
        self.check_seconds = check_seconds
        self.lifetime_ms = max(1, int(check_seconds * LIFETIME_CHECKS * 1000))
        self._admit = redis.register_script(_ADMIT)
        self._renew = redis.register_script(_RENEW)

    async def admit_socket(self, claims: Claims) -> SocketLease:
        """A lease on one of the user's socket slots, else `TooManySockets`."""
        lease = SocketLease(self, claims)
        if not await self.admit(sockets_key(claims.user_id), lease.socket_id, self.max_sockets):
            raise TooManySockets(self.max_sockets)
        return lease

    async def admit(self, key: str, member: str, cap: int) -> bool:
        try:
            return bool(await self._admit(keys=[key], args=[member, cap, self.lifetime_ms]))
        except RedisError:
            log.warning("socket accounting unavailable; admitting uncounted", key=key)
            return True

    async def renew(self, user_id: uuid.UUID, socket_id: str, operations: list[str]) -> None:
        try:
            await self._renew(
                keys=[sockets_key(user_id), operations_key(user_id)],
                args=[self.lifetime_ms, socket_id, *operations],
            )
        except RedisError:
            log.warning("socket accounting unavailable; slots not renewed")

    async def forget(self, key: str, *members: str) -> None:
        if not members:
            return
        try:
            await self._redis.zrem(key, *members)
        except RedisError:
            # They expire by themselves.
            log.warning("socket accounting unavailable; slots left to expire")


class SocketLease:
    """One admitted socket: the slots it holds, renewed by its watcher, freed when it closes."""

    def __init__(self, limits: SocketLimits, claims: Claims) -> None:
        self._limits = limits
        self.claims = claims
        self.socket_id = uuid.uuid4().hex
        # Members are ours, not the client's operation ids: those can be long, and reused.
        self._numbers = itertools.count()
        self._operations: set[str] = set()

    @property
    def check_seconds(self) -> float:
        return self._limits.check_seconds

    async def admit_operation(self) -> str:
        """A slot for one operation (its member), else `TooManyOpen`."""
        member = f"{self.socket_id}:{next(self._numbers)}"
        key = operations_key(self.claims.user_id)
        if not await self._limits.admit(key, member, self._limits.max_operations):
            raise TooManyOpen(self._limits.max_operations, "account")
        self._operations.add(member)
        return member

    async def release_operation(self, member: str) -> None:
        if member in self._operations:
            self._operations.discard(member)
            await self._limits.forget(operations_key(self.claims.user_id), member)

    async def renew(self) -> None:
        await self._limits.renew(self.claims.user_id, self.socket_id, sorted(self._operations))

    async def close(self) -> None:
        operations, self._operations = self._operations, set()
        await self._limits.forget(operations_key(self.claims.user_id), *operations)
        await self._limits.forget(sockets_key(self.claims.user_id), self.socket_id)
