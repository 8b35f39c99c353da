"""Who may call what: every route of the API, for every role, on its own organisation's things and on others'.

The world: South Devon and Torbay CCG's programme, in which the acute trust leads the self-harm scheme and the
community trust takes part; the private hospital is in the programme but not the scheme. NHS England has its own
programme with a Plymouth trust. Q1's pack is presented and one milestone assessed.

The rules, from DOMAIN.md's "Who may do what":
- not signed in: 401, except for health checks and signing in;
- reading what is not yours to read: 404, so you cannot learn that it exists;
- changing: 403 when your role never does this; 404 when the programme, the scheme (or the evidence) is not yours
  to see - a provider of the programme knows of a scheme only if it is named in its terms; 403 when you see it but
  the act is not yours.
An allowed change is sent a body that a later domain rule refuses (409 or 422), so that the world stays as it was.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.http.client_credentials import hash_secret
from api.http.scopes import PEOPLE_ONLY, SCOPE_BY_ROUTE
from api.storage.attachments import AttachmentStore
from api.main import create_app
from api.storage.wiring import build_application
from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.api_client import SCOPES
from domain.evidence import Evidence
from domain.milestones import Quarter
from domain.organisation import OrganisationKind
from tests.builders import (
    ACUTE,
    ACUTE_ID,
    OPERATOR,
    COMMISSIONER,
    COMMISSIONER_ID,
    COMMUNITY,
    COMMUNITY_ID,
    PRIVATE_ID,
    narrative_milestone,
    terms,
)
from tests.conftest import DATABASES, empty_store
from tests.integration.given import agreed_scheme, presented, provider_terms
from tests.e2e.serving import client_of

PASSWORD = "a long enough password"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NHSE_ID = ids.organisation_id("NHSE")
MENTAL_ID = ids.organisation_id("MENTAL")  # takes part in the draft scheme; no one signs for it, so it stays a draft
PLYMOUTH_ID = ids.organisation_id("PLYMOUTH")

OK = frozenset({200})
CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE = frozenset({200, 201, 204, 409, 422})
FORBIDDEN, HIDDEN, SIGNED_OUT = frozenset({403}), frozenset({404}), frozenset({401})


@dataclass(frozen=True)
class User:
    name: str
    role: Role | None
    organisation: UUID | None
    who: str
    client: bool = False  # an API client acting for the organisation with the role, its token carrying every scope


ANONYMOUS = User("anonymous", None, None, "not signed in")
USERS = (
    User("gill", Role.COMMISSIONER, COMMISSIONER_ID, "the programme's commissioner"),
    User("olga", Role.COMMISSIONER, NHSE_ID, "another commissioner"),
    User("alice", Role.PROVIDER, ACUTE_ID, "the scheme's lead"),
    User("colin", Role.PROVIDER, COMMUNITY_ID, "a participant that does not lead"),
    User("priya", Role.PROVIDER, PRIVATE_ID, "a provider of the programme outside the scheme"),
    User("oscar", Role.PROVIDER, PLYMOUTH_ID, "a provider of another commissioner's programme"),
    User("fiona", Role.FINANCE_APPROVER, COMMISSIONER_ID, "the programme's commissioner's finance approver"),
    User("audrey", Role.AUDITOR, COMMISSIONER_ID, "the programme's auditor, granted it"),
    User("una", Role.AUDITOR, COMMISSIONER_ID, "the commissioner's auditor, granted nothing"),
    User("otto", Role.AUDITOR, NHSE_ID, "another commissioner's auditor"),
    User("root", Role.ADMINISTRATOR, COMMISSIONER_ID, "the commissioner's administrator"),
    User("ada", Role.ADMINISTRATOR, COMMUNITY_ID, "the community trust's administrator"),
)

# The community trust's client, holding every scope: it meets the rules a provider of the community trust meets on
# every route a scope names, and 403 on every other.
CLIENTS = (User("feed", Role.PROVIDER, COMMUNITY_ID, "the community trust's API client, with every scope", True),)
FEED_ID, FEED_SECRET = "feed" * 6, "the feed's secret, long and random enough"

Who = Callable[[User], bool]
Rule = Callable[[User], frozenset[int]]


def everyone(user: User) -> bool:
    return True


def either(*whos: Who) -> Who:
    return lambda user: any(who(user) for who in whos)


def commissioning(user: User) -> bool:
    """The programme's commissioner's staff, its finance approver, and the auditor its administrator granted it: they
    read everything in it."""
    staff = user.role in (Role.COMMISSIONER, Role.FINANCE_APPROVER) and user.organisation == COMMISSIONER_ID
    return staff or user.name == "audrey"


def provider(*organisations: UUID) -> Who:
    return lambda user: user.role is Role.PROVIDER and user.organisation in organisations


def named(username: str) -> Who:
    return lambda user: user.name == username


def administrator_of(organisation: UUID) -> Who:
    return lambda user: user.role is Role.ADMINISTRATOR and user.organisation == organisation


in_programme = either(commissioning, provider(ACUTE_ID, COMMUNITY_ID, PRIVATE_ID, MENTAL_ID))
participant = provider(ACUTE_ID, COMMUNITY_ID)
lead = provider(ACUTE_ID)
in_scheme = either(commissioning, participant)  # the commissioner, and the providers its terms name
in_draft = either(commissioning, provider(ACUTE_ID, COMMUNITY_ID, MENTAL_ID))


def reads_evidence_of(owner: UUID) -> Who:
    """Evidence is its provider's, its scheme lead's and the commissioner's to read."""
    return either(commissioning, provider(owner, ACUTE_ID))


