"""Input rules for conversations and messages. Fields are named in the domain's terms."""

from __future__ import annotations

import re

from parley.chat.tables import MODEL_NAME_MAX_CHARS
from parley.errors import InvalidInput

_WHITESPACE = re.compile(r"\s+")
TITLE_FROM_MESSAGE_CHARS = 60


def clean_content(content: str, max_chars: int) -> str:
    text = content.strip()
    if not text:
        raise InvalidInput("Message content must not be empty.", field="content")
    if len(text) > max_chars:
        raise InvalidInput(
            f"Message content must be at most {max_chars} characters.", field="content"
        )
    return text


def clean_title(title: str, max_chars: int) -> str:
    text = _WHITESPACE.sub(" ", title).strip()
    if not text:
        raise InvalidInput("Title must not be empty.", field="title")
    if len(text) > max_chars:
        raise InvalidInput(f"Title must be at most {max_chars} characters.", field="title")
    return text


def clean_system_prompt(prompt: str | None, max_chars: int) -> str | None:
    if prompt is None or not prompt.strip():
        return None
    if len(prompt) > max_chars:
        raise InvalidInput(
            f"System prompt must be at most {max_chars} characters.", field="system_prompt"
        )
    return prompt.strip()


def clean_model(model: str) -> str:
    name = model.strip()
    if not name or len(name) > MODEL_NAME_MAX_CHARS:
        raise InvalidInput(
            f"Model must be 1 to {MODEL_NAME_MAX_CHARS} characters.", field="ai_model"
        )
    return name


def title_from_message(content: str) -> str:
    line = _WHITESPACE.sub(" ", content).strip()
    if len(line) <= TITLE_FROM_MESSAGE_CHARS:
        return line
    return line[: TITLE_FROM_MESSAGE_CHARS - 1].rstrip() + "…"
