"""`python -m parley.server` (`make serve`, the image's command): the API as in production.

No reload; `API_WORKERS` processes sharing the port; uvicorn's own proxy-header handling off
(`X-Forwarded-For` is judged by TRUSTED_PROXIES alone, see `parley.client_ip`); no
permessage-deflate (token streams gain little from it and it costs memory per socket); and
the process-wide garbage-collector tuning, which belongs to a server process, not to the app
(tests and embedders build the app with `create_app` and get none of it). With several workers,
metrics go through files shared by the workers (`parley.metrics.multiprocess`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import structlog
import uvicorn

if TYPE_CHECKING:
    from starlette.applications import Starlette

# The app is imported inside the functions, not here: each worker is spawned and first
# re-imports this module, before it can answer the supervisor's health pings. Importing the
# whole app at that point took over 5 s on a busy machine, and the supervisor killed every
# worker as hung, over and over.

log = structlog.get_logger("parley.server")


def gc_stats() -> dict[str, object]:
    """The collector's figures for this process: runs and objects freed per generation since
    start, objects waiting in each generation now, objects tracked and frozen."""
    stats = gc.get_stats()
    return {
        "collections": [generation["collections"] for generation in stats],
        "collected": [generation["collected"] for generation in stats],
        "uncollectable": sum(generation["uncollectable"] for generation in stats),
        "pending": list(gc.get_count()),
        "tracked": len(gc.get_objects()),
        "frozen": gc.get_freeze_count(),
    }


async def _log_gc_stats(interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        log.info("gc stats", pid=os.getpid(), **gc_stats())


def production_app() -> Starlette:
    """The app, with the collector tuned once start-up is done (in each worker process)."""
    from parley.main import create_app

    app = create_app()
    start_up = app.router.lifespan_context
    interval = app.state.parley.settings.gc_stats_interval_seconds

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with start_up(app):
            # What start-up built (schema, SDK clients, modules) lives as long as the process:
            # out of the collector's sight, so each run only walks what came after (about
            # 25,000 objects while streaming). With it, the conversations benchmark's CPU per
            # request under 32 connections fell from 15-21 ms to 9-11 ms (results-api.md).
            gc.freeze()
            # Python's own thresholds, chosen with bench.soak (8 streams of 200-delta replies,
            # 4 minutes each, per-event leak fixed, 2 cores at load 2-5): with (100000, 50,
            # 1000), the old tuning, and with (50000, 20, 100) the older generations never ran
            # after start-up and RSS crept (+2.4% and +0.7% in 3 minutes; +23% with the leak);
            # with these, a full run about twice a minute and RSS flat (+0.0%), at 754 us of CPU
            # per delta against 678 and 725, within the machine's noise. Whatever outlives a
            # few young collections and then dies in a cycle (a subscription's executor, its
            # context and loaders) is freed only by the older generations' runs.
            gc.set_threshold(700, 10, 10)
            if not interval:
                yield
                return
            reporter = asyncio.create_task(_log_gc_stats(interval))
            try:
                yield
            finally:
                reporter.cancel()

    app.router.lifespan_context = lifespan
    return app


def main() -> None:
    from parley.metrics.endpoint import MULTIPROC_DIR_VARIABLE
    from parley.metrics.multiprocess import MetricsMultiprocess, prepare_directory
    from parley.settings import load_settings

    settings = load_settings()
    if settings.api_workers > 1 or os.environ.get(MULTIPROC_DIR_VARIABLE):
        # Before any worker starts: they read the variable when they import the metrics.
        prepare_directory()
    config = uvicorn.Config(
        "parley.server:production_app",
        factory=True,
        host=settings.api_host,
        port=settings.api_port,
        workers=settings.api_workers,
        proxy_headers=False,
        ws_per_message_deflate=False,
        ws_max_size=settings.max_request_bytes,
        log_config=None,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    if config.workers > 1:
        MetricsMultiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
