"""Opaque keyset cursors and id parsing: what callers send back must be checked, not trusted."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid

from parley.errors import BadUserInput


def parse_id(raw: str, what: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except (ValueError, AttributeError, TypeError):
        raise BadUserInput(f"Malformed {what}.", field=what) from None


def encode_cursor(at: dt.datetime, row_id: uuid.UUID) -> str:
    raw = f"{at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, what: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, _, row_id = base64.urlsafe_b64decode(padded).decode().partition("|")
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("naive timestamp")
        # In UTC, so a forged offset that pushes it past year 1 or 9999 fails here, not in SQL.
        return moment.astimezone(dt.UTC), uuid.UUID(row_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput(f"Malformed cursor `{what}`.", field=what) from None
