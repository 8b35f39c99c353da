"""The accounts' tables: one row per account, one per programme an auditor is granted, one per API client."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, String

from projections.database import BoundedText, SafeText, UTCDateTime
from projections.view import View

ID = String(36)  # a UUID as text
USERNAME = String(64)


class AccountsView(View):
    """Who each organisation's users are, their role and state, the last change to each, auditors' grants, and the
    organisation's API clients (never their secrets)."""

    name = "accounts_v2"

    def define_tables(self) -> None:
        """The accounts, the grants and the API clients."""
        self.accounts = self.table(
            "accounts",
            Column("account_id", ID, primary_key=True),
            Column("username", USERNAME, nullable=False),
            Column("organisation_id", ID, nullable=False),
            Column("display_name", SafeText, nullable=False),
            Column("email", BoundedText(320), nullable=False),
            Column("role", String(20), nullable=False),
            Column("disabled", Boolean, nullable=False),
            Column("password_set", Boolean, nullable=False),  # False while the user has not chosen one by a link
            Column("version", BigInteger, nullable=False),
            Column("changed_at", UTCDateTime, nullable=False),
            Column("change", SafeText, nullable=False),  # the last change, in a few words
        )
        Index(f"{self.accounts.name}_by_organisation", self.accounts.c.organisation_id)
        self.grants = self.table(
            "grants",
            Column("account_id", ID, primary_key=True),
            Column("programme_id", ID, primary_key=True),
            Column("granted_at", UTCDateTime, nullable=False),
        )
        self.clients = self.table(
            "api_clients",
            Column("id", ID, primary_key=True),  # the client's aggregate
            Column("client_id", String(64), nullable=False),
            Column("organisation_id", ID, nullable=False),
            Column("name", SafeText, nullable=False),
            Column("role", String(20), nullable=False),
            Column("scopes", SafeText, nullable=False),  # space-separated, as OAuth2 writes them
            Column("revoked", Boolean, nullable=False),
            Column("registered_at", UTCDateTime, nullable=False),
            Column("version", BigInteger, nullable=False),
        )
        Index(f"{self.clients.name}_by_organisation", self.clients.c.organisation_id)
