"""Static checks of the container setup: compose.yaml, docker/*.Dockerfile and .dockerignore.

No Docker engine is needed: compose.yaml is validated against the Compose specification's
JSON schema (bundled with check-jsonschema, so offline), then read as YAML to check what the
schema cannot: health checks, start order, persistent volumes, and that the containers run
the same commands as the Makefile (`make migrate`, `make serve`), and the load balancer in front
of the API replicas (docker/nginx/api-balancer.conf, read as text: no nginx here either).

PARLEY_REPO_ROOT points the checks at another checkout (used to prove they can fail).
"""

from __future__ import annotations

import fnmatch
import ipaddress
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

from parley.client_ip import client_ip, parse_networks

REPO = Path(os.environ.get("PARLEY_REPO_ROOT", Path(__file__).resolve().parents[2]))
COMPOSE_FILE = REPO / "compose.yaml"
MAKEFILE = REPO / "Makefile"

# The essential argv shared by the Makefile and the images.
MIGRATE_ARGV = ["alembic", "upgrade", "head"]
SERVE_ARGV = ["python", "-m", "parley.server"]

API_PORT_IN_CONTAINER = 8000
WEB_PORT_IN_CONTAINER = 3000
API_REPLICAS = ("api-1", "api-2")
SERVICES = {"postgres", "redis", "cache", "migrate", *API_REPLICAS, "balancer", "web", "prometheus"}
# Services only started with `--profile NAME`.
PROFILED = {"prometheus": "metrics"}
PROMETHEUS_CONF = REPO / "docker" / "prometheus" / "prometheus.yml"
BALANCER_CONF = REPO / "docker" / "nginx" / "api-balancer.conf"


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
        *((api, f"127.0.0.1:{API_PORT_IN_CONTAINER}/health_check") for api in API_REPLICAS),
        # Through the balancer to a replica.
        ("balancer", f"127.0.0.1:{API_PORT_IN_CONTAINER}/health_check"),
        ("web", f"127.0.0.1:{WEB_PORT_IN_CONTAINER}/"),
    ],
)
def test_healthchecks(name: str, probe: str) -> None:
    assert probe in healthcheck_text(name)


