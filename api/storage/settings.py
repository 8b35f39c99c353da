"""Configuration from CORRAL_* environment variables; the one place storage is chosen."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from eventsourcing.utils import get_topic
from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from api.storage.event_store import Factory
from api.storage.files import create_once
from api.storage.identity_providers import IdentityProvider
from api.storage.secret_files import SettingFiles
from domain.clock import Clock, clock_for

DEFAULT_DATABASE_URL = f"sqlite:///{Path('var') / 'corral.sqlite3'}"
DATABASE_DRIVERS = ("sqlite", "postgresql+psycopg2")
SECRET_KEY_MIN_LENGTH = 32


def masked(url: str) -> str:
    """The database URL with its password shown as ***, fit to print or log; an unreadable one is not shown."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a URL that cannot be read)"


class Settings(BaseSettings):
    """Every setting Corral reads, with its default."""

    model_config = SettingsConfigDict(env_prefix="CORRAL_")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then `CORRAL_*` variables, then files named by `CORRAL_*_FILE` (container secrets)."""
        return init_settings, env_settings, SettingFiles(settings_cls)

    @model_validator(mode="after")
    def _password_into_url(self) -> Settings:
        """`database_password` in the URL's place for one, escaped as a URL needs."""
        if self.database_password is not None and self.sqlite_path() is None:
            url = make_url(self.database_url).set(password=self.database_password.get_secret_value())
            self.database_url = url.render_as_string(hide_password=False)
        return self

    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str | None = None
    # PostgreSQL's password kept out of the URL, e.g. CORRAL_DATABASE_PASSWORD_FILE=/run/secrets/db_password (the file
    # PostgreSQL's image reads as POSTGRES_PASSWORD_FILE); it takes the place of any password in the URL.
    database_password: SecretStr | None = None
    cipher_key: SecretStr | None = None
    compress_events: bool = False
    aggregate_cache_size: int = 1000
    secret_key: SecretStr | None = None
    # The Ed25519 key `corral log checkpoint` signs with (made on first use, readable by its owner only); unset, it is
    # kept beside the SQLite database (`var/corral.sqlite3.log-signing.pem`), or on PostgreSQL in `var/`.
    log_signing_key_file: Path | None = None
    token_minutes: int = 30
    set_password_link_hours: Annotated[int, Field(gt=0, le=24 * 14)] = 72  # how long a set-password link works
    secure_cookies: bool = False
    # Sign-in throttling (OWASP's device cookies): failures in a sliding window, counted per username from devices it
    # never signed in on, per trusted device, and per client address across every username.
    sign_in_window_seconds: Annotated[int, Field(gt=0)] = 15 * 60
    sign_in_failures_per_username: Annotated[int, Field(gt=0)] = 5
    sign_in_failures_per_device: Annotated[int, Field(gt=0)] = 5
    sign_in_failures_per_client: Annotated[int, Field(gt=0)] = 20
    device_cookie_days: Annotated[int, Field(gt=0)] = 365
    password_min_score: Annotated[int, Field(ge=0, le=4)] = 3
    # argon2id parameters for new password and client-secret hashes (api/http/security.py HASHINGS)
    password_hashing: Literal["rfc9106-low-memory", "owasp-minimum"] = "rfc9106-low-memory"
    allowed_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    attachments_dir: Path = Path("var") / "attachments"
    attachment_max_bytes: int = 20 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    sign_in_max_body_bytes: int = 16 * 1024
    embedded_projector: bool | None = None
    # PostgreSQL cancels a statement of a serving process that runs longer, or waits longer for a lock (0: never);
    # the request is answered 503 with Retry-After and nothing of it is written. See `postgres_options`.
    statement_timeout_seconds: Annotated[float, Field(ge=0)] = 30.0
    lock_timeout_seconds: Annotated[float, Field(ge=0)] = 5.0
    # How long `corral serve` and `corral projector` wait for the database to answer at start-up before giving up.
    start_timeout_seconds: Annotated[float, Field(ge=0)] = 120.0
    live_queue_size: int = 256
    live_replay_window: int = 10_000
    live_heartbeat_seconds: float = 15.0
    live_idle_seconds: float = 60.0
    # What one user may ask of the live fan-out (see api/live/limits.py); the browser pages stay far inside.
    live_sockets_per_account: int = 20
    live_max_topics: int = 20
    live_replay_max: int = 1000
    live_replay_budget: int = 5000
    live_subscribes_per_window: int = 100
    live_window_seconds: float = 60.0
    live_max_message_bytes: int = 4096
    # How pushed updates are written: "fast" straight onto uvicorn's websocket connection where it can
    # (api/live/uvicorn_fast.py), "asgi" always through the ASGI `send`, as any middleware wrapping it expects.
    live_send: Literal["fast", "asgi"] = "fast"
    # The day Corral takes to be today (YYYY-MM-DD), for a demo shown as at a date inside its own year, or a test;
    # unset, it is today's date in England.
    today: date | None = None
    # How often the active projector looks for providers due a reminder (each is reminded once, whatever the interval).
    reminder_seconds: Annotated[float, Field(gt=0)] = 60.0
    # The projector lease's term (PostgreSQL): the active projector renews it every third of this; a standby takes
    # over from one that stops renewing (frozen, or cut off) within this plus a second (projections/lease.py).
    projector_lease_seconds: Annotated[float, Field(gt=0)] = 10.0

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        """`sqlite:///<file>` or `postgresql+psycopg2://…`: anything else is refused before it is used."""
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ValueError(
                "cannot be read as a database URL: it should look like "
                "postgresql+psycopg2://user:password@host:5432/database or sqlite:///var/corral.sqlite3"
            ) from None
        if parsed.drivername not in DATABASE_DRIVERS or (parsed.drivername == "sqlite" and not parsed.database):
            raise ValueError(
                f"{masked(url)} is not a database Corral uses: give postgresql+psycopg2://… or sqlite:///<file>"
            )
        return url

    def clock(self) -> Clock:
        """What day it is, for the domain's deadlines and the views' due dates."""
        return clock_for(self.today)

    # Email of notices, sent by the process that projects (api/storage/mail.py): through SMTP, or without a host
    # written as .eml files into mail_dir. Links in mail start with public_url.
    smtp_host: str | None = None
    smtp_port: Annotated[int, Field(gt=0, lt=65536)] = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    mail_from: str = "Corral <corral@localhost>"
    mail_dir: Path = Path("var") / "mail"
    public_url: str = "http://127.0.0.1:8000"
    mail_digest_hour: Annotated[int, Field(ge=0, le=23)] = 7  # the hour (UTC) each day's digests go out
    mail_retry_seconds: Annotated[float, Field(gt=0)] = 30.0  # the first wait after a failed send; it doubles
    mail_retry_max_seconds: Annotated[float, Field(gt=0)] = 3600.0
    mail_poll_seconds: Annotated[float, Field(gt=0)] = 1.0  # how often the mailer looks for mail to send
    # Webhooks (api/storage/webhooks.py): each POST's timeout, the first wait after a failed delivery (it doubles up to
    # the most), how often the deliverer looks, and a CA file to trust besides the system's (e.g. a private CA).
    webhook_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    webhook_retry_seconds: Annotated[float, Field(gt=0)] = 30.0
    webhook_retry_max_seconds: Annotated[float, Field(gt=0)] = 3600.0
    webhook_poll_seconds: Annotated[float, Field(gt=0)] = 1.0
    webhook_ca_file: Path | None = None
    # Networks (CIDRs, a JSON list such as ["10.20.0.0/16"]) a receiver may be in although they are not public: none
    # by default, so that no one can make Corral post inside the network it runs in (api/storage/receivers.py).
    webhook_allowed_networks: list[IPvAnyNetwork] = []

    # Single sign-on (api/storage/identity_providers.py): the identity providers offered, a JSON list; how long a
    # sign-in may take at the provider before its pending state (a signed cookie) expires.
    oidc_providers: list[IdentityProvider] = []
    oidc_state_minutes: Annotated[int, Field(gt=0, le=60)] = 10

    # What operators see (api/observability/): logs as JSON lines, or readable lines for a developer; the folder
    # `corral serve`'s workers share their metrics in (made empty at start; unset, a fresh temporary folder); and the
    # bearer token /metrics asks for, when set.
    log_format: Literal["json", "console"] = "json"
    metrics_dir: Path | None = None
    metrics_token: SecretStr | None = None

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment the eventsourcing library reads to build the event store."""
        env = {
            "PERSISTENCE_MODULE": get_topic(Factory),  # named from the class: a move is caught at import
            "SQLALCHEMY_URL": self.database_url,
            "CREATE_TABLE": "y",
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size),
            "CORRAL_NOTIFY_CHANNEL": self.events_channel,  # read by api/event_store.py and the projector
            "CORRAL_CONNECTION_OPTIONS": postgres_options(self),  # read by api/event_store.py
        }
        if self.database_schema:
            env["SQLALCHEMY_SCHEMA"] = self.database_schema
        if self.cipher_key is not None:
            env["CIPHER_TOPIC"] = "eventsourcing.cryptography:AESCipher"
            env["CIPHER_KEY"] = self.cipher_key.get_secret_value()
        if self.compress_events:
            env["COMPRESSOR_TOPIC"] = "eventsourcing.compressor:ZlibCompressor"
        return env

    @property
    def events_channel(self) -> str:
        """The PostgreSQL channel the event store NOTIFYs on after each save, named after the schema too (like the
        views' and the revocations' channels), so that projectors of other schemas in the database sleep on."""
        return f"{self.database_schema}_corral_events" if self.database_schema else "corral_events"

    @property
    def projects_in_process(self) -> bool:
        """Whether the server runs the projector itself: by default on SQLite, which one process owns."""
        if self.embedded_projector is not None:
            return self.embedded_projector
        return self.sqlite_path() is not None

    @property
    def upload_max_body_bytes(self) -> int:
        """The largest body of an upload: the attachment limit, plus the general limit for the form around it."""
        return self.attachment_max_bytes + self.max_body_bytes

    def signing_key(self) -> str:
        """The key tokens are signed with: CORRAL_SECRET_KEY, or on SQLite one kept beside the database, named after it
        (`var/corral.sqlite3.key`), so that a token of one database is worth nothing to another in the same folder."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.sqlite_path()
        if path is None:
            raise RuntimeError("set CORRAL_SECRET_KEY: every server process must sign tokens with the same key")
        key_file = path.with_name(f"{path.name}.key")
        if not key_file.exists():
            create_once(key_file, secrets.token_urlsafe(48))
        return key_file.read_text().strip()

    def log_signing_key_path(self) -> Path:
        """Where the log's checkpoint signing key is kept (see `log_signing_key_file`)."""
        if self.log_signing_key_file is not None:
            return self.log_signing_key_file
        path = self.sqlite_path()
        return Path("var") / "log-signing.pem" if path is None else path.with_name(f"{path.name}.log-signing.pem")

    def sqlite_path(self) -> Path | None:
        """The SQLite file, when the database is one."""
        prefix = "sqlite:///"
        return Path(self.database_url[len(prefix) :]) if self.database_url.startswith(prefix) else None


def postgres_options(settings: Settings) -> str:
    """The libpq options every PostgreSQL connection of the event store and the views starts with: the statement and
    lock timeouts, in milliseconds (`-c name=value` each)."""
    timeouts = {"statement_timeout": settings.statement_timeout_seconds, "lock_timeout": settings.lock_timeout_seconds}
    return " ".join(f"-c {name}={round(seconds * 1000)}" for name, seconds in timeouts.items())
