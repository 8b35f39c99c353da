"""The files that run Corral elsewhere: the image and CI (the compose file: test_compose_file.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
