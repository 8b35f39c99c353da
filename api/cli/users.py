"""`corral users`: the platform operator opens accounts in any organisation, with a password (`add`) or by a link the
user follows to choose one (`invite`), emailed when an SMTP server is configured and printed otherwise."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from rich.console import Console

from api.cli.operator import operator
from api.http.links import link_address, link_mailed, new_link
from api.http.passwords import chosen_password_hash
from api.storage.settings import Settings
from domain import ids
from domain.account_rules import named
from domain.actors import Role


def run(console: Console, app: Any, args: argparse.Namespace, settings: Settings) -> int:
    """Open the account the command line names."""
    organisation = app.organisation(ids.organisation_id(args.organisation))
    if args.action == "invite":
        return _invite(console, app, args, settings, organisation)
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: ")
    password_hash = chosen_password_hash(password, args.username, organisation.name, settings.password_min_score)
    app.register_user(operator(), args.username, organisation.id, Role(args.role), password_hash, args.name, args.email)
    console.print(f"{_who(app, args)} can now sign in as {args.role} of {organisation.name}", markup=False)
    return 0


def _invite(console: Console, app: Any, args: argparse.Namespace, settings: Settings, organisation: Any) -> int:
    link = new_link(settings)
    app.invite_user(operator(), args.username, organisation.id, Role(args.role), link.recorded, args.name, args.email)
    username, invited = (
        args.username.strip().lower(),
        f"{_who(app, args)} is invited as {args.role} of {organisation.name}",
    )
    problem = link_mailed(app, settings, username, link, invited=True) if settings.smtp_host else None
    if settings.smtp_host and problem is None:
        console.print(
            f"{invited}: a link to choose a password is emailed to {args.email.strip().lower()}", markup=False
        )
        return 0
    why = problem or "no SMTP server is configured (CORRAL_SMTP_HOST)"
    hours = settings.set_password_link_hours
    console.print(
        f"{invited}, but {why}.\nGive them this link to choose a password; it works once, for {hours} hours:",
        markup=False,
    )
    console.print(link_address(settings, username, link.token), markup=False, soft_wrap=True)
    return 0


def _who(app: Any, args: argparse.Namespace) -> str:
    account = app.user_account(args.username.strip().lower())
    return named(account.display_name, account.username)
