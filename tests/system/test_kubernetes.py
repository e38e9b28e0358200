"""deploy/kubernetes cannot run here (no cluster): validate it against the Kubernetes schemas,
offline and strictly (kubernetes-validate bundles them), and check that it fits the project."""

import base64
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from balikpapan_kla import envcheck

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
# The oldest release the managed offerings still support, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30", "1.37")
# PostgreSQL's default max_connections, less room for the operator's psql, backups, monitoring.
POSTGRES_MAX_CONNECTIONS = 100
POSTGRES_HEADROOM = 20
# A kubelet probes the pod's address, not a name in ALLOWED_HOSTS.
POD_ADDRESS = "10.244.3.17"
# Inside a container, not on this machine: a read-only root filesystem needs it mounted.
CONTAINER_TMP = "/tmp"  # noqa: S108


def load(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def manifest_files() -> list[Path]:
    return sorted(path for path in KUBERNETES.glob("*.yaml") if path.name != "kustomization.yaml")


def is_example(path: Path) -> bool:
    return path.name.endswith(".example.yaml")


@pytest.fixture(scope="module")
def kustomization():
    return yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())


@pytest.fixture(scope="module")
def resources(kustomization):
    """Every object `kubectl apply -k` creates, by (kind, name)."""
    found = {}
    for name in kustomization["resources"]:
        for document in load(KUBERNETES / name):
            found[document["kind"], document["metadata"]["name"]] = document
    return found


@pytest.fixture(scope="module")
def config(resources):
    return resources["ConfigMap", "kla-config"]["data"]


@pytest.fixture(scope="module")
def example_secret():
    (secret,) = load(KUBERNETES / "secret.example.yaml")
    return secret


def workloads(resources) -> dict[str, dict]:
    """Pod specs by workload name: the Deployments and the Job."""
    return {
        name: document["spec"]["template"]["spec"]
        for (kind, name), document in resources.items()
        if kind in {"Deployment", "Job"}
    }


def app_containers(resources):
    """(workload, container) for every container, init containers included, running our image."""
    for workload, pod in workloads(resources).items():
        for container in pod.get("initContainers", []) + pod["containers"]:
            if container["image"] == "balikpapan-kla":
                yield workload, container


def container(pod: dict, name: str) -> dict:
    (found,) = [c for c in pod["containers"] if c["name"] == name]
    return found


def gunicorn_port() -> int:
    bind = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"]
    return int(bind.rsplit(":", 1)[1])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", manifest_files(), ids=lambda path: path.name)
def test_every_document_validates_strictly_against_the_kubernetes_schema(path, version):
    documents = load(path)

    assert documents, f"{path.name} holds no object"
    for document in documents:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(part) for part in error.path)
            pytest.fail(f"{path.name}: {document['kind']} {where}: {error.message} (Kubernetes {version})")
        except kubernetes_validate.SchemaNotFoundError as error:
            pytest.fail(f"{path.name}: {error.message}")


def test_the_kustomization_lists_exactly_the_files_present_but_the_examples(kustomization):
    listed = kustomization["resources"]
    present = {path.name for path in manifest_files() if not is_example(path)}

    assert len(listed) == len(set(listed)), "a file listed twice"
    assert set(listed) == present
    assert (KUBERNETES / "secret.example.yaml").is_file()


def test_no_secret_is_applied_and_the_base_names_no_namespace(resources):
    assert not [name for kind, name in resources if kind == "Secret"], "Secrets never live in git"
    for (kind, name), document in resources.items():
        assert "namespace" not in document["metadata"], f"{kind} {name}"


def test_the_example_secret_holds_only_placeholders_that_the_app_refuses(example_secret):
    assert example_secret["metadata"]["name"] == "kla-secrets"
    for key, value in example_secret["stringData"].items():
        assert "CHANGE-ME" in value, f"{key} looks like a real value"


