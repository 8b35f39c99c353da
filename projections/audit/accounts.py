"""Account and API client events in plain English; a password or secret hash never appears in the trail."""

from __future__ import annotations

from domain.account_rules import named
from domain.actors import CLIENT_PREFIX, Role
from domain.api_client import ApiClient
from domain.user_account import UserAccount
from projections.audit.context import Context, Lookup, created_context
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import name_of, person_named, programme_named, who


def _account(context: Context, lookup: Lookup, unknown: str) -> str:
    """The account's user as the trail knew them just before the event."""
    return person_named(lookup, context.title) if context.title else unknown


@describes(UserAccount.Registered)
def _registered(e: UserAccount.Registered, lookup: Lookup) -> Described:
    organisation, user = name_of(lookup, e.organisation_id), named(e.display_name, e.username)
    text = f"{who(e, lookup)} opened an account for {user} as {e.role.value} of {organisation}"
    return about(created_context(e), text)


@describes(UserAccount.DetailsChanged)
def _details_changed(e: UserAccount.DetailsChanged, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    name = f"the name {e.display_name}" if e.display_name else "no name"
    email = f"the email address {e.email}" if e.email else "no email address"
    text = f"{who(e, lookup)} gave {_account(context, lookup, 'an account')} {name} and {email}"
    return about(context, text)


@describes(UserAccount.PasswordChanged)
def _password_changed(e: UserAccount.PasswordChanged, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    return about(context, f"{who(e, lookup)} set a new password for {_account(context, lookup, 'an account')}")


@describes(UserAccount.Disabled)
def _disabled(e: UserAccount.Disabled, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} disabled the account of {_account(context, lookup, 'an unknown user')}: {e.reason}"
    return about(context, text, e.reason)


@describes(UserAccount.NotificationsRead)
def _notifications_read(e: UserAccount.NotificationsRead, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    whom = _account(context, lookup, "a user")
    if e.up_to:
        return about(context, f"{whom} marked every notice up to #{e.up_to} as read")
    return about(context, f"{whom} marked {len(e.notices)} notice{'s' if len(e.notices) != 1 else ''} as read")


@describes(UserAccount.EmailChoiceMade)
def _email_chosen(e: UserAccount.EmailChoiceMade, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    rhythm = {"immediate": "each notice by email at once", "daily": "a daily email digest", "off": "no email"}
    return about(context, f"{_account(context, lookup, 'a user')} chose {rhythm.get(e.choice, e.choice)}")


@describes(UserAccount.Enabled)
def _enabled(e: UserAccount.Enabled, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} enabled the account of {_account(context, lookup, 'an unknown user')} again: {e.reason}"
    return about(context, text, e.reason)


@describes(UserAccount.RoleChanged)
def _role_changed(e: UserAccount.RoleChanged, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    whom = _account(context, lookup, "an unknown user")
    return about(context, f"{who(e, lookup)} made {whom} {e.role.value} staff: {e.reason}", e.reason)


@describes(UserAccount.SetPasswordLinkSent)
def _link_sent(e: UserAccount.SetPasswordLinkSent, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    whom = _account(context, lookup, "an unknown user")
    text = f"{who(e, lookup)} sent {whom} a link to choose a password; any earlier password and sessions ended"
    return about(context, text)


@describes(UserAccount.ProgrammeGranted)
def _granted(e: UserAccount.ProgrammeGranted, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    whom = _account(context, lookup, "an unknown user")
    return about(context, f"{who(e, lookup)} let {whom} read {programme_named(lookup, e.programme_id)}")


@describes(UserAccount.GrantWithdrawn)
def _withdrawn(e: UserAccount.GrantWithdrawn, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    whom = _account(context, lookup, "an unknown user")
    programme = programme_named(lookup, e.programme_id)
    return about(context, f"{who(e, lookup)} withdrew {whom}'s grant of {programme}: {e.reason}", e.reason)


# API clients: named as `Evidence feed (client:<id>)`, by the name the trail remembers beside their actor's id.


def client_context(e: ApiClient.Registered) -> Context:
    """An API client's context: whose staff it acts as, and its actor's id, by which the trail names it."""
    staff_of = e.organisation_id if e.role is Role.PROVIDER else None
    title = f"{CLIENT_PREFIX}{e.client_id}"
    return Context(provider_id=staff_of, title=title, code=e.role.value, organisation_id=e.organisation_id)


@describes(ApiClient.Registered)
def _client_registered(e: ApiClient.Registered, lookup: Lookup) -> Described:
    context, organisation = client_context(e), name_of(lookup, e.organisation_id)
    client = named(e.name, context.title)
    text = (
        f"{who(e, lookup)} registered the API client {client} to act as {e.role.value} of {organisation},"
        f" with the scopes {', '.join(e.scopes)}"
    )
    return about(context, text)


@describes(ApiClient.Revoked)
def _client_revoked(e: ApiClient.Revoked, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    client = person_named(lookup, context.title) if context.title else "an API client"
    return about(context, f"{who(e, lookup)} revoked the API client {client}: {e.reason}", e.reason)
