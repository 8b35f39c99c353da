"""The administrator's users page: its organisation's accounts; invite, disable, enable, reset a password, change a
role, and grant auditors the programmes they read. Every change goes through the account use cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.commands import FormAct
from api.http.deps import AccountsReadings, ServerSettings, ViewsAfter
from api.http.links import NewLink, link_mailed, new_link
from api.http.paging import Paged, Paging
from domain.account_rules import ROLES_BY_KIND, named, role_named
from domain.actors import Actor, Role
from domain.errors import NotPermittedError
from domain.milestones import contract_year_label
from domain.service import Recorded
from projections.accounts.queries import organisation_accounts
from projections.accounts.view import AccountsView
from projections.progress.queries import programmes_taken_part_in
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.flash import Flash
from web.pages.listing import page_links

router = page_router("/users")
USERS = "/users"
Reason = Annotated[str, Form()]


def administrator(actor: Actor) -> None:
    """Only an administrator looks after its organisation's accounts."""
    if actor.role is not Role.ADMINISTRATOR:
        raise NotPermittedError("only your organisation's administrator manages its users")


def _users_page(
    page: Page, view: AccountsView, failure: FormFailure | None = None, paging: Paging | None = None
) -> Response:
    actor = page.viewer.actor
    administrator(actor)
    listed = (paging or Paging()).page(organisation_accounts(view, actor.organisation_id), lambda a: (a.username,))
    organisation = page.corral.organisation(actor.organisation_id)
    programmes = {
        p.id: f"{p.health_economy} {contract_year_label(p.contract_year)}"
        for p in programmes_taken_part_in(page.readings, actor.organisation_id)
    }
    context = {
        "title": "Users",
        "accounts": listed.rows,
        **page_links(page.request, listed.next_cursor),
        "roles": sorted(r.value for r in ROLES_BY_KIND[organisation.kind]),
        "programmes": programmes,
    }
    return page.show("users.html", context, failure)


@router.get("")
def users_page(page: CurrentPage, view: AccountsReadings, _: ViewsAfter, paging: Paged) -> Response:
    """Your organisation's users, by username, a page at a time: name, username, email, role, state and last
    change."""
    return _users_page(page, view, paging=paging)


def _act(
    page: Page,
    act: FormAct,
    view: AccountsView,
    action: Callable[[], Recorded],
    form: str,
    values: dict[str, str],
    confirmed: Flash | Callable[[], Flash],
) -> Response:
    administrator(act.actor)
    again = lambda failure: _users_page(page, view, failure)  # noqa: E731
    return page.act(act, action, form, values, again, USERS, confirmed=confirmed)


def _mailed(settings: ServerSettings, page: Page, username: str, link_sent: NewLink, invited: bool) -> Flash:
    """What the administrator is told once a link is recorded: sent, or why not."""
    problem = link_mailed(page.corral, settings, username, link_sent, invited)
    account = page.corral.user_account(username)
    who = named(account.display_name, username)
    done = f"{who} is invited." if invited else f"{who}'s password is reset: the old one no longer works."
    if problem is None:
        return Flash(done, f"A link to choose a password is emailed to {account.email}; it works once.")
    return Flash(done, f"But {problem}.")


@router.post("/invite")
def invite(
    page: CurrentPage,
    act: FormAct,
    view: AccountsReadings,
    settings: ServerSettings,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    """Open an account with no password and email its user a link to choose one."""
    link = new_link(settings)
    values = {"username": username, "display_name": display_name, "email": email, "role": role}

    def opened() -> Recorded:
        organisation_id = act.actor.organisation_id
        chosen = role_named(role)
        return act.corral.invite_user(act.actor, username, organisation_id, chosen, link.recorded, display_name, email)

    confirmed = lambda: _mailed(settings, page, username.strip().lower(), link, invited=True)  # noqa: E731
    return _act(page, act, view, opened, "invite", values, confirmed)


@router.post("/{username}/reset")
def reset(page: CurrentPage, act: FormAct, view: AccountsReadings, settings: ServerSettings, username: str) -> Response:
    """End the password and sessions and email a fresh link to choose a new one."""
    link = new_link(settings)
    action = lambda: act.corral.send_set_password_link(act.actor, username, link.recorded, act.expected_version)  # noqa: E731
    confirmed = lambda: _mailed(settings, page, username, link, invited=False)  # noqa: E731
    return _act(page, act, view, action, f"reset-{username}", {}, confirmed)


@router.post("/{username}/disable")
def disable(page: CurrentPage, act: FormAct, view: AccountsReadings, username: str, reason: Reason = "") -> Response:
    """Stop the account acting, saying why; its sessions end at once."""
    action = lambda: act.corral.disable_user(act.actor, username, reason, act.expected_version)  # noqa: E731
    flash = Flash(f"{username} is disabled.", "They are signed out everywhere; enable the account to let them back.")
    return _act(page, act, view, action, f"disable-{username}", {"reason": reason}, flash)


@router.post("/{username}/enable")
def enable(page: CurrentPage, act: FormAct, view: AccountsReadings, username: str, reason: Reason = "") -> Response:
    """Let a disabled account act again, saying why."""
    action = lambda: act.corral.enable_user(act.actor, username, reason, act.expected_version)  # noqa: E731
    flash = Flash(f"{username} is enabled again.", "They can sign in with their password.")
    return _act(page, act, view, action, f"enable-{username}", {"reason": reason}, flash)


@router.post("/{username}/role")
def change_role(
    page: CurrentPage,
    act: FormAct,
    view: AccountsReadings,
    username: str,
    role: Annotated[str, Form()] = "",
    reason: Reason = "",
) -> Response:
    """Give the user another role, saying why."""

    def changed() -> Recorded:
        return act.corral.change_role(act.actor, username, role_named(role), reason, act.expected_version)

    flash = Flash(f"{username} is now {role} staff.", "What they may see and do changes at once, live pages included.")
    return _act(page, act, view, changed, f"role-{username}", {"role": role, "reason": reason}, flash)


@router.post("/{username}/grants")
def grant(
    page: CurrentPage, act: FormAct, view: AccountsReadings, username: str, programme: Annotated[str, Form()] = ""
) -> Response:
    """Let an auditor read a programme the organisation takes part in."""
    action = lambda: act.corral.grant_programme(act.actor, username, _programme(programme), act.expected_version)  # noqa: E731
    flash = Flash(f"{username} may read the programme.", "They read it in full, audit trail included; nothing more.")
    return _act(page, act, view, action, f"grant-{username}", {"programme": programme}, flash)


@router.post("/{username}/grants/{programme_id}/withdrawal")
def withdraw(
    page: CurrentPage, act: FormAct, view: AccountsReadings, username: str, programme_id: UUID, reason: Reason = ""
) -> Response:
    """Take a programme away from an auditor, saying why; their access ends at once."""
    action = lambda: act.corral.withdraw_grant(act.actor, username, programme_id, reason, act.expected_version)  # noqa: E731
    flash = Flash(f"{username} may no longer read the programme.", "Their open pages and live updates lose it now.")
    return _act(page, act, view, action, f"withdraw-{username}-{programme_id}", {"reason": reason}, flash)


def _programme(value: str) -> UUID:
    """The programme a grant form chose; a value that is no id reads like a programme not taken part in."""
    try:
        return UUID(value)
    except ValueError:
        return UUID(int=0)
