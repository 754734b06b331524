"""Two API processes sharing PostgreSQL and Redis and nothing else, as behind a load balancer:
the in-process test server and a real `python -m parley.server` process. Whatever one process
does, the other sees at once: no sticky sessions needed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from parley.chat.conversation_events import CLIENT_NAME_PREFIX
from tests.chat.documents import DELETE, SEND, create_conversation
from tests.fakes.provider_server import FakeProviderServer, Hang
from tests.support.events import STARTED, STOP, Tab, wait_for_listeners
from tests.support.graphql import GraphQLClient, Socket
from tests.support.processes import ApiProcess
from tests.support.servers import LiveServer

ME = "{ me { id } }"
LOGOUT = "mutation Logout($token: String) { logout(refreshToken: $token) }"
REFRESH = "mutation R($token: String!) { refreshToken(refreshToken: $token) { accessToken } }"
LOGIN = "mutation L($input: LoginInput!) { login(input: $input) { accessToken } }"


@pytest.fixture(scope="module")
async def other_process(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[ApiProcess]:
    process = ApiProcess(fake_provider)
    await process.start()
    yield process
    await process.stop()


@pytest.fixture
async def other_client(other_process: ApiProcess) -> AsyncIterator[GraphQLClient]:
    async with GraphQLClient(other_process.url) as gql:
        yield gql


async def test_logout_on_one_process_is_refused_on_the_other_at_once(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    session = await client.register()
    token, refresh = session["accessToken"], session["refreshToken"]
    phone = await other_client(
        LOGIN, {"input": {"email": "ada@example.com", "password": "correct horse"}}
    )
    phone_token = phone.data["login"]["accessToken"]
    assert (await other_client(ME, token=token)).data["me"]["id"] == session["user"]["id"]

    assert (await client(LOGOUT, {"token": refresh}, token=token)).data == {"logout": True}

    # The very next request on the other process: the access token and the session are gone.
    assert (await other_client(ME, token=token)).codes == ["UNAUTHENTICATED"]
    assert (await other_client(REFRESH, {"token": refresh})).codes == ["UNAUTHENTICATED"]
    # Another session of the same user is not touched.
    assert (await other_client(ME, token=phone_token)).data["me"]["id"] == session["user"]["id"]


async def test_a_tab_on_the_other_process_hears_every_change(
    server: LiveServer,
    other_process: ApiProcess,
    client: GraphQLClient,
    redis: Redis,
    fake_provider: FakeProviderServer,
) -> None:
    session = await client.register()
    token, user_id = session["accessToken"], session["user"]["id"]
    tab = await Tab.open_url(other_process.ws_url, token)
    await wait_for_listeners(redis, user_id, 1)

    created = await create_conversation(client, token, title="Here", aiProvider="OPENAI")
    event = await tab.next()
    assert event["conversation"]["id"] == created["id"]
    assert event["conversation"]["title"] == "Here"

    # A reply started on this process runs while the other process's tab is told so.
    fake_provider.script(Hang())
    writer = await Socket.open(server.ws_url, token=token)
    await writer.ack()
    await writer.subscribe(STARTED, {"id": created["id"], "content": "Go on"})
    started = await asyncio.wait_for(writer.receive(), timeout=10)
    reply_id = started["payload"]["data"]["generateReply"]["assistantMessageId"]
    events = [await tab.next(), await tab.next()]
    assert events[1] == {
        "__typename": "ReplyRunning",
        "conversationId": created["id"],
        "assistantMessageId": reply_id,
    }
    await fake_provider.wait_for(lambda requests: len(requests) == 1)
    # Leaving only detaches from a reply: stop it, so it does not outlive the test.
    await writer.close()
    stopped = await client(STOP, {"id": reply_id}, token=token)
    assert stopped.data["stopReply"]["status"] == "STOPPED", stopped.body

    # Whatever the reply's end published, the deletion comes last.
    assert not (await client(DELETE, {"id": created["id"]}, token=token)).errors
    event = await tab.next()
    while event["__typename"] == "ConversationChanged":
        event = await tab.next()
    assert event == {"__typename": "ConversationDeleted", "id": created["id"]}
    await tab.close()
    await wait_for_listeners(redis, user_id, 0)


async def test_each_process_holds_one_pubsub_connection_for_all_its_listeners(
    server: LiveServer,
    other_process: ApiProcess,
    client: GraphQLClient,
    redis: Redis,
) -> None:
    users = [await client.register(email=f"user{i}@example.com") for i in range(3)]
    tabs = [
        await Tab.open_url(url, user["accessToken"])
        for user in users
        for url in (server.ws_url, other_process.ws_url)
        for _ in range(3)
    ]
    for user in users:
        await wait_for_listeners(redis, user["user"]["id"], 2)  # one per process

    names = [c.get("name", "") for c in await redis.client_list()]
    theirs = f"{CLIENT_NAME_PREFIX}{other_process.pid}-"
    assert sum(1 for n in names if n.startswith(theirs)) == 1
    assert names.count(server.state.conversation_events.client_name) == 1

    # Changes of one user reach all six of their tabs, on both processes.
    created = await create_conversation(client, users[0]["accessToken"], title="Everywhere")
    for tab in tabs[:6]:
        assert (await tab.next())["conversation"]["id"] == created["id"]
    sent = await client(SEND, {"id": created["id"], "content": "Hi"}, token=users[0]["accessToken"])
    assert not sent.errors, sent.errors
    for tab in tabs:
        await tab.close()
    for user in users:
        await wait_for_listeners(redis, user["user"]["id"], 0)
