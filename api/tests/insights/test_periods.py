"""Budget periods are UTC days and UTC calendar months, whatever offset a moment carries."""

from __future__ import annotations

import datetime as dt

from parley.insights.periods import period_at

UTC = dt.UTC


def test_days_and_months_in_utc() -> None:
    # 23:30 on Dec 31 at UTC-01:00 is already Jan 1 in UTC.
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-1)))
    day = period_at(late, "day")
    assert (day.start, day.end) == (
        dt.datetime(2027, 1, 1, tzinfo=UTC),
        dt.datetime(2027, 1, 2, tzinfo=UTC),
    )
    month = period_at(dt.datetime(2026, 12, 15, 8, tzinfo=UTC), "month")
    assert (month.start, month.end) == (
        dt.datetime(2026, 12, 1, tzinfo=UTC),
        dt.datetime(2027, 1, 1, tzinfo=UTC),
    )
    february = period_at(dt.datetime(2028, 2, 29, 23, 59, 59, tzinfo=UTC), "month")
    assert february.end == dt.datetime(2028, 3, 1, tzinfo=UTC)
    assert february.key == "20280201T000000Z"
