"""A real HTTPS receiver of webhooks for tests: http.server in a thread, wrapped in TLS with a self-signed certificate
for 127.0.0.1 made with `cryptography` (its file is the CA the deliverer is told to trust), keeping every request it
accepts, and able to refuse (503) beyond a number of them, as a receiver that is down does."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


RECEIVERS_NETWORK = ipaddress.ip_network(
    "127.0.0.0/8"
)  # where the receiver listens: allowed by the tests that post to it
RECEIVERS_NAME = "hooks.receiver.test"  # its certificate's name besides 127.0.0.1 (.test never resolves: RFC 6761)


@dataclass(frozen=True)
class Received:
    """One POST as it came: its path, headers (names in lower case) and body."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Inbox:
    """What the receiver accepted, and how many it refused."""

    received: list[Received] = field(default_factory=list)
    refused: int = 0
    at_most: int | None = None  # beyond this many, answer 503
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Every request accepted, once at least `count` have come; AssertionError if they do not in time."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} webhooks came in {timeout}s"
            time.sleep(0.05)
        return list(self.received)


@dataclass(frozen=True)
class Receiver:
    url: str
    ca_file: Path
    inbox: Inbox

    @property
    def port(self) -> int:
        return int(self.url.split(":")[2].split("/")[0])

    def named(self, host: str = RECEIVERS_NAME) -> str:
        """The receiver's address with its host written as a name (which a test's resolver must answer)."""
        return self.url.replace("127.0.0.1", host)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and RECEIVERS_NAME that signs itself (so it is its own CA), and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName(RECEIVERS_NAME)]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "receiver.pem", folder / "receiver.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@contextmanager
def https_receiver(folder: Path) -> Iterator[Receiver]:
    """An HTTPS receiver on 127.0.0.1 and a free port, stopped on leaving."""
    inbox = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with inbox.lock:
                busy = inbox.at_most is not None and len(inbox.received) >= inbox.at_most
                if busy:
                    inbox.refused += 1
                else:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    inbox.received.append(Received(self.path, headers, body))
            self.send_response(503 if busy else 204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            pass

    cert_file, key_file = self_signed(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"https://127.0.0.1:{server.server_address[1]}/corral/hooks", cert_file, inbox)
    finally:
        server.shutdown()
        server.server_close()
