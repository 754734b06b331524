"""Metrics across processes: API processes sharing PROMETHEUS_MULTIPROC_DIR show the sum in a
scrape of any one of them, and `python -m parley.server` with API_WORKERS prepares the
directory and drops the live gauges of a worker that died."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from tests.chat.documents import SEND, create_conversation
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.metrics import scrape
from tests.support.processes import ApiProcess, settings_env
from tests.support.servers import API_DIR, free_port

REPLIES = "parley_replies_total"
OPERATIONS = "parley_graphql_operation_duration_seconds_count"


async def _send_one(url: str, email: str) -> None:
    async with GraphQLClient(url) as client:
        token = (await client.register(email=email))["accessToken"]
        created = await create_conversation(client, token, aiProvider="DEMO")
        sent = await client(SEND, {"id": created["id"], "content": "hi"}, token=token)
        assert not sent.errors, sent.errors


async def test_two_processes_sharing_a_directory_show_the_sum(
    database: str, fake_provider: FakeProviderServer, tmp_path: Path
) -> None:
    shared = {"prometheus_multiproc_dir": str(tmp_path)}
    async with (
        ApiProcess(fake_provider, **shared) as one,
        ApiProcess(fake_provider, **shared) as two,
    ):
        await _send_one(one.url, "one@example.com")
        await _send_one(two.url, "two@example.com")
        await _send_one(two.url, "three@example.com")
        for process in (one, two):
            seen = await scrape(process.url)
            assert seen.value(REPLIES, provider="DEMO", model="demo-1", status="COMPLETE") == 3
            assert seen.value(OPERATIONS, operation="Send", type="mutation") == 3
    # One file per process and kind of value.
    assert {p.name.split("_")[-1] for p in tmp_path.glob("counter_*.db")} == {
        f"{one.pid}.db",
        f"{two.pid}.db",
    }


def _workers(parent: int) -> set[int]:
    """The uvicorn workers `parent` spawned (not multiprocessing's resource tracker)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # The fields after the command name, which is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.add(int(entry.name))
    return found


async def _until(predicate: object, timeout: float = 60.0) -> None:
    assert callable(predicate)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("timed out")


async def test_the_server_prepares_the_directory_and_forgets_dead_workers(
    database: str, fake_provider: FakeProviderServer, tmp_path: Path
) -> None:
    stale = tmp_path / "counter_999999.db"
    stale.write_bytes(b"left by an earlier run")
    port = free_port()
    env = {
        **os.environ,
        **settings_env(
            fake_provider,
            api_workers=2,
            api_host="127.0.0.1",
            api_port=port,
            prometheus_multiproc_dir=str(tmp_path),
        ),
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "parley.server",
        cwd=API_DIR,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        async def healthy() -> bool:
            async with httpx.AsyncClient() as http:
                try:
                    return (await http.get(f"{url}/health_check", timeout=1)).status_code == 200
                except httpx.HTTPError:
                    return False

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while not await healthy():
            assert server.returncode is None, "the server exited"
            assert loop.time() < deadline, "the server did not start"
            await asyncio.sleep(0.2)
        await _until(lambda: len(_workers(server.pid)) >= 2)
        workers = _workers(server.pid)
        await _until(
            lambda: all((tmp_path / f"gauge_livesum_{pid}.db").exists() for pid in workers)
        )
        assert not stale.exists()

        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            for _ in range(6):
                await http.post("/graphql", json={"query": "query Me { me { id } }"})
        seen = await scrape(url)
        # Whichever worker answered each request and the scrape, the sum of all of them
        # (signed out, so under the one label of unauthenticated operations).
        assert seen.value(OPERATIONS, operation="unauthenticated", type="query") == 6

        dead = min(workers)
        os.kill(dead, signal.SIGKILL)
        await _until(lambda: not (tmp_path / f"gauge_livesum_{dead}.db").exists())
        # The counters it wrote are kept: what it counted did happen.
        await _until(lambda: len(_workers(server.pid) - {dead}) >= 2)
        seen = await scrape(url)
        assert seen.value(OPERATIONS, operation="unauthenticated", type="query") == 6
    finally:
        if server.returncode is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(server.wait(), 30)
            except TimeoutError:
                os.killpg(server.pid, signal.SIGKILL)
                await server.wait()