def test_beat_is_a_single_instance_replaced_by_recreate(resources):
    beat = resources["Deployment", "kla-beat"]

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    assert "beat" in container(beat["spec"]["template"]["spec"], "beat")["command"]
    for (kind, _name), document in resources.items():
        if kind == "HorizontalPodAutoscaler":
            assert document["spec"]["scaleTargetRef"]["name"] != "kla-beat"


def test_web_is_probed_for_readiness_on_readyz_and_liveness_on_healthz(resources):
    web = container(resources["Deployment", "kla-web"]["spec"]["template"]["spec"], "web")
    ports = {port["name"]: port["containerPort"] for port in web["ports"]}

    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = web[probe]["httpGet"]
        assert get["path"] == path, probe
        assert ports.get(get["port"], get["port"]) == gunicorn_port(), probe


@pytest.mark.django_db
@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe"])
def test_the_app_answers_the_kubelets_probes_with_the_production_hosts(resources, config, client, settings, probe):
    """The kubelet asks by the pod's address (core.probes); any other page must still refuse it."""
    web = container(resources["Deployment", "kla-web"]["spec"]["template"]["spec"], "web")
    get = web[probe]["httpGet"]
    headers = {header["name"].lower(): header["value"] for header in get.get("httpHeaders", [])}
    host = headers.get("host", f"{POD_ADDRESS}:{gunicorn_port()}")
    settings.ALLOWED_HOSTS = [item.strip() for item in config["ALLOWED_HOSTS"].split(",")]
    settings.SECURE_SSL_REDIRECT = True

    answer = client.get(get["path"], HTTP_HOST=host)
    page = client.get("/", HTTP_HOST=host)

    assert answer.status_code == 200, answer.content
    assert page.status_code == 400


def test_every_variable_the_app_requires_in_production_comes_from_the_configmap_or_the_secret(
    resources, config, example_secret
):
    required = set(envcheck.REQUIRED_IN_PRODUCTION)
    provided = set(config) | set(example_secret["stringData"])

    assert "SECRET_KEY" in required and "DATABASE_URL" in required  # settings were read
    assert required <= provided, f"not provided: {sorted(required - provided)}"
    for workload, app in app_containers(resources):
        sources = app.get("envFrom", [])
        assert {"configMapRef": {"name": "kla-config"}} in sources, f"{workload}/{app['name']}"
        assert {"secretRef": {"name": "kla-secrets"}} in sources, f"{workload}/{app['name']}"


def test_secrets_come_only_from_the_secret(resources, config, example_secret):
    secret_keys = set(example_secret["stringData"])

    assert not secret_keys & set(config)
    for key, value in config.items():
        assert not re.search(r"://[^/@]*:[^/@]*@", value), f"{key} holds a password"
    for workload, app in app_containers(resources):
        for variable in app.get("env", []):
            assert variable["name"] not in secret_keys or "secretKeyRef" in variable.get("valueFrom", {}), workload


def test_the_production_settings_load_from_the_configmap_and_a_filled_in_secret(config, example_secret, tmp_path):
    filled = {
        "SECRET_KEY": "x8Tq-production-like-secret-for-the-test-only-Zr4mW9pLk2VbNc7",
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "RECEIPT_CODE_SECRET": "receipt-code-secret-for-the-test-only-0123456789",
        "CHILD_MATCH_SECRET": "child-match-secret-for-the-test-only-0123456789",
        "DATABASE_PASSWORD": "a/b%c@d#e",
        "REDIS_URL": "rediss://:password@redis.invalid:6380/0",
        "CACHE_REDIS_URL": "rediss://:password@redis.invalid:6380/1",
        "EMAIL_URL": "smtp+tls://kla:password@smtp.invalid:587",
        "ALERT_WEBHOOK_SECRET": "webhook-secret-for-the-test-only-0123456789",
    }
    assert set(example_secret["stringData"]) == set(filled), "give the test a valid value for each key"
    env = {"PATH": os.environ["PATH"], **config, **filled, "VAR_DIR": str(tmp_path)}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['PASSWORD'])"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "balikpapan_kla.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", filled["DATABASE_PASSWORD"]]