def public(user: User) -> frozenset[int]:
    """Health checks and signing in answer anyone."""
    return OK


def reads(may: Who) -> Rule:
    """A read: 200 if yours to read, 404 if not."""
    return lambda user: SIGNED_OUT if user.role is None else OK if may(user) else HIDDEN


def changes(*roles: Role, sees: Who = everyone, may: Who | None = None) -> Rule:
    """A change: 403 for a role that never does it, 404 where it is not yours to see, 403 where not yours to do."""

    def rule(user: User) -> frozenset[int]:
        if user.role is None:
            return SIGNED_OUT
        if user.role not in roles:
            return FORBIDDEN
        if not sees(user):
            return HIDDEN
        return CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE if (may or sees)(user) else FORBIDDEN

    return rule


def manages_account(username: str, organisation: UUID) -> Rule:
    """A change to an account: its user and its organisation's administrator; to another organisation's administrator
    the account does not exist (404); any other role never does this (403)."""

    def rule(user: User) -> frozenset[int]:
        if user.role is None:
            return SIGNED_OUT
        if user.name == username or administrator_of(organisation)(user):
            return CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE
        return HIDDEN if user.role is Role.ADMINISTRATOR else FORBIDDEN

    return rule


def administers_account(username: str, organisation: UUID, refusals: frozenset[int] = frozenset()) -> Rule:
    """An administrator's act on an account: its organisation's administrator only; to another organisation's
    administrator the account does not exist (404); any other role never does this (403). `refusals`: statuses a
    domain rule refuses it with beyond 409 and 422."""

    def rule(user: User) -> frozenset[int]:
        if user.role is None:
            return SIGNED_OUT
        if administrator_of(organisation)(user):
            return CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE | refusals
        return HIDDEN if user.role is Role.ADMINISTRATOR else FORBIDDEN

    return rule


def administers_webhook(organisation: UUID, allowed: frozenset[int]) -> Rule:
    """An endpoint of an organisation: its administrator's only; to another organisation's administrator it does not
    exist (404); any other role never manages webhooks (403)."""

    def rule(user: User) -> frozenset[int]:
        if user.role is None:
            return SIGNED_OUT
        if administrator_of(organisation)(user):
            return allowed
        return HIDDEN if user.role is Role.ADMINISTRATOR else FORBIDDEN

    return rule


def reads_own_trail(organisation: UUID) -> Rule:
    """An organisation's own audit trail: its administrator's; to anyone else it reads like a made-up one's (404)."""
    return lambda user: SIGNED_OUT if user.role is None else OK if administrator_of(organisation)(user) else HIDDEN


def administrators(user: User) -> frozenset[int]:
    """A read of the caller's own organisation's administration: any administrator's; 403 to every other role."""
    return SIGNED_OUT if user.role is None else OK if user.role is Role.ADMINISTRATOR else FORBIDDEN


def changes_evidence(owner: UUID, may: Who) -> Rule:
    """A change to a submission: 404 to whoever may not read it, whatever their role; then 403 unless `may`."""

    def rule(user: User) -> frozenset[int]:
        if user.role is None:
            return SIGNED_OUT
        if not reads_evidence_of(owner)(user):
            return HIDDEN
        return CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE if may(user) else FORBIDDEN

    return rule


