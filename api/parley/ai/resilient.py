"""Wraps a provider backend with what every call needs: retries, measurement and one log line.

Backends make exactly one HTTP attempt per call and raise `ProviderError`; this module
decides whether to try again. A stream is only retried until its first event arrives:
after a delta has been shown to the user, starting over would repeat text. Timing and
attempts are measured here and nowhere else (`ResilientStream.facts()`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from typing import Literal

import structlog

from parley.ai.errors import ProviderError
from parley.ai.providers import AIProvider
from parley.ai.retry import RetryPolicy
from parley.ai.types import CallFacts, ChatMessage, Delta, Finished, ProviderBackend, StreamEvent
from parley.metrics.instruments import record_first_token

log = structlog.get_logger(__name__)

Outcome = Literal["ok", "error", "cancelled"]


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)


class ResilientStream:
    """One reply's deltas from a backend, retried until the first event arrives."""

    def __init__(
        self,
        backend: ProviderBackend,
        policy: RetryPolicy,
        *,
        model: str,
        system: str | None,
        messages: Sequence[ChatMessage],
    ) -> None:
        self.provider = backend.provider
        self._model = model
        self._started = time.perf_counter()
        self._first_delta_at: float | None = None
        self._ended_at: float | None = None
        self._attempts = 0
        self._finished: Finished | None = None
        self._deltas = self._run(backend, policy, system, messages)

    def __aiter__(self) -> ResilientStream:
        return self

    async def __anext__(self) -> Delta:
        return await anext(self._deltas)

    async def aclose(self) -> None:
        await self._deltas.aclose()

    def facts(self) -> CallFacts:
        finished = self._finished
        end = self._ended_at if self._ended_at is not None else time.perf_counter()
        return CallFacts(
            provider=self.provider,
            model=finished.model if finished else self._model,
            usage=finished.usage if finished else None,
            finish_reason=finished.finish_reason if finished else None,
            latency_ms=_ms(self._started, end),
            ttft_ms=_ms(self._started, self._first_delta_at) if self._first_delta_at else None,
            attempts=self._attempts,
        )

    async def _run(
        self,
        backend: ProviderBackend,
        policy: RetryPolicy,
        system: str | None,
        messages: Sequence[ChatMessage],
    ) -> AsyncGenerator[Delta, None]:
        async def open_stream() -> tuple[AsyncGenerator[StreamEvent, None], StreamEvent]:
            self._attempts += 1
            events = backend.stream_once(model=self._model, system=system, messages=messages)
            try:
                return events, await anext(events)
            except BaseException:
                await events.aclose()
                raise

        outcome: Outcome = "error"
        error: BaseException | None = None
        try:
            events, event = await policy.call(open_stream)
            async with aclosing(events):
                while isinstance(event, Delta):
                    if self._first_delta_at is None:
                        self._first_delta_at = time.perf_counter()
                        record_first_token(self.provider, self._first_delta_at - self._started)
                    yield event
                    # A backend that ends without `Finished` still gets a proper ending.
                    event = await anext(events, None) or Finished(None, None, self._model)
                self._finished = event
            outcome = "ok"
        except (asyncio.CancelledError, GeneratorExit):
            outcome = "cancelled"
            raise
        except Exception as exc:
            error = exc
            raise
        finally:
            self._ended_at = time.perf_counter()
            self._log(outcome, error)

    def _log(self, outcome: Outcome, error: BaseException | None) -> None:
        # Counts and timings only: never message content or credentials.
        facts = self.facts()
        fields: dict[str, object] = {
            "provider": facts.provider.value,
            "model": facts.model,
            "outcome": outcome,
            "attempts": facts.attempts,
            "latency_ms": facts.latency_ms,
            "ttft_ms": facts.ttft_ms,
            "prompt_tokens": facts.usage.prompt_tokens if facts.usage else None,
            "completion_tokens": facts.usage.completion_tokens if facts.usage else None,
            "finish_reason": facts.finish_reason,
        }
        if isinstance(error, ProviderError):
            fields.update(error_kind=error.kind, status=error.status, error=error.message)
        elif error is not None:
            fields.update(error_kind="internal", error=type(error).__name__)
        if outcome == "error":
            log.warning("ai.call", **fields)
        else:
            log.info("ai.call", **fields)


class ResilientClient:
    """A `ProviderClient` on top of a `ProviderBackend`."""

    def __init__(self, backend: ProviderBackend, policy: RetryPolicy) -> None:
        self._backend = backend
        self._policy = policy
        self.provider: AIProvider = backend.provider

    def stream(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> ResilientStream:
        return ResilientStream(
            self._backend, self._policy, model=model, system=system, messages=messages
        )

    async def aclose(self) -> None:
        await self._backend.aclose()
