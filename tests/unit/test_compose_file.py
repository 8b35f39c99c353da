"""docker-compose.yml, checked without a Docker engine: valid by the Compose Specification's own schema, and a
production default a trust's IT team can start as it is: PostgreSQL, two API servers behind a proxy, two projectors
(one on standby), health checks and restart policies everywhere, secrets only from files, no demo accounts; the demo
and Mailpit only when their profiles are asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from api.storage.settings import Settings
from tests.unit.compose import (
    PASSWORD_IN_URL,
    ROOT,
    compose,
    env_file,
    in_profile,
    interpolate,
    rule_errors,
    schema_errors,
)

TEXT = (ROOT / "docker-compose.yml").read_text()
LONG_RUNNING = ("db", "api", "projector", "proxy")


def test_the_compose_file_is_valid_by_the_compose_specifications_schema() -> None:
    assert schema_errors(compose()) == []


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        ("restart: unless-stopped", "restrat: unless-stopped"),
        ("condition: service_healthy", "condition: service_ready"),
        ("replicas: 2", "replicas: [2]"),
    ],
)
def test_a_copy_with_a_setting_compose_does_not_know_fails_the_schema(broken: str, error: str) -> None:
    assert broken in TEXT

    assert schema_errors(compose(TEXT.replace(broken, error, 1))) != []


def test_every_long_running_service_restarts_unless_stopped_and_has_a_health_check() -> None:
    services = compose()["services"]

    assert rule_errors(compose()) == []
    assert all(services[name]["restart"] == "unless-stopped" and services[name]["healthcheck"] for name in LONG_RUNNING)


def test_a_restart_policy_compose_does_not_know_passes_the_schema_but_not_our_rules() -> None:
    sometimes = compose(TEXT.replace("restart: unless-stopped", "restart: sometimes", 1))

    assert schema_errors(sometimes) == []
    assert rule_errors(sometimes) == [
        f"{name}: restart 'sometimes' is not a policy Compose knows" for name in ("api", "projector")
    ]


def test_the_default_profile_runs_no_demo_and_nothing_it_starts_waits_for_a_profiled_service() -> None:
    default = in_profile(compose(), None)

    assert set(default) == set(LONG_RUNNING)
    assert all("demo" not in service.get("command", []) for service in default.values())
    assert all(set(service.get("depends_on", {})) <= set(default) for service in default.values())


def test_the_demo_profile_loads_the_demo_once_after_postgres_is_healthy() -> None:
    demo = compose()["services"]["demo"]

    assert (demo["profiles"], demo["command"], demo["restart"]) == (["demo"], ["corral", "demo"], "no")
    assert demo["depends_on"]["db"]["condition"] == "service_healthy"
    assert demo["image"] == compose()["services"]["api"]["image"]


def test_two_api_servers_and_two_projectors_run_from_the_one_image_the_api_builds() -> None:
    services = compose()["services"]
    api, projector = services["api"], services["projector"]

    assert api["deploy"]["replicas"] == projector["deploy"]["replicas"] == 2
    assert (api["build"], api["image"], projector["image"]) == (".", "corral:latest", "corral:latest")
    assert "build" not in projector
    assert api["command"][:2] == ["corral", "serve"] and projector["command"][:2] == ["corral", "projector"]
    assert all(services[n]["depends_on"]["db"]["condition"] == "service_healthy" for n in ("api", "projector"))
    assert all("corral-state:/var/lib/corral" in services[n]["volumes"] for n in ("api", "projector", "demo"))


def test_metrics_are_scraped_inside_the_compose_network_and_never_served_through_the_proxy() -> None:
    services = compose()["services"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()

    assert "--metrics-port" in services["projector"]["command"] and "ports" not in services["projector"]
    assert "respond /metrics 404" in caddyfile


def test_only_the_proxy_publishes_the_api_and_its_config_is_mounted_read_only() -> None:
    services = compose()["services"]
    proxy = services["proxy"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()

    assert "ports" not in services["api"] and services["api"]["expose"] == ["8000"]
    assert proxy["ports"] == ["${CORRAL_HTTP_PORT:-8000}:8000"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "name api" in caddyfile and "port 8000" in caddyfile
    assert services["api"]["environment"]["FORWARDED_ALLOW_IPS"] == "*"


def test_the_api_is_healthy_when_ready_and_postgres_when_it_answers() -> None:
    services = compose()["services"]

    assert "http://127.0.0.1:8000/readyz" in " ".join(services["api"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


def test_no_secret_is_written_in_the_file_every_one_comes_from_a_secret_file() -> None:
    document = compose()
    environments = {name: service.get("environment", {}) for name, service in document["services"].items()}
    named = {value for env in environments.values() for key, value in env.items() if key.endswith("_FILE")}

    assert not PASSWORD_IN_URL.search(TEXT)
    assert not any(
        {"CORRAL_SECRET_KEY", "POSTGRES_PASSWORD", "CORRAL_DATABASE_PASSWORD"} & set(e) for e in environments.values()
    )
    assert named == {"/run/secrets/db_password", "/run/secrets/corral_secret_key"}
    assert set(document["secrets"]) == {"db_password", "corral_secret_key"}
    assert all(path.startswith("./secrets/") for path in (s["file"] for s in document["secrets"].values()))
    assert environments["db"]["POSTGRES_PASSWORD_FILE"] == environments["api"]["CORRAL_DATABASE_PASSWORD_FILE"]


def test_mailpit_runs_only_in_the_dev_profile_and_its_env_file_points_the_mail_at_it() -> None:
    services = compose()["services"]
    dev = env_file(ROOT / "deploy" / "dev.env")

    assert services["mailpit"]["profiles"] == ["dev"]
    assert [name for name, s in services.items() if "mailpit" in str(s)] == ["mailpit"]
    assert (dev["COMPOSE_PROFILES"], dev["CORRAL_SMTP_HOST"], dev["CORRAL_SMTP_PORT"]) == ("dev", "mailpit", "1025")


def settings_of(service: str, variables: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a service's container reads, its compose variables set as given and its secrets as files."""
    (tmp_path / "db_password").write_text("pa55:word\n")
    (tmp_path / "corral_secret_key").write_text("k" * 64 + "\n")
    environment = compose()["services"][service]["environment"]
    for name in [n for n in os.environ if n.startswith("CORRAL_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        value = interpolate(str(value), variables)
        monkeypatch.setenv(name, value.replace("/run/secrets", str(tmp_path)))
    return Settings()


def test_given_no_variables_the_api_reads_production_settings_from_its_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of("api", {}, tmp_path, monkeypatch)

    assert settings.database_url == "postgresql+psycopg2://corral:pa55%3Aword@db:5432/corral"
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == "k" * 64
    assert (settings.public_url, settings.allowed_origins) == ("http://localhost:8000", ["http://localhost:8000"])
    assert settings.secure_cookies is True and not settings.smtp_host


def test_given_a_public_url_the_allowed_origins_follow_it_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = {"CORRAL_PUBLIC_URL": "https://corral.example.nhs.uk"}
    both = {**public, "CORRAL_ALLOWED_ORIGINS": '["https://a.example", "https://b.example"]'}

    assert settings_of("projector", public, tmp_path, monkeypatch).allowed_origins == ["https://corral.example.nhs.uk"]
    assert settings_of("projector", both, tmp_path, monkeypatch).allowed_origins == [
        "https://a.example",
        "https://b.example",
    ]


def test_given_the_dev_env_file_the_projector_sends_mail_to_mailpit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of("projector", env_file(ROOT / "deploy" / "dev.env"), tmp_path, monkeypatch)

    assert (settings.smtp_host, settings.smtp_port, settings.secure_cookies) == ("mailpit", 1025, False)
    assert settings.mail_from == "Corral <corral@corral.localhost>"
