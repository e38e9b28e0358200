"""docker-compose.yml cannot run here (no Docker engine): check that it fits the project."""

import importlib.util
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

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
