"""Single sign-on in plain English: how an organisation lets its users sign in, and each identity provider's
identity recognised, linked, signed in or refused, with the provider named."""

from __future__ import annotations

from uuid import UUID

from domain.identity import Identity
from domain.organisation import Organisation, OrganisationKind
from projections.audit.context import Lookup
from projections.audit.describe import Described, describes
from projections.audit.phrasing import name_of, person_named, who


def _provider_organisation(lookup: Lookup, organisation_id: UUID) -> UUID | None:
    """The organisation, when it is a provider: its staff's sign-ins are in the trail of its programmes."""
    known = lookup.organisation(organisation_id)
    return organisation_id if known is not None and known.kind is OrganisationKind.PROVIDER else None


@describes(Organisation.SignInChosen)
def _sign_in_chosen(e: Organisation.SignInChosen, lookup: Lookup) -> Described:
    passwords = "with passwords or single sign-on" if e.password_sign_in else "with single sign-on only"
    matching = (
        "a first single sign-on may be linked to the account with its verified email"
        if e.match_verified_email
        else "only an administrator links a single sign-on to an account"
    )
    text = f"{who(e, lookup)} chose that {name_of(lookup, e.originator_id)}'s users sign in {passwords}; {matching}"
    return Described(text, provider_id=_provider_organisation(lookup, e.originator_id))


@describes(Identity.Recognised)
def _recognised(e: Identity.Recognised, lookup: Lookup) -> Described:
    return Described(f"Corral first met the {e.provider} identity {e.subject}")


@describes(Identity.Linked)
def _linked(e: Identity.Linked, lookup: Lookup) -> Described:
    account = person_named(lookup, e.username)
    how = f"by its verified email {e.by_email}" if e.by_email else f"as {who(e, lookup)} chose"
    text = f"A single sign-on identity was linked to {account} of {name_of(lookup, e.organisation_id)}, {how}"
    return Described(text, provider_id=_provider_organisation(lookup, e.organisation_id))


@describes(Identity.SignedIn)
def _signed_in(e: Identity.SignedIn, lookup: Lookup) -> Described:
    text = f"{person_named(lookup, e.username)} signed in with {e.provider}"
    return Described(text, provider_id=_provider_organisation(lookup, e.actor.organisation_id))


@describes(Identity.SignInRefused)
def _refused(e: Identity.SignInRefused, lookup: Lookup) -> Described:
    whom = f" ({e.email})" if e.email else ""
    return Described(f"A sign-in with {e.provider}{whom} was refused: {e.reason}", e.reason)
