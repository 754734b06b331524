"""The AI providers Parley can talk to."""

from __future__ import annotations

import enum


class AIProvider(enum.StrEnum):
    OPENAI = "OPENAI"
    ANTHROPIC = "ANTHROPIC"
    GEMINI = "GEMINI"
    GROK = "GROK"
    OLLAMA = "OLLAMA"
    DEMO = "DEMO"

    @property
    def display_name(self) -> str:
        return DISPLAY_NAMES[self]


DISPLAY_NAMES: dict[AIProvider, str] = {
    AIProvider.OPENAI: "OpenAI",
    AIProvider.ANTHROPIC: "Anthropic",
    AIProvider.GEMINI: "Google Gemini",
    AIProvider.GROK: "xAI Grok",
    AIProvider.OLLAMA: "Ollama",
    AIProvider.DEMO: "Demo",
}

# When DEFAULT_AI_PROVIDER is not set, the first configured provider in this order wins;
# DEMO needs nothing, so it is the last resort.
PREFERENCE_ORDER: tuple[AIProvider, ...] = (
    AIProvider.OPENAI,
    AIProvider.ANTHROPIC,
    AIProvider.GEMINI,
    AIProvider.GROK,
    AIProvider.OLLAMA,
    AIProvider.DEMO,
)
