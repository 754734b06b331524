"""Parley's AI layer: one small chat interface over several providers.

Build one `ProviderRegistry` at start-up, `get()` a provider's `ChatModel`, then
`complete()` or `stream()`; failures raise `ProviderError` with a message safe to show.
"""

from parley.ai.config import AISettings
from parley.ai.errors import ProviderError, ProviderNotConfiguredError
from parley.ai.providers import AIProvider
from parley.ai.registry import ProviderRegistry
from parley.ai.types import (
    ChatMessage,
    ChatModel,
    Completion,
    Delta,
    Finished,
    ProviderInfo,
    Role,
    StreamEvent,
    Usage,
)

__all__ = [
    "AIProvider",
    "AISettings",
    "ChatMessage",
    "ChatModel",
    "Completion",
    "Delta",
    "Finished",
    "ProviderError",
    "ProviderInfo",
    "ProviderNotConfiguredError",
    "ProviderRegistry",
    "Role",
    "StreamEvent",
    "Usage",
]
