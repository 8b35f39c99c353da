"""Account events in plain English; a password hash never appears in the trail."""

from __future__ import annotations

from domain.user_account import UserAccount
from projections.audit.context import Lookup, created_context
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import name_of, who


@describes(UserAccount.Registered)
def _registered(e: UserAccount.Registered, lookup: Lookup) -> Described:
    organisation = name_of(lookup, e.organisation_id)
    text = f"{who(e, lookup)} opened an account for {e.username} as {e.role.value} of {organisation}"
    return about(created_context(e), text)


@describes(UserAccount.PasswordChanged)
def _password_changed(e: UserAccount.PasswordChanged, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    return about(context, f"{who(e, lookup)} set a new password for {context.title or 'an account'}")


@describes(UserAccount.Disabled)
def _disabled(e: UserAccount.Disabled, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} disabled the account of {context.title or 'an unknown user'}: {e.reason}"
    return about(context, text, e.reason)
