"""The metrics the API records, and the functions that keep their label values bounded.

A label value taken from a request (an operation name) or from configuration that may accept
anything (a model name where `*` is offered) would let a client or an odd setting create
series without end: each such value goes through a bound below first.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

from parley.errors import ErrorCode

if TYPE_CHECKING:
    # Types only: the AI layer records into these instruments, so importing it here would
    # make a cycle for whoever imports this module first.
    from parley.ai.providers import AIProvider
    from parley.ai.types import CallFacts

OTHER = "other"
ANONYMOUS = "anonymous"
UNAUTHENTICATED = "unauthenticated"

# Seconds: from a cached query (~1 ms) to a slow mutation; provider first tokens take longer.
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_TTFT_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0)

OPERATION_SECONDS = Histogram(
    "parley_graphql_operation_duration_seconds",
    "GraphQL queries and mutations (HTTP and socket) by operation name, in seconds.",
    ["operation", "type"],
    buckets=_REQUEST_BUCKETS,
)
GRAPHQL_ERRORS = Counter(
    "parley_graphql_errors",
    "GraphQL errors returned, by contract code.",
    ["code"],
)
REPLIES = Counter(
    "parley_replies",
    "Replies stored, by the provider and model that answered and the final status.",
    ["provider", "model", "status"],
)
REPLY_TOKENS = Counter(
    "parley_reply_tokens",
    "Tokens the providers reported for replies, by provider, model and kind.",
    ["provider", "model", "kind"],
)
# livesum: the sum over the processes alive now (a dead worker's count is dropped).
REPLIES_STREAMING = Gauge(
    "parley_replies_streaming",
    "Replies whose provider call is running now.",
    multiprocess_mode="livesum",
)
REPLY_FOLLOWERS = Gauge(
    "parley_reply_followers",
    "Subscriptions following a reply now.",
    multiprocess_mode="livesum",
)
PROVIDER_TTFT = Histogram(
    "parley_provider_time_to_first_token_seconds",
    "From a provider call's start (retries included) to its first delta, in seconds.",
    ["provider"],
    buckets=_TTFT_BUCKETS,
)
RATE_LIMIT_REFUSALS = Counter(
    "parley_rate_limit_refusals",
    "Calls refused by a rate limit, by limit.",
    ["limit"],
)

# -- bounds ----------------------------------------------------------------------------

# A GraphQL name, not too long: anything else is not a name anyone chose to read in a graph.
_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# Distinct operation names per process; later new names count as "other". Only signed-in
# requests add names (anyone else is "unauthenticated" unless the name is in already), so a
# client without an account cannot fill the table before the real operations arrive.
MAX_OPERATION_NAMES = 200
_operation_names: set[str] = set()

_ERROR_CODES = frozenset(code.value for code in ErrorCode)
# The first identity part the callers of `RateLimiter` pass.
RATE_LIMITS = frozenset({"auth", "messages", "login-failures", "search", "forks"})


def operation_label(name: str | None, *, signed_in: bool) -> str:
    """The label of an operation named `name` by its client; `signed_in` when the operation
    authenticated its caller."""
    if not name:
        return ANONYMOUS
    if name in _operation_names:
        return name
    if not signed_in:
        return UNAUTHENTICATED
    if len(_operation_names) >= MAX_OPERATION_NAMES or not _OPERATION_NAME.fullmatch(name):
        return OTHER
    _operation_names.add(name)
    return name


def error_code_label(code: object) -> str:
    return code if isinstance(code, str) and code in _ERROR_CODES else OTHER


def rate_limit_label(name: str | None) -> str:
    return name if name in RATE_LIMITS else OTHER


def model_label(model: str, offered: tuple[str, ...]) -> str:
    """The model when the operator lists it by name; a `*` would let any name through."""
    return model if model in offered else OTHER


def record_reply(facts: CallFacts, status: str, offered: tuple[str, ...]) -> None:
    """One stored reply: its outcome and the tokens its provider reported."""
    provider = facts.provider.value
    model = model_label(facts.model, offered)
    REPLIES.labels(provider, model, status).inc()
    if facts.usage is not None:
        REPLY_TOKENS.labels(provider, model, "prompt").inc(facts.usage.prompt_tokens)
        REPLY_TOKENS.labels(provider, model, "completion").inc(facts.usage.completion_tokens)


def record_first_token(provider: AIProvider, seconds: float) -> None:
    PROVIDER_TTFT.labels(provider.value).observe(seconds)
