"""`GET /health_check`: is the API able to reach its database and Redis?"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from parley.state import AppState

_TIMEOUT_SECONDS = 2.0


async def _database_ok(state: AppState) -> bool:
    try:
        async with asyncio.timeout(_TIMEOUT_SECONDS), state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


async def _redis_ok(state: AppState) -> bool:
    try:
        async with asyncio.timeout(_TIMEOUT_SECONDS):
            await state.redis.ping()
    except Exception:
        return False
    return True


async def health_check(request: Request) -> JSONResponse:
    state: AppState = request.app.state.parley
    database, redis = await asyncio.gather(_database_ok(state), _redis_ok(state))
    body = {
        "status": "ok" if database and redis else "unavailable",
        "database": "ok" if database else "down",
        "redis": "ok" if redis else "down",
    }
    return JSONResponse(body, status_code=200 if database and redis else 503)