@pytest.mark.parametrize(
    ("name", "dependency", "condition"),
    [
        ("migrate", "postgres", "service_healthy"),
        *(
            (api, dependency, condition)
            for api in API_REPLICAS
            for dependency, condition in [
                ("postgres", "service_healthy"),
                ("redis", "service_healthy"),
                ("cache", "service_healthy"),
                ("migrate", "service_completed_successfully"),
            ]
        ),
        *(("balancer", api, "service_healthy") for api in API_REPLICAS),
        ("web", "balancer", "service_healthy"),
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
    for api in API_REPLICAS:
        env = service(api)["environment"]
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


@pytest.mark.parametrize("api", API_REPLICAS)
def test_api_serves_like_the_makefile(api: str) -> None:
    serves = [argv for argv in makefile_commands("python") if argv[1:3] == ["-m", "parley.server"]]
    assert serves, "no Makefile recipe runs `python -m parley.server`"
    assert all(argv == SERVE_ARGV for argv in serves), serves
    assert effective_argv(api) == SERVE_ARGV
    env = target_stage(api).last("ENV") or ""
    assert "API_HOST=0.0.0.0" in env, env


@pytest.mark.parametrize("api", API_REPLICAS)
def test_migrate_and_api_share_one_image(api: str) -> None:
    assert build_of("migrate") == build_of(api)
    assert service("migrate").get("image") == service(api).get("image")


@pytest.mark.parametrize("api", API_REPLICAS)
def test_api_port_agrees_everywhere(api: str) -> None:
    port = str(API_PORT_IN_CONTAINER)
    assert f"API_PORT={port}" in (target_stage(api).last("ENV") or "")
    assert str(service(api)["environment"]["API_PORT"]) == port
    assert port in (target_stage(api).last("EXPOSE") or "").split()
    # Only the balancer is published: a replica reached directly would skip it.
    assert not service(api).get("ports"), f"`{api}` publishes a host port"
    assert container_ports("balancer") == {API_PORT_IN_CONTAINER}
    published = service("balancer")["ports"]
    assert any("${API_PORT" in str(p) for p in published), "host port not overridable"


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


@pytest.mark.parametrize("name", ["migrate", *API_REPLICAS, "web"])
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


@pytest.mark.parametrize("name", [*API_REPLICAS, "web"])
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


@pytest.mark.parametrize("api", API_REPLICAS)
def test_api_environment(api: str) -> None:
    env = service(api).get("environment")
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
    for api in API_REPLICAS:
        assert env["DATABASE_URL"] == service(api)["environment"]["DATABASE_URL"]


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


# --- scale-out: replicas behind a balancer ---------------------------------------------------


def _without_address(svc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in svc.items() if k != "networks"}


def fixed_address(name: str) -> ipaddress.IPv4Address:
    networks = service(name).get("networks") or {}
    address = (networks.get("default") or {}).get("ipv4_address")
    assert address, f"`{name}` has no fixed address on the default network"
    return ipaddress.IPv4Address(address)


def test_api_replicas_are_one_service_twice() -> None:
    first, *others = (service(api) for api in API_REPLICAS)
    assert len(API_REPLICAS) >= 2
    for other in others:
        assert _without_address(other) == _without_address(first)


def test_fixed_addresses_are_distinct_and_inside_the_network() -> None:
    [subnet] = [c["subnet"] for c in compose()["networks"]["default"]["ipam"]["config"]]
    network = ipaddress.ip_network(subnet)
    names = [*API_REPLICAS, "balancer", "web"]
    addresses = [fixed_address(name) for name in names]
    assert len(set(addresses)) == len(names), dict(zip(names, addresses, strict=True))
    for name, address in zip(names, addresses, strict=True):
        assert address in network, f"`{name}` at {address} is outside {network}"


@pytest.mark.parametrize("api", API_REPLICAS)
def test_api_believes_exactly_the_balancer_and_the_web_server(api: str) -> None:
    value = str(service(api)["environment"]["TRUSTED_PROXIES"])
    default = re.fullmatch(r"\$\{TRUSTED_PROXIES:-(.+)\}", value)
    assert default, f"TRUSTED_PROXIES should default to the proxies' addresses: {value}"
    trusted = parse_networks(default.group(1))
    balancer, web = str(fixed_address("balancer")), str(fixed_address("web"))
    # A sign-in: browser -> web server (which sets the address it saw) -> balancer (which
    # appends the web server's) -> API. A client-sent value sits further left and loses.
    assert client_ip(balancer, f"10.9.9.9, 203.0.113.7, {web}", trusted) == "203.0.113.7"
    # A browser's own request: browser -> balancer -> API.
    assert client_ip(balancer, "10.9.9.9, 198.51.100.4", trusted) == "198.51.100.4"
    # Nobody else is believed, replicas included.
    for name in API_REPLICAS:
        peer = str(fixed_address(name))
        assert client_ip(peer, "203.0.113.7", trusted) == peer


def test_web_talks_to_the_balancer() -> None:
    env = service("web")["environment"]
    assert env["GRAPHQL_INTERNAL_URL"] == f"http://balancer:{API_PORT_IN_CONTAINER}/graphql"
    args = build_of("web").get("args") or {}
    browser_url = str(args.get("NEXT_PUBLIC_GRAPHQL_URL", ""))
    # The browser reaches the host port the balancer publishes.
    [published] = [str(p) for p in service("balancer")["ports"]]
    host_port = published.rsplit(":", 1)[0]
    assert f"localhost:{host_port}/graphql" in browser_url, (browser_url, published)


def test_balancer_is_a_standard_image_with_our_config() -> None:
    balancer = service("balancer")
    image = str(balancer.get("image", ""))
    assert image.startswith("nginx:"), image
    assert image.split(":", 1)[1] not in {"", "latest"}, "pin the balancer's image"
    assert "build" not in balancer
    mounts = [str(m) for m in balancer.get("volumes", [])]
    conf_mounts = [m for m in mounts if m.split(":")[1].startswith("/etc/nginx/conf.d/")]
    assert conf_mounts, mounts
    source = conf_mounts[0].split(":")[0]
    assert (REPO / source).resolve() == BALANCER_CONF.resolve(), source
    assert conf_mounts[0].endswith(":ro"), "mount the configuration read-only"


@cache
def nginx_conf() -> str:
    """The balancer's configuration without comments."""
    return "\n".join(line.split("#", 1)[0] for line in BALANCER_CONF.read_text().splitlines())


def nginx_block(header: str) -> str:
    """The body of the first `header { ... }` block (nested braces included)."""
    text = nginx_conf()
    match = re.search(re.escape(header) + r"\s*\{", text)
    assert match, f"{BALANCER_CONF.name} has no `{header}` block"
    depth, start = 1, match.end()
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i]
    pytest.fail(f"`{header}` block is not closed")


def directives(block: str, name: str) -> list[list[str]]:
    """Arguments of each `name ...;` directive in a block, in order."""
    pattern = rf"(?:^|[;{{}}\s]){name}(?:\s+([^;]*))?\s*;"
    return [(m.group(1) or "").split() for m in re.finditer(pattern, block)]


def seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value)
    assert match, f"not an nginx time: {value}"
    return int(match.group(1)) * units[match.group(2) or "s"]


