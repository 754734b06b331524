"""Provider fallback: when a reply's provider fails before its first delta (retries spent),
the next provider of an ordered list answers instead.

`AI_FALLBACKS` names, per provider, the `PROVIDER:model` routes to try in order:

    AI_FALLBACKS=OPENAI=ANTHROPIC:claude-sonnet-5-5,DEMO;ANTHROPIC=OPENAI:gpt-6.1-sol

Entries are `;`-separated, routes `,`-separated; a route without `:model` uses that
provider's default model. A provider never falls back to itself, and every route must be
configured and offer its model (checked at start-up, see `AISettings`).

Only failures worth trying elsewhere fall back: the ones the retry policy calls transient
(408, 429, 5xx and Anthropic's 529 overload, timeouts, refused or dropped connections, an
overload reported inside the stream). A 400/401/403/404 is not: a bad request would fail the
same way elsewhere, and a rejected key is an operator problem that a fallback would hide.
Never once a delta has been shown: starting over elsewhere would repeat words.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace

import structlog

from parley.ai.errors import ProviderError
from parley.ai.providers import AIProvider
from parley.ai.types import CallFacts, ChatMessage, Delta, ProviderClient, ReplyStream

log = structlog.get_logger(__name__)

ENTRY_SEPARATOR = ";"
ROUTE_SEPARATOR = ","
FORMAT_HINT = "PROVIDER=PROVIDER[:model],...;PROVIDER=..."


@dataclass(frozen=True, slots=True)
class FallbackRoute:
    provider: AIProvider
    # None: the provider's default model.
    model: str | None = None


Fallbacks = dict[AIProvider, tuple[FallbackRoute, ...]]


def _provider(name: str) -> AIProvider:
    try:
        return AIProvider(name.strip().upper())
    except ValueError:
        known = ", ".join(p.value for p in AIProvider)
        raise ValueError(f"unknown provider {name.strip()!r} (one of {known})") from None


def parse_fallbacks(value: str) -> Fallbacks:
    """The routes of `AI_FALLBACKS`; ValueError (one line, no secrets) when malformed."""
    fallbacks: Fallbacks = {}
    for entry in value.split(ENTRY_SEPARATOR):
        if not entry.strip():
            continue
        source_name, sep, routes_text = entry.partition("=")
        if not sep or not routes_text.strip():
            raise ValueError(f"{entry.strip()!r} is not like {FORMAT_HINT}")
        source = _provider(source_name)
        if source in fallbacks:
            raise ValueError(f"{source.value} is listed twice")
        routes: list[FallbackRoute] = []
        for item in routes_text.split(ROUTE_SEPARATOR):
            if not item.strip():
                continue
            name, _, model = item.partition(":")
            route = FallbackRoute(_provider(name), model.strip() or None)
            if route.provider is source:
                raise ValueError(f"{source.value} cannot fall back to itself")
            if route.provider in {r.provider for r in routes}:
                raise ValueError(f"{source.value} lists {route.provider.value} twice")
            routes.append(route)
        fallbacks[source] = tuple(routes)
    return fallbacks


def falls_back(error: BaseException) -> bool:
    """Whether a failure before the first delta is worth trying on another provider."""
    return isinstance(error, ProviderError) and error.retryable


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


class FallbackStream:
    """One reply's deltas from the first of `legs` that gets to its first delta.

    Each leg is a retried stream of its own (`ResilientStream`); this only moves on to the
    next leg when one fails before yielding anything, with a failure `falls_back` accepts.
    """

    def __init__(
        self,
        legs: Sequence[tuple[ProviderClient, str]],
        *,
        system: str | None,
        messages: Sequence[ChatMessage],
    ) -> None:
        self.provider = legs[0][0].provider
        self._started = time.perf_counter()
        self._system = system
        self._messages = messages
        self._legs = legs
        self._current: ReplyStream = self._open(0)
        # Attempts of the legs given up on, and when the current leg started.
        self._earlier_attempts = 0
        self._leg_offset = 0.0
        self._deltas = self._run()

    def _open(self, index: int) -> ReplyStream:
        client, model = self._legs[index]
        return client.stream(model=model, system=self._system, messages=self._messages)

    def __aiter__(self) -> FallbackStream:
        return self

    async def __anext__(self) -> Delta:
        return await anext(self._deltas)

    async def aclose(self) -> None:
        await self._deltas.aclose()
        # A stream never iterated still holds nothing, but close it for symmetry.
        await self._current.aclose()

    def facts(self) -> CallFacts:
        """The answering leg's facts, timed from the start of the first leg, with every
        leg's attempts and the conversation's provider when another one answered."""
        facts = self._current.facts()
        offset = _ms(self._leg_offset)
        return replace(
            facts,
            latency_ms=facts.latency_ms + offset,
            ttft_ms=facts.ttft_ms + offset if facts.ttft_ms is not None else None,
            attempts=facts.attempts + self._earlier_attempts,
            fallback_from=self.provider if facts.provider is not self.provider else None,
        )

    async def _run(self) -> AsyncGenerator[Delta, None]:
        for index in range(len(self._legs)):
            if index > 0:
                self._leg_offset = time.perf_counter() - self._started
                self._current = self._open(index)
            stream = self._current
            streamed = False
            async with aclosing(stream):
                try:
                    async for delta in stream:
                        streamed = True
                        yield delta
                    return
                except ProviderError as error:
                    last = index == len(self._legs) - 1
                    if streamed or last or not falls_back(error):
                        raise
                    self._earlier_attempts += stream.facts().attempts
                    next_client, next_model = self._legs[index + 1]
                    # Names and codes only: the error's message is safe, but brevity helps.
                    log.warning(
                        "ai.fallback",
                        provider=error.provider.value,
                        error_kind=error.kind,
                        status=error.status,
                        to_provider=next_client.provider.value,
                        to_model=next_model,
                    )


class FallbackClient:
    """A `ProviderClient` that tries `routes` (client, model) after the primary fails."""

    def __init__(self, primary: ProviderClient, routes: Sequence[tuple[ProviderClient, str]]):
        self.provider: AIProvider = primary.provider
        self._primary = primary
        self._routes = tuple(routes)

    def stream(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> FallbackStream:
        return FallbackStream(
            [(self._primary, model), *self._routes], system=system, messages=messages
        )