def test_every_variable_a_command_expands_is_set(resources, config):
    """The kubelet leaves an unknown $(NAME) in a command as it is."""
    for workload, pod in workloads(resources).items():
        for each in pod.get("initContainers", []) + pod["containers"]:
            defined = set(config) | {variable["name"] for variable in each.get("env", [])}
            for word in each.get("command", []) + each.get("args", []):
                for name in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", word):
                    assert name in defined, f"{workload}/{each['name']}: $({name})"


def test_every_pod_runs_as_non_root_without_privilege_escalation(resources):
    for workload, pod in workloads(resources).items():
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True, workload
        assert context.get("runAsUser") != 0, workload
        assert pod.get("automountServiceAccountToken") is False, workload
        for each in pod.get("initContainers", []) + pod["containers"]:
            own = each["securityContext"]
            assert own["allowPrivilegeEscalation"] is False, f"{workload}/{each['name']}"
            assert own["readOnlyRootFilesystem"] is True, f"{workload}/{each['name']}"
            assert own["capabilities"]["drop"] == ["ALL"], f"{workload}/{each['name']}"
            assert own.get("runAsUser") != 0 and own.get("runAsNonRoot") is not False, f"{workload}/{each['name']}"
            mounted = {mount["mountPath"] for mount in each.get("volumeMounts", [])}
            assert CONTAINER_TMP in mounted, f"{workload}/{each['name']}: a read-only root needs a writable /tmp"


def test_every_container_has_requests_and_limits(resources):
    for workload, pod in workloads(resources).items():
        for each in pod.get("initContainers", []) + pod["containers"]:
            for bound in ("requests", "limits"):
                assert set(each.get("resources", {}).get(bound, {})) >= {"cpu", "memory"}, (
                    f"{workload}/{each['name']}: {bound}"
                )


def test_the_autoscaler_scales_the_web_deployment(resources):
    (hpa,) = [document for (kind, _name), document in resources.items() if kind == "HorizontalPodAutoscaler"]
    web = resources["Deployment", "kla-web"]

    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kla-web"}
    assert "replicas" not in web["spec"], "the autoscaler owns the count; a fixed one fights it on every apply"
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


