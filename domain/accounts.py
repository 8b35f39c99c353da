"""Use cases for organisations' user accounts, shared by the CLI, the demo and the API."""

from __future__ import annotations

from uuid import UUID

from domain import ids
from domain.actors import Actor, Role
from domain.organisation import Organisation
from domain.service import EventSourcedService, Recorded
from domain.user_account import UserAccount


class AccountService(EventSourcedService):
    """Open, change and disable user accounts; the caller hashes passwords, never this layer."""

    def register_user(
        self, actor: Actor, username: str, organisation_id: UUID, role: Role, password_hash: str
    ) -> Recorded:
        """An administrator opens an account for a user of an existing organisation."""
        organisation = self.organisation(organisation_id)
        account = UserAccount.register(
            actor, username.strip().lower(), organisation_id, organisation.kind, role, password_hash
        )
        return self._create(account, message=f"the username {username!r} is taken")

    def change_password(
        self, actor: Actor, username: str, password_hash: str, expected_version: int | None = None
    ) -> Recorded:
        """The user, or an administrator, sets a new password hash."""
        account = self._get(UserAccount, ids.user_id(username), expected_version=expected_version)
        account.change_password(actor, password_hash)
        return self._save(account)

    def disable_user(self, actor: Actor, username: str, reason: str, expected_version: int | None = None) -> Recorded:
        """An administrator disables an account."""
        account = self._get(UserAccount, ids.user_id(username), expected_version=expected_version)
        account.disable(actor, reason)
        return self._save(account)

    def user_account(self, username: str) -> UserAccount:
        """An account by username, or NotFoundError."""
        return self._get(UserAccount, ids.user_id(username))

    def organisation(self, organisation_id: UUID) -> Organisation:
        """An organisation, or NotFoundError."""
        return self._get(Organisation, organisation_id)
