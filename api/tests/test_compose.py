"""Static checks of the container setup: compose.yaml, docker/*.Dockerfile and .dockerignore.

No Docker engine is needed: compose.yaml is validated against the Compose specification's
JSON schema (bundled with check-jsonschema, so offline), then read as YAML to check what the
schema cannot: health checks, start order, persistent volumes, and that the containers run
the same commands as the Makefile (`make migrate`, `make serve`).

PARLEY_REPO_ROOT points the checks at another checkout (used to prove they can fail).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(os.environ.get("PARLEY_REPO_ROOT", Path(__file__).resolve().parents[2]))
COMPOSE_FILE = REPO / "compose.yaml"
MAKEFILE = REPO / "Makefile"

# The essential argv shared by the Makefile and the images.
MIGRATE_ARGV = ["alembic", "upgrade", "head"]
SERVE_ARGV = ["python", "-m", "parley.server"]

API_PORT_IN_CONTAINER = 8000
WEB_PORT_IN_CONTAINER = 3000
SERVICES = {"postgres", "redis", "cache", "migrate", "api", "web"}


# --- loading ---------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict), "compose.yaml is not a mapping"
    return data


def service(name: str) -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    assert name in services, f"compose.yaml has no `{name}` service"
    svc = services[name]
    assert isinstance(svc, dict)
    return svc


@dataclass
class Stage:
    name: str | None
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def last(self, keyword: str) -> str | None:
        found = [args for kw, args in self.instructions if kw == keyword]
        return found[-1] if found else None


@cache
def dockerfile_stages(path: Path) -> list[Stage]:
    """Split a Dockerfile into stages of (KEYWORD, arguments), continuation lines joined."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # comments and blank lines may sit inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    if pending:
        logical.append(pending)

    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            parts = [p for p in args.split() if not p.startswith("--")]
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(name=name, base=parts[0]))
        elif stages:
            stages[-1].instructions.append((keyword, args))
    assert stages, f"{path} has no FROM"
    return stages


def exec_form(args: str) -> list[str]:
    """CMD/ENTRYPOINT arguments as argv (the shell form runs under /bin/sh -c)."""
    if args.startswith("["):
        argv = json.loads(args)
        assert isinstance(argv, list)
        return [str(a) for a in argv]
    return ["/bin/sh", "-c", args]


def build_of(name: str) -> dict[str, Any]:
    build = service(name).get("build")
    assert build is not None, f"service `{name}` has no build section"
    if isinstance(build, str):
        return {"context": build}
    assert isinstance(build, dict)
    return build


def dockerfile_of(name: str) -> Path:
    build = build_of(name)
    return REPO / str(build.get("context", ".")) / str(build.get("dockerfile", "Dockerfile"))


def target_stage(name: str) -> Stage:
    stages = dockerfile_stages(dockerfile_of(name))
    target = build_of(name).get("target")
    if target is None:
        return stages[-1]
    matches = [s for s in stages if s.name == target]
    assert matches, f"{dockerfile_of(name)} has no stage named {target}"
    return matches[0]


def effective_argv(name: str) -> list[str]:
    """What the container runs: compose's entrypoint/command, else the image's."""
    svc, stage = service(name), target_stage(name)

    def as_argv(value: Any) -> list[str]:
        return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]

    if "entrypoint" in svc:
        entrypoint = as_argv(svc["entrypoint"])
        return entrypoint + as_argv(svc.get("command", []))
    image_entrypoint = stage.last("ENTRYPOINT")
    entrypoint = exec_form(image_entrypoint) if image_entrypoint else []
    if "command" in svc:
        return entrypoint + as_argv(svc["command"])
    cmd = stage.last("CMD")
    assert cmd is not None, f"{dockerfile_of(name)} final stage has no CMD"
    return entrypoint + exec_form(cmd)


def makefile_commands(program: str) -> list[list[str]]:
    """Every command in a Makefile recipe that runs `program`, from the program onwards."""
    assert MAKEFILE.is_file(), f"{MAKEFILE} is missing"
    text = MAKEFILE.read_text().replace("\\\n", " ")
    commands: list[list[str]] = []
    for line in text.splitlines():
        if not line.startswith("\t"):
            continue  # only recipe lines run commands (a target's `## help` may name one)
        for segment in re.split(r"&&|\|\||;|\|", line):
            try:
                tokens = shlex.split(segment)
            except ValueError:
                continue
            if program in tokens:
                commands.append(tokens[tokens.index(program) :])
    return commands


def options(argv: list[str]) -> set[str]:
    return {a.split("=", 1)[0] for a in argv if a.startswith("-")}


