"""The HTTP bench's clients: provider users with tokens, and the calls they make to Corral and to the bare app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from api.http.security import hash_password, issue_token
from bench.http_load import Call
from bench.workload import PROVIDERS, BenchScheme, figures_for, set_up_programme
from domain import ids
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Quarter

PASSWORD = "bench password, never used to sign in"


@dataclass(frozen=True)
class Client:
    """A provider user: its organisation and bearer token."""

    code: str
    provider_id: str
    token: str


def users_with_tokens(app: Corral, secret: str, clients: int) -> list[Client]:
    """Provider users spread over the six providers, each with a token."""
    password = hash_password(PASSWORD)
    users = []
    for number_ in range(clients):
        code = PROVIDERS[number_ % len(PROVIDERS)]
        organisation_id = ids.organisation_id(code)
        actor = Actor(f"http.{number_}", organisation_id, Role.PROVIDER)
        admin = Actor("bench.admin", organisation_id, Role.ADMINISTRATOR)
        app.register_user(admin, actor.user_id, organisation_id, actor.role, password)
        users.append(Client(code, str(organisation_id), issue_token(actor, secret, 120)))
    return users


def submissions(app: Corral, users: Sequence[Client], per_client: int) -> list[list[Call]]:
    """Enough agreed programmes for every user to submit `per_client` times afresh; each user's calls."""
    codes = {ids.organisation_id(code): code for code in PROVIDERS}
    owners = [u.code for u in users]
    slots: dict[str, list[Call]] = {code: [] for code in PROVIDERS}
    while any(len(slots[code]) < owners.count(code) * per_client for code in PROVIDERS):
        for scheme in set_up_programme(app, f"HTTP bench submissions {len(slots[PROVIDERS[0]])}"):
            for i, actor in enumerate(scheme.participants):
                slots[codes[actor.organisation_id]] += [_submission(scheme, i, quarter) for quarter in Quarter]
    return [
        [
            Call(c.method, c.path, u.token, c.body)
            for c in slots[u.code][owners[:k].count(u.code) :: owners.count(u.code)]
        ][:per_client]
        for k, u in enumerate(users)
    ]


def _submission(scheme: BenchScheme, provider: int, quarter: Quarter) -> Call:
    figures = figures_for(scheme, provider, quarter)
    body: dict[str, Any] = {"narrative": f"{quarter.value} evidence from provider {provider}.", "attachments": []}
    if figures is not None:
        body |= {"numerator": str(figures.numerator), "denominator": str(figures.denominator)}
    return Call("POST", f"/api/v1/schemes/{scheme.id}/milestones/{quarter.value}/submissions", body=body)


def dashboard(user: Client) -> Call:
    """The user's provider dashboard."""
    return Call("GET", f"/api/v1/providers/{user.provider_id}/dashboard", user.token)


def bare_submission(call: Call) -> Call:
    """The same request, token and body to the bare POST route."""
    return Call("POST", "/submissions", call.token, call.body)


def bare_read(user: Client, size: int) -> Call:
    """The bare GET route answering about `size` bytes."""
    return Call("GET", f"/rows?size={size}", user.token)
