"""Failures of the AI layer, with messages that are safe to show to users.

A `ProviderError` message names the provider and what went wrong (status, timeout), never
a key or the provider's response body: those can hold secrets or prompt content.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Literal, NamedTuple

import httpx2

from parley.ai.providers import AIProvider

ErrorKind = Literal["status", "timeout", "connection", "interrupted", "provider"]
TransientKind = Literal["timeout", "connection", "interrupted"]
_TRANSIENT: dict[TransientKind, str] = {
    "timeout": "{name} request timed out",
    "connection": "Could not connect to {name}",
    "interrupted": "{name} closed the connection before the reply was complete",
}


class ProviderError(Exception):
    def __init__(
        self,
        provider: AIProvider,
        message: str,
        *,
        kind: ErrorKind,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.message = message
        self.kind: ErrorKind = kind
        self.status = status
        self.retryable = retryable
        # Seconds the provider asked us to wait (Retry-After); used by the retry policy.
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"ProviderError({self.provider.value}, {self.message!r}, status={self.status})"

    @classmethod
    def http_status(
        cls, provider: AIProvider, status: int, *, retry_after: float | None = None
    ) -> ProviderError:
        # 408/429 and 5xx are transient; any other 4xx will fail the same way again.
        retryable = status in (408, 429) or status >= 500
        return cls(
            provider,
            f"{provider.display_name} returned HTTP {status}",
            kind="status",
            status=status,
            retryable=retryable,
            retry_after=retry_after,
        )

    @classmethod
    def transient(cls, provider: AIProvider, kind: TransientKind) -> ProviderError:
        """A failure of the connection rather than of the provider: worth another try."""
        message = _TRANSIENT[kind].format(name=provider.display_name)
        return cls(provider, message, kind=kind, retryable=True)

    @classmethod
    def timeout(cls, provider: AIProvider) -> ProviderError:
        return cls.transient(provider, "timeout")

    @classmethod
    def connection(cls, provider: AIProvider) -> ProviderError:
        return cls.transient(provider, "connection")

    @classmethod
    def reported(cls, provider: AIProvider, *, retryable: bool = False) -> ProviderError:
        """The provider sent an error inside an otherwise successful response."""
        return cls(
            provider,
            f"{provider.display_name} reported an error",
            kind="provider",
            retryable=retryable,
        )


class SdkErrors(NamedTuple):
    """An SDK's error classes (the openai and anthropic SDKs name theirs alike)."""

    status: type[Exception]
    timeout: type[Exception]
    connection: type[Exception]


def from_sdk_error(provider: AIProvider, exc: Exception, sdk: SdkErrors) -> ProviderError:
    """Map what an SDK call raised; anything unrecognised was reported by the provider."""
    if isinstance(exc, sdk.status):
        status: int = getattr(exc, "status_code")  # noqa: B009 - declared on the SDK class
        headers = getattr(getattr(exc, "response", None), "headers", {})
        return ProviderError.http_status(provider, status, retry_after=retry_after_seconds(headers))
    if isinstance(exc, sdk.timeout):
        return ProviderError.timeout(provider)
    if isinstance(exc, sdk.connection):
        cause = exc.__cause__
        if isinstance(cause, httpx2.HTTPError):
            return from_transport_error(provider, cause)
        return ProviderError.connection(provider)
    if isinstance(exc, httpx2.HTTPError):
        # The SDKs let transport errors through while a stream is being read.
        return from_transport_error(provider, exc)
    # An `error` object inside a stream, or a response the SDK could not parse.
    return ProviderError.reported(provider)


def from_transport_error(provider: AIProvider, exc: httpx2.HTTPError) -> ProviderError:
    """Map an HTTP client error that the SDK let through (e.g. while reading a stream)."""
    if isinstance(exc, httpx2.TimeoutException):
        return ProviderError.timeout(provider)
    if isinstance(exc, httpx2.ConnectError):
        return ProviderError.connection(provider)
    return ProviderError.transient(provider, "interrupted")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (delta-seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
