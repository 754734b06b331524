"""A subscription that fails before its first event is labelled like any resolver: an
unreachable database is UNAVAILABLE, naming nothing inside."""

from __future__ import annotations

import asyncio
import json
import uuid

from parley.main import create_app
from tests.chat.documents import GENERATE
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings


async def test_an_unreachable_database_under_a_subscription_is_unavailable_and_names_no_host(
    client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    # The same secret, so the token is good; a database that cannot be reached.
    broken = LiveServer(
        create_app(
            make_settings(fake_provider, database_url="postgresql://postgres@127.0.0.1:1/nowhere")
        )
    )
    await broken.start()
    try:
        socket = await Socket.open(broken.ws_url, token=token)
        await socket.ack()
        op_id = await socket.subscribe(GENERATE, {"id": str(uuid.uuid4()), "content": "hello"})
        while True:
            message = await asyncio.wait_for(socket.receive(), timeout=15)
            if message.get("id") == op_id:
                break
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        await socket.close()
    finally:
        await broken.stop()
    assert [e["extensions"]["code"] for e in errors] == ["UNAVAILABLE"], message
    assert errors[0]["message"].startswith("A service this server needs is unreachable")
    body = json.dumps(errors)
    assert "127.0.0.1" not in body
    assert "nowhere" not in body