def test_balancer_spreads_over_every_replica_without_stickiness() -> None:
    [[upstream]] = [m.group(1).split() for m in re.finditer(r"upstream\s+(\S+)\s*\{", nginx_conf())]
    servers = {args[0] for args in directives(nginx_block(f"upstream {upstream}"), "server")}
    assert servers == {f"{api}:{API_PORT_IN_CONTAINER}" for api in API_REPLICAS}
    # Any replica serves any request or socket: nothing pins a client to one.
    for sticky in ("ip_hash", "hash", "sticky"):
        assert not directives(nginx_conf(), sticky), f"the balancer uses `{sticky}`"
    location = nginx_block("location /")
    assert directives(location, "proxy_pass") == [[f"http://{upstream}"]]
    assert [str(API_PORT_IN_CONTAINER)] in directives(nginx_block("server"), "listen")


def test_balancer_passes_websockets_and_keeps_idle_ones() -> None:
    location = nginx_block("location /")
    assert directives(location, "proxy_http_version") == [["1.1"]]
    headers = {args[0].lower(): args[1:] for args in directives(location, "proxy_set_header")}
    assert headers["upgrade"] == ["$http_upgrade"]
    [connection] = headers["connection"]
    if connection.startswith("$"):
        # A map from $http_upgrade: "upgrade" for a handshake.
        mapping = nginx_block(f"map $http_upgrade {connection}")
        assert re.search(r"default\s+upgrade\s*;", mapping), mapping
    else:
        assert connection.strip("\"'").lower() == "upgrade"
    # An idle subscription may be silent for long: at least an hour before nginx drops it.
    [[read_timeout]] = directives(location, "proxy_read_timeout")
    assert seconds(read_timeout) >= 3600
    # Streamed answers go out as written.
    assert directives(location, "proxy_buffering") == [["off"]]


def test_balancer_appends_the_address_it_saw() -> None:
    headers = {
        args[0].lower(): args[1:]
        for args in directives(nginx_block("location /"), "proxy_set_header")
    }
    # Appended, not replaced: the web server's hop must survive for the API to skip it.
    assert headers["x-forwarded-for"] == ["$proxy_add_x_forwarded_for"]


def _default_of(value: object) -> str:
    match = re.fullmatch(r"\$\{[A-Z_]+:-(.*)\}", str(value))
    return match.group(1) if match else str(value)


@pytest.mark.parametrize("api", API_REPLICAS)
def test_replicas_get_their_grace_period_before_sigkill(api: str) -> None:
    env = service(api)["environment"]
    grace = int(_default_of(env["SHUTDOWN_GRACE_SECONDS"]))
    stop = str(service(api).get("stop_grace_period", "10s"))  # Docker's default
    assert seconds(stop) > grace, f"`{api}` is killed {stop} after SIGTERM, before its {grace}s"
    assert int(_default_of(env["API_WORKERS"])) >= 1


# --- metrics -------------------------------------------------------------------------------


def test_only_prometheus_waits_for_a_profile() -> None:
    for name, svc in compose()["services"].items():
        expected = [PROFILED[name]] if name in PROFILED else None
        assert svc.get("profiles") == expected, name


def test_prometheus_scrapes_every_replica_directly() -> None:
    prometheus = service("prometheus")
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in prometheus["volumes"]}
    source = mounts["/etc/prometheus/prometheus.yml"]
    assert (REPO / source).resolve() == PROMETHEUS_CONF.resolve(), source
    config = YAML(typ="safe", pure=True).load(PROMETHEUS_CONF.read_text())
    [job] = config["scrape_configs"]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    targets = {t for static in job["static_configs"] for t in static["targets"]}
    assert targets == {f"{api}:{API_PORT_IN_CONTAINER}" for api in API_REPLICAS}
    # Published for the operator's own machine only.
    assert all(str(p).startswith("127.0.0.1:") for p in prometheus["ports"])


@pytest.mark.parametrize("api", API_REPLICAS)
def test_metrics_let_prometheus_in_and_no_client_of_the_balancer(api: str) -> None:
    env = service(api)["environment"]
    allowed = parse_networks(_default_of(env["METRICS_ALLOW"]))
    trusted = parse_networks(_default_of(env["TRUSTED_PROXIES"]))

    def admitted(peer: str, forwarded: str | None = None) -> bool:
        ip = ipaddress.ip_address(client_ip(peer, forwarded, trusted))
        return any(ip in network for network in allowed)

    assert admitted(str(fixed_address("prometheus")))
    # A public client through the balancer or the web server is judged by its own address,
    # even when it claims to be Prometheus.
    for proxy in ("balancer", "web"):
        assert not admitted(str(fixed_address(proxy)), "203.0.113.7")
        assert not admitted(str(fixed_address(proxy)), "172.28.0.30, 203.0.113.7")
    assert str(env["METRICS_TOKEN"]) == "${METRICS_TOKEN:-}"


def test_balancer_does_not_serve_metrics() -> None:
    assert directives(nginx_block("location = /metrics"), "return") == [["404"]]
