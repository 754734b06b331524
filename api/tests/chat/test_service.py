"""The chat service and the reply runner, called directly, without a server: the real database,
Redis and provider SDKs against the fake provider."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.ai import AIProvider, ProviderError, ProviderRegistry
from parley.auth.tables import User
from parley.changes import ChangeFeed, generation_key, user_channel
from parley.chat.replies import ReplyDelta, ReplyEnded, ReplyRun
from parley.chat.service import ChatService, ConversationChanges, PreparedReply
from parley.chat.tables import MessageStatus
from parley.db import create_engine, create_session_factory
from parley.errors import Forbidden, InvalidInput, NotFound
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.support.servers import make_settings


@dataclass
class Chat:
    service: ChatService
    engine: AsyncEngine
    redis: Redis
    user_id: uuid.UUID

    async def another_user(self) -> uuid.UUID:
        user_id = uuid.uuid4()
        async with create_session_factory(self.engine)() as db:
            db.add(User(id=user_id, email=f"{user_id}@example.com", hashed_password="x"))
            await db.commit()
        return user_id


@pytest.fixture
async def chat(database: str, fake_provider: FakeProviderServer) -> AsyncIterator[Chat]:
    settings = make_settings(fake_provider)
    engine = create_engine(settings.async_database_url)
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    providers = ProviderRegistry(settings)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE users CASCADE"))
    await redis.flushdb()
    fake_provider.reset()
    service = ChatService(settings, create_session_factory(engine), providers, ChangeFeed(redis))
    chat = Chat(service, engine, redis, uuid.uuid4())
    chat.user_id = await chat.another_user()
    yield chat
    await providers.aclose()
    await redis.aclose()
    await engine.dispose()


async def test_writes_bump_the_cache_generation_and_publish_ids(chat: Chat) -> None:
    pubsub = chat.redis.pubsub()
    await pubsub.subscribe(user_channel(chat.user_id))
    await pubsub.get_message(timeout=1)  # the subscription's own confirmation

    created = await chat.service.create(chat.user_id, ConversationChanges(title="First"))
    await chat.service.update(chat.user_id, created.id, ConversationChanges(title="Second"))
    await chat.service.delete(chat.user_id, created.id)

    heard = []
    for _ in range(3):
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2)
        assert message is not None
        heard.append(json.loads(message["data"]))
    await pubsub.aclose()  # type: ignore[no-untyped-call]
    conversation = str(created.id)
    assert heard == [
        {"kind": "changed", "conversation": conversation},
        {"kind": "changed", "conversation": conversation},
        {"kind": "deleted", "conversation": conversation},
    ]
    assert await chat.redis.get(generation_key(chat.user_id)) == "3"


async def test_rules_name_the_field_in_domain_terms(chat: Chat) -> None:
    with pytest.raises(InvalidInput) as caught:
        await chat.service.create(chat.user_id, ConversationChanges(system_prompt="x" * 9000))
    assert caught.value.field == "system_prompt"
    with pytest.raises(InvalidInput) as caught:
        await chat.service.create(
            chat.user_id, ConversationChanges(ai_provider=AIProvider.OPENAI, ai_model="nope")
        )
    assert caught.value.field == "ai_model"


async def test_only_the_owner_reads_or_writes(chat: Chat) -> None:
    mine = await chat.service.create(chat.user_id, ConversationChanges())
    stranger = await chat.another_user()
    with pytest.raises(Forbidden):
        await chat.service.update(stranger, mine.id, ConversationChanges(title="Mine now"))
    with pytest.raises(Forbidden):
        await chat.service.prepare_reply(stranger, mine.id, "hello")
    with pytest.raises(NotFound):
        await chat.service.delete(chat.user_id, uuid.uuid4())


async def _run(chat: Chat, prepared: PreparedReply) -> list[object]:
    """The reply's deltas and its end, as a job drives one `ReplyRun`."""
    run = ReplyRun(chat.service, prepared)
    events: list[object] = []
    try:
        async for delta in run.deltas():
            events.append(delta)
    except ProviderError as error:
        events.append(await run.finish(MessageStatus.FAILED, error.message, error.status))
    else:
        events.append(await run.finish(MessageStatus.COMPLETE))
    return events


async def _reply(chat: Chat, content: str, **conversation: object) -> list[object]:
    created = await chat.service.create(chat.user_id, ConversationChanges(**conversation))  # type: ignore[arg-type]
    prepared = await chat.service.prepare_reply(chat.user_id, created.id, content)
    return await _run(chat, prepared)


async def test_a_reply_streams_in_order_and_stores_its_generation(
    chat: Chat, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("one two three", prompt_tokens=7, completion_tokens=3))

    events = await _reply(chat, "count", ai_provider=AIProvider.OPENAI)

    deltas = [e for e in events if isinstance(e, ReplyDelta)]
    assert [d.seq for d in deltas] == [1, 2, 3]
    assert "".join(d.text for d in deltas) == "one two three"
    [end] = [e for e in events if isinstance(e, ReplyEnded)]
    assert end.seq == 4
    assert end.error is None
    assert end.message.status is MessageStatus.COMPLETE
    stored = end.message
    assert (stored.provider, stored.prompt_tokens, stored.completion_tokens) == (
        AIProvider.OPENAI,
        7,
        3,
    )
    assert stored.attempts == 1
    assert stored.ttft_ms is not None


async def test_retries_are_counted_in_attempts(
    chat: Chat, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(503), ErrorReply(429, retry_after=0), Reply("fine"))

    events = await _reply(chat, "again", ai_provider=AIProvider.OPENAI)

    end = events[-1]
    assert isinstance(end, ReplyEnded)
    assert end.message.attempts == 3


async def test_a_failed_reply_keeps_its_text_and_says_why(
    chat: Chat, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("half of it then", chunks=4, fail_after=2))

    events = await _reply(chat, "go", ai_provider=AIProvider.ANTHROPIC)

    end = events[-1]
    assert isinstance(end, ReplyEnded)
    assert end.message.status is MessageStatus.FAILED
    assert end.error is not None
    assert "Anthropic" in end.error
    assert end.message.content == "".join(e.text for e in events if isinstance(e, ReplyDelta))
    assert end.message.content
    assert end.message.error == end.error


async def test_a_reply_failed_by_a_reaper_is_not_overwritten_by_its_late_closing_write(
    chat: Chat, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("all of it after all"))
    created = await chat.service.create(
        chat.user_id, ConversationChanges(ai_provider=AIProvider.OPENAI)
    )
    prepared = await chat.service.prepare_reply(chat.user_id, created.id, "go")
    reply_id = prepared.assistant_message.id
    # A reaper that believed the owner gone stores the reply FAILED while it still streams.
    reaped = await chat.service.fail_abandoned(reply_id, text="all", final_seq=2)
    assert reaped is not None

    events = await _run(chat, prepared)

    end = events[-1]
    assert isinstance(end, ReplyEnded)
    # The stored row wins, and the end says what is stored.
    assert end.message.status is MessageStatus.FAILED
    assert (end.message.content, end.seq) == ("all", 2)
    [page] = await chat.service.messages_pages([prepared.conversation.id], 10, None)
    stored = page.items[-1].message
    assert (stored.status, stored.content, stored.final_seq) == (MessageStatus.FAILED, "all", 2)
