"""docker-compose.yml cannot run here (no Docker engine): check that it fits the project."""

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from django.core.management import get_commands
from docker.utils.build import exclude_paths

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_declares_web_worker_beat_postgres_and_redis_with_health_checks(compose):
    services = compose["services"]

    for name in ("web", "worker", "beat", "db", "redis", "cache"):
        assert name in services, name
        assert "healthcheck" in services[name], f"{name} has no health check"
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("pgdata", "redisdata", "appdata"):
        assert name in compose["volumes"]


def test_every_command_it_runs_exists_in_the_project(compose):
    for name, service in compose["services"].items():
        if "build" not in service:
            continue
        command = service["command"]
        program = command[0]
        if program == "gunicorn":
            assert (ROOT / command[command.index("--config") + 1]).is_file()
            module = command[-1]
            assert importlib.util.find_spec(module) is not None, f"{name}: no module {module}"
        elif program == "celery":
            app = command[command.index("-A") + 1]
            assert (ROOT / app / "celery.py").is_file(), name
            assert command[command.index("-A") + 2] in {"worker", "beat"}
        elif program == "python":
            assert command[1] == "manage.py"
            assert command[2] in get_commands(), f"{name}: no management command {command[2]}"
        else:
            pytest.fail(f"{name}: unexpected program {program}")


def test_the_image_installs_what_the_services_run():
    dockerfile = (ROOT / "Dockerfile").read_text()
    requirements = (ROOT / "requirements.txt").read_text().lower()

    assert "requirements.txt" in dockerfile and "collectstatic" in dockerfile
    for package in ("gunicorn==", "celery[redis]==", "psycopg2-binary=="):
        assert package in requirements


def test_it_gets_every_production_secret_from_the_environment_not_the_file(compose):
    text = (ROOT / "docker-compose.yml").read_text()

    assert "SECRET_KEY" not in text and "FIELD_ENCRYPTION_KEYS" not in text
    assert compose["services"]["web"]["env_file"] == ".env"
    example = (ROOT / ".env.example").read_text()
    for variable in (
        "SECRET_KEY=",
        "FIELD_ENCRYPTION_KEYS=",
        "RECEIPT_CODE_SECRET=",
        "CHILD_MATCH_SECRET=",
        "ALLOWED_HOSTS=",
        "POSTGRES_PASSWORD=",
    ):
        assert variable in example


def test_the_rate_limit_cache_keeps_nothing_on_disk(compose):
    cache = compose["services"]["cache"]
    web = compose["services"]["web"]

    assert cache["command"][cache["command"].index("--appendonly") + 1] == "no"
    assert cache["command"][cache["command"].index("--save") + 1] == ""
    assert "volumes" not in cache
    assert compose["x-app"]["environment"]["CACHE_REDIS_URL"].startswith("redis://cache:")
    assert "cache" in web["depends_on"]


def test_only_the_buffering_proxy_is_published_with_the_config_the_tests_measure(compose):
    """Slow clients meet nginx, never gunicorn (tests/system/test_slow_clients.py runs this config)."""
    services = compose["services"]
    proxy = services["proxy"]

    assert "ports" not in services["web"]
    assert proxy["ports"] == ["127.0.0.1:8000:8080"] and proxy["environment"]["KLA_LISTEN"] == "8080"
    assert proxy["environment"]["KLA_UPSTREAM"] == "web:8000"
    (mount,) = proxy["volumes"]
    source, target, _mode = mount.split(":")
    assert (ROOT / source).resolve() == ROOT / "deploy" / "nginx" / "kla.conf.template"
    assert target.startswith("/etc/nginx/templates/") and target.endswith(".conf.template")
    assert any(path.startswith("/var/cache/nginx") for path in proxy["tmpfs"])  # bodies stay in memory


# --- issue 22: invariants an operator relies on ---------------------------------------------

APP_SERVICES = ("migrate", "web", "worker", "beat")
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()


def _example_variables() -> set[str]:
    """Variables .env.example sets or documents (`NAME=` or `# NAME=`)."""
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            names.add(match.group(1))
    return names


