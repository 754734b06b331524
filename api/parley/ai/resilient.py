"""Wraps a provider backend with what every call needs: retries, timing and one log line.

Backends make exactly one HTTP attempt per call and raise `ProviderError`; this module
decides whether to try again. A stream is only retried until its first event arrives:
after a delta has been shown to the user, starting over would repeat text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from typing import Literal, Protocol

import structlog

from parley.ai.errors import ProviderError
from parley.ai.providers import AIProvider
from parley.ai.retry import RetryPolicy
from parley.ai.types import ChatMessage, Completion, Delta, Finished, StreamEvent, Usage

log = structlog.get_logger(__name__)

Outcome = Literal["ok", "error", "cancelled"]


class ProviderBackend(Protocol):
    """One attempt at a provider's chat API, errors already mapped to `ProviderError`."""

    provider: AIProvider

    async def complete_once(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> Completion: ...

    def stream_once(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        """Deltas then one `Finished`; closing the generator must close the HTTP response."""
        ...

    async def aclose(self) -> None: ...


def _elapsed_ms(since: float, until: float | None = None) -> int:
    return round(((until if until is not None else time.perf_counter()) - since) * 1000)


def _ttft_ms(started: float, first_delta_at: float | None) -> int | None:
    return _elapsed_ms(started, first_delta_at) if first_delta_at is not None else None


class ResilientChatModel:
    """A `ChatModel` on top of a `ProviderBackend`."""

    def __init__(self, backend: ProviderBackend, policy: RetryPolicy) -> None:
        self._backend = backend
        self._policy = policy
        self.provider = backend.provider

    async def complete(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> Completion:
        started = time.perf_counter()
        attempts = 0

        async def attempt() -> Completion:
            nonlocal attempts
            attempts += 1
            return await self._backend.complete_once(model=model, system=system, messages=messages)

        outcome: Outcome = "error"
        result: Completion | None = None
        error: BaseException | None = None
        try:
            result = await self._policy.call(attempt)
            outcome = "ok"
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except Exception as exc:
            error = exc
            raise
        finally:
            latency_ms = _elapsed_ms(started)
            self._log(
                model=result.model if result else model,
                stream=False,
                outcome=outcome,
                attempts=attempts,
                latency_ms=latency_ms,
                ttft_ms=None,
                usage=result.usage if result else None,
                finish_reason=result.finish_reason if result else None,
                error=error,
            )
        assert result is not None  # every other path raised
        return dataclasses.replace(result, latency_ms=latency_ms, attempts=attempts)

    async def stream(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        started = time.perf_counter()
        attempts = 0
        first_delta_at: float | None = None

        async def open_stream() -> tuple[AsyncGenerator[StreamEvent, None], StreamEvent]:
            nonlocal attempts
            attempts += 1
            events = self._backend.stream_once(model=model, system=system, messages=messages)
            try:
                return events, await anext(events)
            except BaseException:
                await events.aclose()
                raise

        outcome: Outcome = "error"
        error: BaseException | None = None
        logged = False
        try:
            events, event = await self._policy.call(open_stream)
            async with aclosing(events):
                while True:
                    if isinstance(event, Delta):
                        if first_delta_at is None:
                            first_delta_at = time.perf_counter()
                        yield event
                        next_event = await anext(events, None)
                        # A backend that ends without `Finished` still gets a proper ending.
                        if next_event is None:
                            next_event = Finished(usage=None, finish_reason=None, model=model)
                        event = next_event
                        continue
                    finished = dataclasses.replace(
                        event,
                        latency_ms=_elapsed_ms(started),
                        ttft_ms=_ttft_ms(started, first_delta_at),
                        attempts=attempts,
                    )
                    outcome = "ok"
                    # Log before the last yield: the consumer may never resume us after it.
                    logged = True
                    self._log_finished(finished)
                    yield finished
                    return
        except (asyncio.CancelledError, GeneratorExit):
            outcome = "cancelled"
            raise
        except Exception as exc:
            error = exc
            raise
        finally:
            if not logged:
                self._log(
                    model=model,
                    stream=True,
                    outcome=outcome,
                    attempts=attempts,
                    latency_ms=_elapsed_ms(started),
                    ttft_ms=_ttft_ms(started, first_delta_at),
                    usage=None,
                    finish_reason=None,
                    error=error,
                )

    def _log_finished(self, finished: Finished) -> None:
        self._log(
            model=finished.model,
            stream=True,
            outcome="ok",
            attempts=finished.attempts,
            latency_ms=finished.latency_ms,
            ttft_ms=finished.ttft_ms,
            usage=finished.usage,
            finish_reason=finished.finish_reason,
            error=None,
        )

    def _log(
        self,
        *,
        model: str,
        stream: bool,
        outcome: Outcome,
        attempts: int,
        latency_ms: int,
        ttft_ms: int | None,
        usage: Usage | None,
        finish_reason: str | None,
        error: BaseException | None,
    ) -> None:
        # Counts and timings only: never message content or credentials.
        fields: dict[str, object] = {
            "provider": self.provider.value,
            "model": model,
            "stream": stream,
            "outcome": outcome,
            "attempts": attempts,
            "latency_ms": latency_ms,
            "ttft_ms": ttft_ms,
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "finish_reason": finish_reason,
        }
        if isinstance(error, ProviderError):
            fields.update(error_kind=error.kind, status=error.status, error=error.message)
        elif error is not None:
            fields.update(error_kind="internal", error=type(error).__name__)
        if outcome == "error":
            log.warning("ai.call", **fields)
        else:
            log.info("ai.call", **fields)

    async def aclose(self) -> None:
        await self._backend.aclose()
