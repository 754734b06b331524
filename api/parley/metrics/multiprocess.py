"""Metrics across `parley.server`'s API_WORKERS processes.

Each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR and a scrape of any worker
reads them all. The directory must be set before a worker imports the client library (the
workers are spawned, so they see the parent's environment) and emptied before they start:
files left by an earlier run would be counted again. When a worker dies, its live gauges
(replies streaming, followers) are dropped, so they do not count what it no longer runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import structlog
from prometheus_client import multiprocess
from uvicorn.supervisors import Multiprocess

from parley.metrics.endpoint import MULTIPROC_DIR_VARIABLE

log = structlog.get_logger(__name__)


def prepare_directory() -> Path:
    """PROMETHEUS_MULTIPROC_DIR (a new temporary directory when unset), emptied of the
    files of earlier runs, and exported for the workers."""
    configured = os.environ.get(MULTIPROC_DIR_VARIABLE)
    path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="parley-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):
        old.unlink()
    os.environ[MULTIPROC_DIR_VARIABLE] = str(path)
    return path


class MetricsMultiprocess(Multiprocess):
    """uvicorn's supervisor, telling the metrics when it replaces a worker that died."""

    def keep_subprocess_alive(self) -> None:
        before = self._pids()
        super().keep_subprocess_alive()
        self._forget(before - self._pids())

    def restart_all(self) -> None:
        before = self._pids()
        super().restart_all()
        self._forget(before - self._pids())

    def _pids(self) -> set[int]:
        return {p.pid for p in self.processes if p.pid is not None}

    def _forget(self, pids: set[int]) -> None:
        for pid in pids:
            multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
            log.info("metrics of a stopped worker dropped", pid=pid)
