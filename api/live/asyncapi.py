"""The websocket at /api/v1/live as an AsyncAPI 3.0 document, served at /asyncapi.json beside /openapi.json.

It is built from the live package's own definitions (the topic kinds of topics.py, the close codes of sockets.py,
the limits of limits.py), so a topic or close code added there is described here; tests/unit/test_asyncapi.py checks
that every message type the package sends or reads is in it, and that the document is valid AsyncAPI 3.0.0.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse

from api.http.routing import API, root_router
from api.http.session import COOKIE
from api.live import sockets
from api.live.limits import LiveLimits
from api.live.topics import KINDS

router = root_router()
ADDRESS = f"{API}/live"

WHO_FOLLOWS = {
    "progress": "the commissioner, the auditor and the programme's providers: every change on the schemes you may "
    "see; to providers, what happened and to whom, never evidence or reasons",
    "dashboard": "that provider's staff: your own changes in full; your schemes' shared ones as progress only",
    "board": "the scheme's lead and the commissioner: the scheme-quarter's changes, in full",
    "audit": "the commissioner and the auditor: every change, with who did it and why",
    "inbox": "that user only: the update says only that the inbox changed",
}
CLOSE_CODES = {
    sockets.IDLE: "no topic followed for a while: an idle connection is closed",
    sockets.GONE: "the server is going away, or the connection failed: reconnect and resume",
    sockets.SESSION_ENDED: "the identity the socket was opened with is no longer valid (signed out, disabled, "
    "password changed, session expired); the reason says which",
    sockets.TOO_BIG: "a message to the server was larger than the limit",
    sockets.TOO_SLOW: "too slow to keep up (the backlog filled), or access could not be checked again: reconnect "
    "and resume from the last position seen",
}
HANDSHAKE_REFUSALS = {
    401: "no valid bearer token or session cookie",
    403: "a browser page's Origin is not allowed, or a session cookie came without an Origin",
    429: "the account already holds as many live sockets on this server process as it may",
}

POSITION = {"type": "integer", "minimum": 0, "description": "a position in the event log"}
TOPIC = {
    "type": "string",
    "pattern": "^(" + "|".join(KINDS) + "):",
    "description": "one of " + ", ".join(f"`{pattern}`" for pattern in KINDS.values()),
    "examples": list(KINDS.values()),
}
REASON = {"type": "string", "description": "why, as a sentence"}
OPTIONAL_TEXT = {"type": ["string", "null"]}
CHANGE = {
    "type": "object",
    "description": "what happened; empty on an inbox topic. `actor`, `description` and `reason` only where the "
    "follower may read them in full",
    "properties": {
        "event": {"type": "string", "description": "the event's name, e.g. `EvidenceReturnedByLead`"},
        "aggregate": {"type": "string"},
        "aggregate_id": {"type": "string"},
        "version": {"type": "integer"},
        "programme_id": OPTIONAL_TEXT,
        "scheme_id": OPTIONAL_TEXT,
        "provider_id": OPTIONAL_TEXT,
        "quarter": OPTIONAL_TEXT,
        "organisation": OPTIONAL_TEXT,
        "occurred_at": {"type": "string", "format": "date-time"},
        "actor": OPTIONAL_TEXT,
        "description": OPTIONAL_TEXT,
        "reason": OPTIONAL_TEXT,
    },
    "additionalProperties": False,
}


def _message(kind: str, summary: str, **properties: Any) -> dict[str, Any]:
    required = ["type", *(name for name in properties if name != "after")]
    payload = {
        "type": "object",
        "properties": {"type": {"const": kind}, **properties},
        "required": required,
        "additionalProperties": False,
    }
    return {"name": kind, "title": kind, "summary": summary, "contentType": "application/json", "payload": payload}


def messages(limits: LiveLimits = LiveLimits()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The messages a client sends, and those the server sends, by type."""
    received = {
        "subscribe": _message(
            "subscribe",
            "Follow a topic; with `after`, first receive what was missed since that position, in order",
            topic=TOPIC,
            after={**POSITION, "description": "the last position you saw; leave it out to start from now"},
        ),
        "unsubscribe": _message("unsubscribe", "Stop following a topic", topic=TOPIC),
        "ping": _message("ping", "Ask for a pong with the position delivered so far"),
    }
    sent = {
        "subscribed": _message(
            "subscribed", "The topic is followed from this position", topic=TOPIC, position=POSITION
        ),
        "refused": _message(
            "refused", "The topic may not be followed, or a limit was reached", topic=TOPIC, reason=REASON
        ),
        "update": _message(
            "update",
            "A change the topic covers, sent once every view has committed it (a read with ?after=position shows it)",
            topic=TOPIC,
            position=POSITION,
            change=CHANGE,
        ),
        "resync": _message(
            "resync",
            f"Too much was missed to replay (over {limits.replay_max} changes, or further back than "
            f"{limits.replay_window} positions): read the page again over HTTP",
            topic=TOPIC,
            position=POSITION,
            reason=REASON,
        ),
        "revoked": _message(
            "revoked", "Access to the topic was lost (in the same words as an HTTP 404)", topic=TOPIC, reason=REASON
        ),
        "heartbeat": _message(
            "heartbeat",
            f"Every {limits.heartbeat_seconds:g} s by default, with the position delivered",
            position=POSITION,
        ),
        "pong": _message("pong", "The answer to a ping", position=POSITION),
        "error": _message("error", "A message the server could not read", reason=REASON),
    }
    return received, sent


