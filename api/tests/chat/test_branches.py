"""Conversation trees: edits and regenerations are siblings, one branch is shown, the
provider sees that branch only, forks and exports, and who may touch what."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.chat.branches import (
    EDIT,
    EXPORT,
    FORK,
    REGENERATE,
    SELECT,
    TREE,
    regenerate,
    shown,
    tree,
    turn,
)
from tests.chat.documents import LIST, UPDATE, create_conversation
from tests.chat.reply_streams import delta_text, error_codes, next_event
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.events import wait_for_listeners
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer
from tests.support.sql import StatementCounter


@pytest.fixture
async def signed_in(server: LiveServer, client: GraphQLClient) -> AsyncIterator[tuple[Socket, str]]:
    token = (await client.register())["accessToken"]
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    yield socket, token
    await socket.close()


async def test_an_edit_is_a_sibling_made_current_and_select_branch_flips_back(
    server: LiveServer, client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token))["id"]
    q1, a1 = await turn(socket, cid, "first question")
    q2, a2 = await turn(socket, cid, "second question")

    q2b, a2b = await turn(socket, cid, "second question, edited", parent_id=a1)
    edited = await tree(client, token, cid)
    assert [m["id"] for m in shown(edited)] == [q1, a1, q2b, a2b]
    assert [m["parentId"] for m in shown(edited)] == [None, q1, a1, q2b]
    assert shown(edited)[2]["siblingIds"] == [q2, q2b]
    assert shown(edited)[2]["siblingIndex"] == 2
    assert shown(edited)[3]["siblingIds"] == [a2b]  # another parent: not a2's sibling
    assert (edited["currentMessageId"], edited["messageCount"]) == (a2b, 4)
    assert edited["lastMessage"]["id"] == a2b

    # "Previous version": the first version and its answer come back.
    await server.app.state.replies.chat.titles.drain(5)
    listed = (await client(LIST, token=token)).data["conversations"]["edges"][0]["node"]
    selected = await client(SELECT, {"id": q2}, token=token)
    assert selected.data["selectBranch"]["currentMessageId"] == a2
    # Navigation keeps the list's order; the list shows the branch now shown.
    relisted = (await client(LIST, token=token)).data["conversations"]["edges"][0]["node"]
    assert relisted["updatedAt"] == listed["updatedAt"]
    assert (relisted["messageCount"], relisted["lastMessage"]["id"]) == (4, a2)
    back = await tree(client, token, cid)
    assert [m["id"] for m in shown(back)] == [q1, a1, q2, a2]
    assert shown(back)[2]["siblingIndex"] == 1

    # Editing the first message: its parent is the conversation itself.
    q1b, a1b = await turn(socket, cid, "first question, edited", parent_id=cid)
    root = await tree(client, token, cid)
    assert [m["id"] for m in shown(root)] == [q1b, a1b]
    assert shown(root)[0]["parentId"] is None
    assert shown(root)[0]["siblingIds"] == [q1, q1b]
    assert root["messageCount"] == 2


async def test_regenerate_streams_a_new_version_of_the_reply_and_shows_it(
    client: GraphQLClient, signed_in: tuple[Socket, str], fake_provider: FakeProviderServer
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("answer one"), Reply("answer two"))
    q1, a1 = await turn(socket, cid, "question")
    q2, a2 = await turn(socket, cid, "follow-up")

    fake_provider.script(Reply("follow-up, again"))
    events = await regenerate(socket, a2)
    assert events[0]["__typename"] == "ReplyStarted"
    assert events[0]["userMessage"]["id"] == q2  # the same question, answered again
    assert delta_text(events) == "follow-up, again"
    assert events[-1]["__typename"] == "ReplyCompleted"
    a2b = events[-1]["message"]["id"]
    after = await tree(client, token, cid)
    assert [m["id"] for m in shown(after)] == [q1, a1, q2, a2b]
    assert shown(after)[3]["siblingIds"] == [a2, a2b]
    assert shown(after)[3]["siblingIndex"] == 2
    assert after["currentMessageId"] == a2b
    # The provider was asked the branch up to the question, without the reply it replaces.
    asked = fake_provider.requests[-1].messages
    assert [m["content"] for m in asked[1:]] == ["question", "answer one", "follow-up"]


async def test_the_provider_sees_the_branch_only_never_a_sibling(
    client: GraphQLClient, signed_in: tuple[Socket, str], fake_provider: FakeProviderServer
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("A1"), Reply("A2"), Reply("A2 edited"), Reply("A3"))
    _, a1 = await turn(socket, cid, "Q1")
    await turn(socket, cid, "Q2")
    await turn(socket, cid, "Q2 edited", parent_id=a1)
    await turn(socket, cid, "Q3")
    asked = fake_provider.requests[-1].messages
    assert asked[0]["role"] == "system"
    assert [(m["role"], m["content"]) for m in asked[1:]] == [
        ("user", "Q1"),
        ("assistant", "A1"),
        ("user", "Q2 edited"),
        ("assistant", "A2 edited"),
        ("user", "Q3"),
    ]


async def test_select_branch_shows_the_newest_message_beneath(
    client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token))["id"]
    q1, a1 = await turn(socket, cid, "one")
    _, a2 = await turn(socket, cid, "two")
    a1b = (await regenerate(socket, a1))[-1]["message"]["id"]
    assert (await tree(client, token, cid))["currentMessageId"] == a1b

    # Beneath q1 the newest message is the regenerated reply; beneath a1, the end of its turn.
    result = await client(SELECT, {"id": q1}, token=token)
    assert result.data["selectBranch"]["currentMessageId"] == a1b
    assert result.data["selectBranch"]["messageCount"] == 2
    result = await client(SELECT, {"id": a1}, token=token)
    assert result.data["selectBranch"]["currentMessageId"] == a2
    assert result.data["selectBranch"]["lastMessage"]["id"] == a2
    assert result.data["selectBranch"]["messageCount"] == 4


async def test_fork_copies_the_branch_into_a_new_conversation(
    client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    socket, token = signed_in
    source = await create_conversation(client, token, title="Trip plans", systemPrompt="Be brief.")
    cid = source["id"]
    q1, a1 = await turn(socket, cid, "where to?")
    await turn(socket, cid, "and when?")

    result = await client(FORK, {"id": a1}, token=token)
    assert not result.errors, result.errors
    fork = result.data["forkConversation"]
    assert fork["id"] != cid
    assert fork["title"] == "Trip plans (branch)"
    assert (fork["aiProvider"], fork["aiModel"], fork["systemPrompt"]) == (
        source["aiProvider"],
        source["aiModel"],
        "Be brief.",
    )
    assert fork["messageCount"] == 2
    copied = shown(await tree(client, token, fork["id"]))
    assert [m["content"] for m in copied] == ["where to?", (await _content(client, token, a1))]
    assert {m["id"] for m in copied}.isdisjoint({q1, a1})
    assert copied[1]["parentId"] == copied[0]["id"]
    assert fork["currentMessageId"] == copied[1]["id"]
    # The source is untouched, and both are the caller's.
    assert (await tree(client, token, cid))["messageCount"] == 4
    listed = (await client(LIST, token=token)).data["conversations"]
    assert {e["node"]["id"] for e in listed["edges"]} == {cid, fork["id"]}


async def _content(client: GraphQLClient, token: str, message_id: str) -> str:
    for conversation in (await client(LIST, token=token)).data["conversations"]["edges"]:
        for message in shown(await tree(client, token, conversation["node"]["id"])):
            if message["id"] == message_id:
                content: str = message["content"]
                return content
    raise AssertionError("message not found")


async def test_export_markdown_of_the_branch_and_json_of_the_whole_tree(
    client: GraphQLClient, signed_in: tuple[Socket, str], fake_provider: FakeProviderServer
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token, title="Export me", aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("first answer"), Reply("old answer"), Reply("new answer"))
    q1, a1 = await turn(socket, cid, "first question")
    _, a2 = await turn(socket, cid, "second question")
    a2b = (await regenerate(socket, a2))[-1]["message"]["id"]

    markdown = (await client(EXPORT, {"id": cid, "format": "MARKDOWN"}, token=token)).data
    text = markdown["exportConversation"]
    assert text.startswith("# Export me\n")
    assert "first question" in text
    assert "new answer" in text
    assert "old answer" not in text  # another branch
    assert text.index("first question") < text.index("first answer") < text.index("new answer")

    raw = (await client(EXPORT, {"id": cid, "format": "JSON"}, token=token)).data
    document = json.loads(raw["exportConversation"])
    assert document["currentMessageId"] == a2b
    by_id = {m["id"]: m for m in document["messages"]}
    assert len(by_id) == 5
    assert by_id[a2]["parentId"] == by_id[a2b]["parentId"]
    assert by_id[a1]["parentId"] == q1
    assert by_id[q1]["parentId"] is None
    assert by_id[a2]["content"] == "old answer"
    assert by_id[a2b]["generation"]["provider"] == "OPENAI"
    assert by_id[a2b]["generation"]["attempts"] == 1
    assert by_id[q1]["generation"] is None


async def test_another_users_ids_are_not_found_and_bad_ids_are_refused(
    server: LiveServer, client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token))["id"]
    q1, a1 = await turn(socket, cid, "mine")
    other_cid = (await create_conversation(client, token))["id"]
    _, other_a1 = await turn(socket, other_cid, "also mine")

    intruder = (await client.register(email="intruder@example.com"))["accessToken"]
    for document, variables in [
        (SELECT, {"id": a1}),
        (FORK, {"id": a1}),
        (EXPORT, {"id": cid, "format": "JSON"}),
    ]:
        assert (await client(document, variables, token=intruder)).codes == ["NOT_FOUND"]
    their = await Socket.open(server.ws_url, token=intruder)
    await their.ack()
    try:
        op = await their.subscribe(REGENERATE, {"id": a1})
        assert await error_codes(their, op) == ["NOT_FOUND"]
        mine = (await create_conversation(client, intruder))["id"]
        op = await their.subscribe(EDIT, {"id": mine, "content": "x", "parentId": a1})
        assert await error_codes(their, op) == ["NOT_FOUND"]
    finally:
        await their.close()

    for document, variables in [(SELECT, {"id": "nope"}), (FORK, {"id": "nope"})]:
        assert (await client(document, variables, token=token)).codes == ["BAD_USER_INPUT"]
    refused = [
        (REGENERATE, {"id": q1}),  # a user message is edited, not regenerated
        (REGENERATE, {"id": "nope"}),
        (EDIT, {"id": cid, "content": "x", "parentId": q1}),  # a message follows a reply
        (EDIT, {"id": cid, "content": "x", "parentId": other_a1}),  # another conversation
        (EDIT, {"id": cid, "content": "x", "parentId": "nope"}),
    ]
    for document, variables in refused:
        op = await socket.subscribe(document, variables)
        assert await error_codes(socket, op) == ["BAD_USER_INPUT"], variables
    # Nothing was written by the refused calls.
    assert (await tree(client, token, cid))["messageCount"] == 2


async def test_branch_writes_reach_other_tabs_through_conversation_events(
    server: LiveServer, client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token))["id"]
    q1, _ = await turn(socket, cid, "hello")
    await turn(socket, cid, "again")
    tab = await Socket.open(server.ws_url, token=token)
    await tab.ack()
    try:
        op = await tab.subscribe(
            "subscription { conversationEvents { __typename"
            " ... on ConversationChanged { conversation { id currentMessageId } } } }"
        )
        me = (await client("query { me { id } }", token=token)).data["me"]["id"]
        await wait_for_listeners(server.state.redis, me, 1)
        selected = (await client(SELECT, {"id": q1}, token=token)).data["selectBranch"]
        event = await _next_changed(tab, op)
        assert event["conversation"] == {
            "id": cid,
            "currentMessageId": selected["currentMessageId"],
        }
        fork = (await client(FORK, {"id": q1}, token=token)).data["forkConversation"]
        event = await _next_changed(tab, op)
        assert event["conversation"]["id"] == fork["id"]
    finally:
        await tab.close()


async def _next_changed(socket: Socket, op: str) -> dict[str, Any]:
    while True:
        event = await next_event(socket, op)
        if event["__typename"] == "ConversationChanged":
            return event


async def test_a_user_renamed_conversation_keeps_its_title_after_an_edit(
    client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token))["id"]
    await turn(socket, cid, "hello")
    await client(UPDATE, {"id": cid, "input": {"title": "Mine"}}, token=token)
    await turn(socket, cid, "edited hello", parent_id=cid)
    assert (await tree(client, token, cid))["title"] == "Mine"


async def test_a_page_with_siblings_costs_the_same_statements_however_bushy_the_tree(
    server: LiveServer,
    client: GraphQLClient,
    signed_in: tuple[Socket, str],
    sql_statements: StatementCounter,
) -> None:
    socket, token = signed_in

    async def statements_for(conversation_id: str, last: int) -> int:
        # Titles are named in the background: let them land, so only this query is counted.
        await server.app.state.replies.chat.titles.drain(5)
        before = sql_statements.count
        # A `last` not asked before: the response cache has no answer for it.
        result = await client(TREE, {"id": conversation_id, "last": last}, token=token)
        assert all(m["siblingIndex"] >= 1 for m in shown(result.data["conversation"]))
        return sql_statements.count - before

    plain = (await create_conversation(client, token))["id"]
    await turn(socket, plain, "one")
    bushy = (await create_conversation(client, token))["id"]
    _, a1 = await turn(socket, bushy, "one")
    for i in range(3):
        await regenerate(socket, a1)
        await turn(socket, bushy, f"two, version {i}", parent_id=a1)
    await turn(socket, bushy, "three")
    shown_bushy = shown(await tree(client, token, bushy))
    assert [len(m["siblingIds"]) for m in shown_bushy] == [1, 4, 3, 1, 1, 1]

    small, large = await statements_for(plain, 40), await statements_for(bushy, 41)
    # The conversation, its count, its last message, and the branch page with every
    # message's siblings in one statement.
    assert small == large == 4, sql_statements.statements[-large:]
