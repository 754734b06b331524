"""Token estimates when a provider did not count: one conservative rule, for every script.

A reply that stops or dies mid-stream never gets the provider's usage (it comes with the last
chunk), yet the provider bills the prompt it read and the text it wrote. What it is charged
then is estimated here, by a rule that errs high rather than low. Exact counts would need
each provider's tokenizer; those that ship as packages download their vocabularies at run
time (tiktoken's encodings are not in its wheel), which does not work offline.

The rule follows how byte-level BPE tokenizers (OpenAI's, Anthropic's, Llama's) split text:
- lower-case ASCII letters: one token per three in a run, rounded up (English averages four
  to five letters a token); each upper-case letter one token (mixed case, as in identifiers
  and base64, splits where the case changes);
- each ASCII digit, punctuation mark or symbol: one token (some tokenizers split every digit);
- ASCII whitespace: a single space is free (it merges with the next word), any other run one
  token per four characters, rounded up (a newline, an indentation);
- every other code point: its UTF-8 length less one, so 1 for Latin accents, Greek, Cyrillic,
  Hebrew, Arabic (2 bytes), 2 for CJK, Devanagari, Thai (3 bytes), 3 for emoji (4 bytes). A
  token never holds less than one byte, and these scripts average well under those figures.

Measured against OpenAI's cl100k and o200k encodings (`tests/ai/test_token_estimates.py`):
1.1 to 2.7 times their count for prose, code, digits, eleven scripts and emoji; the exception
is random lower-case letters ("qzxv kwjp ..."), about 0.85 of it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from parley.ai.types import CallFacts, ChatMessage, Usage

# What a message's role and separators cost besides its text, roughly, in every format.
MESSAGE_OVERHEAD_TOKENS = 4

# An upper-case letter, or up to three lower-case ones: a run of n lower-case letters gives
# ceil(n / 3) pieces.
_LETTER_PIECES = re.compile(r"[A-Z]|[a-z]{1,3}")
_SYMBOLS = re.compile(r"[\x00-\x08\x0e-\x1f!-@\[-`{-\x7f]")  # digits included
_SPACES = re.compile(r"[ \t\n\r\x0b\x0c]{2,}|[\t\n\r\x0b\x0c]")


def estimate_tokens(text: str) -> int:
    """At least as many tokens as a provider would count for `text`, by the rule above."""
    # Each code point beyond ASCII: its UTF-8 bytes less one, summed without a loop.
    beyond_ascii = len(text.encode("utf-8", "surrogatepass")) - len(text)
    letters = len(_LETTER_PIECES.findall(text))
    symbols = len(_SYMBOLS.findall(text))
    spaces = sum((len(run) + 3) // 4 for run in _SPACES.findall(text))
    return letters + symbols + spaces + beyond_ascii


def estimate_prompt(system: str | None, messages: Sequence[ChatMessage]) -> int:
    """The tokens of a request as sent: the system prompt and every message with its framing."""
    return estimate_tokens(system or "") + sum(
        estimate_tokens(m.content) + MESSAGE_OVERHEAD_TOKENS for m in messages
    )


def charged(
    facts: CallFacts,
    *,
    system: str | None,
    messages: Sequence[ChatMessage],
    streamed: str,
    max_output_tokens: int,
    refused: bool = False,
) -> CallFacts:
    """The facts of a call with the usage it is charged: the provider's own count when it sent
    one; else, unless the provider was never reached or refused the request outright (an
    error answer bills nothing), the prompt as sent plus the text streamed, estimated, and
    `usage_estimated` set. The provider writes at most `max_output_tokens`."""
    if facts.usage is not None:
        return facts
    if facts.attempts == 0 or (refused and facts.ttft_ms is None):
        return facts
    usage = Usage(
        prompt_tokens=estimate_prompt(system, messages),
        completion_tokens=min(estimate_tokens(streamed), max_output_tokens),
    )
    return dataclasses.replace(facts, usage=usage, usage_estimated=True)
