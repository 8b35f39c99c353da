"""An organisation's administrator looking after its accounts: inviting, enabling, roles, set-password links and
auditors' grants. The caller makes each link's token and hashes it; this layer records only the hash."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain import ids
from domain.accounts import AccountService
from domain.actors import Actor, Role
from domain.errors import NotFoundError
from domain.programme import Programme
from domain.organisation import Organisation
from domain.service import Recorded
from domain.set_password_links import LINK_REFUSED, SetPasswordLinkError
from domain.user_account import UserAccount


class AdministrationService(AccountService):
    """The use cases of an administrator's users page, and of the person who follows a set-password link."""

    def invite_user(
        self,
        actor: Actor,
        username: str,
        organisation_id: UUID,
        role: Role,
        link: tuple[str, datetime],
        name: str = "",
        email: str = "",
    ) -> Recorded:
        """Open an account with no usable password and send its user a link (token hash, expiry) to choose one."""
        organisation = self.organisation_to_staff(actor, organisation_id)
        account = UserAccount.register(
            actor, username.strip().lower(), organisation_id, organisation.kind, role, "", name, email
        )
        account.send_set_password_link(actor, *link)
        return self._create(account, message=f"the username {username!r} is taken")

    def send_set_password_link(
        self, actor: Actor, username: str, link: tuple[str, datetime], expected_version: int | None = None
    ) -> Recorded:
        """Reset a password: the old one stops working, sessions end, and the user is sent a link to choose anew."""
        account = self.account_to_manage(actor, username, expected_version)
        account.send_set_password_link(actor, *link)
        return self._save(account)

    def set_password_by_link(self, username: str, token_hash: str, password_hash: str, now: datetime) -> Recorded:
        """The user chooses a password by the link sent to them; an unknown user reads like a spent link."""
        account = self.account_with_link(username, token_hash, now)
        account.set_password_by_link(token_hash, password_hash, now)
        return self._save(account)

    def account_with_link(self, username: str, token_hash: str, now: datetime) -> UserAccount:
        """The account whose newest link this is, still usable; SetPasswordLinkError otherwise, whoever asks."""
        account = self._find(UserAccount, ids.user_id(username.strip().lower()))
        if account is None:  # the same words as a spent link: a link names no one it does not belong to
            raise SetPasswordLinkError(LINK_REFUSED)
        account.require_set_password_link(token_hash, now)
        return account

    def enable_user(self, actor: Actor, username: str, reason: str, expected_version: int | None = None) -> Recorded:
        """The organisation's administrator lets a disabled account act again."""
        account = self.account_to_manage(actor, username, expected_version)
        account.enable(actor, reason)
        return self._save(account)

    def change_role(
        self, actor: Actor, username: str, role: Role, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The organisation's administrator gives a user another role of its kind of organisation."""
        account = self.account_to_manage(actor, username, expected_version)
        account.change_role(actor, role, self.organisation(account.organisation_id).kind, reason)
        return self._save(account)

    def grant_programme(
        self, actor: Actor, username: str, programme_id: UUID, expected_version: int | None = None
    ) -> Recorded:
        """The administrator lets an auditor read a programme its organisation takes part in."""
        account = self.account_to_manage(actor, username, expected_version)
        self._require_taken_part_in(account.organisation_id, programme_id)
        account.grant_programme(actor, programme_id)
        return self._save(account)

    def withdraw_grant(
        self, actor: Actor, username: str, programme_id: UUID, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The administrator takes a programme away from an auditor, saying why."""
        account = self.account_to_manage(actor, username, expected_version)
        account.withdraw_grant(actor, programme_id, reason)
        return self._save(account)

    def rename_organisation(
        self, actor: Actor, organisation_id: UUID, name: str, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The organisation's administrator records its new name, saying why; to anyone else, whether the id is an
        organisation's or made up, the answer is the same refusal."""
        actor.require_administrator_of(organisation_id)
        organisation = self._get(Organisation, organisation_id, expected_version=expected_version)
        organisation.rename(actor, name, reason)
        return self._save(organisation)

    def _require_taken_part_in(self, organisation_id: UUID, programme_id: UUID) -> None:
        """A programme the organisation neither commissions nor provides for reads like one that does not exist."""
        programme = self._find(Programme, programme_id)
        if programme is None or organisation_id not in (programme.commissioner_id, *programme.provider_ids):
            raise NotFoundError("no programme with that id is one your organisation takes part in")
