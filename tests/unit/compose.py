"""docker-compose.yml read as Compose reads it, without an engine: the Compose Specification's schema (vendored in
tests/fixtures/compose-spec), the rules Corral's deployment keeps, and `${VAR:-default}` interpolation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "fixtures" / "compose-spec" / "compose-spec.json"
# The policies Compose knows; the schema itself takes any string (`restart: sometimes` passes it).
RESTART_POLICIES = re.compile(r"no|always|unless-stopped|on-failure(:\d+)?")
ONE_SHOT = "no"
# user:password@ in a URL: a password written into the file.
PASSWORD_IN_URL = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def compose(text: str | None = None) -> dict[str, Any]:
    """The compose file (or this text of one), parsed."""
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text() if text is None else text)
    assert isinstance(document, dict)
    return document


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Where the document breaks the Compose Specification's schema."""
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def rule_errors(document: dict[str, Any]) -> list[str]:
    """Where the document breaks Corral's rules for a long-running service: a restart policy Compose knows, kept up
    (`unless-stopped`), and a health check. One-shot services (`restart: "no"`) are left alone."""
    errors = []
    for name, service in document["services"].items():
        restart = str(service.get("restart", ""))
        if not RESTART_POLICIES.fullmatch(restart):
            errors.append(f"{name}: restart {restart!r} is not a policy Compose knows")
        elif restart != ONE_SHOT and restart != "unless-stopped":
            errors.append(f"{name}: a long-running service restarts unless stopped, not {restart!r}")
        if restart != ONE_SHOT and "healthcheck" not in service:
            errors.append(f"{name}: a long-running service has a health check")
    return errors


def in_profile(document: dict[str, Any], profile: str | None) -> dict[str, dict[str, Any]]:
    """The services `docker compose up` starts with this profile (None: the default, services with no profile)."""
    return {
        name: service
        for name, service in document["services"].items()
        if not service.get("profiles") or profile in service["profiles"]
    }


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's `${NAME}` and `${NAME:-default}` (defaults nested), as these variables would set them."""
    out, i = [], 0
    while i < len(text):
        if not text.startswith("${", i):
            out.append(text[i])
            i += 1
            continue
        depth, j = 1, i + 2
        while depth:
            if text.startswith("${", j):
                depth, j = depth + 1, j + 2
            else:
                depth, j = depth - (text[j] == "}"), j + 1
        body = re.fullmatch(r"([A-Za-z_]\w*)(?::-(.*))?", text[i + 2 : j - 1], re.DOTALL)
        assert body is not None, f"an interpolation these tests do not read: {text[i:j]}"
        out.append(variables.get(body[1]) or interpolate(body[2] or "", variables))
        i = j
    return "".join(out)


def env_file(path: Path) -> dict[str, str]:
    """The variables of an env file (KEY=value lines; # comments)."""
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)
