"""Keep the accounts view: each account event updates its row; grants are added and withdrawn; API clients are
registered and revoked."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import delete

from domain.api_client import ApiClient
from domain.user_account import UserAccount
from projections.accounts.view import AccountsView
from projections.projection import ViewProjection

# What each change is called in the users list's "last change" column; a preference of the user's own is no change.
CHANGES: dict[type[Any], str] = {
    UserAccount.DetailsChanged: "Name or email changed",
    UserAccount.PasswordChanged: "Password set",
    UserAccount.Disabled: "Disabled",
    UserAccount.Enabled: "Enabled again",
    UserAccount.RoleChanged: "Role changed",
    UserAccount.SetPasswordLinkSent: "Set-password link sent",
    UserAccount.ProgrammeGranted: "Programme granted",
    UserAccount.GrantWithdrawn: "Grant withdrawn",
}


class AccountsProjection(ViewProjection[AccountsView]):
    """One row per account; one per programme an auditor is granted."""

    @classmethod
    def default_acts_on(cls) -> tuple[type, ...]:
        """An account's every event (it moves the account's version)."""
        return (UserAccount.Event,)

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """An account's other events still move its version (a form's If-Match); the rest change nothing here."""
        if isinstance(domain_event, UserAccount.Event):
            self._changed(domain_event, CHANGES.get(type(domain_event)))

    @process_event.register
    def _(self, e: UserAccount.Registered, tracking: Tracking) -> None:
        row = {
            "account_id": str(e.originator_id),
            "username": e.username,
            "organisation_id": str(e.organisation_id),
            "display_name": e.display_name,
            "email": e.email,
            "role": e.role.value,
            "disabled": False,
            "password_set": bool(e.password_hash),
            "version": e.originator_version,
            "changed_at": e.timestamp,
            "change": "Account opened",
        }
        self.view.stage(self.view.accounts, row)

    @process_event.register
    def _(self, e: UserAccount.DetailsChanged, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)], display_name=e.display_name, email=e.email)

    @process_event.register
    def _(self, e: UserAccount.PasswordChanged, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)], password_set=True)

    @process_event.register
    def _(self, e: UserAccount.SetPasswordLinkSent, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)], password_set=False)

    @process_event.register
    def _(self, e: UserAccount.Disabled, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)], disabled=True)

    @process_event.register
    def _(self, e: UserAccount.Enabled, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)], disabled=False)

    @process_event.register
    def _(self, e: UserAccount.RoleChanged, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)], role=e.role.value)
        self.view.reader.execute(delete(self.view.grants).where(self.view.grants.c.account_id == _account(e)))

    @process_event.register
    def _(self, e: UserAccount.ProgrammeGranted, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)])
        row = {"account_id": _account(e), "programme_id": str(e.programme_id), "granted_at": e.timestamp}
        self.view.stage(self.view.grants, row)

    @process_event.register
    def _(self, e: UserAccount.GrantWithdrawn, tracking: Tracking) -> None:
        self._changed(e, CHANGES[type(e)])
        g = self.view.grants
        self.view.reader.execute(
            delete(g).where(g.c.account_id == _account(e), g.c.programme_id == str(e.programme_id))
        )

    @process_event.register
    def _(self, e: ApiClient.Registered, tracking: Tracking) -> None:
        row = {
            "id": str(e.originator_id),
            "client_id": e.client_id,
            "organisation_id": str(e.organisation_id),
            "name": e.name,
            "role": e.role.value,
            "scopes": " ".join(e.scopes),
            "revoked": False,
            "registered_at": e.timestamp,
            "version": e.originator_version,
        }
        self.view.stage(self.view.clients, row)

    @process_event.register
    def _(self, e: ApiClient.Revoked, tracking: Tracking) -> None:
        self.view.stage_update(
            self.view.clients, {"id": str(e.originator_id)}, revoked=True, version=e.originator_version
        )

    def _changed(self, e: Any, change: str | None, **values: Any) -> None:
        if change is not None:
            values |= {"changed_at": e.timestamp, "change": change}
        key = {"account_id": _account(e)}
        self.view.stage_update(self.view.accounts, key, version=e.originator_version, **values)


def _account(e: Any) -> str:
    return str(e.originator_id)
