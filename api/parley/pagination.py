"""Keyset pages: what a service returns for a list, whatever transport shows it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Where a row sits in a keyset order: its timestamp, then its id to break ties.
Position = tuple[dt.datetime, uuid.UUID]


@dataclass(frozen=True)
class Page(Generic[T]):
    """Rows in display order, whether more lie beyond them in the paging direction, and the
    total when the query knows it."""

    items: list[T]
    has_more: bool
    total: int | None = None
