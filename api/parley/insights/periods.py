"""Budget periods: UTC days or UTC calendar months, each [start, end)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

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
