"""`usage`: totals, per model and per UTC day from the stored generation facts, in one
statement; the default range; no budget when none is configured."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.chat.branches import EXPORT, FORK
from tests.chat.documents import create_conversation, send
from tests.fakes.provider_server import FakeProviderServer
from tests.fakes.provider_server import Reply as Scripted
from tests.insights.seeding import Reply, conversation, user
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer
from tests.support.sql import StatementCounter

USAGE = """
query Usage($from: DateTime, $to: DateTime) {
  usage(from: $from, to: $to) {
    promptTokens completionTokens totalTokens replies
    byModel { provider model totalTokens replies }
    byDay { day totalTokens }
    budget { limit used remaining resetsAt }
  }
}
"""


def _at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


async def _usage(client: GraphQLClient, token: str, **variables: Any) -> dict[str, Any]:
    result = await client(USAGE, variables, token=token)
    assert not result.errors, result.errors
    report: dict[str, Any] = result.data["usage"]
    return report


async def test_sums_by_model_and_utc_day_in_one_statement(
    client: GraphQLClient, server: LiveServer, sql_statements: StatementCounter
) -> None:
    token, me = await user(client, "ada@example.com")
    _, other = await user(client, "eve@example.com")
    engine = server.state.engine
    gpt = Reply("OPENAI", "gpt-test", 100, 20)
    claude = Reply("ANTHROPIC", "claude-test", 7, 3)
    unknown = Reply("OPENAI", "gpt-test", None, None)  # failed before the provider counted
    await conversation(
        engine,
        me,
        "one",
        replies=[
            (_at(2, 23), gpt),
            # 23:30 at UTC-02:00 on the 2nd is the 3rd in UTC: it counts for the 3rd.
            (dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2))), gpt),
            (_at(3), claude),
            (_at(3), unknown),
            (_at(9), gpt),  # after `to`
            (_at(1), gpt),  # before `from`
        ],
    )
    await conversation(engine, me, "two", replies=[(_at(5), claude)])
    await conversation(engine, other, "theirs", replies=[(_at(3), gpt)] * 3)

    before = sql_statements.count
    report = await _usage(
        client, token, **{"from": _at(2, 0).isoformat(), "to": _at(8, 0).isoformat()}
    )
    assert sql_statements.count - before == 1, sql_statements.statements[before:]
    assert report["promptTokens"] == 100 + 100 + 7 + 7
    assert report["completionTokens"] == 20 + 20 + 3 + 3
    assert report["totalTokens"] == 260
    assert report["replies"] == 5
    assert report["byModel"] == [
        {"provider": "OPENAI", "model": "gpt-test", "totalTokens": 240, "replies": 3},
        {"provider": "ANTHROPIC", "model": "claude-test", "totalTokens": 20, "replies": 2},
    ]
    assert report["byDay"] == [
        {"day": "2026-03-02", "totalTokens": 120},
        {"day": "2026-03-03", "totalTokens": 130},
        {"day": "2026-03-05", "totalTokens": 10},
    ]
    assert report["budget"] is None


async def test_default_range_is_the_last_30_days_without_a_budget(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    now = dt.datetime.now(dt.UTC)
    await conversation(
        server.state.engine,
        me,
        "recent",
        replies=[
            (now - dt.timedelta(days=1), Reply(prompt_tokens=3, completion_tokens=4)),
            (now - dt.timedelta(days=31), Reply(prompt_tokens=1000, completion_tokens=0)),
        ],
    )
    report = await _usage(client, token)
    assert (report["totalTokens"], report["replies"]) == (7, 1)
    assert [d["day"] for d in report["byDay"]] == [(now - dt.timedelta(days=1)).date().isoformat()]


async def test_empty_and_bad_ranges(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    report = await _usage(client, token)
    assert report == {
        "promptTokens": 0,
        "completionTokens": 0,
        "totalTokens": 0,
        "replies": 0,
        "byModel": [],
        "byDay": [],
        "budget": None,
    }
    backwards = {"from": _at(5).isoformat(), "to": _at(4).isoformat()}
    assert (await client(USAGE, backwards, token=token)).codes == ["BAD_USER_INPUT"]
    assert (await client(USAGE, {})).codes == ["UNAUTHENTICATED"]


async def test_a_forks_copies_carry_no_usage_and_exports_agree(
    client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    # The finding: the copies kept their token counts, so four forks of one reply showed
    # four replies and four times its tokens.
    token, _ = await user(client, "ada@example.com")
    chat = await create_conversation(client, token, aiProvider="OPENAI", title="Titled")
    fake_provider.reset(default=Scripted("Hi there", prompt_tokens=12, completion_tokens=5))
    sent = await send(client, token, chat["id"], "hello")
    assert not sent.errors, sent.errors
    reply_id = sent.data["sendMessage"]["assistantMessage"]["id"]
    forks = []
    for _ in range(3):
        result = await client(FORK, {"id": reply_id}, token=token)
        assert not result.errors, result.errors
        forks.append(result.data["forkConversation"]["id"])

    report = await _usage(client, token)
    assert (report["totalTokens"], report["replies"]) == (17, 1)

    exported = 0
    for cid in [chat["id"], *forks]:
        result = await client(EXPORT, {"id": cid, "format": "JSON"}, token=token)
        document = json.loads(result.data["exportConversation"])
        for message in document["messages"]:
            generation = message["generation"]
            if generation is not None:
                assert generation["usageEstimated"] is False
                exported += (generation["promptTokens"] or 0) + (
                    generation["completionTokens"] or 0
                )
    assert exported == report["totalTokens"]
