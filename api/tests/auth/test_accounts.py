"""register, login and me, over real HTTP against PostgreSQL and Redis."""

from __future__ import annotations

import uuid

from tests.support.graphql import REGISTER, GraphQLClient

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken expiresIn user { id email } }
}
"""
ME = "{ me { id email fullName createdAt updatedAt } }"


async def test_register_returns_tokens_and_normalised_user(client: GraphQLClient) -> None:
    payload = await client.register(email="  Ada.Lovelace@Example.COM ", name="  Ada Lovelace ")
    assert payload["tokenType"] == "Bearer"
    assert payload["expiresIn"] == 15 * 60
    assert payload["user"]["email"] == "ada.lovelace@example.com"
    assert payload["user"]["fullName"] == "Ada Lovelace"
    uuid.UUID(payload["user"]["id"])
    assert payload["accessToken"] != payload["refreshToken"]


async def test_me_with_access_token(client: GraphQLClient) -> None:
    payload = await client.register()
    result = await client(ME, token=payload["accessToken"])
    assert result.data["me"]["id"] == payload["user"]["id"]
    assert result.data["me"]["email"] == "ada@example.com"


async def test_duplicate_email_is_a_conflict_case_insensitively(client: GraphQLClient) -> None:
    await client.register(email="ada@example.com")
    result = await client(
        REGISTER, {"input": {"email": "ADA@example.com", "password": "another pass"}}
    )
    assert result.codes == ["CONFLICT"]
    assert result.data is None


async def test_register_rejects_bad_email_and_passwords(client: GraphQLClient) -> None:
    cases = [
        ({"email": "not-an-email", "password": "long enough"}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "é" * 37}, "password"),  # 74 bytes
    ]
    for variables, field in cases:
        result = await client(REGISTER, {"input": variables})
        assert result.codes == ["BAD_USER_INPUT"], variables
        assert result.errors[0]["extensions"]["field"] == field


async def test_password_of_exactly_72_bytes_is_accepted(client: GraphQLClient) -> None:
    result = await client(REGISTER, {"input": {"email": "b@example.com", "password": "é" * 36}})
    assert not result.errors


async def test_login_succeeds_with_any_email_case(client: GraphQLClient) -> None:
    await client.register(email="ada@example.com", password="correct horse")
    result = await client(
        LOGIN, {"input": {"email": "ADA@Example.com", "password": "correct horse"}}
    )
    assert result.data["login"]["user"]["email"] == "ada@example.com"


async def test_wrong_password_and_unknown_email_answer_the_same(client: GraphQLClient) -> None:
    await client.register(email="ada@example.com", password="correct horse")
    wrong_password = await client(
        LOGIN, {"input": {"email": "ada@example.com", "password": "wrong horse"}}
    )
    unknown_email = await client(
        LOGIN, {"input": {"email": "nobody@example.com", "password": "correct horse"}}
    )
    malformed_email = await client(LOGIN, {"input": {"email": "nobody", "password": "x"}})
    for result in (wrong_password, unknown_email, malformed_email):
        assert result.codes == ["UNAUTHENTICATED"]
    messages = {r.errors[0]["message"] for r in (wrong_password, unknown_email, malformed_email)}
    assert messages == {"Incorrect email or password."}


async def test_password_is_stored_as_bcrypt_hash(client: GraphQLClient, server: object) -> None:
    from sqlalchemy import text

    from tests.support.servers import LiveServer

    assert isinstance(server, LiveServer)
    await client.register(email="ada@example.com", password="correct horse")
    async with server.state.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT hashed_password FROM users"))).scalar_one()
    assert stored.startswith("$2b$04$")
    assert "correct horse" not in stored


async def test_me_without_token_is_unauthenticated(client: GraphQLClient) -> None:
    result = await client(ME)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.status == 200
