"""Signing in with an identity provider (OpenID Connect): which account an identity signs in as, how an
organisation's users may sign in, and an administrator linking an identity to an account.

An identity signs in as the account it is linked to, found by its issuer and subject alone. An identity not yet linked
is linked on its first sign-in by its verified email only to an account of an organisation it names whose
administrator chose that; otherwise it is refused, and its organisation's administrator links it. No sign-in ever
opens an account."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain import ids
from domain.accounts import AccountService
from domain.actors import Actor
from domain.errors import DomainError
from domain.identity import Identity, UnknownIdentityError
from domain.limits import InvalidInputError
from domain.organisation import Organisation
from domain.service import Recorded
from domain.user_account import UserAccount

SIGN_IN = Actor.system("sign-in")  # who records an identity's refusals: no person is signed in yet
# The usernames of an organisation's accounts with an email address (a read of the accounts' view, handed in).
AccountsByEmail = Callable[[UUID, str], Sequence[str]]


@dataclass(frozen=True)
class Claimed:
    """What an identity provider vouched for, in an ID token whose signature, issuer, audience, expiry and nonce were
    checked: who (issuer, subject), its display name, and what it says of the person's email and organisations."""

    issuer: str
    subject: str
    provider: str
    email: str = ""
    email_verified: bool = False
    organisation_codes: tuple[str, ...] = ()


def unknown(provider: str) -> UnknownIdentityError:
    """The refusal of an identity no account is linked to, telling the person what to do."""
    return UnknownIdentityError(
        f"no Corral account is linked to your {provider} identity: ask your organisation's administrator to link it"
        " to your account"
    )


class IdentityService(AccountService):
    """Single sign-on: the organisation's choice, an administrator's link, and each sign-in let in or refused."""

    def choose_sign_in(
        self,
        actor: Actor,
        organisation_id: UUID,
        password_sign_in: bool,
        match_verified_email: bool,
        expected_version: int | None = None,
        *,
        single_sign_on_offered: bool = True,
    ) -> Recorded:
        """The organisation's own administrator chooses whether its users may sign in with passwords, and whether a
        first single sign-on may be linked to an account by its verified email. Passwords cannot be switched off
        where the server offers no single sign-on: nobody of the organisation could sign in."""
        actor.require_administrator_of(organisation_id)
        organisation = self._get(Organisation, organisation_id, expected_version=expected_version)
        if not password_sign_in and not single_sign_on_offered:
            raise InvalidInputError(
                "password_sign_in",
                "this server offers no single sign-on, so with passwords switched off nobody of"
                f" {organisation.name} could sign in",
            )
        organisation.choose_sign_in(actor, password_sign_in, match_verified_email)
        return self._save(organisation)

    def require_password_sign_in(self, account_actor: Actor) -> None:
        """Raise PasswordSignInOffError if the actor's organisation has switched password sign-in off."""
        organisation = self._find(Organisation, account_actor.organisation_id)
        if organisation is not None:
            organisation.require_password_sign_in()

    def link_identity(self, actor: Actor, username: str, issuer: str, subject: str, provider: str) -> Recorded:
        """The administrator of the account's organisation links an identity provider's subject to it."""
        account = self.account_to_manage(actor, username)
        actor.require_administrator_of(account.organisation_id)
        identity = self._find(Identity, ids.identity_id(issuer, subject))
        if identity is None:
            identity = Identity.recognise(actor, issuer, subject, provider)
        identity.link(actor, account.username, account.organisation_id)
        return self._save(identity)

    def identity(self, issuer: str, subject: str) -> Identity:
        """An identity by issuer and subject, or NotFoundError."""
        return self._get(Identity, ids.identity_id(issuer, subject))

    def sign_in_with_identity(self, claimed: Claimed, accounts_by_email: AccountsByEmail) -> UserAccount:
        """The account the identity signs in as, recording the sign-in; a refusal (no account, a disabled one) is
        recorded too, then raised."""
        identity = self._find(Identity, ids.identity_id(claimed.issuer, claimed.subject))
        if identity is None:
            identity = Identity.recognise(SIGN_IN, claimed.issuer, claimed.subject, claimed.provider)
        try:
            account = self._account_of(identity, claimed, accounts_by_email)
            actor = account.as_actor()
        except DomainError as refusal:
            identity.refuse(SIGN_IN, claimed.provider, claimed.email, str(refusal))
            self._save(identity)
            raise
        identity.signed_in(actor, claimed.provider)
        self._save(identity)
        return account

    def _account_of(self, identity: Identity, claimed: Claimed, accounts_by_email: AccountsByEmail) -> UserAccount:
        if identity.username:
            account = self.user_account(identity.username)
            named = {ids.organisation_id(code) for code in claimed.organisation_codes}
            if named and account.organisation_id not in named:  # linked by another organisation's administrator
                raise unknown(claimed.provider)
            return account
        if not (claimed.email_verified and claimed.email):
            raise unknown(claimed.provider)
        for code in claimed.organisation_codes:
            organisation = self._find(Organisation, ids.organisation_id(code))
            if organisation is None or not organisation.match_verified_email:
                continue
            usernames = list(accounts_by_email(organisation.id, claimed.email.strip().lower()))
            if len(usernames) == 1:  # two accounts with one address: which is meant is the administrator's to say
                account = self.user_account(usernames[0])
                identity.link(account.as_actor(), account.username, organisation.id, by_email=claimed.email)
                return account
        raise unknown(claimed.provider)
