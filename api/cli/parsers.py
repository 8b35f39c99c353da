"""Every `corral` command and its options, kept apart from the work the commands do: `corral --help` and a mistyped
option answer at once, and each command imports only what it runs (see `api.cli.main`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from domain.account_rules import ROLES_BY_KIND
from domain.organisation import OrganisationKind, Sector

ROLES = sorted({r.value for roles in ROLES_BY_KIND.values() for r in roles})


def parser() -> argparse.ArgumentParser:
    """Every command and its options."""
    root = argparse.ArgumentParser(prog="corral", description="Shared CQUIN schemes, event-sourced.")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="load the demo data (safe to run again) and bring the views up to date")
    show = commands.add_parser("show", help="print a demo table from the views")
    show.add_argument("what", choices=["trust", "programme"], help="trust: seed 000's Q1-Q4 table; programme: seed 004")
    show.add_argument("--year", type=int, default=2017, help="contract year for `show trust` (default 2017)")
    serve = commands.add_parser("serve", help="serve the HTTP API (and, on SQLite, project in the same process)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL only)")
    projector = commands.add_parser(
        "projector", help="keep the views up to date until stopped (one active per database)"
    )
    projector.add_argument(
        "--metrics-port", type=int, help="serve /metrics for Prometheus on this port (default: none)"
    )
    projector.add_argument("--metrics-host", default="127.0.0.1", help="the address /metrics listens on")
    organisations = commands.add_parser("organisations", help="commissioners and providers")
    register = organisations.add_subparsers(dest="action", required=True).add_parser("add", help="register one")
    register.add_argument("code", help="its ODS or local code, e.g. RA9")
    register.add_argument("--name", required=True)
    register.add_argument("--kind", required=True, choices=[k.value for k in OrganisationKind])
    register.add_argument(
        "--sector", required=True, choices=[s.value for s in Sector], help="a provider's or a commissioner's sector"
    )
    _users(commands)
    _log(commands)
    _payments(commands)
    views = commands.add_parser("projections", help="look after the views")
    actions = views.add_subparsers(dest="action", required=True)
    rebuild = actions.add_parser("rebuild", help="drop and rebuild a view (default: all) from the whole log")
    rebuild.add_argument("name", nargs="?")
    actions.add_parser("status", help="each view's position and lag behind the log")
    verify = actions.add_parser("verify", help="rebuild into scratch tables and compare; non-zero exit on a difference")
    verify.add_argument("name", nargs="?")
    prune = actions.add_parser("prune", help="drop the tables of view versions this release does not know")
    prune.add_argument("--dry-run", action="store_true", help="list what would be dropped, and drop nothing")
    return root


def _users(commands: Any) -> None:
    """`corral users add` and `corral users invite`, with the options they share."""
    users = commands.add_parser("users", help="user accounts").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="open an account; the password is read from standard input or a prompt")
    invite = users.add_parser(
        "invite", help="open an account with no password; the user gets a link to choose one (printed without SMTP)"
    )
    for command in (add, invite):
        command.add_argument("username")
        command.add_argument("--organisation", required=True, help="the organisation's code, e.g. SDHFT")
        command.add_argument("--role", required=True, choices=ROLES)
        command.add_argument("--name", default="", help="the name others see beside the username, e.g. 'Priya Shah'")
        command.add_argument("--email", default="", help="the user's email address")


def _log(commands: Any) -> None:
    """`corral log verify|checkpoint|key|chain`."""
    log = commands.add_parser("log", help="prove the event log was not rewritten: its hash chain and checkpoints")
    actions = log.add_subparsers(dest="action", required=True)
    verify_ = actions.add_parser("verify", help="recompute the chain; non-zero exit and the first break on any change")
    verify_.add_argument("--checkpoint", type=Path, help="a checkpoint file: prove nothing before it was rewritten")
    verify_.add_argument("--key", type=Path, help="the published verify key (PEM); default: this server's own")
    checkpoint = actions.add_parser("checkpoint", help="export the chain's head, signed, as a small file to keep")
    checkpoint.add_argument("--out", type=Path, help="the file to write (default corral-checkpoint-POSITION.json)")
    actions.add_parser("key", help="print the verify key (PEM) to publish")
    actions.add_parser("chain", help="chain the events recorded before the chain existed (once, after upgrading)")


def _payments(commands: Any) -> None:
    """`corral payments replay --rules VERSION [--programme ID] [--out FILE]`."""
    payments = commands.add_parser("payments", help="the programmes' money").add_subparsers(
        dest="action", required=True
    )
    replaying = payments.add_parser(
        "replay", help="recompute every provider's money under another version of the payment rules, recording nothing"
    )
    replaying.add_argument("--rules", required=True, help="a published version, e.g. partial-60")
    replaying.add_argument("--programme", help="one programme's id (default: every programme)")
    replaying.add_argument("--out", type=Path, help="also export the table to FILE.csv or FILE.xlsx")
