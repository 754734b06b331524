"""Relay-style connections, built one way for every list: opaque keyset cursors, page sizes,
and `PageInfo` from a service's `Page`.

Cursors are what callers send back, so they are checked, not trusted: anything that does not
decode to a sane position is BAD_USER_INPUT naming the argument.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import uuid
from collections.abc import Callable
from typing import Literal, TypeVar

import strawberry

from parley.errors import InvalidInput
from parley.pagination import Page, Position

T = TypeVar("T")
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def parse_id(raw: str, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput("Malformed id.", field=field) from None


def page_size(value: int, field: str) -> int:
    if not 1 <= value <= MAX_PAGE:
        raise InvalidInput(f"`{field}` must be between 1 and {MAX_PAGE}.", field=field)
    return value


def encode_cursor(position: Position) -> str:
    at, row_id = position
    raw = f"{at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, field: str) -> Position | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, _, row_id = base64.urlsafe_b64decode(padded).decode().partition("|")
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("naive timestamp")
        # In UTC, so a forged offset that pushes it past year 1 or 9999 fails here, not in SQL.
        return moment.astimezone(dt.UTC), uuid.UUID(row_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(f"Malformed cursor `{field}`.", field=field) from None


def encode_rank_cursor(score: float, row_id: uuid.UUID) -> str:
    """A position in a ranked list: the score (repr round-trips a float exactly), then the id."""
    raw = f"r|{score!r}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_rank_cursor(cursor: str | None, field: str) -> tuple[float, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, score, row_id = base64.urlsafe_b64decode(padded).decode().split("|")
        value = float(score)
        if kind != "r" or not math.isfinite(value):
            raise ValueError("not a rank position")
        return value, uuid.UUID(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(f"Malformed cursor `{field}`.", field=field) from None


def edges(
    page: Page[T],
    *,
    position: Callable[[T], Position],
    direction: Literal["forward", "backward"],
    continued: bool,
) -> tuple[list[tuple[str, T]], PageInfo]:
    """Each item with its cursor, and the page's `PageInfo`.

    `forward` pages go on with `after` (more beyond: a next page); `backward` pages with
    `before` (more beyond: a previous page). `continued` says whether a cursor was given, so
    there is something on the other side.
    """
    pairs = [(encode_cursor(position(item)), item) for item in page.items]
    forward = direction == "forward"
    info = PageInfo(
        has_next_page=page.has_more if forward else continued,
        has_previous_page=continued if forward else page.has_more,
        start_cursor=pairs[0][0] if pairs else None,
        end_cursor=pairs[-1][0] if pairs else None,
    )
    return pairs, info
