"""Health, GraphiQL, CORS, request ids, error codes and masking, abuse limits."""

from __future__ import annotations

import json

import httpx
import pytest

from parley.main import create_app
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer, make_settings


async def test_health_check_reports_ok(client: GraphQLClient) -> None:
    response = await client.http.get("/health_check")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_health_check_names_what_is_down(fake_provider: FakeProviderServer) -> None:
    app = create_app(
        make_settings(
            fake_provider,
            database_url="postgresql://postgres@127.0.0.1:1/nowhere",
            redis_url="redis://127.0.0.1:1/0",
        )
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.get("/health_check")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "redis": "down"}


async def test_get_graphql_serves_graphiql(client: GraphQLClient) -> None:
    response = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_cors_preflight_allows_the_web_origin_only(client: GraphQLClient) -> None:
    allowed = await client.http.options(
        "/graphql",
        headers={
            "origin": "http://localhost:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type",
        },
    )
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    refused = await client.http.options(
        "/graphql",
        headers={"origin": "http://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_request_id_is_echoed_or_created(client: GraphQLClient) -> None:
    mine = await client.http.get("/health_check", headers={"x-request-id": "trace-12345678"})
    assert mine.headers["x-request-id"] == "trace-12345678"
    fresh = await client.http.get("/health_check", headers={"x-request-id": "bad id!"})
    assert len(fresh.headers["x-request-id"]) == 32


@pytest.mark.parametrize(
    "query",
    [
        "{ me { id ",  # syntax
        "{ nope }",  # validation
        "{ me { id } } query Other { me { email } }",  # several anonymous operations
    ],
)
async def test_invalid_documents_carry_bad_user_input(client: GraphQLClient, query: str) -> None:
    result = await client(query)
    assert result.errors
    assert set(result.codes) == {"BAD_USER_INPUT"}


async def test_variable_of_wrong_type_is_bad_user_input(client: GraphQLClient) -> None:
    result = await client(
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", {"i": {"email": 1}}
    )
    assert set(result.codes) == {"BAD_USER_INPUT"}


async def test_alias_and_token_limits(client: GraphQLClient) -> None:
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"
    tokens = "{ " + "__typename " * 3000 + "}"
    for query, needle in ((aliases, "alias"), (tokens, "token")):
        result = await client(query)
        assert result.codes, needle
        assert set(result.codes) == {"BAD_USER_INPUT"}, needle
        assert needle in result.errors[0]["message"].lower()


async def test_depth_limit(fake_provider: FakeProviderServer) -> None:
    # Our types have no cycles, so the default depth (10) cannot be reached: lower it here.
    app = create_app(make_settings(fake_provider, graphql_max_depth=3))
    query = "{ conversations { edges { node { lastMessage { id } } } } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.post("/graphql", json={"query": query})
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert "depth" in errors[0]["message"]


async def test_an_unreachable_database_answers_unavailable_and_is_logged_with_request_id(
    fake_provider: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A database that cannot be reached: retry later, not a fault to mask.
    app = create_app(
        make_settings(fake_provider, database_url="postgresql://postgres@127.0.0.1:1/nowhere")
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.post(
            "/graphql",
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                "variables": {"i": {"email": "ada@example.com", "password": "secret-pass"}},
            },
            headers={"x-request-id": "req-abcdef123456"},
        )
    error = response.json()["errors"][0]
    assert error["message"].startswith("A service this server needs is unreachable")
    assert error["extensions"] == {"code": "UNAVAILABLE", "requestId": "req-abcdef123456"}
    body = json.dumps(response.json())
    assert "127.0.0.1" not in body
    assert "asyncpg" not in body.lower()
    # The JSON log line carries the request id and the stack; never the password.
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    logged = [line for line in lines if line.get("event") == "a service is unreachable"]
    assert logged
    assert logged[0]["request_id"] == "req-abcdef123456"
    assert logged[0]["kind"] == "ConnectionRefusedError"
    assert not [line for line in lines if line.get("event") == "unexpected error in resolver"]
    assert all("secret-pass" not in json.dumps(line) for line in lines)


async def test_users_survive_an_app_restart(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    await client.register(email="ada@example.com", password="correct horse")
    restarted = LiveServer(create_app(make_settings(fake_provider)))
    await restarted.start()
    try:
        async with GraphQLClient(restarted.url) as other:
            result = await other(
                "mutation($i: LoginInput!) { login(input: $i) { user { email } } }",
                {"i": {"email": "ada@example.com", "password": "correct horse"}},
            )
    finally:
        await restarted.stop()
    assert result.data["login"]["user"]["email"] == "ada@example.com"
