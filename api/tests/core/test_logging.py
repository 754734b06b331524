"""Logs: JSON lines with request ids, an access line per request, a line per AI call, no secrets."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from parley.main import create_app
from tests.chat.documents import CREATE, SEND
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import REGISTER
from tests.support.servers import LiveServer, make_settings

PASSWORD = "hunter2-but-longer"


async def test_json_access_and_ai_lines_without_secrets(
    server: LiveServer, fake_provider: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(fake_provider)
    app = create_app(settings)
    secrets = [
        PASSWORD,
        settings.secret_key.get_secret_value(),
        "sk-test-openai-secret",
        "sk-ant-test-secret",
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:

        async def call(query: str, variables: dict[str, Any], token: str | None = None) -> Any:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            return response.json()

        registered = await call(
            REGISTER, {"input": {"email": "log@example.com", "password": PASSWORD}}
        )
        token = registered["data"]["register"]["accessToken"]
        refresh = registered["data"]["register"]["refreshToken"]
        secrets += [token, refresh]
        created = await call(CREATE, {"input": {"aiProvider": "OPENAI"}}, token)
        cid = created["data"]["createConversation"]["id"]
        await call(SEND, {"id": cid, "content": "hello"}, token)
        await call("query Me { me { id } }", {}, "not-a-token")

    output = capsys.readouterr().err
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    for secret in secrets:
        assert secret not in output

    access = [line for line in lines if line["event"] == "request"]
    assert len(access) == 4
    for line in access:
        assert len(line["request_id"]) == 32
        assert line["status"] == 200
        assert line["duration_ms"] >= 0
        assert line["method"] == "POST"
    assert [line["operation"] for line in access] == ["Register", "Create", "Send", "Me"]
    user_id = registered["data"]["register"]["user"]["id"]
    assert [line.get("user_id") for line in access] == [None, user_id, user_id, None]
    assert access[-1]["error_codes"] == ["UNAUTHENTICATED"]

    [ai_call] = [line for line in lines if line["event"] == "ai.call"]
    assert ai_call["provider"] == "OPENAI"
    assert ai_call["prompt_tokens"] > 0
    assert ai_call["completion_tokens"] > 0
    assert ai_call["latency_ms"] >= 0
    assert "ttft_ms" in ai_call
    assert ai_call["request_id"] == access[2]["request_id"]


def test_secret_fields_are_redacted_whoever_logs_them(capsys: pytest.CaptureFixture[str]) -> None:
    import structlog

    from parley.logs import configure_logging

    configure_logging("INFO", "json")
    structlog.get_logger("test").info(
        "login attempt", password="p4ss", refresh_token="r.t.k", api_key="k", prompt_tokens=3
    )
    [line] = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert line["password"] == line["refresh_token"] == line["api_key"] == "[redacted]"
    assert line["prompt_tokens"] == 3


REFUSE = """
CREATE OR REPLACE FUNCTION parley_test_refuse() RETURNS trigger AS $$
BEGIN
  -- The message quotes the row, as real constraint errors quote the values they reject.
  RAISE EXCEPTION 'refused row: %', row_to_json(NEW)::text USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql
"""


@pytest.mark.parametrize("fmt", ["json", "console"])
async def test_database_errors_never_log_values(
    server: LiveServer,
    fake_provider: FakeProviderServer,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    """A failed INSERT of a user (bcrypt hash inside) and of a message (chat text inside)."""
    async with server.state.engine.begin() as conn:
        await conn.execute(text(REFUSE))
        await conn.execute(
            text(
                "CREATE TRIGGER refuse_user BEFORE INSERT ON users FOR EACH ROW "
                "WHEN (NEW.full_name = 'Trigger Me') EXECUTE FUNCTION parley_test_refuse()"
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER refuse_message BEFORE INSERT ON messages FOR EACH ROW "
                "WHEN (NEW.content LIKE '%confidential%') EXECUTE FUNCTION parley_test_refuse()"
            )
        )
    try:
        app = create_app(make_settings(fake_provider, log_format=fmt))
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            refused_user = await http.post(
                "/graphql",
                json={
                    "query": REGISTER,
                    "variables": {
                        "input": {
                            "email": "trigger@example.com",
                            "password": PASSWORD,
                            "fullName": "Trigger Me",
                        }
                    },
                },
            )
            assert _codes(refused_user.json()) == ["INTERNAL_SERVER_ERROR"]
            registered = await http.post(
                "/graphql",
                json={
                    "query": REGISTER,
                    "variables": {"input": {"email": "ok@example.com", "password": PASSWORD}},
                },
            )
            token = registered.json()["data"]["register"]["accessToken"]
            auth = {"authorization": f"Bearer {token}"}
            created = await http.post(
                "/graphql", json={"query": CREATE, "variables": {"input": {}}}, headers=auth
            )
            cid = created.json()["data"]["createConversation"]["id"]
            refused_message = await http.post(
                "/graphql",
                json={"query": SEND, "variables": {"id": cid, "content": "my confidential plan"}},
                headers=auth,
            )
            assert _codes(refused_message.json()) == ["INTERNAL_SERVER_ERROR"]
    finally:
        async with server.state.engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER IF EXISTS refuse_user ON users"))
            await conn.execute(text("DROP TRIGGER IF EXISTS refuse_message ON messages"))
            await conn.execute(text("DROP FUNCTION IF EXISTS parley_test_refuse()"))

    output = capsys.readouterr().err
    # Both failures were logged, with their kind.
    assert output.count("unexpected error in resolver") == 2
    assert "SQLSTATE 23514" in output
    for leak in (PASSWORD, "$2b$", "confidential", "Trigger Me", "trigger@example.com"):
        assert leak not in output, leak


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]
