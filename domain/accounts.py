"""Use cases for organisations' user accounts, shared by the CLI, the demo and the API."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain import ids
from domain.actors import Actor, Role
from domain.errors import NotFoundError, NotPermittedError
from domain.organisation import Organisation
from domain.reads import ReadService
from domain.service import Recorded, require_version
from domain.user_account import UserAccount


class AccountService(ReadService):
    """Open, change and disable user accounts; the caller hashes passwords, never this layer."""

    def register_user(
        self,
        actor: Actor,
        username: str,
        organisation_id: UUID,
        role: Role,
        password_hash: str,
        name: str = "",
        email: str = "",
    ) -> Recorded:
        """An organisation's administrator (or the platform operator) opens an account for one of its users."""
        organisation = self.organisation_to_staff(actor, organisation_id)
        account = UserAccount.register(
            actor, username.strip().lower(), organisation_id, organisation.kind, role, password_hash, name, email
        )
        return self._create(account, message=f"the username {username!r} is taken")

    def change_details(
        self, actor: Actor, username: str, name: str, email: str, expected_version: int | None = None
    ) -> Recorded:
        """The user, or their organisation's administrator, sets the name others see and the email address."""
        account = self.account_to_manage(actor, username, expected_version)
        account.change_details(actor, name, email)
        return self._save(account)

    def change_password(
        self, actor: Actor, username: str, password_hash: str, expected_version: int | None = None
    ) -> Recorded:
        """The user, or their organisation's administrator, sets a new password hash."""
        account = self.account_to_manage(actor, username, expected_version)
        account.change_password(actor, password_hash)
        return self._save(account)

    def disable_user(self, actor: Actor, username: str, reason: str, expected_version: int | None = None) -> Recorded:
        """The organisation's administrator disables an account."""
        account = self.account_to_manage(actor, username, expected_version)
        account.disable(actor, reason)
        return self._save(account)

    def account_to_manage(self, actor: Actor, username: str, expected_version: int | None = None) -> UserAccount:
        """The account an actor names to change: another organisation's reads exactly like one that does not exist.

        Usernames can be guessed, so an administrator must not learn from the answer whether another organisation
        has a user of that name; a role that never manages others' accounts is refused before anything is looked up.
        """
        if actor.user_id != username.strip().lower() and not actor.manages_accounts:
            raise NotPermittedError("you may change only your own account")
        account = self._find(UserAccount, ids.user_id(username))
        if account is None or not account.is_visible_to(actor):
            raise NotFoundError(f"no user account is named {username!r}")
        require_version(account, expected_version)
        return account

    def organisation_to_staff(self, actor: Actor, organisation_id: UUID) -> Organisation:
        """The organisation an actor would open an account in: it exists, and the actor administers it."""
        organisation = self.organisation(organisation_id)
        actor.require_administrator_of(organisation.id)
        return organisation

    def user_account(self, username: str) -> UserAccount:
        """An account by username, or NotFoundError."""
        return self._get(UserAccount, ids.user_id(username))

    def user_account_to_read(self, username: str) -> UserAccount:
        """An account by username, as the cache holds it, to read only (no copy is made), or NotFoundError."""
        return self._read(UserAccount, ids.user_id(username))

    def read_notifications(
        self,
        actor: Actor,
        notices: Sequence[str] = (),
        up_to: int | None = None,
        expected_version: int | None = None,
    ) -> Recorded:
        """The user marks notices of their own inbox read: some by id, or every one up to a log position."""
        account = self.account_to_manage(actor, actor.user_id, expected_version)
        account.read_notifications(actor, tuple(notices), up_to)
        return self._save(account)

    def choose_email(self, actor: Actor, choice: str, expected_version: int | None = None) -> Recorded:
        """The user chooses how they hear of their notices by email: immediate, daily or off."""
        account = self.account_to_manage(actor, actor.user_id, expected_version)
        account.choose_email(actor, choice)
        return self._save(account)
