"""Settings: the environment wins over .env, and bad values stop start-up with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.settings import Settings

API_DIR = Path(__file__).resolve().parents[2]


def test_environment_wins_over_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DATABASE_URL=postgresql://file@localhost/db\n"
        "REDIS_URL=redis://localhost:6379/0\n"
        "SECRET_KEY=from-the-file-0123456789-0123456789\n"
        "API_PORT=7000\n"
    )
    monkeypatch.setenv("API_PORT", "9000")
    settings = Settings(_env_file=env_file)
    assert settings.api_port == 9000
    assert settings.secret_key.get_secret_value() == "from-the-file-0123456789-0123456789"
    assert settings.async_database_url == "postgresql+asyncpg://file@localhost/db"


def test_lists_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "http://a.test, http://b.test,")
    settings = Settings(
        _env_file=None,
        database_url="postgresql://x@h/db",
        redis_url="redis://h:6379/0",
        secret_key="k" * 32,
    )
    assert settings.cors_origin_list == ["http://a.test", "http://b.test"]
    assert settings.bcrypt_rounds == 12
    assert settings.access_token_expire_minutes == 15
    assert settings.refresh_token_expire_days == 7
    assert (settings.rate_limit_search, settings.rate_limit_forks) == ("30/minute", "10/minute")
    assert str(settings.search_limit) == "30 per 1 minute"
    assert settings.gc_stats_interval_seconds == 0
    assert settings.graphql_max_cost == 10_000
    assert settings.max_response_bytes == 4 * 1024 * 1024


def test_token_budget_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    def load() -> Settings:
        return Settings(
            _env_file=None,
            database_url="postgresql://x@h/db",
            redis_url="redis://h:6379/0",
            secret_key="k" * 32,
        )

    # .env.example leaves it empty: no budget, monthly periods.
    monkeypatch.setenv("TOKEN_BUDGET", "")
    assert (load().token_budget, load().token_budget_period) == (None, "month")
    monkeypatch.setenv("TOKEN_BUDGET", "50000")
    monkeypatch.setenv("TOKEN_BUDGET_PERIOD", " Day ")
    assert (load().token_budget, load().token_budget_period) == (50_000, "day")


def test_socket_caps_default_to_twenty_sockets_and_a_hundred_operations_per_user() -> None:
    settings = Settings(
        _env_file=None,
        database_url="postgresql://x@h/db",
        redis_url="redis://h:6379/0",
        secret_key="k" * 32,
    )
    assert settings.ws_max_sockets_per_user == 20
    assert settings.ws_max_subscriptions_per_user == 100
    assert settings.ws_check_seconds == 3.0


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A bare environment and a directory without .env: only what the test gives counts.
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, "-c", "from parley.settings import load_settings; load_settings(None)"],
        cwd=API_DIR,
        env={**clean, "PYTHONPATH": str(API_DIR)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "postgresql://x@h/db", "REDIS_URL": "redis://h/0"}, "SECRET_KEY"),
        (
            {"DATABASE_URL": "mysql://x@h/db", "REDIS_URL": "redis://h/0", "SECRET_KEY": "k" * 32},
            "DATABASE_URL",
        ),
        (
            {
                "DATABASE_URL": "postgresql://x@h/db",
                "REDIS_URL": "redis://h/0",
                "SECRET_KEY": "k" * 32,
                "BCRYPT_ROUNDS": "lots",
            },
            "BCRYPT_ROUNDS",
        ),
        (
            {
                "DATABASE_URL": "postgresql://x@h/db",
                "REDIS_URL": "redis://h/0",
                "SECRET_KEY": "k" * 32,
                "AI_FALLBACKS": "OPENAI=GROK:grok-4.5",
            },
            "AI_FALLBACKS",
        ),
        (
            {
                "DATABASE_URL": "postgresql://x@h/db",
                "REDIS_URL": "redis://h/0",
                "SECRET_KEY": "k" * 32,
                "TOKEN_BUDGET_PERIOD": "week",
            },
            "TOKEN_BUDGET_PERIOD",
        ),
        (
            {
                "DATABASE_URL": "postgresql://x@h/db",
                "REDIS_URL": "redis://h/0",
                "SECRET_KEY": "k" * 32,
                "TOKEN_BUDGET": "0",
            },
            "TOKEN_BUDGET",
        ),
        (
            {
                "DATABASE_URL": "postgresql://x@h/db",
                "REDIS_URL": "redis://h/0",
                "SECRET_KEY": "k" * 32,
                "RATE_LIMIT_SEARCH": "often",
            },
            "RATE_LIMIT_SEARCH",
        ),
    ],
)
def test_bad_settings_stop_start_up_with_one_line(env: dict[str, str], named: str) -> None:
    result = _start(env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("parley: invalid configuration:")
    assert named in lines[0]
    assert "k" * 32 not in lines[0]  # values are not echoed


def test_cors_origins_follow_the_web_port_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    monkeypatch.setenv("WEB_PORT", "3341")
    settings = Settings(
        _env_file=None,
        database_url="postgresql://x@h/db",
        redis_url="redis://h:6379/0",
        secret_key="k" * 32,
    )
    assert settings.cors_origin_list == ["http://localhost:3341", "http://127.0.0.1:3341"]