@pytest.mark.parametrize("deployment", ["kla-web", "kla-worker"])
def test_a_disruption_budget_selects_the_pods_and_leaves_room_to_drain(resources, deployment):
    pod_labels = resources["Deployment", deployment]["spec"]["template"]["metadata"]["labels"]
    budgets = [
        document
        for (kind, _name), document in resources.items()
        if kind == "PodDisruptionBudget" and document["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    ]
    hpa_min = {
        document["spec"]["scaleTargetRef"]["name"]: document["spec"]["minReplicas"]
        for (kind, _name), document in resources.items()
        if kind == "HorizontalPodAutoscaler"
    }
    fewest = hpa_min.get(deployment) or resources["Deployment", deployment]["spec"]["replicas"]

    (budget,) = budgets
    if "minAvailable" in budget["spec"]:
        assert budget["spec"]["minAvailable"] < fewest, "a drain could never evict one"
    else:
        assert budget["spec"]["maxUnavailable"] >= 1


def test_the_migration_job_runs_migrate_once_and_new_pods_wait_for_it(resources):
    job = resources["Job", "kla-migrate"]
    (migrate,) = job["spec"]["template"]["spec"]["containers"]

    assert migrate["command"][-3:] == ["manage.py", "migrate", "--noinput"]
    assert job["spec"].get("parallelism", 1) == 1 and job["spec"].get("completions", 1) == 1
    assert job["spec"]["template"]["spec"]["restartPolicy"] in {"Never", "OnFailure"}
    for name in ("kla-web", "kla-worker", "kla-beat"):
        waits = resources["Deployment", name]["spec"]["template"]["spec"].get("initContainers", [])
        assert any("manage.py migrate --check" in " ".join(each["command"]) for each in waits), name


def test_web_runs_the_images_command_and_worker_and_beat_run_our_celery_app(resources):
    image_command = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1)
    web = container(resources["Deployment", "kla-web"]["spec"]["template"]["spec"], "web")
    worker = container(resources["Deployment", "kla-worker"]["spec"]["template"]["spec"], "worker")
    beat = container(resources["Deployment", "kla-beat"]["spec"]["template"]["spec"], "beat")

    assert web["command"] == yaml.safe_load(image_command)
    assert (ROOT / web["command"][web["command"].index("--config") + 1]).is_file()
    for each, role in ((worker, "worker"), (beat, "beat")):
        assert each["command"][:4] == ["celery", "-A", "balikpapan_kla", role]
    assert "$(CELERY_CONCURRENCY)" in worker["command"]


def test_only_the_buffering_nginx_sidecar_is_reached_and_it_runs_the_composes_config(resources):
    """Slow clients meet nginx, never gunicorn (tests/system/test_slow_clients.py measures this config)."""
    template = resources["ConfigMap", "kla-nginx"]["data"]["default.conf.template"]
    pod = resources["Deployment", "kla-web"]["spec"]["template"]["spec"]
    nginx = container(pod, "nginx")
    env = {variable["name"]: variable["value"] for variable in nginx["env"]}
    nginx_ports = {port["name"]: port["containerPort"] for port in nginx["ports"]}
    service_ports = resources["Service", "kla-web"]["spec"]["ports"]
    memory = {volume["name"] for volume in pod["volumes"] if volume.get("emptyDir", {}).get("medium") == "Memory"}

    assert template == (ROOT / "deploy" / "nginx" / "kla.conf.template").read_text()
    assert env["KLA_UPSTREAM"] == f"127.0.0.1:{gunicorn_port()}"
    assert {nginx_ports.get(port["targetPort"], port["targetPort"]) for port in service_ports} == {
        int(env["KLA_LISTEN"])
    }
    # Request bodies wait in the unprivileged image's /tmp: in memory, never on a disk.
    (body_store,) = [mount["name"] for mount in nginx["volumeMounts"] if mount["mountPath"] == CONTAINER_TMP]
    assert body_store in memory


def test_uploads_are_on_one_shared_persistent_volume(resources, config):
    claim = resources["PersistentVolumeClaim", "kla-media"]

    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for name in ("kla-web", "kla-worker"):
        pod = resources["Deployment", name]["spec"]["template"]["spec"]
        claims = {
            volume["name"]
            for volume in pod["volumes"]
            if volume.get("persistentVolumeClaim", {}).get("claimName") == "kla-media"
        }
        app = pod["containers"][0]
        assert any(
            mount["mountPath"] == config["MEDIA_ROOT"] and mount["name"] in claims for mount in app["volumeMounts"]
        ), name


def test_the_shipped_sizes_fit_postgresqls_default_connections(resources, config):
    """Every gunicorn thread and every Celery process may keep a connection open (README)."""
    hpa = resources["HorizontalPodAutoscaler", "kla-web"]
    web_pods = hpa["spec"]["maxReplicas"]
    worker_pods = resources["Deployment", "kla-worker"]["spec"]["replicas"]
    beat_and_migrate = 2

    connections = (
        web_pods * int(config["GUNICORN_WORKERS"]) * int(config["GUNICORN_THREADS"])
        + worker_pods * (int(config["CELERY_CONCURRENCY"]) + 1)  # the worker's main process too
        + beat_and_migrate
    )

    assert connections <= POSTGRES_MAX_CONNECTIONS - POSTGRES_HEADROOM
