"""Identities: a person as an OpenID Connect identity provider knows them (its issuer and their subject), linked to at
most one account. The id is derived from issuer and subject, so finding a signer-in's account needs no view."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor
from domain.errors import AlreadyExistsError, NotPermittedError
from domain.limits import FILE_NAME, NAME, InvalidInputError, email_address

SUBJECT = FILE_NAME  # an identity provider's subject: one line, at most 255 characters (OpenID Connect says 255 ASCII)
ISSUER = FILE_NAME


class UnknownIdentityError(NotPermittedError):
    """No account is linked to this identity, and none may be linked by its email: the person's organisation's
    administrator must link it."""


class IdentityLinkedAlreadyError(AlreadyExistsError):
    """The identity is linked to an account already."""


class Identity(Aggregate):
    """One identity provider's subject, the account it signs in as, and every sign-in with it, let in or refused."""

    username = ""  # none linked yet: a class default, as an identity is first recorded unlinked when refused

    class Recognised(Aggregate.Created):
        issuer: str
        subject: str
        provider: str  # the identity provider's display name, e.g. "NHS CIS2"
        actor: Actor

    class Linked(Aggregate.Event):
        username: str
        organisation_id: UUID
        by_email: str  # the verified email the link was made by; "" when an administrator linked it
        actor: Actor

    class SignedIn(Aggregate.Event):
        provider: str
        username: str
        actor: Actor

    class SignInRefused(Aggregate.Event):
        provider: str
        email: str  # what the identity provider said of the person, to help their administrator find them
        reason: str
        actor: Actor

    @staticmethod
    def create_id(issuer: str, subject: str, **_: object) -> UUID:
        return ids.identity_id(issuer, subject)

    @classmethod
    def recognise(cls, actor: Actor, issuer: str, subject: str, provider: str) -> Identity:
        """The first time Corral meets an identity: as an administrator links it, or as it first signs in."""
        issuer, subject = ISSUER.check(issuer, "issuer"), SUBJECT.check(subject, "subject")
        created: Identity = cls(issuer=issuer, subject=subject, provider=NAME.check(provider, "provider"), actor=actor)
        return created

    @event(Recognised)
    def __init__(self, issuer: str, subject: str, provider: str, actor: Actor) -> None:
        self.issuer = issuer
        self.subject = subject
        self.provider = provider

    def link(self, actor: Actor, username: str, organisation_id: UUID, by_email: str = "") -> None:
        """Link the identity to an account: its organisation's administrator, or a sign-in by a verified email the
        organisation allows (the caller checks which)."""
        if self.username:
            raise IdentityLinkedAlreadyError(f"this {self.provider} identity is linked to an account already")
        self._linked(username=username, organisation_id=organisation_id, by_email=by_email, actor=actor)

    @event(Linked)
    def _linked(self, username: str, organisation_id: UUID, by_email: str, actor: Actor) -> None:
        self.username = username

    def signed_in(self, actor: Actor, provider: str) -> None:
        """The person signed in with this identity, as the account it is linked to."""
        self._signed_in(provider=NAME.check(provider, "provider"), username=actor.user_id, actor=actor)

    @event(SignedIn)
    def _signed_in(self, provider: str, username: str, actor: Actor) -> None:
        pass

    def refuse(self, actor: Actor, provider: str, email: str, reason: str) -> None:
        """A sign-in with this identity was refused, saying why (no account, a disabled one)."""
        self._refused(
            provider=NAME.check(provider, "provider"), email=plausible_email(email), reason=reason, actor=actor
        )

    @event(SignInRefused)
    def _refused(self, provider: str, email: str, reason: str, actor: Actor) -> None:
        pass


def plausible_email(value: str) -> str:
    """An email address an identity provider gave, as Corral records addresses; "" for one it would refuse."""
    try:
        return email_address(value)
    except InvalidInputError:
        return ""