def option_value(argv: list[str], *names: str) -> str | None:
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def container_ports(name: str) -> set[int]:
    ports: set[int] = set()
    for entry in service(name).get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["target"]))
        else:
            ports.add(int(str(entry).rsplit(":", 1)[-1].split("/")[0]))
    return ports


def healthcheck_text(name: str) -> str:
    check = service(name).get("healthcheck")
    assert check, f"service `{name}` has no healthcheck"
    assert not check.get("disable"), f"service `{name}` disables its healthcheck"
    test = check.get("test")
    assert test, f"service `{name}` healthcheck has no test"
    if isinstance(test, str):
        return test
    assert test[0] in {"CMD", "CMD-SHELL"}, f"`{name}` healthcheck test starts with {test[0]}"
    return " ".join(str(t) for t in test[1:])


# --- the Compose specification -------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_spec() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_project_and_services() -> None:
    assert compose().get("name") == "parley"
    assert set(compose()["services"]) == SERVICES


# --- health and start order ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "probe"),
    [
        ("postgres", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("cache", "redis-cli ping"),
        ("api", f"127.0.0.1:{API_PORT_IN_CONTAINER}/health_check"),
        ("web", f"127.0.0.1:{WEB_PORT_IN_CONTAINER}/"),
    ],
)
def test_healthchecks(name: str, probe: str) -> None:
    assert probe in healthcheck_text(name)


@pytest.mark.parametrize(
    ("name", "dependency", "condition"),
    [
        ("migrate", "postgres", "service_healthy"),
        ("api", "postgres", "service_healthy"),
        ("api", "redis", "service_healthy"),
        ("api", "cache", "service_healthy"),
        ("api", "migrate", "service_completed_successfully"),
        ("web", "api", "service_healthy"),
    ],
)
def test_start_order(name: str, dependency: str, condition: str) -> None:
    depends_on = service(name).get("depends_on")
    assert isinstance(depends_on, dict), f"`{name}` depends_on must name conditions"
    assert dependency in depends_on, f"`{name}` does not depend on `{dependency}`"
    assert depends_on[dependency].get("condition") == condition


def test_migrate_runs_once() -> None:
    assert str(service("migrate").get("restart", "no")) == "no"


# --- persistence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data_dir"), [("postgres", "/var/lib/postgresql/data"), ("redis", "/data")]
)
def test_data_lives_in_named_volumes(name: str, data_dir: str) -> None:
    declared = compose().get("volumes") or {}
    sources = []
    for mount in service(name).get("volumes", []):
        if isinstance(mount, dict):
            source, target = mount.get("source"), mount.get("target")
        else:
            source, _, rest = str(mount).partition(":")
            target = rest.split(":")[0]
        if target == data_dir:
            sources.append(source)
    assert sources, f"`{name}` mounts nothing at {data_dir}"
    assert sources[0] in declared, f"`{name}` stores {data_dir} in {sources[0]}, not a named volume"


def _argv(name: str) -> list[str]:
    command = service(name).get("command")
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command or []]


def test_redis_appends_to_its_log_and_never_evicts() -> None:
    argv = _argv("redis")
    assert option_value(argv, "--appendonly") == "yes"
    assert option_value(argv, "--maxmemory-policy") == "noeviction"


def test_cached_answers_live_in_a_bounded_redis_that_evicts() -> None:
    argv = _argv("cache")
    assert option_value(argv, "--maxmemory-policy") == "allkeys-lru"
    assert option_value(argv, "--maxmemory")
    env = service("api")["environment"]
    assert str(env["CACHE_REDIS_URL"]).startswith("redis://cache:6379/")


# --- the same commands as the Makefile -----------------------------------------------------


def test_makefile_has_the_commands() -> None:
    text = MAKEFILE.read_text()
    assert "alembic upgrade head" in text
    assert "python -m parley.server" in text


def test_migrate_runs_the_makefile_migration() -> None:
    upgrades = [argv for argv in makefile_commands("alembic") if argv[1:2] == ["upgrade"]]
    assert upgrades, "no Makefile recipe runs `alembic upgrade`"
    assert all(argv == MIGRATE_ARGV for argv in upgrades), upgrades
    assert effective_argv("migrate") == MIGRATE_ARGV


def test_api_serves_like_the_makefile() -> None:
    serves = [argv for argv in makefile_commands("python") if argv[1:3] == ["-m", "parley.server"]]
    assert serves, "no Makefile recipe runs `python -m parley.server`"
    assert all(argv == SERVE_ARGV for argv in serves), serves
    assert effective_argv("api") == SERVE_ARGV
    env = target_stage("api").last("ENV") or ""
    assert "API_HOST=0.0.0.0" in env, env


def test_migrate_and_api_share_one_image() -> None:
    assert build_of("migrate") == build_of("api")
    assert service("migrate").get("image") == service("api").get("image")


