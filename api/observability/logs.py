"""Logs as operators read them: every stdlib `logging` call (Corral's own, uvicorn's error and access logs, the
libraries') goes through structlog's ProcessorFormatter and comes out as one JSON object a line on stderr, with
`timestamp` (ISO 8601, UTC), `level`, `logger`, `event` (the message), the fields given with `extra=`, an
`exception` with its traceback, and within a request its `request_id` (the X-Request-ID answered) and the `user`
and `organisation` acting. `CORRAL_LOG_FORMAT=console` gives readable lines for a developer instead.

One dictConfig does it, for every command and, handed to uvicorn, in each worker process it starts."""

from __future__ import annotations

import logging.config
import re
from collections.abc import Mapping, MutableMapping
from typing import Any, Literal

import structlog
from asgi_correlation_id import correlation_id

from domain.actors import Actor

LogFormat = Literal["json", "console"]
EventDict = MutableMapping[str, Any]
QUIET = ("weasyprint", "fontTools")  # libraries whose INFO lines tell an operator nothing (each step of a PDF)
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")  # a proxy's id kept as it comes (uuid, hex), else a new one made


def well_formed_request_id(offered: str) -> bool:
    """Whether an incoming X-Request-ID is kept: letters, digits, `.`, `_` and `-`, 8 to 128 of them."""
    return REQUEST_ID.fullmatch(offered) is not None


def bind_actor(actor: Actor) -> None:
    """Name the signed-in user and their organisation on every line logged for the rest of this request."""
    structlog.contextvars.bind_contextvars(user=actor.user_id, organisation=str(actor.organisation_id))


def _request_id(_: Any, __: str, event: EventDict) -> EventDict:
    """The request's id (asgi-correlation-id's), on each line logged inside a request."""
    current = correlation_id.get()
    if current:
        event.setdefault("request_id", current)
    return event


def _tidied(_: Any, __: str, event: EventDict) -> EventDict:
    """Copies of the message dropped, and uvicorn's access line as fields: client, method, path and status; the path
    without its query, which may carry a secret (a set-password link's token)."""
    event.pop("color_message", None)  # uvicorn's copy of the message for terminals
    event.pop("message", None)  # another handler's formatter's copy of the message (never an extra: logging forbids it)
    args = event.pop("positional_args", None)
    if event.get("logger") == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
        client, method, path, _version, status = args
        path = str(path).partition("?")[0]
        event.update(event=f"{method} {path} {status}", client=client, method=method, path=path, status=status)
    return event


def _pre_chain() -> list[Any]:
    """What every line gets before it is rendered, whether logged through stdlib logging or structlog."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _request_id,
        _tidied,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
    ]


def formatter(log_format: LogFormat = "json") -> structlog.stdlib.ProcessorFormatter:
    """The formatter of Corral's one log handler (dictConfig calls this by name, in uvicorn's workers too)."""
    rendered: list[Any]
    if log_format == "console":
        rendered = [structlog.dev.ConsoleRenderer(colors=False)]
    else:
        rendered = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *rendered],
        foreign_pre_chain=_pre_chain(),
        pass_foreign_args=True,
    )


def logging_config(log_format: LogFormat = "json") -> dict[str, Any]:
    """The dictConfig: one handler on stderr at INFO for the root logger; uvicorn's loggers pass their lines to it."""
    passed_on: Mapping[str, Any] = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"corral": {"()": f"{__name__}.formatter", "log_format": log_format}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "corral", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            **{name: {**passed_on, "level": "INFO"} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
            **{name: {**passed_on, "level": "WARNING"} for name in QUIET},
        },
    }


def configure(log_format: LogFormat = "json") -> None:
    """Send this process's logs, and structlog's, through the one handler."""
    logging.config.dictConfig(logging_config(log_format))
    structlog.configure(
        processors=[*_pre_chain(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
