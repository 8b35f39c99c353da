"""POST one webhook to its receiver, and nowhere else: the host is looked up once, every address it resolves to must
be public (or in CORRAL_WEBHOOK_ALLOWED_NETWORKS), and the connection goes to that very address (pinned, so a second
lookup cannot send it elsewhere: DNS rebinding), while TLS still checks the certificate and SNI against the host's name.
What went wrong is said coarsely (`could not connect`, `timed out`, …), never in the network stack's words, so that the
delivery log cannot be used to scan ports; the operator's log keeps the detail."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from ipaddress import ip_address
from urllib.parse import urlsplit

from domain.limits import InvalidInputError
from domain.receiver_address import INSIDE, Address, Network, may_receive
from domain.webhook import checked_url

Resolver = Callable[[str, int], list[str]]  # a host and port to the addresses it resolves to


def resolved(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives for a host (socket.getaddrinfo), once each, in its order."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


class UndeliveredError(Exception):
    """A POST that did not succeed, said coarsely (`detail` keeps what happened, for the operator's log only)."""

    def __init__(self, said: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(said)
        self.detail = detail or said
        self.status = status


def answered(status: int) -> UndeliveredError:
    """A status other than 2xx, with its standard phrase (never the receiver's own words)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return UndeliveredError(f"HTTP {status} {phrase}".strip(), status=status)


def coarse(error: Exception) -> UndeliveredError:
    """What an error of the connection says in the delivery log."""
    if isinstance(error, socket.gaierror):
        said = "the host name could not be found"
    elif isinstance(error, TimeoutError):
        said = "timed out"
    elif isinstance(error, ssl.SSLCertVerificationError):
        said = "TLS certificate not trusted"
    elif isinstance(error, ssl.SSLError):
        said = "TLS handshake failed"
    elif isinstance(error, http.client.HTTPException):
        said = "no valid HTTP answer"
    else:
        said = "could not connect"
    return UndeliveredError(said, f"{type(error).__name__}: {error}")


MOST_ADDRESSES = 3  # tried of those a name resolves to: dozens of unreachable ones must not each cost a timeout


def looked_up(host: str, port: int, resolve: Resolver, seconds: float) -> list[str]:
    """What `resolve` answers for the host, asked in a thread of its own so that a slow answer costs at most `seconds`
    (the system's lookup has no timeout); UndeliveredError `timed out` after that (the lookup is left to finish)."""
    answer: list[list[str] | BaseException] = []

    def ask() -> None:
        try:
            answer.append(resolve(host, port))
        except Exception as error:  # noqa: BLE001 - handed to the waiting thread
            answer.append(error)

    asking = threading.Thread(target=ask, name="corral-webhook-lookup", daemon=True)
    asking.start()
    asking.join(max(seconds, 0.0))
    if not answer:
        raise UndeliveredError("timed out", f"looking {host} up took longer than {seconds:.1f} s")
    if isinstance(answer[0], BaseException):
        raise answer[0]
    return answer[0]


def pinned_addresses(
    host: str, port: int, allowed: Iterable[Network], resolve: Resolver, seconds: float
) -> list[Address]:
    """The host's addresses, each one a webhook may be sent to; UndeliveredError if any is inside a network, or if the
    lookup takes more than `seconds`."""
    addresses = [ip_address(a.partition("%")[0]) for a in looked_up(host, port, resolve, seconds)]
    if not addresses:
        raise UndeliveredError("the host name could not be found")
    if not all(may_receive(a, allowed) for a in addresses):
        raise UndeliveredError(f"{host} resolves to {INSIDE}: refused")
    return addresses


def connected(addresses: list[Address], port: int, deadline: Deadline) -> socket.socket:
    """A TCP connection to the first of the addresses (at most MOST_ADDRESSES of them) that answers, all of them within
    what is left of the deadline."""
    failure: OSError = OSError("no address")
    for address in addresses[:MOST_ADDRESSES]:
        if deadline.left() <= 0:
            raise deadline.passed_error()
        try:
            return socket.create_connection((str(address), port), deadline.left())
        except OSError as error:
            failure = error
    raise failure


class Deadline:
    """The whole of one POST, from the lookup to the answer's last byte, within `seconds` (counted from when the
    deadline was made): each step is given what is left, and a connection still going when none is left is cut (a
    receiver answering a byte at a time would otherwise hold the deliverer: each read has its own timeout, the whole
    exchange none)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock, self.passed = seconds, clock, False
        self.ends = clock() + seconds
        self._timer: threading.Timer | None = None
        self._cutter: socket.socket | None = None

    def left(self) -> float:
        """Seconds left (none once passed)."""
        return max(self.ends - self.clock(), 0.0)

    def start(self, connection: socket.socket) -> None:
        """Cut the connection when the time is up; its socket is kept (a duplicate, which TLS wrapping leaves alone)."""
        self._cutter = connection.dup()
        self._timer = threading.Timer(self.left(), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        self.passed = True
        if self._cutter is not None:
            with contextlib.suppress(OSError):
                self._cutter.shutdown(socket.SHUT_RDWR)

    def passed_error(self) -> UndeliveredError:
        """What the delivery log says of a POST cut off."""
        return UndeliveredError("timed out", f"cut off after {self.seconds} s")

    def stop(self) -> None:
        """Stop counting, and let go of the duplicate."""
        if self._timer is not None:
            self._timer.cancel()
        if self._cutter is not None:
            self._cutter.close()


def post(
    url: str,
    headers: dict[str, str],
    body: bytes,
    timeout: float,
    context: ssl.SSLContext,
    allowed: Iterable[Network] = (),
    resolve: Resolver = resolved,
) -> int:
    """POST once to the address the URL's host resolves to, following no redirect, all within `timeout` seconds (the
    lookup included); the status if 2xx, else UndeliveredError (a refusal, a status, or what went wrong said
    coarsely)."""
    allowed = tuple(allowed)
    try:
        checked_url(url, allowed)
    except InvalidInputError as refused:
        raise UndeliveredError(refused.message) from None
    parts = urlsplit(url)
    host, port = str(parts.hostname), parts.port or 443
    deadline = Deadline(timeout)
    try:
        addresses = pinned_addresses(host, port, allowed, resolve, deadline.left())
        raw = connected(addresses, port, deadline)
        connection = http.client.HTTPSConnection(host, port, timeout=deadline.left(), context=context)
        try:
            deadline.start(raw)
            connection.sock = context.wrap_socket(raw, server_hostname=host)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", target, body, headers)
            response = connection.getresponse()
            response.read(65536)
        finally:
            deadline.stop()
            raw.close()
            connection.close()
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise (deadline.passed_error() if deadline.passed else coarse(error)) from error
    if deadline.passed:  # cut off: what was read before then is not the whole answer
        raise deadline.passed_error()
    if not 200 <= response.status < 300:
        raise answered(response.status)
    return response.status
