"""Budget periods: UTC days or UTC calendar months, each [start, end)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from parley.errors import InvalidInput

PeriodKind = Literal["day", "month"]


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime

    @property
    def key(self) -> str:
        """Names the period in Redis keys: its start, to the second, in UTC."""
        return self.start.strftime("%Y%m%dT%H%M%SZ")


def period_at(moment: dt.datetime, kind: PeriodKind) -> Period:
    """The period holding `moment` (any time zone; periods are UTC)."""
    utc = moment.astimezone(dt.UTC)
    day = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "day":
        return Period(day, day + dt.timedelta(days=1))
    start = day.replace(day=1)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return Period(start, end)


# The moments a usage report may name: what Python's datetime (and so asyncpg) holds in UTC,
# less a month at the start, so a default range ending there (30 days back) fits too.
EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=31)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


def storable(moment: dt.datetime | None, field: str) -> dt.datetime | None:
    """`moment` if it can be stored and compared in UTC; BAD_USER_INPUT otherwise (year 1 at
    +14:00 is year 0 in UTC: asyncpg cannot send it). A moment without an offset is judged as
    UTC here; whether it may lack one is the caller's rule."""
    if moment is None:
        return None
    try:
        utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise InvalidInput(
            f"{field} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} in UTC.",
            field=field,
        )
    return moment
