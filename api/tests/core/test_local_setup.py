"""`make setup`'s first step: .env is written (or updated) with the ports and database the
user chose in the environment, before anything is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.local_setup import EXAMPLE, explain_choices, write_env

CHOSEN = {
    "API_PORT": "8341",
    "WEB_PORT": "3341",
    "DATABASE_URL": "postgresql://me:secret@db.test:5432/mine",
}


def _values(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs if not k.startswith("#")}


def test_a_new_env_takes_the_chosen_ports_and_database(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    write_env(env_file, {**CHOSEN, "UNRELATED": "x"})
    values = _values(env_file)
    assert {k: values[k] for k in CHOSEN} == CHOSEN
    assert len(values["SECRET_KEY"]) >= 32
    assert "UNRELATED" not in values
    # Everything else as in the example.
    assert values["REDIS_URL"] == _values(EXAMPLE)["REDIS_URL"]
    assert env_file.stat().st_mode & 0o077 == 0


def test_an_existing_env_keeps_its_secret_and_takes_only_what_is_given(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    write_env(env_file, {})
    before = _values(env_file)
    write_env(env_file, {"WEB_PORT": "3342"})
    after = _values(env_file)
    assert after["WEB_PORT"] == "3342"
    assert after["SECRET_KEY"] == before["SECRET_KEY"]
    assert after["API_PORT"] == before["API_PORT"]


def test_setup_says_what_it_will_use_and_how_to_choose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in CHOSEN:
        monkeypatch.delenv(key, raising=False)
    env_file = tmp_path / ".env"
    write_env(env_file, CHOSEN)
    explain_choices(env_file)
    said = capsys.readouterr().out
    assert "API port 8341, web port 3341 and database postgresql://me:***@db.test:5432/mine" in said
    assert "me:secret@" not in said
    assert "API_PORT=8100 WEB_PORT=3100 DATABASE_URL=" in said