def asks_what_if(owner: UUID) -> Rule:
    """A what-if about a provider's money records nothing: a read for whoever may see that money; 403 for any other
    provider, whatever the programme; it may be refused by a domain rule (422) as a supposition that cannot be."""

    def rule(user: User) -> frozenset[int]:
        if user.role is None:
            return SIGNED_OUT
        if user.role is Role.PROVIDER and user.organisation != owner:
            return FORBIDDEN
        if not in_programme(user):
            return HIDDEN
        return OK | {422}

    return rule


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    rule: Rule
    json: dict[str, Any] | None = None  # its text values may name the world's values, as "{submission_id}"
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] | None = None
    on: Mapping[str, str] = field(default_factory=dict)  # a path parameter taken from another of the world's values
    signs_out: bool = False


V1 = "/api/v1"
PROGRAMME = f"{V1}/programmes/{{programme_id}}"
SCHEME = f"{V1}/schemes/{{scheme_id}}"
REVIEW = f"{SCHEME}/quarters/{{quarter}}"
SUBMISSION = f"{V1}/submissions/{{submission_id}}"
LEADS_OWN = {"submission_id": "lead_submission_id"}
DRAFT = {"scheme_id": "draft_scheme_id"}
SIGN_IN = {"username": "gill", "password": PASSWORD}
EVIDENCE = {"narrative": "Safety plans audited for 40 patients.", "attachments": []}
TERMS = {
    "title": "Reduce self-harm and suicide",
    "participants": [{"provider_id": str(ACUTE_ID)}, {"provider_id": str(COMMUNITY_ID)}],
    "exclusions": [
        {"provider_id": str(p), "reason": "Not relevant to its NHS patients."} for p in (PRIVATE_ID, MENTAL_ID)
    ],
    "milestones": [
        {"code": code, "title": f"Milestone {code}", "quarter": "Q1", "due": "2014-07-31"} for code in ("M1", "M2")
    ],
}
IMPORTED_ROWS = {"schemes": [{"scheme_code": "SELFHARM", "title": "Reduce self-harm and suicide"}]}
REVISION = EVIDENCE | {"reason": "the August audit"}
WHY = {"reason": "sent too early"}
COMMENTS = {"comments": "please attach the audit"}
PROGRAMME_SET_UP = {"health_economy": "South Devon and Torbay", "contract_year": 2014}  # each commissioner has one
JOINED = {"provider_id": str(ACUTE_ID), "contract_value": "100000000", "cquin_rate": "0.025"}
ACCOUNT = {"username": "gill", "organisation_id": str(COMMISSIONER_ID), "role": "commissioner", "password": PASSWORD}
PASSWORDS = {"password": "password1234", "current_password": PASSWORD}  # zxcvbn refuses it: no password changes
BLANK_REASON = {"reason": "  "}
NOT_AN_EMAIL = {"display_name": "Colin Hart", "email": "colin at the trust"}  # refused by the domain: no change
# A what-if about the community trust's M1 whose scheme the body cannot name: refused by a domain rule (422).
WHAT_IF = {"provider_id": str(COMMUNITY_ID), "scheme_id": str(COMMUNITY_ID), "milestone_code": "M1", "status": "Met"}
DECISION = {"provider_id": str(COMMUNITY_ID), "milestone_code": "M1", "status": "Met", "rationale": "on the pack"}

ADMINISTRATOR_CLIENT = {"name": "Feed", "role": "administrator", "scopes": ["progress:read"]}
INVITATION = {"username": "colin", "role": "provider", "email": "colin@example.nhs.uk"}  # taken: 409
COLINS_ADMINISTRATOR = administers_account("colin", COMMUNITY_ID)
COMMISSIONERS_CHANGE = changes(Role.COMMISSIONER, sees=in_programme)
STATEMENT_ISSUERS = changes(Role.COMMISSIONER, Role.FINANCE_APPROVER, sees=in_programme, may=commissioning)
BASIS = {"expected_achievement": "0.9", "approval_threshold": "50000"}
THE_LEAD_CHANGES = changes(Role.PROVIDER, sees=in_scheme, may=lead)
PARTIES_SIGN = changes(Role.COMMISSIONER, Role.PROVIDER, sees=in_scheme)
DRAFT_PARTIES_SIGN = changes(Role.COMMISSIONER, Role.PROVIDER, sees=in_draft)
COMMUNITYS_OWN, LEADS_OWN_EVIDENCE = reads_evidence_of(COMMUNITY_ID), reads_evidence_of(ACUTE_ID)

WEBHOOK = f"{V1}/webhooks/{{endpoint_id}}"
COMMUNITYS_WEBHOOK = administers_webhook(COMMUNITY_ID, CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE)
COMMUNITYS_WEBHOOK_IF_CURRENT = administers_webhook(COMMUNITY_ID, CHANGED_OR_REFUSED_BY_A_DOMAIN_RULE | {412})

