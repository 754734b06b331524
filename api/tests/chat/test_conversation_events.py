"""conversationEvents: every tab and device of a user, on any process, hears about their
conversations; nobody else does; one process holds one pub/sub connection for all of them.

"Another process" here is a second app (its own pools, its own pub/sub reader) behind its own
uvicorn on its own port, sharing the database and Redis; `test_two_processes.py` repeats the
essentials against real OS processes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from parley.changes import Change, ChangeKind
from parley.chat.conversation_events import Inbox
from parley.main import create_app
from tests.chat.documents import DELETE, SEND, UPDATE, create_conversation
from tests.fakes.provider_server import FakeProviderServer, Hang
from tests.reliability.test_outages import RedisProcess
from tests.support.events import (
    EVENTS,
    STARTED,
    STOP,
    Tab,
    connections_named,
    wait_for_listeners,
)
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings


@pytest.fixture(scope="module")
async def other_server(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[LiveServer]:
    live = LiveServer(create_app(make_settings(fake_provider)))
    await live.start()
    yield live
    await live.stop()


async def _user(client: GraphQLClient, email: str) -> tuple[str, str]:
    payload = await client.register(email=email)
    return payload["accessToken"], payload["user"]["id"]


@pytest.mark.parametrize("where", ["same process", "other process"])
async def test_another_tab_hears_create_rename_message_and_delete(
    server: LiveServer,
    other_server: LiveServer,
    client: GraphQLClient,
    redis: Redis,
    where: str,
) -> None:
    token, user_id = await _user(client, "ada@example.com")
    tab = await Tab.open(server if where == "same process" else other_server, token)
    await wait_for_listeners(redis, user_id, 1)

    created = await create_conversation(client, token, title="First")
    assert await tab.next() == {
        "__typename": "ConversationChanged",
        "conversation": {
            "id": created["id"],
            "title": "First",
            "messageCount": 0,
            "lastMessage": None,
        },
    }

    renamed = await client(UPDATE, {"id": created["id"], "input": {"title": "Renamed"}}, token)
    assert not renamed.errors
    event = await tab.next()
    assert event["conversation"]["title"] == "Renamed"

    sent = await client(SEND, {"id": created["id"], "content": "Hello"}, token)
    assert not sent.errors, sent.errors
    reply_id = sent.data["sendMessage"]["assistantMessage"]["id"]
    # The reply starting (conversation changed, reply running), then the reply stored. Each
    # ConversationChanged reads the conversation as it is when delivered, and a slow tab may get
    # two changes of one conversation merged: so wait for both outcomes, in any number of events.
    seen: list[dict[str, Any]] = []

    def stored(event: dict[str, Any]) -> bool:
        last = (event.get("conversation") or {}).get("lastMessage") or {}
        return bool(last.get("id") == reply_id and last.get("status") == "COMPLETE")

    while not (any(map(stored, seen)) and any(e["__typename"] == "ReplyRunning" for e in seen)):
        seen.append(await tab.next())
    assert [e for e in seen if e["__typename"] == "ReplyRunning"] == [
        {
            "__typename": "ReplyRunning",
            "conversationId": created["id"],
            "assistantMessageId": reply_id,
        }
    ]
    assert all(e["__typename"] != "ConversationDeleted" for e in seen)
    assert all(e["conversation"]["messageCount"] == 2 for e in seen if stored(e))

    deleted = await client(DELETE, {"id": created["id"]}, token)
    assert not deleted.errors
    # What is left of the reply's changes (at most its stored change), then the deletion.
    event = await tab.next()
    while event["__typename"] == "ConversationChanged":
        assert stored(event), event
        event = await tab.next()
    assert event == {"__typename": "ConversationDeleted", "id": created["id"]}
    await tab.close()
    await wait_for_listeners(redis, user_id, 0)


async def test_reply_running_reaches_other_tabs_while_the_reply_runs(
    server: LiveServer,
    other_server: LiveServer,
    client: GraphQLClient,
    redis: Redis,
    fake_provider: FakeProviderServer,
) -> None:
    token, user_id = await _user(client, "ada@example.com")
    conversation = await create_conversation(client, token, aiProvider="OPENAI")
    phone = await Tab.open(other_server, token)
    await wait_for_listeners(redis, user_id, 1)

    fake_provider.script(Hang())  # the reply runs until we leave
    writer = await Socket.open(server.ws_url, token=token)
    await writer.ack()
    op = await writer.subscribe(STARTED, {"id": conversation["id"], "content": "Long story"})
    started = await asyncio.wait_for(writer.receive(), timeout=10)
    assert started["id"] == op
    reply_id = started["payload"]["data"]["generateReply"]["assistantMessageId"]

    events = [await phone.next(), await phone.next()]
    assert events[0]["__typename"] == "ConversationChanged"
    assert events[0]["conversation"]["title"] == "Long story"
    assert events[0]["conversation"]["lastMessage"] == {
        "id": reply_id,
        "role": "ASSISTANT",
        "status": "STREAMING",
    }
    assert events[1] == {
        "__typename": "ReplyRunning",
        "conversationId": conversation["id"],
        "assistantMessageId": reply_id,
    }
    await fake_provider.wait_for(lambda requests: len(requests) == 1)
    # Leaving only detaches from a reply: stop it, so it does not outlive the test.
    await writer.close()
    stopped = await client(STOP, {"id": reply_id}, token=token)
    assert stopped.data["stopReply"]["status"] == "STOPPED", stopped.body
    await phone.close()


async def test_another_users_changes_never_arrive(
    server: LiveServer, other_server: LiveServer, client: GraphQLClient, redis: Redis
) -> None:
    ada, _ = await _user(client, "ada@example.com")
    bob, bob_id = await _user(client, "bob@example.com")
    bobs_tabs = [await Tab.open(server, bob), await Tab.open(other_server, bob)]
    await wait_for_listeners(redis, bob_id, 2)

    theirs = await create_conversation(client, ada, title="Ada's")
    await client(UPDATE, {"id": theirs["id"], "input": {"title": "Still Ada's"}}, ada)
    await client(SEND, {"id": theirs["id"], "content": "Private"}, ada)
    await client(DELETE, {"id": theirs["id"]}, ada)
    # Bob's own change is published after all of Ada's: had any of hers reached his channel,
    # it would arrive first.
    mine = await create_conversation(client, bob, title="Bob's")
    for tab in bobs_tabs:
        event = await tab.next()
        assert event["conversation"]["id"] == mine["id"], event
        await tab.close()


async def test_many_listeners_share_one_pubsub_connection_per_process(
    server: LiveServer, other_server: LiveServer, client: GraphQLClient, redis: Redis
) -> None:
    users = [await _user(client, f"user{i}@example.com") for i in range(3)]
    tabs_per_user = 4
    tabs = [
        await Tab.open(live, token)
        for token, _ in users
        for live in (server, other_server)
        for _ in range(tabs_per_user // 2)
    ]
    for _, user_id in users:
        # One subscriber per process, however many tabs the user has there.
        await wait_for_listeners(redis, user_id, 2)
    for live in (server, other_server):
        events = live.state.conversation_events
        assert await connections_named(redis, events.client_name) == 1
        assert events.listening_users == len(users)

    # Everyone still hears their own changes, each tab once.
    token, _ = users[0]
    created = await create_conversation(client, token, title="Shared")
    firsts = tabs[:tabs_per_user]
    for tab in firsts:
        assert (await tab.next())["conversation"]["id"] == created["id"]

    # The last tab of a user to leave unsubscribes their channel; the connection stays.
    for tab in tabs:
        await tab.close()
    for _, user_id in users:
        await wait_for_listeners(redis, user_id, 0)
    for live in (server, other_server):
        events = live.state.conversation_events
        assert events.listening_users == 0
        assert await connections_named(redis, events.client_name) == 1


async def test_listeners_survive_a_dropped_redis_connection(
    server: LiveServer, client: GraphQLClient, redis: Redis
) -> None:
    token, user_id = await _user(client, "ada@example.com")
    tab = await Tab.open(server, token)
    await wait_for_listeners(redis, user_id, 1)
    name = server.state.conversation_events.client_name
    [connection] = [c for c in await redis.client_list() if c.get("name") == name]

    await redis.client_kill_filter(_id=connection["id"])
    # The reader reconnects and subscribes the listening users again, on a new connection.
    for _ in range(1000):
        reconnected = [c for c in await redis.client_list() if c.get("name") == name]
        if reconnected and reconnected[0]["id"] != connection["id"]:
            break
        await asyncio.sleep(0.005)
    await wait_for_listeners(redis, user_id, 1)
    created = await create_conversation(client, token, title="After")
    assert (await tab.next())["conversation"]["id"] == created["id"]
    await tab.close()


async def test_listeners_that_join_while_the_connection_drops_are_all_subscribed(
    server: LiveServer, client: GraphQLClient, redis: Redis
) -> None:
    # A subscription change racing the reader's reconnect can fail (redis-py refuses two
    # readers of one connection; seen once in CI, not reproducible at will): whatever the
    # timing, every listener stays open and is subscribed by the reader.
    first = await _user(client, "first@example.com")
    users = [first] + [await _user(client, f"user{i}@example.com") for i in range(20)]
    tabs = [await Tab.open(server, first[0])]
    await wait_for_listeners(redis, first[1], 1)
    name = server.state.conversation_events.client_name
    [connection] = [c for c in await redis.client_list() if c.get("name") == name]

    kill = asyncio.ensure_future(redis.client_kill_filter(_id=connection["id"]))
    tabs += await asyncio.gather(*(Tab.open(server, token) for token, _ in users[1:]))
    await kill
    # Within the reader's read timeout (5 s) at the latest.
    for _, user_id in users:
        await wait_for_listeners(redis, user_id, 1, tries=3000)
    for (token, _), tab in zip(users, tabs, strict=True):
        created = await create_conversation(client, token, title="After the drop")
        assert (await tab.next())["conversation"]["id"] == created["id"]
    for tab in tabs:
        await tab.close()


async def test_listeners_are_subscribed_again_after_a_redis_restart(
    server: LiveServer, fake_provider: FakeProviderServer
) -> None:
    own_redis = RedisProcess()
    own_redis.start()
    await own_redis.wait_ready()
    live = LiveServer(create_app(make_settings(fake_provider, redis_url=own_redis.url)))
    await live.start()
    try:
        async with GraphQLClient(live.url) as client:
            token, user_id = await _user(client, "ada@example.com")
            tab = await Tab.open(live, token)
            await wait_for_listeners(live.state.redis, user_id, 1)

            own_redis.stop()
            own_redis.start()
            await own_redis.wait_ready()
            # The reader reconnects with backoff and subscribes the listening user again.
            async with Redis.from_url(own_redis.url) as observer:
                await wait_for_listeners(observer, user_id, 1, tries=4000)
            # That Redis kept nothing, the session included: sign in again and change
            # something. The old tab hears of it: it refuses it to its now unknown session, or,
            # when the API's own check could not reach Redis yet (a token that verifies is then
            # accepted, see `LoginSessions.access_allowed`), delivers it.
            for _ in range(20):
                if (await client.http.get("/health_check")).status_code == 200:
                    break
            relogin = await client(
                "mutation L($input: LoginInput!) { login(input: $input) { accessToken } }",
                {"input": {"email": "ada@example.com", "password": "correct horse"}},
            )
            assert not relogin.errors, relogin.errors
            created = await create_conversation(
                client, relogin.data["login"]["accessToken"], title="Back"
            )
            message = await tab.next_message()
            assert message["type"] == "next", message
            payload = message["payload"]
            if "errors" in payload:
                assert [e["extensions"]["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]
            else:
                event = payload["data"]["conversationEvents"]
                assert event["conversation"]["id"] == created["id"], event
            await tab.close()
    finally:
        await live.stop()
        own_redis.stop()


async def test_logged_out_socket_gets_unauthenticated_at_the_next_event(
    server: LiveServer, other_server: LiveServer, client: GraphQLClient, redis: Redis
) -> None:
    session = await client.register()
    token, user_id = session["accessToken"], session["user"]["id"]
    other = await client(
        "mutation L($input: LoginInput!) { login(input: $input) { accessToken } }",
        {"input": {"email": "ada@example.com", "password": "correct horse"}},
    )
    other_token = other.data["login"]["accessToken"]
    tab = await Tab.open(other_server, token)
    await wait_for_listeners(redis, user_id, 1)

    logout = await client("mutation { logout }", token=token)
    assert logout.data == {"logout": True}, logout.body
    await create_conversation(client, other_token, title="After logout")
    message = await tab.next_message()
    assert message["type"] == "next", message
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["UNAUTHENTICATED"]
    assert "After logout" not in str(message)
    assert (await tab.next_message())["type"] == "complete"
    await tab.close()


async def test_unauthenticated_socket_cannot_listen(server: LiveServer) -> None:
    socket = await Socket.open(server.ws_url)
    await socket.ack()
    op = await socket.subscribe(EVENTS)
    message = await asyncio.wait_for(socket.receive(), timeout=10)
    assert message["id"] == op
    codes = [e["extensions"]["code"] for e in message["payload"]["errors"]]
    assert codes == ["UNAUTHENTICATED"]
    await socket.close()


# -- the inbox -------------------------------------------------------------------------------


def _change(kind: ChangeKind, conversation: uuid.UUID, message: uuid.UUID | None = None) -> Change:
    return Change(kind, conversation, message)


async def test_inbox_merges_changes_of_one_conversation_and_keeps_each_reply() -> None:
    inbox = Inbox(limit=10)
    a, b = uuid.uuid4(), uuid.uuid4()
    reply_1, reply_2 = uuid.uuid4(), uuid.uuid4()
    inbox.put(_change(ChangeKind.CHANGED, a))
    inbox.put(_change(ChangeKind.REPLY_RUNNING, a, reply_1))
    inbox.put(_change(ChangeKind.CHANGED, b))
    inbox.put(_change(ChangeKind.CHANGED, a))
    inbox.put(_change(ChangeKind.REPLY_RUNNING, a, reply_2))
    inbox.put(_change(ChangeKind.DELETED, b))
    assert len(inbox) == 4
    assert [await inbox.get() for _ in range(4)] == [
        _change(ChangeKind.REPLY_RUNNING, a, reply_1),
        _change(ChangeKind.CHANGED, a),
        _change(ChangeKind.REPLY_RUNNING, a, reply_2),
        _change(ChangeKind.DELETED, b),
    ]
    assert inbox.dropped == 0


async def test_inbox_is_bounded_and_counts_what_it_drops() -> None:
    inbox = Inbox(limit=3)
    ids = [uuid.uuid4() for _ in range(5)]
    for conversation in ids:
        inbox.put(_change(ChangeKind.CHANGED, conversation))
    assert len(inbox) == 3
    assert inbox.dropped == 2
    assert [(await inbox.get()).conversation_id for _ in range(3)] == ids[2:]


async def test_inbox_wakes_a_waiting_listener() -> None:
    inbox = Inbox()
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    change = _change(ChangeKind.DELETED, uuid.uuid4())
    inbox.put(change)
    assert await asyncio.wait_for(waiting, timeout=5) == change


def test_changes_round_trip_through_their_encoding() -> None:
    running = _change(ChangeKind.REPLY_RUNNING, uuid.uuid4(), uuid.uuid4())
    changed = _change(ChangeKind.CHANGED, uuid.uuid4())
    assert Change.decode(running.encode()) == running
    assert Change.decode(changed.encode()) == changed
