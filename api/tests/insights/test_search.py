"""`search`: ranked full-text search over the caller's titles and messages, with plain-text
snippets and highlight ranges, keyset pages and a fixed statement count."""

from __future__ import annotations

import base64
import random
from typing import Any

from sqlalchemy import event

from tests.insights.seeding import conversation, user
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer
from tests.support.sql import StatementCounter

SEARCH = """
query Search($query: String!, $first: Int! = 20, $after: String) {
  search(query: $query, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        conversation { id title }
        message { id content }
        snippet
        highlights { start end }
      }
    }
  }
}
"""


async def _search(
    client: GraphQLClient, token: str, query: str, **variables: Any
) -> dict[str, Any]:
    result = await client(SEARCH, {"query": query, **variables}, token=token)
    assert not result.errors, result.errors
    found: dict[str, Any] = result.data["search"]
    return found


def _highlighted(node: dict[str, Any]) -> list[str]:
    """The highlighted substrings, cut as JavaScript would (UTF-16 code units)."""
    units = node["snippet"].encode("utf-16-le")
    return [units[r["start"] * 2 : r["end"] * 2].decode("utf-16-le") for r in node["highlights"]]


async def test_finds_titles_and_messages_best_first(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    engine = server.state.engine
    titled = await conversation(engine, me, "Kubernetes deployment checklist", ["unrelated"])
    mentioned = await conversation(
        engine,
        me,
        "Weekend plans",
        ["We talked about a deployment once.", "Deployment, deployments, deployed: deployment!"],
    )
    await conversation(engine, me, "Groceries", ["milk and bread"])

    found = await _search(client, token, "deployment")
    nodes = [e["node"] for e in found["edges"]]
    assert found["totalCount"] == 3
    # The title first (titles weigh most), then the message that says it most often.
    assert nodes[0]["conversation"]["id"] == str(titled.conversation_id)
    assert nodes[0]["message"] is None
    assert [n["message"]["id"] for n in nodes[1:]] == [
        str(mentioned.message_ids[1]),
        str(mentioned.message_ids[0]),
    ]
    # Stemmed: every form of the word is highlighted, and only those.
    assert _highlighted(nodes[1]) == ["Deployment", "deployments", "deployed", "deployment"]
    assert _highlighted(nodes[0]) == ["deployment"]


async def test_typos_and_partial_words_find_titles(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    engine = server.state.engine
    target = await conversation(engine, me, "Kubernetes deployment checklist")
    await conversation(engine, me, "Sourdough starter")

    for query in ("kubernets", "deploymnet", "checkl", "Kubern"):
        found = await _search(client, token, query)
        ids = [e["node"]["conversation"]["id"] for e in found["edges"]]
        assert ids == [str(target.conversation_id)], query
        assert found["edges"][0]["node"]["highlights"], query
    typo = await _search(client, token, "kubernets")
    assert _highlighted(typo["edges"][0]["node"]) == ["Kubernetes"]


async def test_web_syntax_phrases_and_negation(client: GraphQLClient, server: LiveServer) -> None:
    token, me = await user(client, "ada@example.com")
    engine = server.state.engine
    seeded = await conversation(
        engine,
        me,
        None,
        ["red apple pie", "apple red wine", "green apple", "red wine only"],
    )
    ids = seeded.message_ids

    def messages(found: dict[str, Any]) -> set[str]:
        return {e["node"]["message"]["id"] for e in found["edges"] if e["node"]["message"]}

    assert messages(await _search(client, token, '"red apple"')) == {str(ids[0])}
    assert messages(await _search(client, token, "apple -red")) == {str(ids[2])}
    assert messages(await _search(client, token, "pie or green")) == {str(ids[0]), str(ids[2])}
    negated = await _search(client, token, "apple -red")
    assert _highlighted(negated["edges"][0]["node"]) == ["apple"]


async def test_highlights_count_utf16_units_in_plain_text(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    text = "🎉🎉 Café <b>déjà</b> vu: the café opens; 😀 CAFÉ & crème brûlée"
    await conversation(server.state.engine, me, None, [text])
    found = await _search(client, token, "café")
    node = found["edges"][0]["node"]
    # Plain text, tags and all: the client escapes it, nothing is markup.
    assert node["snippet"] == text
    assert _highlighted(node) == ["Café", "café", "CAFÉ"]
    # Offsets as JavaScript counts them: each emoji before the word is two units.
    assert node["highlights"][0] == {"start": 5, "end": 9}


async def test_long_messages_give_a_window_around_the_match(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    text = " ".join(["filler"] * 200) + " the needle is here " + " ".join(["padding"] * 200)
    await conversation(server.state.engine, me, None, [text])
    node = (await _search(client, token, "needle"))["edges"][0]["node"]
    assert node["snippet"].startswith("…")
    assert node["snippet"].endswith("…")
    assert len(node["snippet"]) < 220
    assert _highlighted(node) == ["needle"]


async def test_pages_through_every_hit_once(
    client: GraphQLClient, server: LiveServer, sql_statements: StatementCounter
) -> None:
    token, me = await user(client, "ada@example.com")
    engine = server.state.engine
    expected: set[str] = set()
    for i in range(7):
        # Equal texts rank equal: the id breaks the ties, so no hit is skipped or repeated.
        seeded = await conversation(engine, me, f"topic {i}", ["ocean"] * 3 + ["ocean waves"])
        expected.update(str(m) for m in seeded.message_ids)
    seen: list[str] = []
    counts: list[int] = []
    after = None
    while True:
        before = sql_statements.count
        found = await _search(client, token, "ocean", first=5, after=after)
        counts.append(sql_statements.count - before)
        assert found["totalCount"] == 28
        seen += [e["node"]["message"]["id"] for e in found["edges"]]
        assert found["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 28
    assert set(seen) == expected
    # One statement per page, however many hits it holds and whatever they point at.
    assert counts == [1] * len(counts), sql_statements.statements[-counts[-1] :]


async def test_only_the_callers_data_is_found(client: GraphQLClient, server: LiveServer) -> None:
    token, me = await user(client, "ada@example.com")
    _, other = await user(client, "eve@example.com")
    engine = server.state.engine
    mine = await conversation(engine, me, "secret plans", ["zebra crossing"])
    await conversation(engine, other, "secret plans", ["zebra crossing"])
    await conversation(engine, other, "zebra zebra zebra", ["zebra"])
    found = await _search(client, token, "zebra secret")
    assert found["totalCount"] == 0
    for query in ("zebra", "secret", "secrt"):
        found = await _search(client, token, query)
        assert {e["node"]["conversation"]["id"] for e in found["edges"]} == {
            str(mine.conversation_id)
        }, query


async def test_bad_queries_and_cursors_are_refused_not_failed(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    await conversation(server.state.engine, me, "anything", ["anything at all"])
    forged = base64.urlsafe_b64encode(b"r|nan|not-a-uuid").decode()
    cases: list[dict[str, Any]] = [
        {"query": "   "},
        {"query": "x" * 10_000},
        {"query": "a\x00b"},
        {"query": "anything", "after": "garbage"},
        {"query": "anything", "after": forged},
        {"query": "anything", "first": 0},
        {"query": "anything", "first": 101},
    ]
    for variables in cases:
        result = await client(SEARCH, variables, token=token)
        assert result.codes == ["BAD_USER_INPUT"], (variables, result.body)
    # Operators only, stop words only, unbalanced quotes: no lexemes, no hits, no error.
    for query in ("-", '""', "or or", '"unclosed', "& | ! <-> :*", "the", "(((", "-anything"):
        result = await client(SEARCH, {"query": query}, token=token)
        assert not result.errors, (query, result.errors)
    assert (await client(SEARCH, {"query": "x"})).codes == ["UNAUTHENTICATED"]


# What PostgreSQL's web-style parser takes as operators or skips, and words between them.
_OPERATOR_PIECES = ["-", "-", "-", " ", '"', "(", ")", "|", "!", "&", "<->", ":*", "or", "'"]
_PIECES = [*_OPERATOR_PIECES, "anything", "the", "é", "—", "\t", "\\"]


async def test_runs_of_operators_are_refused_or_searched_never_a_server_error(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    await conversation(server.state.engine, me, "anything", ["anything at all"])
    # PostgreSQL stacks one operator per `-` and fails past 32 ("tsquery stack too small").
    refused = [
        "-" * 33,
        "-" * 200,
        "- " * 40,
        "anything " + "-" * 33 + " at",
        "-!-(-|-&-)-" * 5,
        "-" * 9 + "anything",
    ]
    for query in refused:
        result = await client(SEARCH, {"query": query}, token=token)
        assert result.codes == ["BAD_USER_INPUT"], (query, result.body)
        assert "`-` in a row" in result.errors[0]["message"]
    # Only operators, or words among them: parsed, no error (and the words still match).
    searched = {
        "!!!!": 0,
        '""""': 0,
        "(((": 0,
        "|||": 0,
        "!(|&" * 40: 0,
        '"-"' * 40: 0,
        "--anything": 2,
        "-" * 8 + "anything": 2,
        "anything " + "-a " * 60: 2,
        '"""anything"""': 2,
    }
    for query, total in searched.items():
        result = await client(SEARCH, {"query": query}, token=token)
        assert not result.errors, (query, result.errors)
        assert result.data["search"]["totalCount"] == total, query
    # A seeded sweep of operator soup: each is searched or refused, never a 500.
    rng = random.Random(17)
    for _ in range(150):
        query = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 90)))
        result = await client(SEARCH, {"query": query}, token=token)
        assert result.status != 500, (query, result.body)
        assert result.codes in ([], ["BAD_USER_INPUT"]), (query, result.body)


def _rows_out_of_function_scans(plan: dict[str, Any]) -> int:
    """Rows the set-returning functions of an EXPLAIN ANALYZE plan produced, those their
    filter removed and every loop included (EXPLAIN gives both per loop)."""
    own = 0.0
    if plan["Node Type"] == "Function Scan":
        produced = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
        own = produced * plan["Actual Loops"]
    return round(own) + sum(_rows_out_of_function_scans(p) for p in plan.get("Plans", []))


async def test_highlights_of_long_messages_stem_only_candidate_words_in_one_statement(
    client: GraphQLClient, server: LiveServer
) -> None:
    token, me = await user(client, "ada@example.com")
    filler = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    texts = []
    for i in range(20):
        words = [filler[(i + k) % len(filler)] for k in range(1000)]
        words[100], words[400], words[900] = "deploying", "Deployment", "deployed"
        texts.append(" ".join(words))
    await conversation(server.state.engine, me, "long ones", texts)
    # The one statement of the page, as the app sends it, to be explained.
    sent: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        if "websearch_to_tsquery" in str(args[2]):
            sent.append((str(args[2]), args[3]))

    engine = server.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        found = await _search(client, token, "deploy", first=100)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert found["totalCount"] == 20
    # Each window is around the first match, the only one in it.
    assert [_highlighted(e["node"]) for e in found["edges"]] == [["deploying"]] * 20
    assert len(sent) == 1
    statement, parameters = sent[0]
    async with server.state.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        explained = await driver.fetchval(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, *parameters
        )
    # SQLAlchemy's asyncpg dialect decodes json: the plan arrives as a list.
    plan = explained[0]["Plan"]
    # 20,000 words, 60 of them start like the query's lexeme: only those are split out and
    # stemmed (stemming every word of every hit was most of a page's database time).
    assert _rows_out_of_function_scans(plan) <= 60 + 2