def _code(text: str) -> str:
    """The lines that are not comments."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _interpolation_default(value: str) -> int:
    return int(re.fullmatch(r"\$\{[A-Z_]+:-(\d+)\}", value).group(1))


def test_it_is_valid_by_the_compose_specification_schema(compose):
    schema = json.loads((ROOT / "tests" / "system" / "schemas" / "compose-spec.json").read_text())

    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=str)
    assert not errors, [error.message for error in errors]
    misspelt = {**compose, "services": {**compose["services"], "beat": {**compose["services"]["beat"], "replica": 1}}}
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        jsonschema.Draft7Validator(schema).validate(misspelt)


def test_healthchecks_ask_only_for_the_probes_answered_whatever_the_host(compose):
    from core.probes import PROBES

    for name in ("web", "proxy"):
        test = " ".join(compose["services"][name]["healthcheck"]["test"])
        (url,) = re.findall(r"https?://[^'\" ]+", test)
        assert urlsplit(url).path in PROBES, f"{name}: {url} would be refused for its Host"


def test_static_files_are_in_the_image_outside_every_mounted_volume(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    static_root = re.search(r"STATIC_ROOT=(\S+)", dockerfile).group(1)
    mounted = {
        mount.split(":")[1] if isinstance(mount, str) else mount["target"]
        for service in compose["services"].values()
        for mount in service.get("volumes", [])
    }

    assert PurePosixPath(static_root).is_absolute()
    assert "collectstatic" in dockerfile.split(f"STATIC_ROOT={static_root}", 1)[1]  # collected after it is set
    for target in mounted:
        assert not PurePosixPath(static_root).is_relative_to(target), f"{target} hides {static_root}"


def test_every_variable_the_app_requires_is_documented_and_passed(compose):
    from balikpapan_kla.envcheck import REQUIRED_IN_PRODUCTION

    documented = _example_variables()
    assert {"SECRET_KEY", "RECEIPT_CODE_SECRET", "CHILD_MATCH_SECRET", "EMAIL_URL"} <= set(REQUIRED_IN_PRODUCTION)
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env", name
        for variable in REQUIRED_IN_PRODUCTION:
            assert variable in service["environment"] or variable in documented, f"{name}: {variable}"
    for variable in re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", COMPOSE_TEXT):
        assert variable in documented, f"compose reads {variable}, .env.example does not say it"


def test_beat_runs_exactly_once(compose):
    beat = compose["services"]["beat"]

    assert beat["deploy"]["replicas"] == 1
    assert [name for name, service in compose["services"].items() if "beat" in service.get("command", [])] == ["beat"]


def test_every_service_rotates_its_logs_and_has_resource_limits(compose):
    for name, service in compose["services"].items():
        assert service["logging"]["driver"] == "json-file", name
        assert service["logging"]["options"]["max-size"] and service["logging"]["options"]["max-file"], name
        limits = service["deploy"]["resources"]["limits"]
        assert limits["memory"] and float(limits["cpus"]) > 0, name


def test_migrations_run_once_before_web_worker_and_beat(compose):
    services = compose["services"]

    assert services["migrate"]["command"][1:3] == ["manage.py", "migrate"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_sizes_come_from_the_environment_and_stay_under_postgres_connections(compose):
    gunicorn_conf = _code((ROOT / "gunicorn.conf.py").read_text())
    environment = compose["x-app"]["environment"]
    worker = compose["services"]["worker"]["command"]

    assert "cpu_count" not in gunicorn_conf and "multiprocessing" not in gunicorn_conf
    workers = _interpolation_default(environment["GUNICORN_WORKERS"])
    threads = _interpolation_default(environment["GUNICORN_THREADS"])
    concurrency = _interpolation_default(worker[worker.index("--concurrency") + 1])
    replicas = compose["services"]["web"].get("deploy", {}).get("replicas", 1)
    # Every gunicorn thread and Celery process keeps one connection; beat 1, migrate 1.
    connections = replicas * workers * threads + (concurrency + 1) + 1 + 1
    assert connections <= 100 - 3, connections  # max_connections minus superuser_reserved_connections


def test_gunicorn_trusts_forwarded_headers_only_from_the_proxy_network(compose):
    gunicorn_conf = (ROOT / "gunicorn.conf.py").read_text()
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]

    assert 'forwarded_allow_ips = "*"' not in gunicorn_conf
    assert compose["x-app"]["environment"]["FORWARDED_ALLOW_IPS"] == subnet
    assert _interpolation_default(compose["x-app"]["environment"]["TRUSTED_PROXY_COUNT"]) == 2  # TLS proxy, nginx
    nginx = (ROOT / "deploy" / "nginx" / "kla.conf.template").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx


def test_the_image_runs_as_a_user_that_is_not_root_and_bakes_no_secret():
    instructions = [
        line.split(None, 1)
        for line in re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text()).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    users = [index for index, (keyword, *_rest) in enumerate(instructions) if keyword == "USER"]
    runs = [index for index, (keyword, *_rest) in enumerate(instructions) if keyword == "RUN"]

    assert users, "no USER: the containers would run as root"
    assert instructions[users[-1]][1].strip() not in {"root", "0", "0:0"}
    assert users[-1] > max(runs)
    text = _code((ROOT / "Dockerfile").read_text())
    assert ".env" not in text.replace(".env.", "") and "--secret" not in text and "ARG " not in text


def _build_context(tmp_path) -> set[str]:
    """The files `docker build .` sends, from a clean clone plus what a working copy holds."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    shutil.copy(ROOT / ".dockerignore", clone / ".dockerignore")  # the working tree's, committed or not
    for name in (
        ".env",
        ".env.local",
        "var/postgres/PG_VERSION",  # the embedded PostgreSQL of `make run`
        "var/mail/1.eml",
        ".venv/bin/python",
        "tests/x.py",
        "core/__pycache__/x.pyc",
        "test-artifacts/shot.png",
        "node_modules/x/index.js",
    ):
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_text("local")
    patterns = [
        line.strip()
        for line in (clone / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return set(exclude_paths(str(clone), patterns))


def test_the_build_context_leaves_out_secrets_history_and_local_state(tmp_path):
    context = _build_context(tmp_path)

    for kept in ("manage.py", "requirements.txt", "gunicorn.conf.py", "balikpapan_kla/settings.py"):
        assert kept in context, kept
    for left_out in (".env", ".env.local", ".git", ".venv", "var", "test-artifacts", "node_modules", "tests"):
        assert not any(path == left_out or path.startswith(f"{left_out}/") for path in context), left_out
    assert not any("__pycache__" in path for path in context)
