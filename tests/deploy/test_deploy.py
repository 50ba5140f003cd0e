"""deploy/: the settings template, the image, the Compose file and the systemd unit.

No Docker engine runs here, so the image is not built: the Dockerfile is read instead, the
Compose file is checked with `docker compose config` when the CLI plugin is installed (that
needs no engine), and the health check script is run against the real /healthz app.
"""

from __future__ import annotations

import asyncio
import configparser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

import conversations
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.i18n import LOCALES_DIR
from storage.database import Database, async_url
from storage.migrate import upgrade
from tests.harness import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / ".env.example"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = DEPLOY / "antq.service"
HEALTHCHECK = DEPLOY / "healthcheck.py"

# `ANTQ_NAME=value`, commented out (`# ANTQ_NAME=default`) or not.
SETTING_LINE = re.compile(r"^(?P<comment>#\s*)?(?P<name>ANTQ_[A-Z0-9_]+)=(?P<value>.*)$")


def env_example_settings() -> list[tuple[str, str, bool]]:
    """(name, value, commented out) of every ANTQ_ line of .env.example, in file order."""
    found = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = SETTING_LINE.match(line.strip())
        if match:
            found.append((match["name"], match["value"], match["comment"] is not None))
    return found


def env_name(field: str) -> str:
    return "ANTQ_" + field.upper()


