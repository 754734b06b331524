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
