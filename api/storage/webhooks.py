"""Post the webhook outbox: the deliverer runs beside the projector, in the one process that holds the projector's
lock, and POSTs each due delivery to its endpoint, signed the Standard Webhooks way. A 2xx answer is delivered, marked
so in a transaction of its own; anything else (another status, no answer within the timeout) is kept on its row
(attempts, status, error, the next try) and tried again after a wait that doubles each time. The whole POST, the
host's lookup included, fits CORRAL_WEBHOOK_TIMEOUT_SECONDS; an endpoint that fails is tried no more that round (its
other deliveries due are held back to the failed one's next try, untried), endpoints take turns within a round, and
a round stops as soon as the projector's lock is lost, so one organisation's dead receiver costs others at most one
timeout a round.

A delivery is marked delivered just after the endpoint accepts it: a crash between the two posts it again, with the
same webhook-id, which a receiver keeps to drop a repeat; one marked delivered is never posted again.

Each endpoint's secret is never stored: it is HMAC-SHA256(the server's secret key, "webhook:<endpoint id>:<generation>"),
so a rotation (a new generation, recorded as an event) changes it, and so does changing CORRAL_SECRET_KEY, for every
endpoint at once.

Each POST goes only to a public address, or one in CORRAL_WEBHOOK_ALLOWED_NETWORKS (api/storage/receivers.py).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import ssl
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from api.storage.beside import Beside
from api.storage.receivers import Resolver, UndeliveredError, post, resolved
from api.storage.settings import Settings
from projections.registry import view_of
from projections.runner import Backoff, Projector
from projections.webhooks.outbox import Due, due, mark_delivered, mark_failed, postpone_endpoint
from projections.webhooks.view import WebhooksView

log = logging.getLogger("corral.webhooks")
SECRET_PREFIX = "whsec_"


def webhook_secret(server_key: str, endpoint_id: str, generation: int) -> str:
    """The endpoint's secret as its organisation is shown it once: `whsec_` and the base64 of 32 bytes."""
    derived = hmac.new(server_key.encode(), f"webhook:{endpoint_id}:{generation}".encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(derived).decode()


def signature(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, delivery_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one POST."""
    return {
        "content-type": "application/json",
        "user-agent": "Corral-Webhooks/1",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, delivery_id, timestamp, body),
    }


class UnverifiedError(Exception):
    """A request a receiver must reject: its signature does not match, or its timestamp is too old or too new."""


def verify(secret: str, headers: dict[str, str], body: bytes, now: datetime, tolerance: float = 300.0) -> None:
    """A receiver's check (headers named in lower case): UnverifiedError unless one of the request's signatures is
    the secret's and its timestamp is within `tolerance` seconds of `now` (a replay is older)."""
    try:
        delivery_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        raise UnverifiedError("no webhook-id or webhook-timestamp") from None
    if abs(now.timestamp() - timestamp) > tolerance:
        raise UnverifiedError("the timestamp is too old or too new")
    expected = signature(secret, delivery_id, timestamp, body)
    if not any(hmac.compare_digest(given, expected) for given in headers.get("webhook-signature", "").split()):
        raise UnverifiedError("no signature matches")


def tls_context(settings: Settings) -> ssl.SSLContext:
    """The system's trusted CAs, and CORRAL_WEBHOOK_CA_FILE's too when set: one context for each CA file's text in a
    process, since loading the system's CAs takes ~30 ms of CPU, which every app's start paid (the tests start
    hundreds)."""
    extra = None if settings.webhook_ca_file is None else Path(settings.webhook_ca_file).read_text()
    return _trusting(extra)


@functools.lru_cache(maxsize=16)  # bounded: a test suite makes a CA of its own for many tests
def _trusting(extra: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if extra is not None:
        context.load_verify_locations(cadata=extra)
    return context


class WebhookDeliverer(Beside):
    """Posts due deliveries while `active` is set (the projector holds its lock), every `webhook_poll_seconds`."""

    what = "webhook deliverer"

    def __init__(
        self,
        view: WebhooksView,
        settings: Settings,
        active: threading.Event | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        resolve: Resolver = resolved,
    ) -> None:
        super().__init__(active, settings.webhook_poll_seconds, log)
        self.view, self.settings, self.clock, self.resolve = view, settings, clock, resolve
        self.backoff = Backoff(settings.webhook_retry_seconds, settings.webhook_retry_max_seconds)
        self.context = tls_context(settings)

    @classmethod
    def beside(cls, projector: Projector, settings: Settings) -> WebhookDeliverer:
        """The deliverer of a projector's process: it posts only while that projector holds its lock."""
        return cls(view_of(projector.projections, WebhooksView), settings, projector.active)

    def run_once(self, now: datetime | None = None) -> int:
        """Post what is due by `now` (default: the clock's now), each endpoint in its turn; the number delivered.
        An endpoint that fails once is tried no more this round: its other deliveries due are held back until the
        failed one is tried again, so a dead endpoint costs one timeout a round, not one for each delivery waiting.
        The round stops as soon as this process no longer holds the projector's lock (or is stopping), so a long
        round never posts beside another process that took the lock over."""
        delivered, failed = 0, set[str]()
        for row in due(self.view, now or self.clock()):
            if not self.still_active():
                break
            if row.endpoint_id not in failed:
                posted = self.deliver(row)
                delivered += posted is True
                if isinstance(posted, datetime):
                    failed.add(row.endpoint_id)
                    postpone_endpoint(self.view, row.endpoint_id, posted)
        return delivered

    def still_active(self) -> bool:
        """Whether this process may still post: it holds the projector's lock and is not stopping."""
        return not self.stopping.is_set() and (self.active is None or self.active.is_set())

    def deliver(self, row: Due) -> bool | datetime:
        """Post one delivery, and record how it went: True if delivered (False if it had been marked so already),
        or, if it failed, when it is tried again."""
        now = self.clock()
        secret = webhook_secret(self.settings.signing_key(), row.endpoint_id, row.generation)
        body = row.body.encode()
        headers = signed_headers(secret, row.delivery_id, int(now.timestamp()), body)
        fields = {"delivery_id": row.delivery_id, "endpoint_id": row.endpoint_id}
        allowed, timeout = self.settings.webhook_allowed_networks, self.settings.webhook_timeout_seconds
        try:
            status = post(row.url, headers, body, timeout, self.context, allowed, self.resolve)
        except UndeliveredError as error:
            attempts = row.attempts + 1
            wait = self.backoff.after_attempts(attempts)
            text = str(error)
            retry_at = now + timedelta(seconds=wait)
            mark_failed(self.view, row.delivery_id, attempts, now, retry_at, error.status, text)
            log.warning(
                "webhook failed (attempt %d, next in %.0f s): %s",
                *(attempts, wait, error.detail),
                extra={**fields, "attempts": attempts, "retry_in": wait, "error": error.detail},
            )
            return retry_at
        marked = mark_delivered(self.view, row.delivery_id, status, self.clock())
        log.info("webhook delivered", extra={**fields, "status": status})
        return marked
