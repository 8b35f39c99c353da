"""Demo sign-ins: one user per demo organisation, plus an auditor and an administrator. Demo only."""

from __future__ import annotations

from api.cli.demo import south_devon, trust_year
from api.cli.demo.play import OPERATOR
from api.http.passwords import DEMO_PASSWORD
from api.http.security import hash_password
from domain import ids
from domain.actors import Role
from domain.application import Corral

COMMISSIONERS = {south_devon.CCG, trust_year.LOCAL, trust_year.SPECIALISED}


def demo_users() -> list[tuple[str, str, Role]]:
    """(username, organisation code, role) for every demo sign-in."""
    codes = [code for code, *_ in south_devon.ORGANISATIONS] + [
        trust_year.TRUST,
        *sorted(COMMISSIONERS - {south_devon.CCG}),
    ]
    users = [(f"{c.lower()}.quality", c, Role.COMMISSIONER if c in COMMISSIONERS else Role.PROVIDER) for c in codes]
    return users + [
        ("sdt-ccg.auditor", south_devon.CCG, Role.AUDITOR),
        ("sdt-ccg.admin", south_devon.CCG, Role.ADMINISTRATOR),
    ]


def load(app: Corral) -> None:
    """Open each demo account that is not there yet, all with the demo password."""
    missing = [user for user in demo_users() if not app.exists(ids.user_id(user[0]))]
    if not missing:
        return
    password_hash = hash_password(DEMO_PASSWORD)
    for username, code, role in missing:
        app.register_user(OPERATOR, username, ids.organisation_id(code), role, password_hash)
