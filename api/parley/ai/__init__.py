"""Parley's AI layer: one small chat interface over several providers.

Build one `ProviderRegistry` at start-up, `get()` a provider's `ProviderClient`, then
`stream()` a reply; failures raise `ProviderError` with a message safe to show, and the
stream's `facts()` say how the call went.
"""

from parley.ai.config import AISettings
from parley.ai.errors import ProviderError
from parley.ai.providers import AIProvider
from parley.ai.registry import ProviderRegistry
from parley.ai.types import (
    CallFacts,
    ChatMessage,
    Delta,
    ProviderClient,
    ProviderInfo,
    ReplyStream,
    Role,
    Usage,
)

__all__ = [
    "AIProvider",
    "AISettings",
    "CallFacts",
    "ChatMessage",
    "Delta",
    "ProviderClient",
    "ProviderError",
    "ProviderInfo",
    "ProviderRegistry",
    "ReplyStream",
    "Role",
    "Usage",
]
