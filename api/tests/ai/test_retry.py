"""The retry policy and Retry-After parsing, without HTTP."""

from __future__ import annotations

import email.utils
import time

import pytest

from parley.ai import AIProvider, ProviderError
from parley.ai.errors import retry_after_seconds
from parley.ai.retry import RetryPolicy

POLICY = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)


async def test_retries_only_retryable_errors() -> None:
    attempts = 0

    async def fail() -> None:
        nonlocal attempts
        attempts += 1
        raise ProviderError.http_status(AIProvider.OPENAI, 404)

    with pytest.raises(ProviderError):
        await POLICY.call(fail)

    assert attempts == 1


async def test_stops_after_max_attempts_and_raises_the_last_error() -> None:
    attempts = 0

    async def fail() -> None:
        nonlocal attempts
        attempts += 1
        raise ProviderError.timeout(AIProvider.ANTHROPIC)

    with pytest.raises(ProviderError, match="Anthropic request timed out"):
        await POLICY.call(fail)

    assert attempts == 3


async def test_other_exceptions_propagate_at_once() -> None:
    attempts = 0

    async def boom() -> None:
        nonlocal attempts
        attempts += 1
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await POLICY.call(boom)

    assert attempts == 1


async def test_returns_the_first_success() -> None:
    failures = [ProviderError.connection(AIProvider.OLLAMA)]

    async def flaky() -> str:
        if failures:
            raise failures.pop()
        return "done"

    assert await POLICY.call(flaky) == "done"


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (529, True),
    ],
)
def test_which_statuses_are_retryable(status: int, retryable: bool) -> None:
    assert ProviderError.http_status(AIProvider.OPENAI, status).retryable is retryable


def test_retry_after_forms() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)

    assert retry_after_seconds({"retry-after": "2"}) == 2
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert 25 < (retry_after_seconds({"retry-after": later}) or 0) <= 30
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
