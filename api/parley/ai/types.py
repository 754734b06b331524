"""The values that cross the AI layer's boundary, and the interface every provider implements."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
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
    """The last event of a stream."""

    usage: Usage | None
    finish_reason: str | None
    model: str
    latency_ms: int = 0
    # Time to the first delta; None when the reply was empty.
    ttft_ms: int | None = None
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    usage: Usage | None
    finish_reason: str | None
    model: str
    latency_ms: int = 0
    attempts: int = 1


StreamEvent = Delta | Finished


class ChatModel(Protocol):
    """One provider's chat API."""

    async def complete(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> Completion:
        """The whole reply at once. Raises `ProviderError`."""
        ...

    def stream(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        """Deltas, then one `Finished`. Raises `ProviderError`; `aclose()` it to cancel the call."""
        ...


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    provider: AIProvider
    display_name: str
    configured: bool
    default_model: str
    models: tuple[str, ...]
    accepts_any_model: bool = False