def clean_environment(**overrides: str) -> dict[str, str]:
    """This process's environment without settings that would leak into a subprocess."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ANTQ_", "POSTGRES_"))
    }
    env.update(overrides)
    return env


# --- .env.example -------------------------------------------------------------------------


def test_env_example_lists_every_setting_exactly_once() -> None:
    listed = [name for name, _, _ in env_example_settings()]
    expected = sorted(env_name(field) for field in Settings.model_fields)
    assert sorted(listed) == expected


# Where the code names the settings it reads: the packages, and deploy/'s own files.
CODE = [
    *(
        path
        for package in ("bot", "conversations", "storage")
        for path in (ROOT / package).rglob("*.py")
    ),
    HEALTHCHECK,
    DOCKERFILE,
    COMPOSE,
    UNIT,
]
# A whole name (ANTQ_RETENTION_ alone is a prefix the code builds names from).
SETTING_NAME = re.compile(r"\bANTQ_[A-Z0-9_]*[A-Z0-9]\b")


def test_every_setting_the_code_names_is_a_setting_listed_in_env_example() -> None:
    named = {name for path in CODE for name in SETTING_NAME.findall(path.read_text("utf-8"))}
    listed = {name for name, _, _ in env_example_settings()}
    assert len(named) > 10, "no setting named in the code: has the check gone stale?"
    assert named <= listed, f"named in the code, not in .env.example: {sorted(named - listed)}"


def test_env_example_leaves_every_secret_empty() -> None:
    secrets = {
        env_name(field)
        for field, info in Settings.model_fields.items()
        if "SecretStr" in str(info.annotation)
    }
    assert secrets, "Settings declares no SecretStr field: has the check gone stale?"
    filled = {name: value for name, value, _ in env_example_settings() if name in secrets}
    assert filled == dict.fromkeys(secrets, "")


def test_env_example_shows_the_true_default_of_each_optional_setting() -> None:
    # A commented-out line documents the default; it must not drift from bot/settings.py.
    for name, value, commented in env_example_settings():
        if not commented:
            continue
        field = Settings.model_fields[name.removeprefix("ANTQ_").lower()]
        default = "" if field.default is None else str(field.default)
        assert value == default, f"{name}: .env.example says {value!r}, Settings says {default!r}"


def test_env_example_sets_nothing_but_what_an_operator_must_fill_in() -> None:
    # Uncommented lines are the ones to fill in; an empty value is not "unset" for the bot.
    uncommented = [value for _, value, commented in env_example_settings() if not commented]
    assert set(uncommented) == {""}


# --- Dockerfile ---------------------------------------------------------------------------


def dockerfile_stages() -> tuple[dict[str, str], list[list[tuple[str, str]]]]:
    """(global ARG defaults, instructions of each stage) of the Dockerfile."""
    lines = [
        line
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\s*\n", " ", "\n".join(lines))
    global_args: dict[str, str] = {}
    stages: list[list[tuple[str, str]]] = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        keyword, _, arguments = line.strip().partition(" ")
        instruction = (keyword.upper(), arguments.strip())
        if instruction[0] == "FROM":
            stages.append([])
        if not stages:
            if instruction[0] == "ARG":
                name, _, default = instruction[1].partition("=")
                global_args[name] = default
            continue
        stages[-1].append(instruction)
    return global_args, stages


def final_stage() -> list[tuple[str, str]]:
    return dockerfile_stages()[1][-1]


def test_image_is_based_on_python_311_slim() -> None:
    global_args, stages = dockerfile_stages()
    for stage in stages:
        image = stage[0][1].split()[0]
        resolved = re.sub(r"\$\{(\w+)\}", lambda match: global_args[match[1]], image)
        assert resolved == "python:3.11-slim"


def test_image_runs_as_a_non_root_user() -> None:
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]
    assert users, "the final stage has no USER: it would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_image_checks_its_health_with_the_healthcheck_script() -> None:
    stage = final_stage()
    checks = [arguments for keyword, arguments in stage if keyword == "HEALTHCHECK"]
    assert len(checks) == 1 and "NONE" not in checks[0].upper()
    command = json.loads(checks[0].split("CMD", 1)[1])
    copied = [arguments.split() for keyword, arguments in stage if keyword == "COPY"]
    assert [HEALTHCHECK.relative_to(ROOT).as_posix(), command[-1]] in copied


def test_image_starts_the_bot_server() -> None:
    stage = final_stage()
    entrypoint = [json.loads(arguments) for keyword, arguments in stage if keyword == "ENTRYPOINT"]
    command = [json.loads(arguments) for keyword, arguments in stage if keyword == "CMD"]
    assert entrypoint[-1] + command[-1] == ["antq", "run"]


def test_image_installs_the_package_with_everything_it_reads_at_run_time() -> None:
    _, stages = dockerfile_stages()
    instructions = [instruction for stage in stages for instruction in stage]
    sources = {arguments.split()[0] for keyword, arguments in instructions if keyword == "COPY"}
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for pattern in packages["packages"]["find"]["include"]:
        assert pattern.rstrip("*") in sources
    installs = [arguments for keyword, arguments in instructions if "pip install" in arguments]
    assert installs and all(re.search(r"pip install \.(\s|$)", line) for line in installs)


# --- locales in a non-editable install ----------------------------------------------------


def test_locales_are_installed_beside_the_packages_as_package_data() -> None:
    # conversations/i18n.py looks for locales/ next to the installed packages, so setuptools
    # must install it there (`pip install .` without this ships no catalogue at all).
    beside_the_packages = Path(conversations.__file__).resolve().parent.parent
    assert beside_the_packages / "locales" == LOCALES_DIR
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "locales*" in setuptools["packages"]["find"]["include"]
    locales = ROOT / "locales"
    shipped = {
        path for pattern in setuptools["package-data"]["locales"] for path in locales.glob(pattern)
    }
    assert shipped and shipped == set(locales.rglob("*.po"))


# --- the health check ---------------------------------------------------------------------


@contextmanager
def serving_healthz(database_url: str) -> Iterator[int]:
    """bot.web.app's app (only /healthz) served by uvicorn on a free loopback port; yields it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server: uvicorn.Server | None = None
    started = threading.Event()

    async def serve() -> None:
        nonlocal server
        database = Database(database_url)
        config = uvicorn.Config(build_web_app(database, []), log_level="error", lifespan="off")
        server = uvicorn.Server(config)
        started.set()
        try:
            await server.serve(sockets=[listener])
        finally:
            await database.dispose()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(PATIENCE)
    deadline = time.monotonic() + PATIENCE
    while server is not None and not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        assert server is not None
        server.should_exit = True
        thread.join(10)
        listener.close()