def document(host: str = "localhost:8000", protocol: str = "ws", version: str = "0.1.0") -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of the live websocket, for a server at `host`."""
    limits = LiveLimits()
    received, sent = messages(limits)
    channel_messages = {kind: {"$ref": f"#/components/messages/{kind}"} for kind in (*received, *sent)}
    refusals = "; ".join(f"{code}: {why}" for code, why in HANDSHAKE_REFUSALS.items())
    closes = "; ".join(f"{code}: {why}" for code, why in CLOSE_CODES.items())
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Corral live updates",
            "version": version,
            "description": "Follow the views you may read, pushed as they commit. Authenticate as over HTTP: a bearer "
            "token in `Authorization`, or the session cookie (a browser's `Origin` must be allowed). A handshake "
            f"refused is answered with an HTTP problem+json ({refusals}). Each message is at most "
            f"{limits.message_bytes} bytes; a socket follows at most {limits.topics} topics by default. Close codes: "
            f"{closes}.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "corral": {
                "host": host,
                "protocol": protocol,
                "pathname": "/",
                "security": [
                    {"$ref": "#/components/securitySchemes/bearer"},
                    {"$ref": "#/components/securitySchemes/session"},
                ],
            }
        },
        "channels": {
            "live": {
                "address": ADDRESS,
                "title": "Live updates",
                "description": "Topics: " + "; ".join(f"`{KINDS[kind]}`, {who}" for kind, who in WHO_FOLLOWS.items()),
                "messages": channel_messages,
                "x-topics": {kind: {"topic": KINDS[kind], "who": WHO_FOLLOWS[kind]} for kind in KINDS},
                "x-close-codes": {str(code): why for code, why in CLOSE_CODES.items()},
                "x-handshake-refusals": {str(code): why for code, why in HANDSHAKE_REFUSALS.items()},
            }
        },
        "operations": {
            **{_operation_id("receive", kind): _operation("receive", kind) for kind in received},
            **{_operation_id("send", kind): _operation("send", kind) for kind in sent},
        },
        "components": {
            "messages": {**received, **sent},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": f"POST {API}/auth/token",
                },
                "session": {
                    "type": "httpApiKey",
                    "name": COOKIE,
                    "in": "cookie",
                    "description": f"POST {API}/auth/session",
                },
            },
        },
    }


def _operation_id(action: str, kind: str) -> str:
    return f"{action}_{kind}"


def _operation(action: str, kind: str) -> dict[str, Any]:
    """The server's operation: it receives what a client sends, and sends the rest."""
    return {
        "action": action,
        "channel": {"$ref": "#/channels/live"},
        "messages": [{"$ref": f"#/channels/live/messages/{kind}"}],
    }


@router.get("/asyncapi.json", include_in_schema=False)
async def asyncapi(request: Request) -> JSONResponse:
    """The live websocket described in AsyncAPI 3.0, at the server's public address (CORRAL_PUBLIC_URL), never at
    whatever Host a request names."""
    public = urlsplit(request.app.state.settings.public_url)
    return JSONResponse(_served(public.netloc, "wss" if public.scheme == "https" else "ws", request.app.version))


@cache
def _served(host: str, protocol: str, version: str) -> dict[str, Any]:
    return document(host, protocol, version)
