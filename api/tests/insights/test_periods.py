"""Budget periods are UTC days and UTC calendar months, whatever offset a moment carries; the
moments a usage report may name are those PostgreSQL and asyncpg can store."""

from __future__ import annotations

import datetime as dt

import pytest

from parley.errors import InvalidInput
from parley.insights.periods import EARLIEST, LATEST, period_at, storable
from tests.insights.seeding import user
from tests.support.graphql import GraphQLClient

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


USAGE = "query Usage($from: DateTime, $to: DateTime) { usage(from: $from, to: $to) { replies } }"


async def test_usage_dates_outside_what_can_be_stored_are_bad_user_input(
    client: GraphQLClient,
) -> None:
    token, _ = await user(client, "ada@example.com")
    refused: list[dict[str, str]] = [
        # Year 0 and year 10000 once in UTC: asyncpg cannot send them.
        {"from": "0001-01-01T00:00:00+14:00"},
        {"to": "9999-12-31T23:59:59-14:00"},
        {"from": "0001-01-01T00:00:00+00:01", "to": "2026-01-01T00:00:00Z"},
        {"from": "2026-01-01T00:00:00Z", "to": "9999-12-31T23:59:59.999999-00:01"},
        # Storable, but the default range (30 days before `to`) would not be.
        {"to": "0001-01-05T00:00:00Z"},
        # Not a datetime at all.
        {"from": "0000-12-31T00:00:00Z"},
        {"to": "10000-01-01T00:00:00Z"},
    ]
    for variables in refused:
        result = await client(USAGE, variables, token=token)
        assert result.codes == ["BAD_USER_INPUT"], (variables, result.body)
    # The widest range that is storable is a report (of nothing yet).
    widest = {"from": "0001-03-01T00:00:00+14:00", "to": "9999-12-31T23:59:59Z"}
    result = await client(USAGE, widest, token=token)
    assert not result.errors, result.errors
    assert result.data["usage"]["replies"] == 0


def test_storable_moments_keep_their_offset_and_the_edges_are_refused() -> None:
    plus14 = dt.timezone(dt.timedelta(hours=14))
    moment = dt.datetime(2026, 5, 1, tzinfo=plus14)
    assert storable(moment, "from") is moment
    assert storable(None, "from") is None
    assert storable(LATEST, "to") == LATEST
    assert storable(EARLIEST, "from") == EARLIEST
    for edge in (
        dt.datetime(1, 1, 1, tzinfo=plus14),
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-14))),
        EARLIEST - dt.timedelta(microseconds=1),
        dt.datetime(1, 1, 2),
    ):
        with pytest.raises(InvalidInput) as refused:
            storable(edge, "from")
        assert refused.value.field == "from"
