"""Demo sign-ins: one user per demo organisation, plus a finance approver, an auditor and an administrator. Demo
only."""

from __future__ import annotations

from api.cli.demo import south_devon, trust_year
from api.cli.demo.play import OPERATOR
from api.http.passwords import DEMO_PASSWORD
from api.http.security import hash_password
from domain import ids
from domain.actors import Role
from domain.application import Corral

COMMISSIONERS = {south_devon.CCG, trust_year.LOCAL, trust_year.SPECIALISED}
# Made-up people for made-up accounts; every address is at a domain reserved for examples.
NAMES = {
    "sdt-ccg.quality": "Helen Marsh",
    "sdt-ccg.finance": "Nadia Brooks",
    "sdt-ccg.auditor": "Owen Price",
    "sdt-ccg.admin": "Sam Okafor",
    "sdhft.quality": "Tom Hughes",
    "tsdhct.quality": "Aisha Rahman",
    "swasft.quality": "Gareth Evans",
    "dpt.quality": "Priya Shah",
    "cct.quality": "Mary O'Neill",
    "msh.quality": "James Whitfield",
    "mht.quality": "Fiona Campbell",
    "local-ccg.quality": "David Chen",
    "nhse-spec.quality": "Ruth Adeyemi",
}
EMAIL_DOMAIN = "example.nhs.uk"
FINANCE, AUDITOR, ADMINISTRATOR = "sdt-ccg.finance", "sdt-ccg.auditor", "sdt-ccg.admin"


def demo_users() -> list[tuple[str, str, Role]]:
    """(username, organisation code, role) for every demo sign-in."""
    codes = [code for code, *_ in south_devon.ORGANISATIONS] + [
        trust_year.TRUST,
        *sorted(COMMISSIONERS - {south_devon.CCG}),
    ]
    users = [(f"{c.lower()}.quality", c, Role.COMMISSIONER if c in COMMISSIONERS else Role.PROVIDER) for c in codes]
    return users + [
        (FINANCE, south_devon.CCG, Role.FINANCE_APPROVER),
        (AUDITOR, south_devon.CCG, Role.AUDITOR),
        (ADMINISTRATOR, south_devon.CCG, Role.ADMINISTRATOR),
    ]


def load(app: Corral) -> None:
    """Open each demo account that is not there yet, all with the demo password; name any opened before people had
    names; grant the auditor the South Devon and Torbay programme."""
    opened = {username for username, *_ in demo_users() if app.exists(ids.user_id(username))}
    for username in sorted(opened):
        if not app.user_account(username).display_name:
            app.change_details(OPERATOR, username, NAMES[username], email_of(username))
    missing = [user for user in demo_users() if user[0] not in opened]
    if missing:
        password_hash = hash_password(DEMO_PASSWORD)
        for username, code, role in missing:
            organisation_id = ids.organisation_id(code)
            app.register_user(
                OPERATOR, username, organisation_id, role, password_hash, NAMES[username], email_of(username)
            )
    _grant_auditor(app)


def _grant_auditor(app: Corral) -> None:
    """The CCG's administrator lets its auditor read the South Devon and Torbay programme, once it is there."""
    programme_id = ids.programme_id(ids.organisation_id(south_devon.CCG), south_devon.HEALTH_ECONOMY, south_devon.YEAR)
    if app.exists(programme_id) and programme_id not in app.user_account(AUDITOR).programmes:
        app.grant_programme(app.user_account(ADMINISTRATOR).as_actor(), AUDITOR, programme_id)


def email_of(username: str) -> str:
    """A demo user's address, at a domain reserved for examples."""
    return f"{username}@{EMAIL_DOMAIN}"
