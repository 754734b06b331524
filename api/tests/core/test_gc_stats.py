"""`python -m parley.server` logs the collector's figures when asked (GC_STATS_INTERVAL_SECONDS):
what the soak run (bench.soak) reads to show collections over time."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.fakes.provider_server import FakeProviderServer
from tests.support.processes import settings_env
from tests.support.servers import API_DIR, free_port


def _gc_lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        if '"gc stats"' in line:
            lines.append(json.loads(line))
    return lines


async def test_the_production_server_logs_collector_runs_per_generation_when_asked(
    tmp_path: Path, fake_provider: FakeProviderServer
) -> None:
    log = tmp_path / "api.log"
    env = {
        **os.environ,
        **settings_env(
            fake_provider,
            api_host="127.0.0.1",
            api_port=free_port(),
            log_level="INFO",
            gc_stats_interval_seconds=0.2,
        ),
    }
    with log.open("wb") as out:
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "parley.server",
            cwd=API_DIR,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        # Start-up on a busy machine is slow: wait for two lines, however long that takes.
        for _ in range(1200):
            if len(_gc_lines(log)) >= 2 or server.returncode is not None:
                break
            await asyncio.sleep(0.1)
    finally:
        if server.returncode is None:
            server.terminate()
        await server.wait()
    lines = _gc_lines(log)
    assert len(lines) >= 2, log.read_text(errors="replace")[-2000:]
    first = lines[0]
    assert first["level"] == "info"
    assert first["pid"] == server.pid
    assert len(first["collections"]) == len(first["collected"]) == len(first["pending"]) == 3
    # Start-up's objects were frozen out of the collector's sight; the rest are tracked.
    assert first["frozen"] > 10_000
    assert first["tracked"] > 0
    assert all(
        later >= earlier
        for earlier, later in zip(first["collections"], lines[-1]["collections"], strict=True)
    )
