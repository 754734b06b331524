"""Real API processes for tests of what several processes share: each is
`uvicorn parley.main:create_app --factory` in a subprocess of its own, on a free port, with the
test settings (database, Redis db, fake provider) passed as environment variables.

    async with ApiProcess(fake_provider) as one, ApiProcess(fake_provider) as two:
        ...  # GraphQLClient(one.url), GraphQLWebSocket(two.ws_url)
        one.kill()        # SIGKILL: a crash
        await two.terminate()  # SIGTERM, then wait for the exit

Each process writes its log to a temporary file; `log_text()` reads it (for failures).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import TracebackType

import httpx

from tests.fakes.provider_server import FakeProviderServer
from tests.support.servers import API_DIR, free_port, settings_values

# Generous: importing the app on a busy two-core machine has taken over 30 s.
_START_TIMEOUT_SECONDS = 90.0


def settings_env(fake_provider: FakeProviderServer, **overrides: object) -> dict[str, str]:
    """The test settings as the environment variables a process reads."""
    values = settings_values(fake_provider, **overrides)
    return {name.upper(): str(value) for name, value in values.items() if value is not None}


class ApiProcess:
    def __init__(self, fake_provider: FakeProviderServer, **overrides: object) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        self._env = {**os.environ, **settings_env(fake_provider, **overrides)}
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the process
            prefix=f"parley-api-{self.port}-", suffix=".log", delete=False
        )
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the process is not started")
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.returncode

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            "parley.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ws",
            "websockets-sansio",
            "--no-proxy-headers",
            "--ws-per-message-deflate",
            "false",
            "--timeout-graceful-shutdown",
            self._env.get("SHUTDOWN_GRACE_SECONDS", "30"),
            cwd=API_DIR,
            env=self._env,
            stdout=self._log,
            stderr=self._log,
        )
        await self._wait_healthy()

    async def _wait_healthy(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _START_TIMEOUT_SECONDS
        async with httpx.AsyncClient() as http:
            while loop.time() < deadline:
                if self.returncode is not None:
                    raise RuntimeError(f"the API process exited:\n{self.log_text()}")
                try:
                    response = await http.get(f"{self.url}/health_check", timeout=1)
                    if response.status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the API process did not start:\n{self.log_text()}")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)

    async def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM, as an orchestrator stops a replica; waits for the exit code."""
        if self._process is None:
            raise RuntimeError("the process is not started")
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
        return await self.wait(timeout)

    async def wait(self, timeout: float = 60.0) -> int:
        if self._process is None:
            raise RuntimeError("the process is not started")
        return await asyncio.wait_for(self._process.wait(), timeout)

    def log_text(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self.kill()
            await self._process.wait()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    async def __aenter__(self) -> ApiProcess:
        try:
            await self.start()
        except BaseException:
            # A process that never became healthy must not outlive the test that started it.
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
