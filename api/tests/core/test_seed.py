"""`make seed-db`: demo users with conversations; a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import text

from parley.auth.passwords import PasswordHasher
from parley.seed import DEMO_PASSWORD, seed
from tests.chat.documents import LIST
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"


async def _counts(server: LiveServer) -> tuple[int, int, int]:
    async with server.state.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM conversations),"
                    " (SELECT count(*) FROM messages)"
                )
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def test_seed_is_idempotent_and_the_demo_user_can_sign_in(
    server: LiveServer, client: GraphQLClient
) -> None:
    hasher = PasswordHasher(4)
    async with server.state.db_sessions() as db:
        added = await seed(db, hasher)
    first = await _counts(server)
    async with server.state.db_sessions() as db:
        assert await seed(db, hasher) == 0
    assert added == sum(first)
    assert await _counts(server) == first
    assert first[1] >= 3

    login = await client(LOGIN, {"i": {"email": "demo@parley.dev", "password": DEMO_PASSWORD}})
    token = login.data["login"]["accessToken"]
    listed = await client(LIST, token=token)
    titles = [e["node"]["title"] for e in listed.data["conversations"]["edges"]]
    assert "Welcome to Parley" in titles
    assert all(e["node"]["messageCount"] > 0 for e in listed.data["conversations"]["edges"])


async def _scalar(server: LiveServer, sql: str) -> int:
    async with server.state.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def test_seed_has_code_tables_a_long_thread_branches_and_cut_off_replies(
    server: LiveServer,
) -> None:
    async with server.state.db_sessions() as db:
        await seed(db, PasswordHasher(4))
    demo = "(SELECT id FROM users WHERE email = 'demo@parley.dev')"
    mine = f"conversation_id IN (SELECT id FROM conversations WHERE user_id = {demo})"
    assert await _scalar(server, f"SELECT count(*) FROM conversations WHERE user_id = {demo}") >= 6
    assert (
        await _scalar(
            server, f"SELECT count(*) FROM messages WHERE {mine} AND content LIKE '%```python%'"
        )
        >= 1
    )
    assert (
        await _scalar(
            server, f"SELECT count(*) FROM messages WHERE {mine} AND content LIKE '%| --- |%'"
        )
        >= 2
    )
    # A long thread: one conversation with at least 20 messages.
    longest = (
        "SELECT max(n) FROM (SELECT count(*) AS n FROM messages"
        f" WHERE {mine} GROUP BY conversation_id) t"
    )
    assert await _scalar(server, longest) >= 20
    # Branches: an edited question (two USER versions under one parent) and a regenerated
    # reply (two ASSISTANT versions under one question).
    for role in ("USER", "ASSISTANT"):
        versions = (
            f"SELECT count(*) FROM (SELECT 1 FROM messages WHERE {mine} AND role = '{role}'"
            " GROUP BY conversation_id, parent_id HAVING count(*) > 1) t"
        )
        assert await _scalar(server, versions) >= 1, role
    # Every conversation shows its newest branch: the current message is a leaf.
    leaves = (
        "SELECT count(*) FROM conversations c WHERE c.current_message_id IS NULL OR EXISTS"
        " (SELECT 1 FROM messages m WHERE m.parent_id = c.current_message_id)"
    )
    assert await _scalar(server, leaves) == 0
    stopped = f"SELECT count(*) FROM messages WHERE {mine} AND status = 'STOPPED' AND content <> ''"
    assert await _scalar(server, stopped) == 1
    failed = (
        f"SELECT count(*) FROM messages WHERE {mine} AND status = 'FAILED' AND error IS NOT NULL"
    )
    assert await _scalar(server, failed) == 1
