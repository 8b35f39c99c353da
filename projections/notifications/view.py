"""The inbox's tables: every notice by recipient organisation, each user's reads and email choice, and the names
and facts the notices are worded from."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table

from projections.database import BoundedText, SafeText, UTCDateTime, ViewDatabase
from projections.facts import reviews_table, submissions_table
from projections.view import View

ID = String(36)  # a UUID as text
USERNAME = String(64)


class NotificationsView(View):
    """Notices (one per event and recipient organisation), who has read which, and what the notices name."""

    name = "notifications_v1"
    written_only = ("notices",)
    outbox: Table  # the live view's only (see define_mail_tables)
    digest: Table

    def __init__(self, database: ViewDatabase, prefix: str = "", public_url: str = "http://127.0.0.1:8000") -> None:
        self.public_url = public_url  # where links in mail point
        self.sends_mail = not prefix  # a scratch copy (verify) writes no mail
        super().__init__(database, prefix)

    def define_tables(self) -> None:
        """The notices, the readers and their reads, and the facts the notices are worded from."""
        self.notices = self.table(
            "notices",
            Column("position", BigInteger, primary_key=True, autoincrement=False),
            Column("n", Integer, primary_key=True, autoincrement=False),
            Column("organisation_id", ID, nullable=False),
            Column("kind", String(20), nullable=False),
            Column("occurred_at", UTCDateTime, nullable=False),
            Column("subject", SafeText, nullable=False),
            Column("text", SafeText, nullable=False),
            Column("link", SafeText, nullable=False),
        )
        Index(f"{self.notices.name}_by_organisation", self.notices.c.organisation_id, self.notices.c.position)
        self.readers = self.table(
            "readers",
            Column("username", USERNAME, primary_key=True),
            Column("account_id", ID, nullable=False, unique=True),
            Column("organisation_id", ID, nullable=False),
            Column("read_up_to", BigInteger, nullable=False),  # every notice up to this position is read
            Column("email", BoundedText(320), nullable=False, default=""),
            Column("email_choice", String(10), nullable=False, default="immediate"),
            Column("disabled", Boolean, nullable=False, default=False),
        )
        Index(f"{self.readers.name}_by_organisation", self.readers.c.organisation_id)
        self.reads = self.table(
            "reads",
            Column("username", USERNAME, primary_key=True),
            Column("position", BigInteger, primary_key=True, autoincrement=False),
            Column("n", Integer, primary_key=True, autoincrement=False),
        )
        self.organisations = self.table(
            "organisations", Column("id", ID, primary_key=True), Column("name", SafeText, nullable=False)
        )
        self.schemes = self.table(
            "schemes",
            Column("id", ID, primary_key=True),
            Column("title", SafeText, nullable=False),
            Column("commissioner_id", ID, nullable=False),
            Column("lead_id", ID),
        )
        self.milestones = self.table(
            "milestones",
            Column("scheme_id", ID, primary_key=True),
            Column("code", BoundedText(64), primary_key=True),
            Column("title", SafeText, nullable=False),
        )
        self.submissions = submissions_table(self)
        self.reviews = reviews_table(self)
        if self.sends_mail:
            define_mail_tables(self)


def define_mail_tables(view: NotificationsView) -> None:
    """The outbox and the digests' notices, named apart from the view's version and left out of its tables: a rebuild
    or a new version neither drops them nor sends again (a Message-ID already there is not written twice)."""
    view.outbox = Table(
        "mail_outbox",
        view.metadata,
        Column("message_id", String(320), primary_key=True),
        Column("position", BigInteger, nullable=False),  # of the event (a digest's: of its newest notice)
        Column("username", USERNAME, nullable=False),
        Column("to_address", BoundedText(320), nullable=False),
        Column("subject", SafeText, nullable=False),
        Column("text_body", SafeText, nullable=False),
        Column("html_body", SafeText, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UTCDateTime),  # none: at once
        Column("last_error", SafeText),
        Column("sent_at", UTCDateTime),
        Index("mail_outbox_pending", "sent_at", "next_attempt_at"),
    )
    view.digest = Table(
        "mail_digest",
        view.metadata,
        Column("username", USERNAME, primary_key=True),
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("n", Integer, primary_key=True, autoincrement=False),
        Column("to_address", BoundedText(320), nullable=False),
        Column("subject", SafeText, nullable=False),
        Column("text", SafeText, nullable=False),
        Column("link", SafeText, nullable=False),
        Column("occurred_at", UTCDateTime, nullable=False),
        Column("message_id", String(320)),  # the digest it went out in; none while it waits
        Index("mail_digest_waiting", "message_id", "username"),
    )
