"""The offline demo provider: a canned, helpful markdown reply streamed at a visible pace.

It lets Parley run with no key at all, and shows off streaming and markdown rendering.
The reply is deterministic for a given conversation, so tests can assert on it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Sequence

from parley.ai.providers import AIProvider
from parley.ai.titles import TITLE_INSTRUCTIONS, demo_title
from parley.ai.token_estimates import estimate_prompt, estimate_tokens
from parley.ai.types import ChatMessage, Delta, Finished, StreamEvent, Usage

WORDS_PER_CHUNK = 3
QUOTE_LIMIT = 280

_CONFIGURE = """\
**To chat with a real model**, set one of these in the API's environment \
(for example in `.env` at the root of the repository) and restart the API:

- `OPENAI_API_KEY` for OpenAI
- `ANTHROPIC_API_KEY` for Anthropic (Claude)
- `GEMINI_API_KEY` for Google Gemini
- `XAI_API_KEY` for xAI Grok
- `OLLAMA_BASE_URL` for a local Ollama server (no key needed)

For example:

```dotenv
OPENAI_API_KEY=sk-your-key
DEFAULT_AI_PROVIDER=OPENAI
```

Then pick that provider (and a model) under **New chat**. \
`DEFAULT_AI_PROVIDER` is the one it preselects.
"""


def _quote(text: str) -> str:
    # One line, so the user's own markdown cannot break out of the blockquote.
    flat = " ".join(text.split())
    if len(flat) > QUOTE_LIMIT:
        flat = flat[: QUOTE_LIMIT - 1].rstrip() + "…"
    return flat


def demo_reply(messages: Sequence[ChatMessage]) -> str:
    question = next((m.content for m in reversed(messages) if m.role == "user"), "")
    turns = sum(1 for m in messages if m.role == "user")
    lines = ["## Hello from the demo provider", ""]
    if question.strip():
        lines += ["You asked:", "", f"> {_quote(question)}", ""]
    lines.append(
        "I'm Parley's built-in **demo provider**, not a real model: this reply is canned and "
        "streamed by the API itself, so you can try Parley without any API key."
    )
    if turns > 1:
        lines.append(f"This conversation has {turns} messages from you so far.")
    lines += ["", _CONFIGURE]
    return "\n".join(lines)


def chunk_text(text: str, words_per_chunk: int = WORDS_PER_CHUNK) -> list[str]:
    """Split into chunks of a few words; joining the chunks gives back `text` exactly."""
    pieces = re.findall(r"\s+|\S+\s*", text)
    # A leading run of whitespace belongs to the first word, not a chunk of its own.
    words: list[str] = []
    for piece in pieces:
        if words and not words[-1].strip():
            words[-1] += piece
        else:
            words.append(piece)
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]


def _usage(system: str | None, messages: Sequence[ChatMessage], reply: str) -> Usage:
    return Usage(
        prompt_tokens=estimate_prompt(system, messages), completion_tokens=estimate_tokens(reply)
    )


class DemoBackend:
    provider = AIProvider.DEMO

    def __init__(self, *, chunk_delay_seconds: float) -> None:
        self._delay = chunk_delay_seconds

    async def stream_once(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        # A title request (see parley.ai.titles) gets a title, not the canned reply.
        reply = demo_title(list(messages)) if system == TITLE_INSTRUCTIONS else demo_reply(messages)
        for chunk in chunk_text(reply):
            # Sleep even at 0 ms: yields to the loop, as a network read would.
            await asyncio.sleep(self._delay)
            yield Delta(chunk)
        yield Finished(usage=_usage(system, messages, reply), finish_reason="stop", model=model)

    async def aclose(self) -> None:
        return None
