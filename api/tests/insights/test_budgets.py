"""Token budgets: replies refused with QUOTA_EXCEEDED before any provider call once the
period's budget is spent; concurrent replies overshoot by at most one reply's maximum; the
reservation is settled with what the reply really used (nothing when it failed); usage's
`budget.used` is what enforcement counts."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from parley.insights.periods import period_at
from parley.main import create_app
from tests.chat.documents import create_conversation, send
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.insights.seeding import Reply as StoredReply
from tests.insights.seeding import conversation, user
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer, make_settings

LIMIT = 250
MAX_OUTPUT = 100
# What each reply reserves here: the default system prompt (48 characters: 12 tokens) and
# "hello" (2 tokens + 4 for the message) as estimated, plus the output cap.
RESERVATION = 12 + 2 + 4 + MAX_OUTPUT
USED = 12 + 50  # what the fake provider reports for each reply below
BUDGET = "query { usage { totalTokens replies budget { limit used remaining resetsAt } } }"


@pytest.fixture
async def budgeted(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[LiveServer]:
    """The app with a daily budget, sharing the test database and Redis."""
    settings = make_settings(
        fake_provider,
        token_budget=LIMIT,
        token_budget_period="day",
        ai_max_output_tokens=MAX_OUTPUT,
    )
    live = LiveServer(create_app(settings))
    await live.start()
    yield live
    await live.stop()


@pytest.fixture
async def budget_client(budgeted: LiveServer) -> AsyncIterator[GraphQLClient]:
    async with GraphQLClient(budgeted.url) as gql:
        yield gql


async def _budget(client: GraphQLClient, token: str) -> dict[str, Any]:
    result = await client(BUDGET, token=token)
    assert not result.errors, result.errors
    usage: dict[str, Any] = result.data["usage"]
    return usage


async def _stored_tokens(live: LiveServer) -> int:
    async with live.state.engine.connect() as conn:
        value = await conn.scalar(
            text(
                "SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM messages"
                " WHERE role = 'ASSISTANT'"
            )
        )
    return int(value or 0)


async def test_a_spent_budget_refuses_before_the_provider_is_called(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chat = await create_conversation(budget_client, token, aiProvider="OPENAI")
    fake_provider.reset(default=Reply(completion_tokens=300))
    first = await send(budget_client, token, chat["id"], "hello")
    assert not first.errors, first.errors
    assert len(fake_provider.requests) == 1

    refused = await send(budget_client, token, chat["id"], "hello again")
    assert refused.codes == ["QUOTA_EXCEEDED"]
    tomorrow = period_at(dt.datetime.now(dt.UTC), "day").end
    assert dt.datetime.fromisoformat(refused.errors[0]["extensions"]["resetsAt"]) == tomorrow
    assert len(fake_provider.requests) == 1  # never asked
    # Nothing was stored for the refused reply.
    async with budgeted.state.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM messages")) == 2

    budget = (await _budget(budget_client, token))["budget"]
    assert budget["used"] == 12 + 300 > LIMIT
    assert budget["remaining"] == 0
    assert dt.datetime.fromisoformat(budget["resetsAt"]) == tomorrow


async def test_concurrent_replies_overshoot_by_at_most_one_reply(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chats = [await create_conversation(budget_client, token, aiProvider="OPENAI") for _ in range(8)]
    # Slow replies: all eight are asked for while none has finished.
    fake_provider.reset(default=Reply(first_byte_delay=0.5, completion_tokens=50))
    results = await asyncio.gather(*(send(budget_client, token, c["id"], "hello") for c in chats))
    admitted = [r for r in results if not r.errors]
    refused = [r for r in results if r.errors]
    assert all(r.codes == ["QUOTA_EXCEEDED"] for r in refused)
    # Admitted while the reserved total was under the limit: 0, 118, 236; then 354 >= 250.
    assert len(admitted) == -(-LIMIT // RESERVATION) == 3
    assert len(fake_provider.requests) == 3
    stored = await _stored_tokens(budgeted)
    assert stored == 3 * USED
    assert stored <= LIMIT + RESERVATION
    # Every reservation settled into what was stored.
    assert (await _budget(budget_client, token))["budget"]["used"] == stored


async def test_used_counts_running_replies_and_settles_to_what_was_stored(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chat = await create_conversation(budget_client, token, aiProvider="OPENAI")
    fake_provider.reset(default=Reply(first_byte_delay=1.0, completion_tokens=50))
    running = asyncio.create_task(send(budget_client, token, chat["id"], "hello"))
    await fake_provider.wait_for(lambda rs: len(rs) == 1)
    during = await _budget(budget_client, token)
    assert during["budget"]["used"] == RESERVATION
    assert during["totalTokens"] == 0  # nothing stored yet
    assert not (await running).errors
    after = await _budget(budget_client, token)
    assert after["totalTokens"] == USED == await _stored_tokens(budgeted)
    assert after["budget"] == {**after["budget"], "used": USED, "remaining": LIMIT - USED}


async def test_a_failed_reply_releases_its_reservation(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chat = await create_conversation(budget_client, token, aiProvider="OPENAI")
    fake_provider.reset(default=ErrorReply(400, "bad request"))
    failed = await send(budget_client, token, chat["id"], "hello")
    assert failed.codes == ["PROVIDER_ERROR"]
    assert (await _budget(budget_client, token))["budget"]["used"] == 0
    # And the budget is whole again: three replies still fit, as on a fresh day.
    fake_provider.reset(default=Reply(completion_tokens=50))
    for _ in range(3):
        assert not (await send(budget_client, token, chat["id"], "hello")).errors


async def test_the_counter_starts_from_what_the_period_stored(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, me = await user(budget_client, "ada@example.com")
    now = dt.datetime.now(dt.UTC)
    today = period_at(now, "day")
    # Spent today before this process knew (Redis empty): a reply of yesterday does not count.
    await conversation(
        budgeted.state.engine,
        me,
        "earlier",
        replies=[
            (today.start, StoredReply(prompt_tokens=200, completion_tokens=60)),
            (today.start - dt.timedelta(seconds=1), StoredReply(prompt_tokens=10**6)),
        ],
    )
    chat = await create_conversation(budget_client, token, aiProvider="OPENAI")
    assert (await send(budget_client, token, chat["id"], "hello")).codes == ["QUOTA_EXCEEDED"]
    assert fake_provider.requests == []
    report = await _budget(budget_client, token)
    assert report["budget"]["used"] == 260
    # The default range is the budget period: yesterday's reply is not in it.
    assert (report["totalTokens"], report["replies"]) == (260, 1)
