"""An organisation's administrator looking after its own accounts and details: invitations, set-password links,
re-enabling, roles, auditors' programme grants and the organisation's name. The pages' acts, for API clients.

Another organisation's account reads exactly like one that does not exist (404). A link's token goes only into the
email sent to the user; an answer says whether it was sent, never what it was.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut
from api.http.deps import BY_ADMINISTRATOR, ServerSettings
from api.http.links import NewLink, link_mailed, new_link
from api.http.routers.users import ReasonIn
from api.http.routing import api_router
from domain.actors import Role
from domain.limits import EMAIL, NAME

router = api_router(tags=["administration"], dependencies=[BY_ADMINISTRATOR])


def _problems(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI's note of the problem+json answers a route may give, by status."""
    return {
        int(code[1:]): {"description": text, "content": {"application/problem+json": {}}}
        for code, text in described.items()
    }


ACCOUNT_PROBLEMS = _problems(
    s403="not signed in as an administrator",
    s404="no account of that name in your organisation (another organisation's reads the same)",
    s412="If-Match names a version the account has moved on from",
    s422="a rule of accounts refuses it, or an input is outside the limits (each named)",
)


class InvitationIn(BaseModel):
    username: str = Field(min_length=2, max_length=63, examples=["rduh.quality"])
    role: Role = Field(
        description="commissioner or provider (as the organisation is), a commissioner's finance approver, auditor or"
        " administrator"
    )
    display_name: str = Field("", max_length=NAME.cap, examples=["Priya Shah"])
    email: str = Field(max_length=EMAIL.cap, examples=["priya.shah@example.nhs.uk"], description="the link goes here")


class LinkOut(RecordedOut):
    emailed: bool = Field(description="whether the set-password link was sent to the account's address")
    mail_problem: str | None = Field(None, description="why the link could not be sent: send a new one later")


class RoleIn(ReasonIn):
    role: Role


class GrantIn(BaseModel):
    programme_id: UUID = Field(description="a programme the organisation commissions or provides for")


class NameIn(ReasonIn):
    name: str = Field(min_length=1, max_length=NAME.cap)


def _with_mail(answer: JSONResponse, act: Act, settings: ServerSettings, username: str, link: NewLink) -> JSONResponse:
    """The answer, once the link it recorded is emailed; a replayed answer mails nothing again (its link is the
    first request's, already sent), and a refusal sends nothing."""
    if answer.status_code >= 400 or answer.headers.get("Idempotent-Replayed"):
        return answer
    problem = link_mailed(act.corral, settings, username, link, invited=answer.status_code == 201)
    body = json.loads(bytes(answer.body)) | {"emailed": problem is None, "mail_problem": problem}
    return JSONResponse(body, status_code=answer.status_code, headers={"ETag": answer.headers.get("ETag", "")})


@router.post("/users/invitations", status_code=201, response_model=LinkOut, responses=ACCOUNT_PROBLEMS)
def invite(body: InvitationIn, act: Act, settings: ServerSettings) -> JSONResponse:
    """Open an account in your organisation with no password, and email its user a link to choose one."""
    link = new_link(settings)
    organisation_id = act.actor.organisation_id
    answer = act.run(
        f"invite {body.username} {body.role.value} {body.display_name} {body.email}",
        lambda: act.corral.invite_user(
            act.actor, body.username, organisation_id, body.role, link.recorded, body.display_name, body.email
        ),
        201,
    )
    return _with_mail(answer, act, settings, body.username.strip().lower(), link)


@router.post("/users/{username}/set-password-link", response_model=LinkOut, responses=ACCOUNT_PROBLEMS)
def send_password_link(username: str, act: Act, settings: ServerSettings) -> JSONResponse:
    """Reset a password: the old one and every session end, and the user is emailed a link to choose anew."""
    link = new_link(settings)
    answer = act.run(
        f"link {username}",
        lambda: act.corral.send_set_password_link(act.actor, username, link.recorded, act.expected_version),
    )
    return _with_mail(answer, act, settings, username.strip().lower(), link)


@router.post("/users/{username}/enablement", response_model=RecordedOut, responses=ACCOUNT_PROBLEMS)
def enable_user(username: str, body: ReasonIn, act: Act) -> JSONResponse:
    """Let a disabled account of your organisation act again, saying why."""
    return act.run(
        f"enable {username} {body.reason}",
        lambda: act.corral.enable_user(act.actor, username, body.reason, act.expected_version),
    )


@router.post("/users/{username}/role", response_model=RecordedOut, responses=ACCOUNT_PROBLEMS)
def change_role(username: str, body: RoleIn, act: Act) -> JSONResponse:
    """Give a user of your organisation another role, saying why; an auditor's grants end with the old role."""
    return act.run(
        f"role {username} {body.role.value} {body.reason}",
        lambda: act.corral.change_role(act.actor, username, body.role, body.reason, act.expected_version),
    )


@router.post("/users/{username}/grants", response_model=RecordedOut, responses=ACCOUNT_PROBLEMS)
def grant_programme(username: str, body: GrantIn, act: Act) -> JSONResponse:
    """Let an auditor of your organisation read a programme it takes part in, audit trail included."""
    return act.run(
        f"grant {username} {body.programme_id}",
        lambda: act.corral.grant_programme(act.actor, username, body.programme_id, act.expected_version),
    )


@router.post(
    "/users/{username}/grants/{programme_id}/withdrawal", response_model=RecordedOut, responses=ACCOUNT_PROBLEMS
)
def withdraw_grant(username: str, programme_id: UUID, body: ReasonIn, act: Act) -> JSONResponse:
    """Take a programme away from an auditor, saying why: HTTP and live access to it end at once."""
    return act.run(
        f"withdraw {username} {programme_id} {body.reason}",
        lambda: act.corral.withdraw_grant(act.actor, username, programme_id, body.reason, act.expected_version),
    )


@router.post(
    "/organisations/{organisation_id}/name",
    response_model=RecordedOut,
    responses=_problems(s403="not your organisation's administrator", s422="no name, or no reason"),
)
def rename_organisation(organisation_id: UUID, body: NameIn, act: Act) -> JSONResponse:
    """Record your organisation's new name, saying why (a merger, a new name for an ICB)."""
    return act.run(
        f"rename {organisation_id} {body.name} {body.reason}",
        lambda: act.corral.rename_organisation(
            act.actor, organisation_id, body.name, body.reason, act.expected_version
        ),
    )
