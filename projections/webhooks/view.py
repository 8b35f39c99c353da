"""The webhooks' tables: the endpoints, the facts that say who may read an event, and the outbox of deliveries."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table

from projections.database import BoundedText, SafeText, UTCDateTime, ViewDatabase
from projections.facts import reviews_table, submissions_table
from projections.view import View

ID = String(36)  # a UUID as text


class WebhooksView(View):
    """Endpoints by organisation; schemes' commissioner, lead and participants; whose each submission is."""

    name = "webhooks_v1"
    outbox: Table  # the live view's only (see define_outbox)

    def __init__(self, database: ViewDatabase, prefix: str = "") -> None:
        self.delivers = not prefix  # a scratch copy (verify) fills no outbox
        super().__init__(database, prefix)

    def define_tables(self) -> None:
        """The endpoints and the facts their deliveries are decided from."""
        self.endpoints = self.table(
            "endpoints",
            Column("id", ID, primary_key=True),
            Column("organisation_id", ID, nullable=False),
            Column("url", BoundedText(2000), nullable=False),
            Column("kinds", String(200), nullable=False),  # space-separated
            Column("description", SafeText, nullable=False),
            Column("enabled", Boolean, nullable=False),
            Column("generation", Integer, nullable=False),
            Column("version", Integer, nullable=False),
            Column("registered_at", UTCDateTime, nullable=False),
        )
        Index(f"{self.endpoints.name}_by_organisation", self.endpoints.c.organisation_id)
        self.organisations = self.table(
            "organisations", Column("id", ID, primary_key=True), Column("name", SafeText, nullable=False)
        )
        self.programmes = self.table(
            "programmes", Column("id", ID, primary_key=True), Column("commissioner_id", ID, nullable=False)
        )
        self.schemes = self.table(
            "schemes",
            Column("id", ID, primary_key=True),
            Column("programme_id", ID, nullable=False),
            Column("commissioner_id", ID, nullable=False),
            Column("title", SafeText, nullable=False),
            Column("lead_id", ID),
            Column("terms_version", Integer, nullable=False),
            Column("agreed_version", Integer),
        )
        self.participants = self.table(
            "participants",
            Column("scheme_id", ID, primary_key=True),
            Column("terms_version", Integer, primary_key=True, autoincrement=False),
            Column("provider_id", ID, primary_key=True),
        )
        self.submissions = submissions_table(self)
        self.reviews = reviews_table(self)
        if self.delivers:
            define_outbox(self)


def define_outbox(view: WebhooksView) -> None:
    """The deliveries, named apart from the view's version and left out of its tables: a rebuild or a new version
    neither drops them nor delivers again (a delivery id already there is not written twice)."""
    view.outbox = Table(
        "webhook_outbox",
        view.metadata,
        Column("delivery_id", String(64), primary_key=True),  # the webhook-id: one per (event, endpoint)
        Column("position", BigInteger, nullable=False),
        Column("endpoint_id", ID, nullable=False),
        Column("kind", String(40), nullable=False),
        Column("body", SafeText, nullable=False),  # the JSON posted, exactly
        Column("created_at", UTCDateTime, nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UTCDateTime),  # none: at once
        Column("last_attempt_at", UTCDateTime),
        Column("last_status", Integer),  # the HTTP status of the last try; none if no answer came
        Column("last_error", SafeText),
        Column("delivered_at", UTCDateTime),
        Index("webhook_outbox_pending", "delivered_at", "next_attempt_at"),
        Index("webhook_outbox_by_endpoint", "endpoint_id", "position"),
    )