def test_api_port_agrees_everywhere() -> None:
    port = str(API_PORT_IN_CONTAINER)
    assert f"API_PORT={port}" in (target_stage("api").last("ENV") or "")
    assert str(service("api")["environment"]["API_PORT"]) == port
    assert container_ports("api") == {API_PORT_IN_CONTAINER}
    assert any("${API_PORT" in str(p) for p in service("api")["ports"]), "host port not overridable"
    assert port in (target_stage("api").last("EXPOSE") or "").split()


def test_web_starts_like_its_package_script() -> None:
    package = json.loads((REPO / "web" / "package.json").read_text())
    start = package["scripts"]["start"]
    # Our own server around Next (it vouches for the client address), in both places.
    assert "node server.mjs" in start
    image = effective_argv("web")
    assert image[:2] == ["node", "server.mjs"], image
    port = str(WEB_PORT_IN_CONTAINER)
    assert option_value(image, "-p", "--port") == port
    assert container_ports("web") == {WEB_PORT_IN_CONTAINER}
    assert any("${WEB_PORT" in str(p) for p in service("web")["ports"]), "host port not overridable"


# --- images --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["migrate", "api", "web"])
def test_dockerfiles_exist_and_copy_existing_files(name: str) -> None:
    dockerfile = dockerfile_of(name)
    assert dockerfile.is_file(), f"{dockerfile} is missing"
    context = REPO / str(build_of(name).get("context", "."))
    for stage in dockerfile_stages(dockerfile):
        for keyword, args in stage.instructions:
            if keyword not in {"COPY", "ADD"} or "--from=" in args:
                continue  # not a copy from the build context
            *sources, _destination = [p for p in shlex.split(args) if not p.startswith("--")]
            for source in sources:
                if any(c in source for c in "*?["):
                    continue  # a wildcard may match nothing (optional files such as .npmrc*)
                assert (context / source).exists(), f"{dockerfile}: COPY {source}: no such file"


@pytest.mark.parametrize("name", ["api", "web"])
def test_images_run_unprivileged(name: str) -> None:
    user = target_stage(name).last("USER")
    assert user, f"{dockerfile_of(name)} final stage runs as root"
    assert user.split(":")[0] not in {"root", "0"}


def test_web_graphql_url_is_a_build_arg() -> None:
    args = build_of("web").get("args") or {}
    if isinstance(args, list):
        args = dict(str(a).partition("=")[::2] for a in args)
    assert "/graphql" in str(args.get("NEXT_PUBLIC_GRAPHQL_URL", ""))
    # Declared in the stage that runs `next build`, before the build (it is inlined there).
    for stage in dockerfile_stages(dockerfile_of("web")):
        builds = [
            i
            for i, (kw, a) in enumerate(stage.instructions)
            if kw == "RUN" and re.search(r"\bbuild\b", a)
        ]
        if builds:
            declared = [
                i
                for i, (kw, a) in enumerate(stage.instructions)
                if kw == "ARG" and a.split("=")[0] == "NEXT_PUBLIC_GRAPHQL_URL"
            ]
            assert declared, "the build stage does not declare ARG NEXT_PUBLIC_GRAPHQL_URL"
            assert declared[0] < builds[0], "ARG NEXT_PUBLIC_GRAPHQL_URL comes after the build"
            return
    pytest.fail("no stage of the web Dockerfile runs a build")


# --- configuration -------------------------------------------------------------------------


def test_api_environment() -> None:
    env = service("api").get("environment")
    assert isinstance(env, dict)
    required = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "CORS_ORIGINS", "LOG_FORMAT"}
    ai = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "XAI_API_KEY"}
    ai |= {"OLLAMA_BASE_URL", "DEFAULT_AI_PROVIDER"}
    assert required | ai <= set(env)
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert str(env["REDIS_URL"]).startswith("redis://redis:6379/")
    assert env["LOG_FORMAT"] == "json"
    # No default secret: Compose refuses to start without one.
    assert str(env["SECRET_KEY"]).startswith("${SECRET_KEY:?")
    for name in ai:
        assert str(env[name]) == f"${{{name}:-}}", f"{name} should pass through from the host"


def test_migrate_points_at_the_same_database() -> None:
    env = service("migrate").get("environment")
    assert isinstance(env, dict)
    assert env["DATABASE_URL"] == service("api")["environment"]["DATABASE_URL"]


@pytest.mark.parametrize(
    "pattern", ["node_modules", ".venv", ".env", ".git", ".next", "__pycache__"]
)
def test_dockerignore_keeps_local_state_out(pattern: str) -> None:
    rules = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    excluded = [r for r in rules if fnmatch.fnmatch(pattern, r.removeprefix("**/").rstrip("/"))]
    assert excluded, f".dockerignore does not exclude {pattern}"
