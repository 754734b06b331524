"""Structured logging: JSON lines in production, readable console output in development."""

from __future__ import annotations

import logging
import re
import sys
import traceback
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError

# Values under these keys never reach a log line, whatever logs them.
# (`token`, `refresh_token`: yes; `prompt_tokens`, a count: no.)
_SECRET_KEYS = re.compile(
    r"pass(word)?|secret|authorization|api_key|cookie|(^|_)token$", re.IGNORECASE
)


def _redact(_: Any, __: str, event: structlog.types.EventDict) -> structlog.types.EventDict:
    for key in list(event):
        if _SECRET_KEYS.search(key):
            event[key] = "[redacted]"
    return event


def _describe(exc: BaseException) -> str:
    # A database error's message quotes the values it choked on (a row's text, a key): chat
    # text or a hash could reach the log through it. Its class and SQLSTATE say enough. Each
    # layer (SQLAlchemy's, the driver adapter's, asyncpg's) repeats the message: all withheld.
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(exc, DBAPIError):
        sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None or isinstance(exc, DBAPIError):
        return f"{type(exc).__name__} (SQLSTATE {sqlstate}; message withheld)"
    return "".join(traceback.format_exception_only(exc)).strip()


def safe_traceback(exc: BaseException) -> str:
    """Frames (never their local variables) and each exception in the chain, described safely."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    blocks = [
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(e.__traceback__))
        + _describe(e)
        for e in reversed(chain)
    ]
    return "\n\nwhich led to:\n\n".join(blocks)


def _exception_text(_: Any, __: str, event: structlog.types.EventDict) -> structlog.types.EventDict:
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    exc = exc_info if isinstance(exc_info, BaseException) else None
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        exc = exc_info[1]
    if exc is not None:
        event["exception"] = safe_traceback(exc)
    return event


def configure_logging(level: str, fmt: str) -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
        _exception_text,
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            renderer,
        ],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Our middleware writes one access line per request; uvicorn's would be a duplicate.
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
