"""Reads of the accounts view: an organisation's users and API clients, for its administrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from projections.accounts.view import AccountsView


@dataclass(frozen=True)
class AccountRow:
    """One user as their organisation's administrator sees them."""

    username: str
    display_name: str
    email: str
    role: str
    disabled: bool
    password_set: bool
    version: int
    changed_at: datetime
    change: str
    programmes: tuple[str, ...]  # an auditor's grants, by programme id

    @property
    def state(self) -> str:
        """Disabled, Invited (no password chosen yet) or Active."""
        if self.disabled:
            return "Disabled"
        return "Active" if self.password_set else "Invited"


def organisation_accounts(view: AccountsView, organisation_id: UUID) -> list[AccountRow]:
    """The organisation's accounts by username, each with its grants."""
    a, g = view.accounts, view.grants
    with view.database.reading() as conn:
        grants: dict[str, list[str]] = {}
        granted = select(g.c.account_id, g.c.programme_id).join(a, a.c.account_id == g.c.account_id)
        for row in conn.execute(granted.where(a.c.organisation_id == str(organisation_id))):
            grants.setdefault(row.account_id, []).append(row.programme_id)
        columns = [c for c in a.c if c.name not in ("account_id", "organisation_id")]
        query = select(a.c.account_id, *columns).where(a.c.organisation_id == str(organisation_id))
        return [
            AccountRow(
                **{c.name: row._mapping[c.name] for c in columns},
                programmes=tuple(sorted(grants.get(row.account_id, []))),
            )
            for row in conn.execute(query.order_by(a.c.username))
        ]


def usernames_with_email(view: AccountsView, organisation_id: UUID, email: str) -> list[str]:
    """The usernames of the organisation's accounts with this email address (addresses are kept lower-case)."""
    a = view.accounts
    query = select(a.c.username).where(a.c.organisation_id == str(organisation_id), a.c.email == email.lower())
    with view.database.reading() as conn:
        return [row.username for row in conn.execute(query.order_by(a.c.username))]


@dataclass(frozen=True)
class ClientRow:
    """One API client as its organisation's administrator sees it: never its secret."""

    client_id: str
    name: str
    role: str
    scopes: tuple[str, ...]
    revoked: bool
    registered_at: datetime
    version: int

    def place(self) -> tuple[str, str, str]:
        """Its place in its organisation's list: by name, case-folded then as written, then by client id."""
        return self.name.casefold(), self.name, self.client_id


def organisation_clients(view: AccountsView, organisation_id: UUID) -> list[ClientRow]:
    """The organisation's API clients, by name then client id, revoked ones too."""
    c = view.clients
    query = select(c).where(c.c.organisation_id == str(organisation_id)).order_by(c.c.name, c.c.client_id)
    with view.database.reading() as conn:
        return [
            ClientRow(
                row.client_id,
                row.name,
                row.role,
                tuple(row.scopes.split()),
                row.revoked,
                row.registered_at,
                row.version,
            )
            for row in conn.execute(query)
        ]
