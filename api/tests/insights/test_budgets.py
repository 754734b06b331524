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

from parley.ai.titles import TITLE_INSTRUCTIONS, demo_title, title_request
from parley.ai.token_estimates import estimate_prompt, estimate_tokens
from parley.insights.periods import period_at
from parley.main import create_app
from tests.chat.documents import GENERATE_DURABLE, STOP, create_conversation, send
from tests.chat.reply_streams import events_until_final, next_event
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.insights.seeding import Reply as StoredReply
from tests.insights.seeding import conversation, user
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings

LIMIT = 250
MAX_OUTPUT = 100
# What each reply reserves here: the default system prompt ("You are a helpful assistant.
# Answer in Markdown.": 3 capitals, 14 letter pieces and 3 marks, 20 tokens) and "hello"
# (2 tokens + 4 for the message) as estimated, plus the output cap.
RESERVATION = 20 + 2 + 4 + MAX_OUTPUT
USED = 12 + 50  # what the fake provider reports for each reply below
DEFAULT_SYSTEM = "You are a helpful assistant. Answer in Markdown."
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


async def _chat(client: GraphQLClient, token: str) -> dict[str, Any]:
    # Titled, so no model title is asked for: each reply is the only provider call.
    return await create_conversation(client, token, aiProvider="OPENAI", title="Budgeted")


async def _budget(client: GraphQLClient, token: str) -> dict[str, Any]:
    result = await client(BUDGET, token=token)
    assert not result.errors, result.errors
    usage: dict[str, Any] = result.data["usage"]
    return usage


async def _stored_tokens(live: LiveServer) -> int:
    """Every token stored as charged: replies' and title requests'."""
    async with live.state.engine.connect() as conn:
        value = await conn.scalar(
            text(
                "SELECT (SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM messages"
                " WHERE role = 'ASSISTANT')"
                " + (SELECT coalesce(sum(prompt_tokens + completion_tokens), 0)"
                " FROM usage_charges)"
            )
        )
    return int(value or 0)


