"""The values that cross the AI layer's boundary, and the interface every provider implements."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from parley.ai.providers import AIProvider

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Delta:
    """A piece of reply text, in order."""

    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    """The last event of one backend attempt: what the provider reported at the end."""

    usage: Usage | None
    finish_reason: str | None
    model: str


StreamEvent = Delta | Finished


@dataclass(frozen=True, slots=True)
class CallFacts:
    """How one reply's provider call went, measured once by the resilient layer; available
    however the call ended (finished, failed or cancelled), with what was known by then."""

    provider: AIProvider
    model: str
    usage: Usage | None
    finish_reason: str | None
    latency_ms: int
    # Time to the first delta; None when none arrived.
    ttft_ms: int | None
    # Provider calls made, retries and fallbacks included.
    attempts: int
    # The conversation's own provider when a fallback answered (`parley.ai.fallbacks`).
    fallback_from: AIProvider | None = None
    # The usage is our estimate (`parley.ai.token_estimates`), not the provider's count: the
    # call ended before the provider sent one.
    usage_estimated: bool = False


class ReplyStream(Protocol):
    """The deltas of one reply; `facts()` at any moment, `aclose()` to cancel the call."""

    def __aiter__(self) -> AsyncIterator[Delta]: ...

    async def __anext__(self) -> Delta: ...

    async def aclose(self) -> None: ...

    def facts(self) -> CallFacts: ...


class ProviderClient(Protocol):
    """One provider's chat API, with retries and measurement."""

    provider: AIProvider

    def stream(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> ReplyStream:
        """Raises `ProviderError` while iterating."""
        ...


class ProviderBackend(Protocol):
    """One attempt at a provider's chat API, errors already mapped to `ProviderError`."""

    provider: AIProvider

    def stream_once(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        """Deltas then one `Finished`; closing the generator must close the HTTP response."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    provider: AIProvider
    display_name: str
    configured: bool
    default_model: str
    models: tuple[str, ...]
    accepts_any_model: bool = False
