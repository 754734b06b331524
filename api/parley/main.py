"""The Starlette application factory: `uvicorn parley.main:create_app --factory`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute

from parley.ai.registry import ProviderRegistry
from parley.auth.service import AuthService
from parley.changes import ChangeFeed
from parley.chat.conversation_events import ConversationEvents
from parley.chat.durable_replies import DurableReplies
from parley.chat.service import ChatService
from parley.db import create_engine, create_session_factory
from parley.graphql.view import ParleyGraphQL
from parley.health import health_check
from parley.insights.budgets import TokenBudgets
from parley.insights.service import InsightsService
from parley.logs import configure_logging
from parley.rate_limits import RateLimiter
from parley.request_context import RequestContextMiddleware
from parley.security_headers import SecurityHeadersMiddleware
from parley.settings import Settings, load_settings
from parley.state import AppState

log = structlog.get_logger(__name__)


def _redis_client(url: str, max_connections: int) -> Redis:
    # A bounded pool: a burst of requests queues for a connection instead of opening hundreds.
    # Short timeouts: a stalled Redis must degrade requests, not hang them.
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=2,
        decode_responses=True,
        health_check_interval=30,
        socket_connect_timeout=2,
        socket_timeout=2,
        client_name="parley-api",
    )
    return Redis.from_pool(pool)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_format)
    engine = create_engine(settings.async_database_url)
    redis = _redis_client(settings.redis_url, settings.redis_max_connections)
    cache_redis = (
        _redis_client(settings.cache_redis_url, settings.redis_max_connections)
        if settings.cache_redis_url
        else redis
    )
    state = AppState(
        settings=settings,
        engine=engine,
        db_sessions=create_session_factory(engine),
        redis=redis,
        cache_redis=cache_redis,
        providers=ProviderRegistry(settings),
        limiter=RateLimiter(settings.redis_url),
        conversation_events=ConversationEvents(settings.redis_url),
    )
    budgets = (
        TokenBudgets(redis, settings.token_budget, settings.token_budget_period)
        if settings.token_budget is not None
        else None
    )
    insights = InsightsService(settings, state.db_sessions, budgets)
    chat = ChatService(
        settings, state.db_sessions, state.providers, ChangeFeed(redis), budget=insights
    )
    replies = DurableReplies.build(settings, chat, redis)
    graphql = ParleyGraphQL(
        state,
        AuthService(settings, state.db_sessions, redis, state.limiter),
        chat,
        replies,
        insights,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        log.info("api starting", port=settings.api_port)
        # No start-up sweep of STREAMING replies: the reaper finalizes those nobody holds.
        await replies.start()
        state.conversation_events.start()
        try:
            yield
        finally:
            # Running replies finish (or are stored with their text) before anything closes.
            await replies.shutdown(settings.shutdown_grace_seconds)
            # Titles asked after the last replies: a moment to land, then the heuristic stays.
            await chat.titles.drain(min(5.0, settings.shutdown_grace_seconds))
            await state.conversation_events.aclose()
            await state.providers.aclose()
            if cache_redis is not redis:
                await cache_redis.aclose()
            await redis.aclose()
            await engine.dispose()
            log.info("api stopped")

    app = Starlette(
        routes=[
            Route("/health_check", health_check, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(SecurityHeadersMiddleware),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origin_list,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id", "retry-after"],
                allow_credentials=True,
                max_age=600,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.parley = state
    app.state.replies = replies
    return app
