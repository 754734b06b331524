"""What reaches the provider when a branch outgrows the model's budget, and titles by the
model: asked after the first reply, never waited for, never over a title the user set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from parley.ai import ChatMessage
from parley.ai.titles import TITLE_INSTRUCTIONS, clean_title, demo_title
from parley.ai.token_estimates import MESSAGE_OVERHEAD_TOKENS
from parley.chat.context_window import estimate_tokens, fit
from parley.main import create_app
from parley.settings import Settings
from tests.chat.branches import EDIT, tree, turn
from tests.chat.documents import UPDATE, create_conversation, send, title_after
from tests.chat.reply_streams import events_until_final, next_event
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Hang, Reply
from tests.support.events import wait_for_listeners
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings


async def _served(settings: Settings) -> AsyncIterator[tuple[LiveServer, GraphQLClient]]:
    live = LiveServer(create_app(settings))
    await live.start()
    try:
        async with GraphQLClient(live.url) as client:
            yield live, client
    finally:
        await live.stop()


@pytest.fixture
async def budgeted(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[tuple[LiveServer, GraphQLClient]]:
    # 256 estimated tokens for this one model; every other model keeps the large default.
    settings = make_settings(fake_provider, context_token_budgets="gpt-6-luna=256")
    async for served in _served(settings):
        yield served


@pytest.fixture
async def titled_by_provider(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[tuple[LiveServer, GraphQLClient]]:
    # No TITLE_PROVIDER: the conversation's own provider (the fake one) names it.
    async for served in _served(make_settings(fake_provider, title_provider=None)):
        yield served


async def test_the_oldest_turns_are_trimmed_to_the_models_budget_and_history_is_kept(
    budgeted: tuple[LiveServer, GraphQLClient], fake_provider: FakeProviderServer
) -> None:
    _, client = budgeted
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI", aiModel="gpt-6-luna"))[
        "id"
    ]
    questions = [letter * 400 for letter in "abcd"]  # about 100 tokens each
    fake_provider.script(*[Reply("ok")] * 4)
    for question in questions:
        assert not (await send(client, token, cid, question)).errors
    asked = fake_provider.requests[-1].messages
    # System prompt (12) + d (104) + ok (5) + c (104) + ok (5) fit in 256; b would not.
    assert asked[0]["role"] == "system"
    assert [m["content"] for m in asked[1:]] == ["ok", questions[2], "ok", questions[3]]
    assert (await tree(client, token, cid))["messageCount"] == 8  # the stored branch is whole

    # Another model keeps the default budget: its conversation sends its whole branch.
    other = await create_conversation(client, token, aiProvider="OPENAI", aiModel="gpt-6-astra")
    fake_provider.script(*[Reply("ok")] * 4)
    for question in questions:
        assert not (await send(client, token, other["id"], question)).errors
    assert len(fake_provider.requests[-1].messages) == 1 + 7


def test_fit_keeps_the_newest_message_even_over_budget() -> None:
    huge = ChatMessage(role="user", content="x" * 10_000)
    older = ChatMessage(role="assistant", content="short")
    assert fit([older, huge], "system", 256) == [huge]
    assert fit([older, huge], "system", 100_000) == [older, huge]


def test_titles_are_cleaned_and_the_demo_title_is_deterministic() -> None:
    assert clean_title('Title: "Adding a provider."\nmore', 200) == "Adding a provider"
    assert clean_title("   ", 200) is None
    assert clean_title("x" * 300, 200) is None
    messages = [ChatMessage(role="user", content="how do I add a provider to Parley, please?")]
    assert demo_title(messages) == demo_title(messages) == "How do I add a provider"


async def test_the_model_names_a_new_conversation_after_its_first_reply(
    titled_by_provider: tuple[LiveServer, GraphQLClient], fake_provider: FakeProviderServer
) -> None:
    live, client = titled_by_provider
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("Use the registry."), Reply('"Adding providers."'))
    await send(client, token, cid, "How do I add a provider?")
    assert await title_after(client, token, cid, "Adding providers")
    title_request = fake_provider.requests[1]
    assert title_request.messages[0] == {"role": "system", "content": TITLE_INSTRUCTIONS}
    assert "How do I add a provider?" in title_request.messages[1]["content"]

    # Later replies ask for no title.
    fake_provider.script(Reply("More."))
    await send(client, token, cid, "And then?")
    await live.app.state.replies.chat.titles.drain(5)
    assert len(fake_provider.requests) == 3
    assert (await tree(client, token, cid))["title"] == "Adding providers"


async def test_a_failed_title_request_keeps_the_heuristic_title(
    titled_by_provider: tuple[LiveServer, GraphQLClient], fake_provider: FakeProviderServer
) -> None:
    live, client = titled_by_provider
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("Answer."), ErrorReply(400))
    await send(client, token, cid, "Why is the sky blue?")
    await live.app.state.replies.chat.titles.drain(5)
    assert len(fake_provider.requests) == 2
    assert (await tree(client, token, cid))["title"] == "Why is the sky blue?"


async def test_the_reply_never_waits_for_the_title_and_a_users_title_wins(
    titled_by_provider: tuple[LiveServer, GraphQLClient], fake_provider: FakeProviderServer
) -> None:
    live, client = titled_by_provider
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    socket = await Socket.open(live.ws_url, token=token)
    await socket.ack()
    try:
        # The title request hangs: the reply still completes.
        fake_provider.script(Reply("Answer one."), Hang())
        op = await socket.subscribe(EDIT, {"id": cid, "content": "First"})
        events = await events_until_final(socket, op)
        assert events[-1]["__typename"] == "ReplyCompleted"
        await fake_provider.wait_for(lambda rs: len(rs) == 2)
        await live.app.state.replies.chat.titles.drain(0)  # gives up on the hung request
        assert (await tree(client, token, cid))["title"] == "First"

        # Renamed while the first reply streams: the model's title arrives, and loses.
        second = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
        fake_provider.script(Reply("slow answer", chunks=5, chunk_delay=0.05), Reply("Model"))
        op = await socket.subscribe(EDIT, {"id": second, "content": "Second"})
        assert (await next_event(socket, op))["__typename"] == "ReplyStarted"
        renamed = await client(UPDATE, {"id": second, "input": {"title": "Mine"}}, token=token)
        assert not renamed.errors
        await events_until_final(socket, op)
        await fake_provider.wait_for(lambda rs: len(rs) == 4)
        await live.app.state.replies.chat.titles.drain(5)
        assert (await tree(client, token, second))["title"] == "Mine"
    finally:
        await socket.close()


async def test_an_edit_of_a_first_message_asks_no_new_title(
    client: GraphQLClient, server: LiveServer
) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token))["id"]
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    try:
        await turn(socket, cid, "original question here")
        assert await title_after(client, token, cid, "Original question here")
        await turn(socket, cid, "a different question", parent_id=cid)
        await server.app.state.replies.chat.titles.drain(5)
        assert (await tree(client, token, cid))["title"] == "Original question here"
    finally:
        await socket.close()


async def test_the_models_title_reaches_open_tabs(
    titled_by_provider: tuple[LiveServer, GraphQLClient], fake_provider: FakeProviderServer
) -> None:
    live, client = titled_by_provider
    registered = await client.register()
    token, user_id = registered["accessToken"], registered["user"]["id"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    tab = await Socket.open(live.ws_url, token=token)
    await tab.ack()
    try:
        op = await tab.subscribe(
            "subscription { conversationEvents { __typename"
            " ... on ConversationChanged { conversation { id title } } } }"
        )
        await wait_for_listeners(live.state.redis, user_id, 1)
        fake_provider.script(Reply("An answer."), Reply("Model title"))
        await send(client, token, cid, "A question")
        titles = []
        while "Model title" not in titles:
            event = await next_event(tab, op)
            if event["__typename"] == "ConversationChanged":
                assert event["conversation"]["id"] == cid
                titles.append(event["conversation"]["title"])
        assert titles[0] == "A question"  # the first message's, at once
    finally:
        await tab.close()


async def test_a_500_turn_conversation_still_gets_answers_within_the_budget(
    client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    # The default budget; each question is about 100 estimated tokens, so the whole branch
    # (about 55,000) is more than twice what is sent.
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    turns = 500
    fake_provider.script(*[Reply("ok")] * turns)
    for n in range(turns):
        result = await send(client, token, cid, f"{n:04d} " + "q" * 395)
        assert not result.errors, result.errors
    asked = fake_provider.requests[-1].messages
    assert asked[0]["role"] == "system"
    assert asked[-1]["content"].startswith("0499 ")
    sent = [ChatMessage(role=m["role"], content=m["content"]) for m in asked[1:]]
    assert sum(estimate_tokens(m.content) + MESSAGE_OVERHEAD_TOKENS for m in sent) <= (
        Settings.model_fields["context_token_budget"].default
    )
    assert len(sent) < 2 * turns
    # Nothing stored was dropped: the branch holds every turn.
    assert (await tree(client, token, cid))["messageCount"] == 2 * turns


async def test_a_title_given_at_creation_asks_the_model_for_none(
    titled_by_provider: tuple[LiveServer, GraphQLClient], fake_provider: FakeProviderServer
) -> None:
    live, client = titled_by_provider
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, title="Long ago", aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("Answer."), Reply("Model title"))
    await send(client, token, cid, "A question")
    await live.app.state.replies.chat.titles.drain(5)
    assert len(fake_provider.requests) == 1
    assert (await tree(client, token, cid))["title"] == "Long ago"
