"""What the app holds for its lifetime: opened in the lifespan, shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.ai.registry import ProviderRegistry
from parley.chat.conversation_events import ConversationEvents
from parley.rate_limits import RateLimiter
from parley.settings import Settings


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: AsyncEngine
    db_sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    # Where cached responses live: its own Redis when CACHE_REDIS_URL is set, else `redis`.
    cache_redis: Redis
    providers: ProviderRegistry
    limiter: RateLimiter
    # The users' change channels over one pub/sub connection (`conversationEvents`).
    conversation_events: ConversationEvents