MATRIX = (
    Row("GET", "/healthz", public),
    Row("GET", "/readyz", public),
    Row("POST", f"{V1}/auth/token", public, form=SIGN_IN),
    Row("POST", f"{V1}/auth/session", public, form=SIGN_IN),
    Row("GET", f"{V1}/auth/session", reads(everyone)),
    Row("GET", f"{V1}/auth/identity-providers", public),
    Row("POST", f"{V1}/auth/logout", changes(*Role), signs_out=True),
    Row("GET", f"{V1}/me", reads(everyone)),
    Row("GET", f"{V1}/me/queue", reads(everyone)),
    # Everyone's own inbox: marking nothing read, or choosing an email rhythm there is not, changes nothing.
    Row("GET", f"{V1}/me/notifications", reads(everyone)),
    Row("POST", f"{V1}/me/notifications/read", changes(*Role), json={"ids": []}),
    Row("POST", f"{V1}/me/email", changes(*Role), json={"choice": "weekly"}),
    Row("GET", f"{V1}/programmes", reads(everyone)),
    # The programme's read models: progress is shared, money is each provider's own, the audit trail the commissioner's.
    Row("GET", f"{PROGRAMME}/progress", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/payments", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/forecast", reads(in_programme)),
    Row("POST", f"{PROGRAMME}/what-if", asks_what_if(COMMUNITY_ID), json={"changes": [WHAT_IF]}),
    Row("GET", f"{PROGRAMME}/progress.{{form}}", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/payments.{{form}}", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/payments-by-scheme.{{form}}", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/statements", reads(in_programme)),
    # The payment rules: the published versions are everyone's; the programme's, and a replay, whoever reads its money.
    Row("GET", f"{V1}/payment-rules", reads(everyone)),
    Row("GET", f"{PROGRAMME}/payment-rules", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/payment-rules/replay", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/payment-rules/replay.{{form}}", reads(in_programme)),
    Row("GET", f"{PROGRAMME}/statements.{{form}}", reads(in_programme)),
    Row(
        "GET",
        f"{PROGRAMME}/providers/{{provider_id}}/quarters.{{form}}",
        reads(either(commissioning, provider(COMMUNITY_ID))),
    ),
    Row("GET", f"{PROGRAMME}/audit", reads(commissioning)),
    Row("GET", f"{PROGRAMME}/audit.csv", reads(commissioning)),
    Row("GET", f"{V1}/providers/{{provider_id}}/dashboard", reads(provider(COMMUNITY_ID))),
    Row("GET", f"{REVIEW}/board", reads(either(commissioning, lead))),
    Row("GET", f"{REVIEW}/review", reads(either(commissioning, lead))),
    Row("GET", f"{REVIEW}/assessments", reads(either(commissioning, lead))),
    # Evidence packs: whole to the commissioner, its auditor and the lead; the community trust gets its own part.
    Row("GET", f"{REVIEW}/packs", reads(in_scheme)),
    Row("GET", f"{REVIEW}/packs/{{number}}.pdf", reads(in_scheme)),
    Row("GET", f"{REVIEW}/packs/{{number}}.zip", reads(in_scheme)),
    Row("GET", f"{V1}/organisations", reads(everyone)),
    Row("GET", SCHEME, reads(either(commissioning, participant))),
    Row("GET", f"{SCHEME}/payments", reads(in_scheme)),  # a participant's own money only
    Row("GET", f"{REVIEW}/assessments/{{provider_id}}/{{milestone_code}}/history", reads(COMMUNITYS_OWN)),
    # Evidence: the community trust's, and the lead's own.
    Row("GET", SUBMISSION, reads(COMMUNITYS_OWN)),
    Row("GET", SUBMISSION, reads(LEADS_OWN_EVIDENCE), on=LEADS_OWN),
    Row("GET", f"{SUBMISSION}/attachments/{{sha256}}", reads(COMMUNITYS_OWN)),
    Row("GET", f"{SUBMISSION}/attachments/{{sha256}}", reads(LEADS_OWN_EVIDENCE), on=LEADS_OWN),
    Row("POST", f"{V1}/attachments", changes(Role.PROVIDER), files={"file": ("audit.pdf", PDF, "application/pdf")}),
    Row(
        "POST",
        f"{SCHEME}/milestones/{{milestone_code}}/submissions",
        changes(Role.PROVIDER, sees=in_scheme, may=participant),
        json=EVIDENCE,  # already submitted: 409
    ),
    # Presented evidence is locked, and the pack is not queried: each allowed change below is refused with 422.
    Row("POST", f"{SUBMISSION}/revisions", changes_evidence(COMMUNITY_ID, provider(COMMUNITY_ID)), json=REVISION),
    Row("POST", f"{SUBMISSION}/revisions", changes_evidence(ACUTE_ID, lead), json=REVISION, on=LEADS_OWN),
    Row("POST", f"{SUBMISSION}/withdrawal", changes_evidence(COMMUNITY_ID, provider(COMMUNITY_ID)), json=WHY),
    Row("POST", f"{SUBMISSION}/withdrawal", changes_evidence(ACUTE_ID, lead), json=WHY, on=LEADS_OWN),
    Row("POST", f"{SUBMISSION}/acceptance", changes_evidence(COMMUNITY_ID, lead), json=COMMENTS),
    Row("POST", f"{SUBMISSION}/acceptance", changes_evidence(ACUTE_ID, lead), json=COMMENTS, on=LEADS_OWN),
    Row("POST", f"{SUBMISSION}/return", changes_evidence(COMMUNITY_ID, lead), json=COMMENTS),
    Row("POST", f"{SUBMISSION}/return", changes_evidence(ACUTE_ID, lead), json=COMMENTS, on=LEADS_OWN),
    # Set-up: each allowed change names something that exists already, or leaves out a reason.
    Row("POST", f"{V1}/programmes", changes(Role.COMMISSIONER), json=PROGRAMME_SET_UP),
    Row("POST", f"{PROGRAMME}/providers", COMMISSIONERS_CHANGE, json=JOINED),
    Row("POST", f"{PROGRAMME}/continuation", COMMISSIONERS_CHANGE, json={"schemes": ["NO-SUCH-SCHEME"]}),
    Row("POST", f"{PROGRAMME}/schemes", COMMISSIONERS_CHANGE, json=TERMS | {"code": "SELFHARM"}),
    # Imports: the template is its commissioner's alone; the schemes imported exist already, so nothing is drafted.
    Row("GET", f"{PROGRAMME}/scheme-template.xlsx", reads(named("gill"))),
    Row("POST", f"{PROGRAMME}/scheme-imports/rows", COMMISSIONERS_CHANGE, json=IMPORTED_ROWS),
    Row(
        "POST",
        f"{PROGRAMME}/scheme-imports",
        COMMISSIONERS_CHANGE,
        files={"file": ("schemes.xlsx", b"not a workbook", "application/octet-stream")},
    ),
    Row("POST", f"{SCHEME}/lead", COMMISSIONERS_CHANGE, json={"provider_id": str(ACUTE_ID)}),
    Row("POST", f"{SCHEME}/variations", COMMISSIONERS_CHANGE, json=TERMS | {"reason": ""}),
    Row("POST", f"{SCHEME}/amendments", COMMISSIONERS_CHANGE, json=TERMS | {"reason": ""}),  # agreed: no drafts
    Row(
        "POST",
        f"{PROGRAMME}/providers/{{provider_id}}/revisions",
        COMMISSIONERS_CHANGE,
        json={"contract_value": "100000000", "cquin_rate": "0.025", "reason": ""},
    ),
    Row("POST", f"{SCHEME}/signatures", PARTIES_SIGN, json={"terms_version": 1}),  # agreed already
    Row("POST", f"{SCHEME}/signatures", DRAFT_PARTIES_SIGN, json={"terms_version": 1}, on=DRAFT),  # stays a draft
    # The quarter's review: the pack is presented, COMMUNITY's M1 assessed, M2 assessed for no one.
    Row("POST", f"{REVIEW}/nudges", THE_LEAD_CHANGES, json={"provider_id": str(COMMUNITY_ID), "message": "M2 is due"}),
    Row("POST", f"{REVIEW}/pack", THE_LEAD_CHANGES),
    Row("POST", f"{REVIEW}/query", COMMISSIONERS_CHANGE, json={"questions": ""}),
    Row("POST", f"{REVIEW}/assessments", COMMISSIONERS_CHANGE, json=DECISION),
    Row("POST", f"{REVIEW}/appeals", COMMISSIONERS_CHANGE, json=DECISION | {"milestone_code": "M2", "reason": "audit"}),
    Row("POST", f"{REVIEW}/call-ins", COMMISSIONERS_CHANGE, json={"submission_id": "{submission_id}", "reason": ""}),
    Row("POST", f"{REVIEW}/closure", COMMISSIONERS_CHANGE),
    # The payment schedule: a blank reason, and a fourteenth month (the year end is the thirteenth), so that nothing changes.
    Row("PUT", f"{PROGRAMME}/on-account-basis", COMMISSIONERS_CHANGE, json=BASIS | BLANK_REASON),
    Row("PUT", f"{PROGRAMME}/payment-rules", COMMISSIONERS_CHANGE, json={"version": "partial-60"} | BLANK_REASON),
    Row("POST", f"{PROGRAMME}/statements", STATEMENT_ISSUERS, json={"provider_id": str(COMMUNITY_ID), "month": 14}),
    Row(  # the quarter is open: 422
        "POST",
        f"{REVIEW}/assessments/{{provider_id}}/{{milestone_code}}/restatement",
        COMMISSIONERS_CHANGE,
        json={"status": "Met", "rationale": "validated", "reason": "audit"},
    ),
    # User accounts and organisations: a new password zxcvbn refuses, an email that is not one, and a blank reason, so
    # that nothing changes. Organisations are registered only at the server (`corral organisations add`): there is no
    # route for it; an organisation's own administrator records its sector.
    Row(
        "POST",
        f"{V1}/organisations/{{organisation_id}}/sector",
        changes(Role.ADMINISTRATOR, may=administrator_of(COMMUNITY_ID)),
        json={"sector": "community", "reason": " "},
    ),
    Row("POST", f"{V1}/users", changes(Role.ADMINISTRATOR, may=administrator_of(COMMISSIONER_ID)), json=ACCOUNT),
    Row("POST", f"{V1}/users/{{username}}/password", changes(*Role), json=PASSWORDS, on={"username": "me"}),
    Row("POST", f"{V1}/users/{{username}}/password", manages_account("colin", COMMUNITY_ID), json=PASSWORDS),
    Row("POST", f"{V1}/users/{{username}}/details", changes(*Role), json=NOT_AN_EMAIL, on={"username": "me"}),
    Row("POST", f"{V1}/users/{{username}}/details", manages_account("colin", COMMUNITY_ID), json=NOT_AN_EMAIL),
    Row(
        "POST",
        f"{V1}/users/{{username}}/disablement",
        manages_account("dora", COMMUNITY_ID),
        json=BLANK_REASON,
        on={"username": "disabled_user"},
    ),
    # Administration: a taken username, a stale If-Match, a role held already, grants to one who is no auditor, a
    # blank reason, so that nothing changes.
    Row("POST", f"{V1}/users/invitations", changes(Role.ADMINISTRATOR), json=INVITATION),
    Row(
        "POST",
        f"{V1}/users/{{username}}/set-password-link",
        administers_account("colin", COMMUNITY_ID, refusals=frozenset({412})),
        headers={"If-Match": '"99"'},
    ),
    Row("POST", f"{V1}/users/{{username}}/enablement", COLINS_ADMINISTRATOR, json=WHY),
    # Single sign-on: an identity provider this server has not (none is configured here), the choice already made.
    Row("POST", f"{V1}/users/{{username}}/identities", COLINS_ADMINISTRATOR, json={"provider": "cis2", "subject": "x"}),
    Row(
        "PUT",
        f"{V1}/organisations/{{organisation_id}}/sign-in",
        changes(Role.ADMINISTRATOR, may=administrator_of(COMMUNITY_ID)),
        json={"password_sign_in": True, "match_verified_email": False},
    ),
    # An organisation's own trail: its accounts, identities, clients, endpoints and details, for its administrator.
    Row("GET", f"{V1}/organisations/{{organisation_id}}/audit", reads_own_trail(COMMUNITY_ID)),
    Row("GET", f"{V1}/organisations/{{organisation_id}}/audit.csv", reads_own_trail(COMMUNITY_ID)),
    Row("POST", f"{V1}/users/{{username}}/role", COLINS_ADMINISTRATOR, json=WHY | {"role": "provider"}),
    Row("POST", f"{V1}/users/{{username}}/grants", COLINS_ADMINISTRATOR, json={"programme_id": "{programme_id}"}),
    Row("POST", f"{V1}/users/{{username}}/grants/{{programme_id}}/withdrawal", COLINS_ADMINISTRATOR, json=WHY),
    # API clients: an administrator's own organisation's; one acting as an administrator is refused (422); the
    # community trust's client is revoked already (422 again), and another organisation's reads as unknown (404).
    Row("GET", f"{V1}/clients", changes(Role.ADMINISTRATOR)),
    Row("POST", f"{V1}/clients", changes(Role.ADMINISTRATOR), json=ADMINISTRATOR_CLIENT),
    Row("POST", f"{V1}/clients/{{client_id}}/revocation", administers_account("feed", COMMUNITY_ID), json=WHY),
    Row(
        "POST",
        f"{V1}/organisations/{{organisation_id}}/name",
        changes(Role.ADMINISTRATOR, may=administrator_of(COMMUNITY_ID)),
        json={"name": "Community Trust", "reason": " "},
        on={"organisation_id": "provider_id"},
    ),
    # Webhooks: the community trust's endpoint. An http:// address, a blank reason and a stale If-Match are refused,
    # and enabling an enabled endpoint records nothing, so that nothing changes.
    Row("GET", f"{V1}/webhooks", administrators),
    Row(
        "POST",
        f"{V1}/webhooks",
        changes(Role.ADMINISTRATOR),
        json={"url": "http://ehr.example/", "kinds": ["quarter.closed"]},
    ),
    Row("GET", f"{WEBHOOK}/deliveries", reads(administrator_of(COMMUNITY_ID))),
    Row("POST", f"{WEBHOOK}/disablement", COMMUNITYS_WEBHOOK, json=BLANK_REASON),
    Row("POST", f"{WEBHOOK}/enablement", COMMUNITYS_WEBHOOK),
    Row("POST", f"{WEBHOOK}/secret-rotation", COMMUNITYS_WEBHOOK_IF_CURRENT, headers={"If-Match": '"99"'}),
)


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the HTTP API: /api/v1 and the health checks, not the docs, web pages or websocket."""
    return {
        (method, context.path)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and context.path is not None
        and (context.path.startswith(f"{V1}/") or context.path in ("/healthz", "/readyz"))
        for method in context.methods or ()
        if method != "HEAD"
    }


def test_every_route_of_the_api_has_a_row_in_the_matrix() -> None:
    routes, rows = api_routes(create_app()), {(row.method, row.path) for row in MATRIX}

    assert {"no access rule": sorted(routes - rows), "no such route": sorted(rows - routes)} == {
        "no access rule": [],
        "no such route": [],
    }


@dataclass
class World:
    client: TestClient
    values: dict[str, str]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def sign_in(self, username: str) -> dict[str, str]:
        if username == "feed":
            form = {"grant_type": "client_credentials", "client_id": FEED_ID, "client_secret": FEED_SECRET}
            issued = self.client.post(f"{V1}/auth/token", data=form)
            assert issued.status_code == 200, issued.text
            return {"Authorization": f"Bearer {issued.json()['access_token']}"}
        token = self.client.post(f"{V1}/auth/token", data={"username": username, "password": PASSWORD}).json()
        return {"Authorization": f"Bearer {token['access_token']}"}

    def call(self, row: Row, user: User) -> tuple[int, str]:
        """The status of the row's request made by the user, and the problem's detail if any."""
        values = self.values | {"me": user.name}
        path = row.path.format(**values | {name: values[source] for name, source in row.on.items()})
        if user.role is None:
            headers = {}
        else:
            headers = self.sign_in(user.name) if row.signs_out else self.headers[user.name]
        body = {k: v.format(**values) if isinstance(v, str) else v for k, v in row.json.items()} if row.json else None
        headers = headers | row.headers
        answer = self.client.request(row.method, path, headers=headers, json=body, data=row.form, files=row.files)
        self.client.cookies.clear()  # a session cookie from POST /auth/session must not sign the next caller in
        problem = answer.json() if answer.headers.get("content-type") == "application/problem+json" else {}
        return answer.status_code, str(problem.get("detail", ""))[:100]


def expected_of(row: Row, user: User) -> frozenset[int]:
    """What the row's rule expects of the user; of an API client, 403 where the route is for people only."""
    if user.client and row.rule is not public and SCOPE_BY_ROUTE[row.method, row.path] is PEOPLE_ONLY:
        return FORBIDDEN
    return row.rule(user)


def mismatches(world: World, users: tuple[User, ...], rows: tuple[Row, ...]) -> list[str]:
    """Every (row, user) whose status is not what the row's rule expects, described for a person."""
    found = []
    for row in rows:
        for user in users:
            expected = expected_of(row, user)
            status, detail = world.call(row, user)
            if status not in expected:
                target = f" on {'/'.join(row.on.values())}" if row.on else ""
                found.append(
                    f"{row.method} {row.path}{target} as {user.name} ({user.who}): "
                    f"got {status}, expected {'/'.join(map(str, sorted(expected)))} {detail!r}"
                )
    return found


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world per database, built once: the module's tests only read it or are refused by a domain rule."""
    folder = tmp_path_factory.mktemp("matrix")
    with empty_store(request, folder) as settings:
        served = settings.model_copy(
            update={"secret_key": SecretStr("m" * 48), "embedded_projector": True, "attachments_dir": folder / "files"}
        )
        app = build_application(served)
        agreed = agreed_scheme(app, narrative_milestone("M1"), narrative_milestone("M2"))
        app.register_organisation(OPERATOR, "MENTAL", "Devon Partnership Trust", OrganisationKind.PROVIDER)
        app.join_programme(COMMISSIONER, agreed.programme_id, provider_terms(MENTAL_ID))
        draft = terms(participants=(ACUTE_ID, COMMUNITY_ID, MENTAL_ID))
        draft_id = app.draft_scheme(COMMISSIONER, agreed.programme_id, "NUTRITION", draft).id
        app.register_organisation(
            OPERATOR, "NHSE", "NHS England Specialised Commissioning", OrganisationKind.COMMISSIONER
        )
        app.register_organisation(OPERATOR, "PLYMOUTH", "University Hospitals Plymouth", OrganisationKind.PROVIDER)
        nhse = Actor("olga", NHSE_ID, Role.COMMISSIONER)
        other_programme = app.set_up_programme(nhse, "South Devon and Torbay", 2014).id
        app.join_programme(nhse, other_programme, provider_terms(PLYMOUTH_ID))
        attachment = AttachmentStore(served.attachments_dir, served.attachment_max_bytes).keep(io.BytesIO(PDF), "a.pdf")
        for uploader in (COMMUNITY, ACUTE):
            app.record_upload(uploader, attachment)
        evidence = Evidence("Safety plans audited.", attachments=(attachment,))
        submissions = presented(app, agreed.scheme_id, (COMMUNITY, "M1", evidence), (ACUTE, "M1", evidence))
        app.assess_milestone(COMMISSIONER, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1", AssessmentStatus.MET, "ok")
        # Verifying a full-strength argon2 hash for every sign-in would take most of the run.
        password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
        for user in USERS:
            assert user.role is not None and user.organisation is not None
            app.register_user(OPERATOR, user.name, user.organisation, user.role, password_hash)
        app.grant_programme(OPERATOR, "audrey", agreed.programme_id)
        community_admin = Actor("ada", COMMUNITY_ID, Role.ADMINISTRATOR)
        app.register_api_client(
            community_admin, FEED_ID, "Feed", Role.PROVIDER, tuple(SCOPES), hash_secret(FEED_SECRET)
        )
        app.register_api_client(community_admin, "revoked" * 4, "Old feed", Role.PROVIDER, ("progress:read",), "hash")
        app.revoke_api_client(community_admin, "revoked" * 4, "Replaced by the feed.")
        app.register_user(OPERATOR, "dora", COMMUNITY_ID, Role.PROVIDER, password_hash)
        app.disable_user(OPERATOR, "dora", "left the trust")
        ada = Actor("ada", COMMUNITY_ID, Role.ADMINISTRATOR)
        endpoint_id = app.register_webhook(ada, "https://ehr.community.example/corral", ["quarter.closed"]).id
        app.close()
        values = {
            "programme_id": str(agreed.programme_id),
            "organisation_id": str(COMMUNITY_ID),
            "scheme_id": str(agreed.scheme_id),
            "draft_scheme_id": str(draft_id),
            "quarter": "Q1",
            "number": "1",
            "milestone_code": "M1",
            "provider_id": str(COMMUNITY_ID),
            "submission_id": str(submissions[COMMUNITY_ID, "M1"]),
            "lead_submission_id": str(submissions[ACUTE_ID, "M1"]),
            "sha256": attachment.sha256,
            "form": "csv",
            "username": "colin",
            "disabled_user": "dora",
            "endpoint_id": str(endpoint_id),
            "client_id": "revoked" * 4,
        }
        with client_of(served) as client:
            built = World(client, values)
            built.headers = {user.name: built.sign_in(user.name) for user in USERS + CLIENTS}
            yield built


def assert_as_the_matrix_says(world: World, users: tuple[User, ...], rows: tuple[Row, ...]) -> None:
    found = mismatches(world, users, rows)
    assert not found, f"{len(found)} answers differ from the matrix:\n" + "\n".join(found)


def test_no_route_but_the_health_checks_and_signing_in_answers_anyone_not_signed_in(world: World) -> None:
    assert_as_the_matrix_says(world, (ANONYMOUS,), MATRIX)


def test_each_role_reads_only_what_is_its_own_to_read(world: World) -> None:
    assert_as_the_matrix_says(world, USERS, tuple(row for row in MATRIX if row.method == "GET"))


def test_each_role_changes_only_what_is_its_own_to_change(world: World) -> None:
    assert_as_the_matrix_says(world, USERS, tuple(row for row in MATRIX if row.method != "GET"))


def test_an_api_client_meets_its_organisation_s_rules_within_its_scopes_and_is_refused_the_rest(world: World) -> None:
    assert_as_the_matrix_says(world, CLIENTS, MATRIX)
