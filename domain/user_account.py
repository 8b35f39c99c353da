"""User accounts: each user belongs to exactly one organisation and holds one role."""

from __future__ import annotations

import re
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor, Role
from domain.notifications import email_choice, notices_read, require_own
from domain.errors import DomainError
from domain.limits import email_address, person_name, require_reason
from domain.organisation import OrganisationKind

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
ROLES_BY_KIND = {
    OrganisationKind.COMMISSIONER: {Role.COMMISSIONER, Role.AUDITOR, Role.ADMINISTRATOR},
    OrganisationKind.PROVIDER: {Role.PROVIDER, Role.AUDITOR, Role.ADMINISTRATOR},
}


def named(display_name: str | None, username: str) -> str:
    """A person as others see them: `Priya Shah (dpt.quality)`, or the username alone for someone without a name."""
    return f"{display_name} ({username})" if display_name else username


class InvalidUsernameError(DomainError):
    """Usernames are 2 to 63 lower-case letters, digits, dots, dashes or underscores."""


class RoleNotForOrganisationError(DomainError):
    """Commissioner staff belong to a commissioner, provider staff to a provider."""


class AccountDisabledError(DomainError):
    """A disabled account cannot act."""


class UserAccount(Aggregate):
    """Who a user is and what they may act as; the password is held only as an argon2 hash."""

    # How many times the password has changed: a token names the generation it was issued in, and a later change
    # ends it. A class default, so an account restored from a snapshot taken before this was counted still has one.
    password_generation = 0
    # Class defaults too, for an account restored from a snapshot taken before people had names.
    display_name = ""
    email = ""

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

    def disable(self, actor: Actor, reason: str) -> None:
        """The organisation's administrator stops the account from acting; its history stays."""
        actor.require_administrator_of(self.organisation_id)
        self._disabled(reason=require_reason(reason, "disabling an account"), actor=actor)

    @event(Disabled)
    def _disabled(self, reason: str, actor: Actor) -> None:
        self.disabled = True

    def _require_self_or_administrator(self, actor: Actor) -> None:
        if actor.user_id != self.username:
            actor.require_administrator_of(self.organisation_id)

    def as_actor(self) -> Actor:
        """The actor this account acts as."""
        if self.disabled:
            raise AccountDisabledError("this account is disabled")
        return Actor(self.username, self.organisation_id, self.role)

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
