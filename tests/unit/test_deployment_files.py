"""The files that run Corral elsewhere: compose, image and CI."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_postgres_has_a_health_check_that_the_other_services_wait_for() -> None:
    services = compose()["services"]

    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    for name in ("demo", "api", "projector"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_api_and_the_projector_run_from_the_one_image_the_dockerfile_builds() -> None:
    services = compose()["services"]

    assert services["demo"]["build"] == "."
    assert {services[n]["image"] for n in ("demo", "api", "projector")} == {"corral:latest"}
    assert services["api"]["command"][:2] == ["corral", "serve"]
    assert services["projector"]["command"] == ["corral", "projector"]
    assert all(
        services[n]["environment"]["CORRAL_DATABASE_URL"].startswith("postgresql+psycopg2://")
        for n in ("demo", "api", "projector")
    )


def test_the_projector_sends_mail_to_a_pinned_mailpit_whose_web_page_is_published() -> None:
    services = compose()["services"]
    mailpit = services["mailpit"]

    assert mailpit["image"].startswith("axllent/mailpit:v") and mailpit["image"] != "axllent/mailpit:latest"
    assert "8025:8025" in mailpit["ports"]
    assert services["projector"]["depends_on"]["mailpit"]["condition"] == "service_started"
    environment = services["projector"]["environment"]
    assert (environment["CORRAL_SMTP_HOST"], environment["CORRAL_SMTP_PORT"]) == ("mailpit", "1025")
    assert environment["CORRAL_PUBLIC_URL"].startswith("http")


def test_the_dockerfile_installs_the_project_and_every_package_it_copies_exists() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text().splitlines()
    copied = [line.split()[1] for line in dockerfile if line.startswith("COPY ")]

    assert any(line.startswith("RUN pip install") for line in dockerfile)
    assert all((ROOT / path).exists() for path in copied)


def test_ci_runs_make_test_with_postgres_required() -> None:
    script = (ROOT / ".ci" / "run").read_text()

    assert "CORRAL_REQUIRE_POSTGRES=1" in script and "make test" in script


def test_everything_the_image_writes_goes_to_a_volume_its_unprivileged_user_owns_not_the_read_only_code() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    state = "/var/lib/corral"
    written = ("CORRAL_ATTACHMENTS_DIR", "CORRAL_MAIL_DIR", "CORRAL_LOG_SIGNING_KEY_FILE", "CORRAL_DATABASE_URL")

    assert all(f"{name}=" in dockerfile for name in written)
    assert all(
        line.split("=", 1)[1].strip(" \\").count(state) == 1
        for line in dockerfile.splitlines()
        if line.strip().startswith(written)
    )
    assert f"install -d -o corral -g corral -m 0750 {state}" in dockerfile
    assert f"VOLUME {state}" in dockerfile
    assert dockerfile.index("USER corral") > dockerfile.index(f"VOLUME {state}")


def test_every_corral_process_shares_the_one_state_volume() -> None:
    services, volumes = compose()["services"], compose()["volumes"]
    corral = [s for s in services.values() if s.get("image") == "corral:latest"]

    assert len(corral) == 3 and all("corral-state:/var/lib/corral" in s["volumes"] for s in corral)
    assert "corral-state" in volumes