async def test_a_spent_budget_refuses_before_the_provider_is_called(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chat = await _chat(budget_client, token)
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
    chats = [await _chat(budget_client, token) for _ in range(8)]
    # Slow replies: all eight are asked for while none has finished.
    fake_provider.reset(default=Reply(first_byte_delay=0.5, completion_tokens=50))
    results = await asyncio.gather(*(send(budget_client, token, c["id"], "hello") for c in chats))
    admitted = [r for r in results if not r.errors]
    refused = [r for r in results if r.errors]
    assert all(r.codes == ["QUOTA_EXCEEDED"] for r in refused)
    # Admitted while the reserved total was under the limit: 0, 126; then 252 >= 250.
    assert len(admitted) == -(-LIMIT // RESERVATION) == 2
    assert len(fake_provider.requests) == 2
    stored = await _stored_tokens(budgeted)
    assert stored == 2 * USED
    assert stored <= LIMIT + RESERVATION
    # Every reservation settled into what was stored.
    assert (await _budget(budget_client, token))["budget"]["used"] == stored


async def test_used_counts_running_replies_and_settles_to_what_was_stored(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chat = await _chat(budget_client, token)
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
    chat = await _chat(budget_client, token)
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
    chat = await _chat(budget_client, token)
    assert (await send(budget_client, token, chat["id"], "hello")).codes == ["QUOTA_EXCEEDED"]
    assert fake_provider.requests == []
    report = await _budget(budget_client, token)
    assert report["budget"]["used"] == 260
    # The default range is the budget period: yesterday's reply is not in it.
    assert (report["totalTokens"], report["replies"]) == (260, 1)


GENERATION = """
query Generation($id: ID!) {
  conversation(id: $id) {
    messages(last: 2) {
      edges { node { role status generation { promptTokens completionTokens usageEstimated } } }
    }
  }
}
"""
LONG_PROMPT = "x" * 32_000


async def _reply_generation(client: GraphQLClient, token: str, cid: str) -> dict[str, Any]:
    result = await client(GENERATION, {"id": cid}, token=token)
    assert not result.errors, result.errors
    nodes = [e["node"] for e in result.data["conversation"]["messages"]["edges"]]
    reply = next(n for n in nodes if n["role"] == "ASSISTANT")
    return {"status": reply["status"], **reply["generation"]}


async def test_a_stopped_reply_is_charged_its_prompt_and_the_budget_then_refuses(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    # The finding: replies with 32,000-character prompts stopped after two deltas were free
    # (the provider counts only in its last chunk), so a spent budget never refused.
    token, _ = await user(budget_client, "ada@example.com")
    chat = await _chat(budget_client, token)
    fake_provider.reset(default=Reply(" ".join(f"w{i}" for i in range(300)), chunk_delay=0.02))
    socket = await Socket.open(budgeted.ws_url, token=token)
    await socket.ack()
    op = await socket.subscribe(GENERATE_DURABLE, {"id": chat["id"], "content": LONG_PROMPT})
    reply_id = (await next_event(socket, op))["assistantMessageId"]
    await next_event(socket, op)
    await next_event(socket, op)
    stopped = await budget_client(STOP, {"id": reply_id}, token=token)
    assert stopped.data["stopReply"]["status"] == "STOPPED"
    await events_until_final(socket, op)
    await socket.close()

    generation = await _reply_generation(budget_client, token, chat["id"])
    prompt = estimate_tokens(DEFAULT_SYSTEM) + estimate_tokens(LONG_PROMPT) + 4
    assert generation["status"] == "STOPPED"
    assert generation["usageEstimated"] is True
    assert generation["promptTokens"] == prompt
    assert 0 < generation["completionTokens"] <= MAX_OUTPUT
    # More than the provider would have counted (cl100k: 4,000 tokens for the prompt).
    assert generation["promptTokens"] > 4_000
    budget = await _budget(budget_client, token)
    assert budget["budget"]["used"] == budget["totalTokens"] == await _stored_tokens(budgeted)
    assert budget["budget"]["used"] >= LIMIT

    requests = len(fake_provider.requests)
    refused = await send(budget_client, token, chat["id"], "hello")
    assert refused.codes == ["QUOTA_EXCEEDED"]
    assert len(fake_provider.requests) == requests  # never asked


async def test_a_reply_that_fails_mid_stream_is_charged_what_it_used(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    chat = await _chat(budget_client, token)
    # The connection drops after two deltas: no usage ever arrives.
    fake_provider.reset(default=Reply("one two three four five six", fail_after=2))
    failed = await send(budget_client, token, chat["id"], "hello")
    assert failed.codes == ["PROVIDER_ERROR"]

    generation = await _reply_generation(budget_client, token, chat["id"])
    assert generation["status"] == "FAILED"
    assert generation["usageEstimated"] is True
    assert generation["promptTokens"] == RESERVATION - MAX_OUTPUT
    assert generation["completionTokens"] == estimate_tokens("one two ")
    used = (await _budget(budget_client, token))["budget"]["used"]
    assert used == generation["promptTokens"] + generation["completionTokens"]
    assert used == await _stored_tokens(budgeted)


async def test_a_title_request_counts_against_the_budget_and_appears_in_usage(
    budget_client: GraphQLClient, fake_provider: FakeProviderServer, budgeted: LiveServer
) -> None:
    token, _ = await user(budget_client, "ada@example.com")
    # Untitled: the first reply asks for a model's title (TITLE_PROVIDER is DEMO in tests).
    chat = await create_conversation(budget_client, token, aiProvider="OPENAI")
    fake_provider.reset(default=Reply("Hi there", prompt_tokens=12, completion_tokens=5))
    assert not (await send(budget_client, token, chat["id"], "hello")).errors
    for _ in range(250):  # the title is asked for, and charged, after the reply
        if await _stored_tokens(budgeted) > 17:
            break
        await asyncio.sleep(0.02)
    question = "hello"
    reply = "Hi there"
    expected = estimate_prompt(
        TITLE_INSTRUCTIONS, title_request(question, reply)
    ) + estimate_tokens(demo_title(title_request(question, reply)))
    assert await _stored_tokens(budgeted) == 17 + expected

    report = await _budget(budget_client, token)
    assert report["totalTokens"] == 17 + expected
    assert report["replies"] == 1  # a title is no reply
    assert report["budget"]["used"] == 17 + expected
    usage = await budget_client(
        "query { usage { byModel { provider model totalTokens replies } } }", token=token
    )
    assert {"provider": "DEMO", "model": "demo-1", "totalTokens": expected, "replies": 0} in (
        usage.data["usage"]["byModel"]
    )
