"""Asking a model for a conversation's title: the request every provider gets, and what is
kept of the answer. The Demo provider recognises the request by its instructions and answers
with a title of its own, the same for the same question."""

from __future__ import annotations

import re

from parley.ai.types import ChatMessage

TITLE_INSTRUCTIONS = (
    "You name conversations. Reply with a title for the conversation below: at most six "
    "words, in the language of the user's message, with no quotes and no final punctuation. "
    "Reply with the title only."
)
# How much of the first exchange the request carries: enough to see the topic.
EXCERPT_CHARS = 1500
MAX_WORDS = 12
DEMO_TITLE_WORDS = 6

_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_QUOTES = "\"'`*\u2018\u2019\u201c\u201d"


def title_request(question: str, reply: str) -> list[ChatMessage]:
    return [
        ChatMessage(role="user", content=question[:EXCERPT_CHARS]),
        ChatMessage(role="assistant", content=reply[:EXCERPT_CHARS]),
        ChatMessage(role="user", content="Title for this conversation:"),
    ]


def clean_title(answer: str, max_chars: int) -> str | None:
    """The title in a model's answer: first line, without a "Title:" label, quotes, Markdown
    or final period; None when nothing usable is left (the caller keeps its own title)."""
    line = next((ln for ln in answer.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^\s*(?:#+\s*)?(?:title\s*:\s*)?", "", line, flags=re.IGNORECASE)
    line = " ".join(line.strip().strip(_QUOTES).split()).rstrip(".")
    words = line.split(" ")
    if len(words) > MAX_WORDS:
        line = " ".join(words[:MAX_WORDS])
    if not line or len(line) > max_chars:
        return None
    return line


def demo_title(messages: list[ChatMessage]) -> str:
    """The Demo provider's title: the first six words of the question, capitalised."""
    question = next((m.content for m in messages if m.role == "user"), "")
    words = _WORD.findall(question)[:DEMO_TITLE_WORDS]
    if not words:
        return "Demo chat"
    title = " ".join(words)
    return title[0].upper() + title[1:]
