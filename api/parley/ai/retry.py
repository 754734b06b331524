"""Retry policy for provider calls: exponential backoff with jitter, via tenacity.

The SDKs' own retries are off (`max_retries=0`) so that attempts are counted once, here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar, cast

import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from parley.ai.config import AISettings
from parley.ai.errors import ProviderError

T = TypeVar("T")

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_delay: float
    max_delay: float

    @classmethod
    def from_settings(cls, settings: AISettings) -> RetryPolicy:
        return cls(
            max_attempts=settings.ai_max_attempts,
            base_delay=settings.ai_retry_base_delay_seconds,
            max_delay=settings.ai_retry_max_delay_seconds,
        )

    def should_retry(self, exc: BaseException) -> bool:
        if not isinstance(exc, ProviderError) or not exc.retryable:
            return False
        # Asked to wait longer than we are willing to: fail now rather than hammer it.
        return exc.retry_after is None or exc.retry_after <= self.max_delay

    def delay(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            multiplier=self.base_delay, max=self.max_delay, jitter=self.base_delay
        )(state)
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, ProviderError) and exc.retry_after is not None:
            return max(backoff, exc.retry_after)
        return backoff

    async def call(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` until it succeeds, fails for good, or attempts run out.

        Raises the last attempt's exception (never tenacity's `RetryError`).
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self.delay,
            retry=retry_if_exception(self.should_retry),
            before_sleep=_log_retry,
            reraise=True,
        )
        return cast(T, await retrying(attempt))


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome is not None else None
    if isinstance(exc, ProviderError):
        log.info(
            "ai.retry",
            provider=exc.provider.value,
            attempt=state.attempt_number,
            error_kind=exc.kind,
            status=exc.status,
            delay_s=round(state.upcoming_sleep, 3),
        )
