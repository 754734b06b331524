"""`make rename NAME=acme` yields a working copy: nothing named parley is left, and the copy's
own tests pass (a sample: accounts and settings, against their own database)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[3]


def _load_rename_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rename_tool", REPO / "tools" / "rename.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_project(target: Path) -> None:
    # The same file list the tool renames: what git tracks, and new files it does not ignore.
    for name in _load_rename_tool().project_files(REPO):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)


def test_rename_yields_a_working_copy(tmp_path: Path) -> None:
    copy = tmp_path / "acme"
    copy.mkdir()
    _copy_project(copy)

    result = subprocess.run(
        [sys.executable, "tools/rename.py", "acme"], cwd=copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (copy / "api" / "acme" / "main.py").is_file()
    assert not (copy / "api" / "parley").exists()

    leftovers = subprocess.run(
        ["git", "grep", "-il", "parley", "--", ".", ":!tools/rename.py"],
        cwd=copy,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert leftovers == []
    assert "name: acme" in (copy / "compose.yaml").read_text()
    assert (copy / "README.md").read_text().startswith("# Acme")

    env = {
        **os.environ,
        "UV_PYTHON_DOWNLOADS": "never",
        "TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/acme_rename_test",
        "TEST_REDIS_URL": "redis://127.0.0.1:6379/10",
    }
    env.pop("VIRTUAL_ENV", None)
    api = copy / "api"
    subprocess.run(["uv", "sync", "--frozen", "--quiet"], cwd=api, env=env, check=True)
    tests = subprocess.run(
        ["uv", "run", "--frozen", "pytest", "-q", "tests/auth", "tests/core/test_settings.py"],
        cwd=api,
        env=env,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
