"""bcrypt hashing, always off the event loop: a login storm must not stall other requests."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import bcrypt

from parley.auth.validation import MAX_PASSWORD_BYTES

# A pool of its own, sized to the cores, so hashing cannot starve the default executor
# (which DNS lookups and other to_thread calls share).
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bcrypt")


class PasswordHasher:
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        # Verified when the email is unknown, so both failures cost one bcrypt check.
        self._dummy_hash = bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(rounds))

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        salt = bcrypt.gensalt(self.rounds)
        hashed = await loop.run_in_executor(_pool, bcrypt.hashpw, password.encode(), salt)
        return hashed.decode()

    async def verify(self, password: str, hashed: str | None) -> bool:
        """False for a wrong, over-long (no account has one) or unknown-account password,
        each after one full bcrypt check, so the answers cannot be told apart by time."""
        loop = asyncio.get_running_loop()
        target = hashed.encode() if hashed else self._dummy_hash
        secret = password.encode()
        too_long = len(secret) > MAX_PASSWORD_BYTES
        ok = await loop.run_in_executor(_pool, bcrypt.checkpw, secret[:MAX_PASSWORD_BYTES], target)
        return ok and hashed is not None and not too_long
