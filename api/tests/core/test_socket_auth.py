"""WebSocket authentication and protocol rules, over a real socket."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer

ME = "query { me { email } }"


async def test_valid_token_is_acknowledged_and_authenticates_operations(
    server: LiveServer, client: GraphQLClient
) -> None:
    payload = await client.register()
    socket = await Socket.open(server.ws_url, token=payload["accessToken"])
    await socket.ack()
    op = await socket.subscribe(ME)
    message = await socket.receive()
    assert message == {
        "id": op,
        "type": "next",
        "payload": {"data": {"me": {"email": "ada@example.com"}}},
    }
    assert (await socket.receive())["type"] == "complete"
    await socket.close()


@pytest.mark.parametrize("token", ["not-a-jwt", "", "eyJhbGciOiJIUzI1NiJ9.e30.sig"])
async def test_invalid_token_closes_the_socket_with_4403(server: LiveServer, token: str) -> None:
    socket = await Socket.open(server.ws_url, init=False)
    await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    with pytest.raises(ConnectionClosed) as closed:
        await socket.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_logged_out_token_closes_the_socket_with_4403(
    server: LiveServer, client: GraphQLClient
) -> None:
    payload = await client.register()
    await client("mutation { logout }", token=payload["accessToken"])
    socket = await Socket.open(server.ws_url, token=payload["accessToken"])
    with pytest.raises(ConnectionClosed) as closed:
        await socket.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_anonymous_socket_gets_unauthenticated_errors(server: LiveServer) -> None:
    socket = await Socket.open(server.ws_url)
    await socket.ack()
    await socket.subscribe(ME)
    message = await socket.receive()
    assert message["type"] == "error" or message["type"] == "next"
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    await socket.close()


async def test_logout_on_http_stops_an_open_socket_from_authenticating(
    server: LiveServer, client: GraphQLClient
) -> None:
    payload = await client.register()
    socket = await Socket.open(server.ws_url, token=payload["accessToken"])
    await socket.ack()
    await client("mutation { logout }", token=payload["accessToken"])
    await socket.subscribe(ME)
    message = await socket.receive()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    await socket.close()


async def test_foreign_origin_is_refused(server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await Socket.open(server.ws_url, origin="http://evil.example")
    assert refused.value.response.status_code == 403


async def test_legacy_graphql_ws_protocol_is_not_offered(server: LiveServer) -> None:
    conn = await connect(
        server.ws_url,
        subprotocols=[Subprotocol("graphql-ws")],
        origin=Origin("http://localhost:3000"),
    )
    assert conn.subprotocol is None
    with pytest.raises(ConnectionClosed):
        await conn.recv()