def run_healthcheck(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """deploy/healthcheck.py as Docker runs it, with these ANTQ_ settings and no .env file."""
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK)],
        env=clean_environment(**settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


WEBHOOK_MODE = {
    "ANTQ_WEBHOOK_BASE_URL": "https://bot.example.org",
    "ANTQ_WEBHOOK_SECRET": "s3cret-token",
    "ANTQ_WEB_HOST": "0.0.0.0",
}


def test_healthcheck_passes_when_the_database_answers_with_the_current_schema(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'antq.sqlite3'}"
    upgrade(url)
    with serving_healthz(url) as port:
        result = run_healthcheck(tmp_path, **WEBHOOK_MODE, ANTQ_WEB_PORT=str(port))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"http://127.0.0.1:{port}/healthz: 200" in result.stdout


def test_healthcheck_fails_on_a_database_that_answers_but_was_never_migrated(
    tmp_path: Path,
) -> None:
    """A re-created, empty database answers every ping while every message would fail."""
    with serving_healthz(f"sqlite+aiosqlite:///{tmp_path / 'antq.sqlite3'}") as port:
        result = run_healthcheck(tmp_path, **WEBHOOK_MODE, ANTQ_WEB_PORT=str(port))
    assert result.returncode == 1
    assert "503" in result.stdout


def test_healthcheck_fails_when_the_database_does_not_answer(tmp_path: Path) -> None:
    unreachable = "postgresql://antq:antq@127.0.0.1:1/antq"  # nothing listens on port 1
    with serving_healthz(unreachable) as port:
        result = run_healthcheck(tmp_path, **WEBHOOK_MODE, ANTQ_WEB_PORT=str(port))
    assert result.returncode == 1
    assert "503" in result.stdout


def test_healthcheck_fails_when_the_server_is_down(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run_healthcheck(tmp_path, **WEBHOOK_MODE, ANTQ_WEB_PORT=str(port))
    assert result.returncode == 1


def test_healthcheck_passes_in_polling_mode_where_no_server_runs(tmp_path: Path) -> None:
    result = run_healthcheck(tmp_path)
    assert result.returncode == 0
    assert "polling mode" in result.stdout


# --- compose.yaml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docker_compose() -> list[str]:
    """The `docker compose` command; skips when the CLI or its Compose plugin is missing."""
    if shutil.which("docker") is None:
        pytest.skip("the docker CLI is not installed: compose.yaml not validated")
    version = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, timeout=60
    )
    if version.returncode != 0:
        pytest.skip(
            "the docker compose plugin is not installed: compose.yaml not validated "
            f"({(version.stderr or version.stdout).strip().splitlines()[0]})"
        )
    return ["docker", "compose"]


def compose_config(docker_compose: list[str], compose_file: Path) -> dict:
    result = subprocess.run(
        [*docker_compose, "-f", str(compose_file), "config", "--format", "json"],
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_file_validates_on_a_fresh_checkout(docker_compose: list[str]) -> None:
    config = compose_config(docker_compose, COMPOSE)
    assert set(config["services"]) == {"bot", "db"}


@pytest.fixture
def filled_in_deployment(tmp_path: Path) -> Path:
    """A copy of deploy/ whose .env was made from .env.example the way README.md says."""
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copy(COMPOSE, deploy / "compose.yaml")
    filled = {
        "POSTGRES_PASSWORD": "pw-from-env",
        "ANTQ_SECRET_KEY": "a-key=",
        "ANTQ_TELEGRAM_TOKEN": "123:token",
        "ANTQ_WEBHOOK_BASE_URL": "https://bot.example.org",
        "ANTQ_WEBHOOK_SECRET": "webhook-secret",
    }
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for name, value in filled.items():
        lines = [f"{name}={value}" if line == f"{name}=" else line for line in lines]
    (deploy / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return deploy / "compose.yaml"


def test_compose_bot_reads_its_settings_from_the_env_file(
    docker_compose: list[str], filled_in_deployment: Path
) -> None:
    bot = compose_config(docker_compose, filled_in_deployment)["services"]["bot"]
    environment = bot["environment"]
    assert environment["ANTQ_TELEGRAM_TOKEN"] == "123:token"
    assert environment["ANTQ_WEBHOOK_SECRET"] == "webhook-secret"
    assert "ANTQ_ZALO_TOKEN" not in environment  # commented out: the channel stays off
    # The host's proxy arrives from the project network's gateway, a private address.
    assert environment["ANTQ_TRUSTED_PROXIES"] == "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
    url = environment["ANTQ_DATABASE_URL"]
    assert url == "postgresql+asyncpg://antq:pw-from-env@db:5432/antq"
    assert async_url(url) == url


def test_compose_bot_waits_for_a_healthy_database(
    docker_compose: list[str], filled_in_deployment: Path
) -> None:
    config = compose_config(docker_compose, filled_in_deployment)
    bot, db = config["services"]["bot"], config["services"]["db"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert db["image"].startswith("postgres:16")
    assert db["environment"]["POSTGRES_PASSWORD"] == "pw-from-env"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert {volume["source"] for volume in db["volumes"]} <= set(config["volumes"])
    assert bot["restart"] == db["restart"] == "unless-stopped"
    assert [port["target"] for port in bot["ports"]] == [8080]


# --- the systemd unit ---------------------------------------------------------------------

INSTANCES = DEPLOY / "antq@.service.d" / "instance.conf"


def read_unit() -> configparser.ConfigParser:
    # strict=False: systemd allows a key more than once (SystemCallFilter=); the last one wins
    # here, which is enough for the checks below.
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read_string(UNIT.read_text(encoding="utf-8"))
    return unit


def test_systemd_unit_runs_the_bot_as_a_dedicated_user_with_its_settings_file() -> None:
    service = read_unit()["Service"]
    assert service["User"] not in {"root", "0"}
    assert service["EnvironmentFile"] == "/etc/antq/antq.env"
    executable, *arguments = service["ExecStart"].split()
    assert executable.startswith("/") and executable.endswith("/antq")
    assert arguments == ["run"]
    assert service["Restart"] == "on-failure"
    assert "ExecStartPre" not in service  # `antq run` migrates by itself


def test_systemd_unit_is_confined_to_its_working_directory() -> None:
    unit = read_unit()
    service = unit["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["WorkingDirectory"] in service["ReadWritePaths"].split()
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def installed_unit(folder: Path, name: str) -> Path:
    """deploy/antq.service copied to ``folder`` as ``name``, as the README installs it, with
    this checkout's `antq` for /opt/antq/bin/antq (verify insists that ExecStart exists)."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed: the unit was only parsed")
    antq = shutil.which("antq", path=str(Path(sys.executable).parent)) or shutil.which("antq")
    if antq is None:
        pytest.skip("no `antq` executable to stand in for /opt/antq/bin/antq")
    text = UNIT.read_text(encoding="utf-8")
    assert "ExecStart=/opt/antq/bin/antq " in text
    unit = folder / name
    unit.write_text(text.replace("ExecStart=/opt/antq/bin/antq ", f"ExecStart={antq} "))
    return unit


@pytest.mark.parametrize("name", ["antq.service", "antq@.service"])
def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path, name: str) -> None:
    unit = installed_unit(tmp_path, name)
    if "@" in name:  # a template, with its drop-in, verified as the instance antq@8081
        shutil.copytree(DEPLOY / "antq@.service.d", tmp_path / "antq@.service.d")
        unit = tmp_path / "antq@8081.service"
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    # verify exits 0 on unknown keys and bad values too; it only prints them.
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), (
        result.stdout + result.stderr
    )


def test_the_two_instances_are_the_ports_nginx_shares_the_requests_between() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    started = re.findall(r"systemctl enable --now antq@(\d+)", readme)
    upstreams = re.findall(
        r"server 127\.0\.0\.1:(\d+) ", (DEPLOY / "nginx" / "antq.conf").read_text()
    )
    assert started == upstreams and len(started) == 2
    drop_in = configparser.ConfigParser(interpolation=None)
    drop_in.optionxform = str  # type: ignore[assignment,method-assign]
    drop_in.read_string(INSTANCES.read_text(encoding="utf-8"))
    settings = dict(item.split("=", 1) for item in drop_in["Service"]["Environment"].split())
    assert settings == {
        "ANTQ_WEB_HOST": "127.0.0.1",
        "ANTQ_WEB_PORT": "%i",
        "ANTQ_WORKER_ID": "antq-%i",
    }
