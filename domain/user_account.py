"""User accounts: each user belongs to exactly one organisation and holds one role."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor, Role
from domain.notifications import email_choice, notices_read, require_own
from domain.limits import email_address, person_name, require_reason
from domain.organisation import OrganisationKind
from domain.account_rules import (
    ROLES_BY_KIND,
    USERNAME,
    AccountDisabledError,
    AccountNotDisabledError,
    GrantsForAuditorsError,
    InvalidUsernameError,
    NotGrantedError,
    RoleNotForOrganisationError,
    RoleUnchangedError,
)
from domain.set_password_links import SetPasswordLink, require_usable


class UserAccount(Aggregate):
    """Who a user is and what they may act as; the password is held only as an argon2 hash."""

    # How many times the password has changed: a token names the generation it was issued in, and a later change
    # ends it. A class default, so an account restored from a snapshot taken before this was counted still has one.
    password_generation = 0
    # Class defaults too, for an account restored from a snapshot taken before people had names.
    display_name = ""
    email = ""
    # Class defaults too, for accounts from before invitations and grants: no link outstanding, no programmes.
    set_password_link: SetPasswordLink | None = None
    programmes: tuple[UUID, ...] = ()  # a tuple, which snapshots record as a list

    class Registered(Aggregate.Created):
        username: str
        organisation_id: UUID
        role: Role
        password_hash: str
        actor: Actor
        # Defaults, so accounts registered before people had names still load.
        display_name: str = ""
        email: str = ""

    class DetailsChanged(Aggregate.Event):
        display_name: str
        email: str
        actor: Actor

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        actor: Actor

    class Disabled(Aggregate.Event):
        reason: str
        actor: Actor

    @staticmethod
    def create_id(username: str, **_: object) -> UUID:
        return ids.user_id(username)

    @classmethod
    def register(
        cls,
        actor: Actor,
        username: str,
        organisation_id: UUID,
        organisation_kind: OrganisationKind,
        role: Role,
        password_hash: str,
        name: str = "",
        email: str = "",
    ) -> UserAccount:
        """The organisation's administrator (or the platform operator) opens an account for one of its users."""
        actor.require_administrator_of(organisation_id)
        if not USERNAME.match(username):
            raise InvalidUsernameError(
                f"a username is 2 to 63 lower-case letters, digits, dots, dashes or underscores, not {username!r}"
            )
        if role not in ROLES_BY_KIND[organisation_kind]:
            raise RoleNotForOrganisationError(f"a {organisation_kind.value} has no {role.value} staff")
        created: UserAccount = cls(
            username=username,
            organisation_id=organisation_id,
            role=role,
            password_hash=password_hash,
            actor=actor,
            display_name=person_name(name),
            email=email_address(email),
        )
        return created

    @event(Registered)
    def __init__(
        self,
        username: str,
        organisation_id: UUID,
        role: Role,
        password_hash: str,
        actor: Actor,
        display_name: str = "",
        email: str = "",
    ) -> None:
        self.username = username
        self.organisation_id = organisation_id
        self.role = role
        self.password_hash = password_hash
        self.disabled = False
        self.display_name = display_name
        self.email = email

    def is_visible_to(self, actor: Actor) -> bool:
        """Whether the actor may know this account exists: its user, its organisation's administrator, the operator."""
        return actor.user_id == self.username or actor.administers(self.organisation_id)

    def change_details(self, actor: Actor, name: str, email: str) -> None:
        """The user, or their organisation's administrator, sets the name others see and the email address."""
        self._require_self_or_administrator(actor)
        self._details_changed(display_name=person_name(name), email=email_address(email), actor=actor)

    @event(DetailsChanged)
    def _details_changed(self, display_name: str, email: str, actor: Actor) -> None:
        self.display_name = display_name
        self.email = email

    def change_password(self, actor: Actor, password_hash: str) -> None:
        """The user, or their organisation's administrator, sets a new password; every earlier session ends."""
        self._require_self_or_administrator(actor)
        self._password_changed(password_hash=password_hash, actor=actor)

    @event(PasswordChanged)
    def _password_changed(self, password_hash: str, actor: Actor) -> None:
        self.password_hash = password_hash
        self.password_generation += 1
        self.set_password_link = None

    def disable(self, actor: Actor, reason: str) -> None:
        """The organisation's administrator stops the account from acting; its history stays."""
        actor.require_administrator_of(self.organisation_id)
        self._disabled(reason=require_reason(reason, "disabling an account"), actor=actor)

    @event(Disabled)
    def _disabled(self, reason: str, actor: Actor) -> None:
        self.disabled = True

    class Enabled(Aggregate.Event):
        reason: str
        actor: Actor

    def enable(self, actor: Actor, reason: str) -> None:
        """The organisation's administrator lets a disabled account act again, saying why."""
        actor.require_administrator_of(self.organisation_id)
        if not self.disabled:
            raise AccountNotDisabledError(f"the account {self.username} is not disabled")
        self._enabled(reason=require_reason(reason, "enabling an account"), actor=actor)

    @event(Enabled)
    def _enabled(self, reason: str, actor: Actor) -> None:
        self.disabled = False

    class RoleChanged(Aggregate.Event):
        role: Role
        reason: str
        actor: Actor

    def change_role(self, actor: Actor, role: Role, organisation_kind: OrganisationKind, reason: str) -> None:
        """The organisation's administrator gives the user another role, saying why; an auditor's grants end."""
        actor.require_administrator_of(self.organisation_id)
        if role is self.role:
            raise RoleUnchangedError(f"{self.username} is already {role.value} staff")
        if role not in ROLES_BY_KIND[organisation_kind]:
            raise RoleNotForOrganisationError(f"a {organisation_kind.value} has no {role.value} staff")
        self._role_changed(role=role, reason=require_reason(reason, "a change of role"), actor=actor)

    @event(RoleChanged)
    def _role_changed(self, role: Role, reason: str, actor: Actor) -> None:
        self.role = role
        self.programmes = ()

    class SetPasswordLinkSent(Aggregate.Event):
        token_hash: str  # the SHA-256 of the link's token; the token itself is never recorded
        expires_at: datetime
        actor: Actor

    def send_set_password_link(self, actor: Actor, token_hash: str, expires_at: datetime) -> None:
        """The organisation's administrator sends the user a link to choose a password: the password until now
        stops working, every session ends, and any earlier link with them."""
        actor.require_administrator_of(self.organisation_id)
        self._link_sent(token_hash=token_hash, expires_at=expires_at, actor=actor)

    @event(SetPasswordLinkSent)
    def _link_sent(self, token_hash: str, expires_at: datetime, actor: Actor) -> None:
        self.password_hash = ""
        self.password_generation += 1
        self.set_password_link = SetPasswordLink(token_hash, expires_at)

    def set_password_by_link(self, token_hash: str, password_hash: str, now: datetime) -> None:
        """The user chooses a password by the newest link sent to them, once, before it expires."""
        self.require_set_password_link(token_hash, now)
        self._password_changed(password_hash=password_hash, actor=self.as_actor())

    def require_set_password_link(self, token_hash: str, now: datetime) -> None:
        """Raise unless `token_hash` is the newest link's, unused and unexpired, for an account that may act."""
        self.as_actor()
        require_usable(self.set_password_link, token_hash, now)

    def _require_self_or_administrator(self, actor: Actor) -> None:
        if actor.user_id != self.username:
            actor.require_administrator_of(self.organisation_id)

    def as_actor(self) -> Actor:
        """The actor this account acts as."""
        if self.disabled:
            raise AccountDisabledError("this account is disabled")
        return Actor(self.username, self.organisation_id, self.role, frozenset(self.programmes))

    # Grants: an auditor reads only the programmes their organisation's administrator grants them.

    class ProgrammeGranted(Aggregate.Event):
        programme_id: UUID
        actor: Actor

    class GrantWithdrawn(Aggregate.Event):
        programme_id: UUID
        reason: str
        actor: Actor

    def grant_programme(self, actor: Actor, programme_id: UUID) -> None:
        """The administrator lets an auditor read a programme the organisation takes part in (the caller checks)."""
        actor.require_administrator_of(self.organisation_id)
        if self.role is not Role.AUDITOR:
            raise GrantsForAuditorsError(f"{self.username} is {self.role.value} staff, not an auditor")
        if programme_id in self.programmes:
            raise NotGrantedError(f"{self.username} is granted that programme already")
        self._programme_granted(programme_id=programme_id, actor=actor)

    @event(ProgrammeGranted)
    def _programme_granted(self, programme_id: UUID, actor: Actor) -> None:
        self.programmes = (*self.programmes, programme_id)

    def withdraw_grant(self, actor: Actor, programme_id: UUID, reason: str) -> None:
        """The administrator takes a programme away from an auditor, saying why; access ends at once."""
        actor.require_administrator_of(self.organisation_id)
        if programme_id not in self.programmes:
            raise NotGrantedError(f"{self.username} is not granted that programme")
        self._grant_withdrawn(
            programme_id=programme_id, reason=require_reason(reason, "withdrawing a grant"), actor=actor
        )

    @event(GrantWithdrawn)
    def _grant_withdrawn(self, programme_id: UUID, reason: str, actor: Actor) -> None:
        self.programmes = tuple(p for p in self.programmes if p != programme_id)

    # Notifications: what the user has read, and how they want email. Only the user decides either.

    class NotificationsRead(Aggregate.Event):
        notices: tuple[str, ...]  # notices read one by one, by id
        up_to: int  # every notice up to this log position is read ("mark all read"); 0 for none
        actor: Actor

    class EmailChoiceMade(Aggregate.Event):
        choice: str  # an EmailChoice's value
        actor: Actor

    def read_notifications(self, actor: Actor, notices: tuple[str, ...], up_to: int | None) -> None:
        """The user marks notices read: some by id, or every one up to a log position."""
        require_own(actor, self.username)
        named, position = notices_read(notices, up_to)
        self._notifications_read(notices=named, up_to=position, actor=actor)

    @event(NotificationsRead)
    def _notifications_read(self, notices: tuple[str, ...], up_to: int, actor: Actor) -> None:
        pass

    def choose_email(self, actor: Actor, choice: str) -> None:
        """The user chooses email at once, a daily digest, or none."""
        require_own(actor, self.username)
        self._email_chosen(choice=email_choice(choice).value, actor=actor)

    @event(EmailChoiceMade)
    def _email_chosen(self, choice: str, actor: Actor) -> None:
        pass
