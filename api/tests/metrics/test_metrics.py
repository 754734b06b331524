"""`/metrics` after real requests and replies: each counter moves by what was done, and no
client can make the series grow without bound (nor, signed out, take a label at all)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from parley.metrics import instruments
from parley.metrics.instruments import MAX_OPERATION_NAMES
from tests.chat.documents import GENERATE, SEND, create_conversation
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.metrics import Scrape, scrape
from tests.support.servers import LiveServer

OPERATIONS = "parley_graphql_operation_duration_seconds_count"
REPLIES = "parley_replies_total"
TOKENS = "parley_reply_tokens_total"
TTFT = "parley_provider_time_to_first_token_seconds_count"


def _moved(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return after.value(name, **labels) - before.value(name, **labels)


async def test_requests_errors_replies_and_tokens_are_counted(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    before = await scrape(server.url)
    token = (await client.register())["accessToken"]
    created = await create_conversation(client, token, aiProvider="OPENAI")
    fake_provider.script(Reply("one two three", prompt_tokens=7, completion_tokens=5))
    sent = await client(SEND, {"id": created["id"], "content": "hi"}, token=token)
    assert not sent.errors, sent.errors
    fake_provider.script(ErrorReply(400))
    failed = await client(SEND, {"id": created["id"], "content": "again"}, token=token)
    assert failed.codes == ["PROVIDER_ERROR"]
    unauthenticated = await client("query SignedOutMe { me { id } }")
    assert unauthenticated.codes == ["UNAUTHENTICATED"]
    after = await scrape(server.url)

    # Signed out (registering, or a token missing) is one label; signed in, the name.
    assert _moved(before, after, OPERATIONS, operation="unauthenticated", type="mutation") == 1
    assert _moved(before, after, OPERATIONS, operation="unauthenticated", type="query") == 1
    assert _moved(before, after, OPERATIONS, operation="Send", type="mutation") == 2
    assert "SignedOutMe" not in after.label_values(OPERATIONS, "operation")
    assert _moved(before, after, "parley_graphql_errors_total", code="UNAUTHENTICATED") == 1
    assert _moved(before, after, "parley_graphql_errors_total", code="PROVIDER_ERROR") == 1
    model = {"provider": "OPENAI", "model": "gpt-6.1-sol"}
    assert _moved(before, after, REPLIES, status="COMPLETE", **model) == 1
    assert _moved(before, after, REPLIES, status="FAILED", **model) == 1
    assert _moved(before, after, TOKENS, kind="prompt", **model) == 7
    assert _moved(before, after, TOKENS, kind="completion", **model) == 5
    # One first token (the failed call had none).
    assert _moved(before, after, TTFT, provider="OPENAI") == 1


async def test_streaming_replies_and_followers_are_gauged_while_they_last(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    before = await scrape(server.url)
    token = (await client.register())["accessToken"]
    created = await create_conversation(client, token, aiProvider="OPENAI")
    fake_provider.script(Reply("slow " * 20, chunk_delay=0.1))
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    op = await socket.subscribe(GENERATE, {"id": created["id"], "content": "go"})
    seen: list[dict[str, Any]] = []
    while len(seen) < 2:  # started, then a delta: the provider is streaming
        seen.append(await asyncio.wait_for(socket.receive(), timeout=10))
    during = await scrape(server.url)
    assert _moved(before, during, "parley_replies_streaming") == 1
    assert _moved(before, during, "parley_reply_followers") == 1
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=10)
        if message["type"] == "complete" and message["id"] == op:
            break
    await socket.close()
    after = await scrape(server.url)
    assert _moved(before, after, "parley_replies_streaming") == 0
    assert _moved(before, after, "parley_reply_followers") == 0


async def test_signed_out_clients_take_no_operation_label_and_a_signed_in_name_gets_its_own(
    server: LiveServer, client: GraphQLClient
) -> None:
    before = await scrape(server.url)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        for i in range(MAX_OPERATION_NAMES + 100):
            name = f"Hostile{i}"
            body = {"query": f"query {name} {{ __typename }}", "operationName": name}
            response = await http.post("/graphql", json=body)
            assert response.status_code == 200
        # Not a GraphQL name, and a syntax error: both are "invalid", never a label of their own.
        await http.post("/graphql", json={"query": "query Ω { __typename }"})
        await http.post("/graphql", json={"query": "{ __typename", "operationName": "Broken"})
    token = (await client.register())["accessToken"]
    signed_in = await client("query RealDashboardQuery { me { id } }", token=token)
    assert not signed_in.errors, signed_in.errors
    after = await scrape(server.url)
    names = after.label_values(OPERATIONS, "operation")
    assert not any(n.startswith("Hostile") for n in names)
    assert _moved(before, after, OPERATIONS, operation="unauthenticated", type="query") == (
        MAX_OPERATION_NAMES + 100
    )
    assert _moved(before, after, OPERATIONS, operation="RealDashboardQuery", type="query") == 1
    assert "Broken" not in names
    assert not any("Ω" in n for n in names)
    assert _moved(before, after, OPERATIONS, operation="invalid") == 2
    assert _moved(before, after, "parley_graphql_errors_total", code="BAD_USER_INPUT") == 2
    # Signed out, a name a signed-in request brought in is counted under it.
    again = await client("query RealDashboardQuery { me { id } }")
    assert again.codes == ["UNAUTHENTICATED"]
    last = await scrape(server.url)
    assert _moved(after, last, OPERATIONS, operation="RealDashboardQuery", type="query") == 1


def test_signed_in_names_past_the_cap_are_other(monkeypatch: pytest.MonkeyPatch) -> None:
    # A table of its own: the process's real one serves the other tests.
    monkeypatch.setattr(instruments, "_operation_names", set())
    labels = [
        instruments.operation_label(f"Op{i}", signed_in=True)
        for i in range(MAX_OPERATION_NAMES + 5)
    ]
    assert labels[:MAX_OPERATION_NAMES] == [f"Op{i}" for i in range(MAX_OPERATION_NAMES)]
    assert set(labels[MAX_OPERATION_NAMES:]) == {instruments.OTHER}
    assert instruments.operation_label("Op0", signed_in=False) == "Op0"
    assert instruments.operation_label("New", signed_in=False) == instruments.UNAUTHENTICATED
    assert instruments.operation_label(None, signed_in=True) == instruments.ANONYMOUS


async def test_a_model_the_operator_did_not_list_is_counted_as_other(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    # Ollama accepts any model name (`*`): the label must not take it.
    before = await scrape(server.url)
    token = (await client.register())["accessToken"]
    created = await create_conversation(
        client, token, aiProvider="OLLAMA", aiModel="private-finetune-7b"
    )
    fake_provider.script(Reply("ok"))
    sent = await client(SEND, {"id": created["id"], "content": "hi"}, token=token)
    assert not sent.errors, sent.errors
    after = await scrape(server.url)
    assert _moved(before, after, REPLIES, provider="OLLAMA", model="other") == 1
    assert "private-finetune-7b" not in after.label_values(REPLIES, "model")
