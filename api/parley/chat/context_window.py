"""What a provider is sent: the newest turns of the branch that fit the model's budget.

Tokens are estimated (about four characters each, plus a few per message for its framing):
exact counts need each provider's tokenizer, and the budget only has to keep requests under
the model's limit with a margin. The system prompt is always sent; the oldest turns go first.
Only the request is trimmed, never the stored conversation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from parley.ai import ChatMessage
from parley.ai.token_estimates import MESSAGE_OVERHEAD_TOKENS


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def fit(messages: Sequence[ChatMessage], system: str, budget: int) -> list[ChatMessage]:
    """The newest messages whose estimate fits `budget` after the system prompt; the newest
    one always (a provider that cannot take it says so itself)."""
    remaining = budget - estimate_tokens(system)
    kept: list[ChatMessage] = []
    for message in reversed(messages):
        cost = estimate_tokens(message.content) + MESSAGE_OVERHEAD_TOKENS
        if kept and cost > remaining:
            break
        kept.append(message)
        remaining -= cost
    kept.reverse()
    return kept
