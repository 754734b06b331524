"""Application settings, read from the environment and `.env` (the environment wins)."""

from __future__ import annotations

import os
import sys
from functools import cached_property
from pathlib import Path
from typing import Literal

from limits import RateLimitItem
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from parley.ai.config import AISettings
from parley.ai.providers import AIProvider
from parley.chat.tables import TITLE_COLUMN_CHARS
from parley.client_ip import IPNetwork, parse_networks
from parley.rate_limits import parse_limit

# The repository's `.env` (written by `make setup`), or the file PARLEY_ENV_FILE names (tests
# run a stack from a temporary one); real environment variables win over it.
ENV_FILE = Path(os.environ.get("PARLEY_ENV_FILE") or Path(__file__).resolve().parents[2] / ".env")
_ENV = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _parse_budgets(value: str) -> dict[str, int]:
    """`model=tokens,model=tokens` -> {model: tokens}."""
    budgets: dict[str, int] = {}
    for item in _comma_list(value):
        model, sep, tokens = item.rpartition("=")
        if not sep or not model.strip() or not tokens.strip().isdigit() or int(tokens) < 256:
            raise ValueError("must be model=tokens pairs (tokens 256 or more), comma-separated")
        budgets[model.strip()] = int(tokens)
    return budgets


class DatabaseSettings(BaseSettings):
    """What migrations need: only the database URL (no secrets required)."""

    model_config = _ENV

    database_url: str = Field(description="postgresql://user:pass@host:port/db")

    @field_validator("database_url")
    @classmethod
    def _plain_postgres_url(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
            raise ValueError("must be a postgresql://user:pass@host:port/db URL")
        return value

    @property
    def async_database_url(self) -> str:
        """The same URL with the asyncpg driver selected (users write plain URLs)."""
        scheme, rest = self.database_url.split("://", 1)
        del scheme
        return f"postgresql+asyncpg://{rest}"


class Settings(DatabaseSettings, AISettings):
    model_config = _ENV

    redis_url: str = Field(description="redis://host:port/db")
    secret_key: SecretStr = Field(min_length=32, description="HS256 signing key")
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_host: str = "0.0.0.0"  # noqa: S104 - the server listens where it is deployed
    api_workers: int = Field(default=1, ge=1, le=64)
    shutdown_grace_seconds: int = Field(default=30, ge=0)
    # The web app's port: CORS_ORIGINS follows it when unset.
    web_port: int = Field(default=3000, ge=1, le=65535)
    cors_origins: str = ""
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    access_token_expire_minutes: int = Field(default=15, ge=1)
    refresh_token_expire_days: int = Field(default=7, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "console"

    # Bodies of HTTP requests and WebSocket frames; larger ones are refused unread (413 / 1009).
    max_request_bytes: int = Field(default=1 << 20, ge=1024)
    graphql_ide: bool = True
    graphql_introspection: bool = True
    graphql_max_depth: int = Field(default=10, ge=1)
    graphql_max_aliases: int = Field(default=15, ge=1)
    graphql_max_tokens: int = Field(default=2000, ge=10)
    # Fields and fragment spreads once fragments are expanded (GraphiQL's introspection: 239).
    graphql_max_fields: int = Field(default=500, ge=10)

    # Each at most what its column (or, for text columns, a sane request) holds.
    message_max_chars: int = Field(default=32_000, ge=1, le=200_000)
    title_max_chars: int = Field(default=200, ge=1, le=TITLE_COLUMN_CHARS)
    system_prompt_max_chars: int = Field(default=8_000, ge=1, le=100_000)
    history_max_messages: int = Field(default=40, ge=1)
    default_system_prompt: str = "You are a helpful assistant. Answer in Markdown."
    # Durable replies (parley.chat.reply_*): how long a finished reply's events stay in Redis
    # for replay, and how long a process's claim on a running reply lasts unrenewed.
    reply_events_ttl_seconds: int = Field(default=3600, ge=1)
    reply_lease_seconds: int = Field(default=10, ge=2)
    # What a provider is sent as context (parley.chat.context_window): estimated tokens of the
    # system prompt and the branch's newest turns, per model where listed ("model=tokens,...").
    context_token_budget: int = Field(default=24_000, ge=256)
    context_token_budgets: str = ""
    # Who names a conversation after its first reply: its own provider and model unless set.
    title_provider: AIProvider | None = None
    title_model: str | None = None
    # Tokens (prompt + completion, as providers report them) each user may spend per UTC day or
    # month; unset: no budget (parley.insights.budgets).
    token_budget: int | None = Field(default=None, ge=1)
    token_budget_period: Literal["day", "month"] = "month"

    rate_limit_messages: str = "10/minute"
    rate_limit_auth: str = "10/minute"
    rate_limit_login_failures: str = "10/15minutes"
    trusted_proxies: str = ""
    # Who may scrape /metrics (parley.metrics.endpoint): clients from these addresses or
    # networks (judged like rate limits, through TRUSTED_PROXIES), or with this bearer token.
    metrics_allow: str = "127.0.0.1,::1"
    metrics_token: SecretStr | None = Field(default=None, min_length=16)
    cache_ttl_conversations_seconds: int = Field(default=300, ge=0)
    cache_ttl_messages_seconds: int = Field(default=600, ge=0)
    # The response cache's bounds, and optionally a Redis of its own (one that may evict).
    response_cache_max_entry_bytes: int = Field(default=256 * 1024, ge=0)
    response_cache_max_entries_per_user: int = Field(default=32, ge=1)
    cache_redis_url: str | None = None
    # Connections a process may hold to each Redis; a request waits (up to 2 s) for a free one
    # rather than opening more. Followers never hold one (see chat.reply_reader).
    redis_max_connections: int = Field(default=8, ge=2, le=1000)

    # Sockets (parley.graphql.socket_limits): per-user caps across processes on open sockets and
    # on operations running over them; each socket renews its slots and re-checks its session
    # (logout ends its streams) every WS_CHECK_SECONDS.
    ws_max_sockets_per_user: int = Field(default=20, ge=1)
    ws_max_subscriptions_per_user: int = Field(default=100, ge=1)
    ws_check_seconds: float = Field(default=3.0, ge=0.1, le=60)
    # Per-user rate limits of search and forkConversation (parley.rate_limits), like messages.
    rate_limit_search: str = "30/minute"
    rate_limit_forks: str = "10/minute"
    # Reply closing writes (parley.chat.reply_jobs): how long one is retried through a database
    # or Redis outage, while its lease holds, before the reply is given up.
    reply_finish_retry_seconds: float = Field(default=60.0, ge=0)
    # The collector's own figures (parley.server): logged every this many seconds by each
    # `python -m parley.server` process; 0: never. For soak runs (bench.soak) and leak hunts.
    gc_stats_interval_seconds: float = Field(default=0, ge=0)
    # Cost that follows the answer: list-aware document cost and a cap on response size.
    # Values a document may resolve, lists multiplied by their page sizes (the web app's
    # largest document at full 100-item pages: about 5,500).
    graphql_max_cost: int = Field(default=10_000, ge=100)
    max_response_bytes: int = Field(default=4 << 20, ge=1024)

    @field_validator("redis_url", "cache_redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://host:port/db URL")
        return value

    @field_validator("cache_redis_url", "metrics_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "rate_limit_messages",
        "rate_limit_auth",
        "rate_limit_login_failures",
        "rate_limit_search",
        "rate_limit_forks",
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        parse_limit(value, "rate limit")
        return value

    @field_validator("trusted_proxies", "metrics_allow")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @field_validator("title_provider", "title_model", "token_budget", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("context_token_budgets")
    @classmethod
    def _budgets(cls, value: str) -> str:
        _parse_budgets(value)
        return value

    @field_validator("token_budget_period", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @cached_property
    def cors_origin_list(self) -> list[str]:
        """CORS_ORIGINS, else the web app on WEB_PORT (by either local name)."""
        if self.cors_origins.strip():
            return _comma_list(self.cors_origins)
        return [f"http://localhost:{self.web_port}", f"http://127.0.0.1:{self.web_port}"]

    @cached_property
    def message_limit(self) -> RateLimitItem:
        return parse_limit(self.rate_limit_messages, "RATE_LIMIT_MESSAGES")

    @cached_property
    def auth_limit(self) -> RateLimitItem:
        return parse_limit(self.rate_limit_auth, "RATE_LIMIT_AUTH")

    @cached_property
    def login_failures_limit(self) -> RateLimitItem:
        return parse_limit(self.rate_limit_login_failures, "RATE_LIMIT_LOGIN_FAILURES")

    @cached_property
    def search_limit(self) -> RateLimitItem:
        return parse_limit(self.rate_limit_search, "RATE_LIMIT_SEARCH")

    @cached_property
    def fork_limit(self) -> RateLimitItem:
        return parse_limit(self.rate_limit_forks, "RATE_LIMIT_FORKS")

    @cached_property
    def trusted_proxy_networks(self) -> list[IPNetwork]:
        return parse_networks(self.trusted_proxies)

    @cached_property
    def metrics_allow_networks(self) -> list[IPNetwork]:
        return parse_networks(self.metrics_allow)

    @cached_property
    def _token_budgets(self) -> dict[str, int]:
        return _parse_budgets(self.context_token_budgets)

    def context_budget(self, model: str) -> int:
        """The context budget, in estimated tokens, for requests to `model`."""
        return self._token_budgets.get(model, self.context_token_budget)


def load_settings(env_file: Path | None = ENV_FILE) -> Settings:
    """Load settings or stop with one line naming each bad variable."""
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        problems = "; ".join(f"{str(err['loc'][0]).upper()}: {err['msg']}" for err in exc.errors())
        print(f"parley: invalid configuration: {problems}", file=sys.stderr)
        raise SystemExit(2) from None
