"""Hostile input, tried as an attacker would, against the real app: every case answers with a
4xx or a client code (never a 500 or INTERNAL_SERVER_ERROR), and none logs at error level."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from parley.main import create_app
from tests.chat.documents import CREATE, GENERATE, LIST, UPDATE, create_conversation
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings

NUL = "a\x00b"
SURROGATE = "a\ud800b"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


# -- transport -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'"a string"',
        b"42",
        b"null",
        b"true",
        b"[]",
        b'[{"query": "{ providers { provider } }"}]',
        b"{",
        b"\xff\xfe not utf-8",
        b'{"query": 5}',
        b'{"query": ""}',
        b"{}",
        b'{"query": "{ __typename }", "variables": []}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "extensions": 1}',
        b'{"query": "{ __typename }", "operationName": "bad name"}',
        b'{"query": "{ __typename }", "operationName": 7}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
async def test_bodies_that_are_not_graphql_requests_get_400_with_a_code(
    client: GraphQLClient, body: bytes
) -> None:
    response = await client.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


async def test_other_content_types_get_415(client: GraphQLClient) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = await client.http.post(
            "/graphql", content=b"query={__typename}", headers={"content-type": content_type}
        )
        assert response.status_code == 415
        assert _codes(response.json()) == ["BAD_USER_INPUT"]


async def test_a_body_over_the_limit_gets_413_unread(client: GraphQLClient) -> None:
    big = json.dumps({"query": "{ __typename }", "variables": {"x": "y" * (2 << 20)}})
    response = await client.http.post(
        "/graphql", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert _codes(response.json()) == ["BAD_USER_INPUT"]

    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the server counts what arrives and stops reading past the limit.
        for _ in range(64):
            yield b" " * 65536

    streamed = await client.http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_get_never_executes(client: GraphQLClient) -> None:
    response = await client.http.get(
        "/graphql",
        params={"query": "{ providers { provider } }"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert _codes(response.json()) == ["BAD_USER_INPUT"]
    # Even a browser-like GET with a query opens nothing and runs nothing.
    html = await client.http.get(
        "/graphql", params={"query": "{ providers { provider } }"}, headers={"accept": "text/html"}
    )
    assert html.status_code == 405


async def test_a_subscription_over_http_points_at_the_websocket(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token))["id"]
    result = await client(GENERATE, {"id": cid, "content": "hi"}, token=token)
    assert result.status == 200
    assert result.codes == ["BAD_USER_INPUT"]
    assert "WebSocket" in result.errors[0]["message"]


@pytest.mark.parametrize(
    "frame",
    [
        "5",
        "[]",
        "null",
        '"text"',
        '{"type": 5}',
        '{"id": "1", "type": "subscribe"}',
        '{"id": "1", "type": "subscribe", "payload": 5}',
        '{"id": 1, "type": "subscribe", "payload": {"query": "{ __typename }"}}',
        '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", "variables": 3}}',
        '{"id": "1", "type": "complete"}' + " ",  # not bad: completes nothing
        "[" * 50_000 + "]" * 50_000,
    ],
)
async def test_socket_frames_that_are_not_protocol_messages_close_with_4400(
    server: LiveServer, frame: str
) -> None:
    socket = await Socket.open(server.ws_url)
    await socket.ack()
    await socket.conn.send(frame)
    if frame.startswith('{"id": "1", "type": "complete"}'):
        await socket.send({"type": "ping"})
        assert (await socket.receive())["type"] == "pong"
        await socket.close()
        return
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.receive(), timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4400


async def test_a_socket_frame_over_the_limit_closes_with_1009(server: LiveServer) -> None:
    socket = await Socket.open(server.ws_url)
    await socket.ack()
    await socket.conn.send(json.dumps({"type": "ping", "payload": {"x": "y" * (2 << 20)}}))
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.receive(), timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


# -- strings -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
async def test_unstorable_strings_in_any_argument_name_the_field(
    server: LiveServer, client: GraphQLClient, bad: str
) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token))["id"]
    cases: list[tuple[str, dict[str, Any], str]] = [
        (CREATE, {"input": {"title": bad}}, "input.title"),
        (CREATE, {"input": {"systemPrompt": bad}}, "input.systemPrompt"),
        (CREATE, {"input": {"aiModel": bad}}, "input.aiModel"),
        (UPDATE, {"id": cid, "input": {"title": bad}}, "input.title"),
        (
            "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
            {"i": {"email": "x@example.com", "password": "long enough", "fullName": bad}},
            "i.fullName",
        ),
        (
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            {"i": {"email": "ada@example.com", "password": bad + "padding"}},
            "i.password",
        ),
        (LIST, {"after": bad}, "after"),
    ]
    for query, variables, field in cases:
        result = await client(query, variables, token=token)
        assert result.codes == ["BAD_USER_INPUT"], (field, result.errors)
        assert result.errors[0]["extensions"]["field"] == field

    # And over the socket, in a message.
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    op = await socket.subscribe(GENERATE, {"id": cid, "content": bad})
    message = await asyncio.wait_for(socket.receive(), timeout=5)
    assert message["id"] == op
    assert message["type"] == "error"
    assert [e["extensions"]["code"] for e in message["payload"]] == ["BAD_USER_INPUT"]
    assert message["payload"][0]["extensions"]["field"] == "content"
    await socket.close()


async def test_a_nul_in_a_document_literal_is_refused_too(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    query = 'mutation { createConversation(input: {title: "x\\u0000y"}) { id } }'
    result = await client(query, token=token)
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "input.title"


async def test_an_over_long_password_at_login_is_just_wrong(client: GraphQLClient) -> None:
    await client.register("long@example.com", "correct horse")
    result = await client(
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        {"i": {"email": "long@example.com", "password": "correct horse" + "x" * 100}},
    )
    assert result.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "cursor_text",
    [
        "0001-01-01T00:00:00+14:00|00000000-0000-0000-0000-000000000000",
        "9999-12-31T23:59:59-14:00|00000000-0000-0000-0000-000000000000",
        "2020-01-01T00:00:00|00000000-0000-0000-0000-000000000000",
        "not a cursor",
        "\x00|\x00",
    ],
)
async def test_forged_cursors_are_bad_user_input(client: GraphQLClient, cursor_text: str) -> None:
    token = (await client.register())["accessToken"]
    cursor = base64.urlsafe_b64encode(cursor_text.encode()).decode().rstrip("=")
    result = await client(LIST, {"after": cursor}, token=token)
    assert result.codes == ["BAD_USER_INPUT"]
    result = await client(LIST, {"after": "%%%not base64%%%"}, token=token)
    assert result.codes == ["BAD_USER_INPUT"]


# -- accounts ------------------------------------------------------------------------------

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"


@pytest.fixture
async def lockable(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[LiveServer]:
    settings = make_settings(
        fake_provider, rate_limit_login_failures="3/minute", trusted_proxies="127.0.0.1"
    )
    live = LiveServer(create_app(settings))
    await live.start()
    yield live
    await live.stop()


async def test_failed_sign_ins_lock_the_account_whatever_the_address(lockable: LiveServer) -> None:
    async with GraphQLClient(lockable.url) as client:
        await client.register("target@example.com", "the real password")
        for i in range(3):
            response = await client.http.post(
                "/graphql",
                json={
                    "query": LOGIN,
                    "variables": {
                        "i": {"email": "target@example.com", "password": f"guess {i} wrong"}
                    },
                },
                headers={"x-forwarded-for": f"198.51.100.{i}"},
            )
            assert _codes(response.json()) == ["UNAUTHENTICATED"]
        # A new address, and even the right password, must wait now.
        locked = await client.http.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {
                    "i": {"email": "TARGET@example.com", "password": "the real password"}
                },
            },
            headers={"x-forwarded-for": "192.0.2.99"},
        )
        assert locked.status_code == 429
        assert _codes(locked.json()) == ["RATE_LIMITED"]
        assert int(locked.headers["retry-after"]) >= 1
        # Another account is not affected.
        await client.register("other@example.com", "other password")
        ok = await client(
            LOGIN, {"i": {"email": "other@example.com", "password": "other password"}}
        )
        assert not ok.errors


async def test_look_alike_emails_are_one_account(client: GraphQLClient) -> None:
    await client.register("ada@example.com", "correct horse")
    fullwidth = "\uff41da@example.com"  # a fullwidth "a"
    again = await client(
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        {"i": {"email": fullwidth, "password": "another pass"}},
    )
    assert again.codes == ["CONFLICT"]
    signed_in = await client(
        LOGIN, {"i": {"email": "\uff21DA@EXAMPLE.COM", "password": "correct horse"}}
    )
    assert not signed_in.errors


# -- models --------------------------------------------------------------------------------


async def test_only_offered_models_are_accepted(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    for name in ("../../etc/passwd", "gpt-4-unlisted"):
        result = await client(
            CREATE, {"input": {"aiProvider": "OPENAI", "aiModel": name}}, token=token
        )
        assert result.codes == ["BAD_USER_INPUT"]
        assert result.errors[0]["extensions"]["field"] == "aiModel"
    offered = await client(
        CREATE, {"input": {"aiProvider": "OPENAI", "aiModel": "gpt-6-luna"}}, token=token
    )
    assert not offered.errors
    cid = offered.data["createConversation"]["id"]
    changed = await client(UPDATE, {"id": cid, "input": {"aiModel": "nope"}}, token=token)
    assert changed.codes == ["BAD_USER_INPUT"]
    # Ollama is configured to accept any name (`*` in OLLAMA_MODELS).
    anything = await client(
        CREATE, {"input": {"aiProvider": "OLLAMA", "aiModel": "qwen3:32b"}}, token=token
    )
    assert not anything.errors
    providers = await client("{ providers { provider models acceptsAnyModel } }")
    by_name = {p["provider"]: p for p in providers.data["providers"]}
    assert by_name["OLLAMA"]["acceptsAnyModel"] is True
    assert "*" not in by_name["OLLAMA"]["models"]
    assert by_name["OPENAI"]["acceptsAnyModel"] is False


# -- headers, introspection ----------------------------------------------------------------


async def test_api_responses_carry_security_headers(client: GraphQLClient) -> None:
    for response in (
        await client.http.post("/graphql", json={"query": "{ __typename }"}),
        await client.http.get("/health_check"),
        await client.http.post("/graphql", content=b"nope", headers={"content-type": "text/plain"}),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


async def test_graphiql_runs_only_the_scripts_it_names(client: GraphQLClient) -> None:
    page = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in page.text
    assert "<script>" not in page.text
    assert "frame-ancestors 'none'" in policy
    again = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert nonce not in again.headers["content-security-policy"]


async def test_production_switches_close_introspection_hints_and_the_ide(
    fake_provider: FakeProviderServer, server: LiveServer
) -> None:
    app = create_app(make_settings(fake_provider, graphql_introspection=False, graphql_ide=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        schema = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert set(_codes(schema.json())) == {"BAD_USER_INPUT"}
        typo = await http.post("/graphql", json={"query": "{ provider { provider } }"})
        assert "Did you mean" not in typo.text
        enum_typo = await http.post(
            "/graphql",
            json={
                "query": "mutation($i: CreateConversationInput!) { createConversation(input: $i)"
                " { id } }",
                "variables": {"i": {"aiProvider": "DEM"}},
            },
        )
        assert _codes(enum_typo.json()) == ["BAD_USER_INPUT"]
        assert "Did you mean" not in enum_typo.text
        ide = await http.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 405


async def test_none_of_it_logs_at_error_level(
    server: LiveServer, fake_provider: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(make_settings(fake_provider, log_level="INFO"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        client = GraphQLClient("http://t")
        client.http = http
        token = (await client.register())["accessToken"]
        for body in (b"42", b"\xff", b"[]", b'{"query": "{"}', b"{" * 10_000):
            await http.post("/graphql", content=body, headers={"content-type": "application/json"})
        await http.get("/graphql", params={"query": "{ __typename }"})
        await client(CREATE, {"input": {"title": NUL}}, token=token)
        await client(CREATE, {"input": {"systemPrompt": SURROGATE}}, token=token)
        await client(CREATE, {"input": {"aiModel": "../../etc/passwd"}}, token=token)
        await client(LIST, {"after": base64.b64encode(b"0001-01-01T00:00:00+14:00|x").decode()})
        await client(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            {"i": {"email": "ada@example.com", "password": "p" * 200}},
        )
        await client(
            "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...C ...C } "
            "fragment C on Query { providers { provider } }"
        )
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines
    assert [line for line in lines if line["level"] in ("error", "critical")] == []
