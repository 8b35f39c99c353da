"""How a log line reads: one JSON object for operators' tools, or one readable line for a developer
(`CORRAL_LOG_FORMAT=console`); and which incoming X-Request-IDs are kept as they come."""

from __future__ import annotations

import json
import logging

from api.observability.logs import formatter, well_formed_request_id


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("corral.sign_in", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_a_line_for_operators_is_one_json_object_with_the_time_level_logger_message_and_fields() -> None:
    line = formatter("json").format(record("sign-in failed for %s", "nina", username="nina", client="10.0.0.9"))

    parsed = json.loads(line)
    assert "\n" not in line
    assert (parsed["event"], parsed["level"], parsed["logger"]) == (
        "sign-in failed for nina",
        "warning",
        "corral.sign_in",
    )
    assert (parsed["username"], parsed["client"]) == ("nina", "10.0.0.9")
    assert parsed["timestamp"].endswith("Z") and "request_id" not in parsed  # outside any request


def test_a_line_for_a_developer_reads_as_text_with_its_fields() -> None:
    line = formatter("console").format(record("sign-in failed", username="nina"))

    assert "sign-in failed" in line and "username=nina" in line and "warning" in line
    assert not line.startswith("{")


def test_uvicorns_access_line_becomes_fields_without_the_query_which_may_carry_a_secret() -> None:
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.9:5000", "GET", "/set-password?username=nina&token=s3cret", "1.1", 200),
        None,
    )

    parsed = json.loads(formatter("json").format(access))

    assert (parsed["method"], parsed["path"], parsed["status"]) == ("GET", "/set-password", 200)
    assert "s3cret" not in json.dumps(parsed)


def test_a_proxys_request_id_is_kept_and_anything_else_is_replaced() -> None:
    kept = ["3f2b9c0e4d5a4b6c8e7f1a2b3c4d5e6f", "req-2026.12.04_0001", "a" * 128]
    replaced = ["", "short", "has space in it", "new\nline-injected", "a" * 129, 'quote"d-value']

    assert [well_formed_request_id(value) for value in kept] == [True] * len(kept)
    assert [well_formed_request_id(value) for value in replaced] == [False] * len(replaced)
