"""Which scope an API client needs for each route of the API, in one table; a route not in it is refused to clients.

A person's token carries no scopes and is never checked here: people are held to their roles alone. A client's
token carries the scopes it asked for (a subset of its client's), and `get_actor` (api/http/deps.py) refuses any
route whose scope it lacks, and any route the table does not name a scope for (PEOPLE_ONLY, or missing: a route
added later is closed to clients until it is given a row). tests/unit/test_route_scopes.py checks that every route
of the API has a row.
"""

from __future__ import annotations

from api.http.routing import API
from domain.api_client import require_scope

PEOPLE_ONLY = None
PROGRAMME = f"{API}/programmes/{{programme_id}}"
SCHEME = f"{API}/schemes/{{scheme_id}}"
REVIEW = f"{SCHEME}/quarters/{{quarter}}"
SUBMISSION = f"{API}/submissions/{{submission_id}}"

SCOPE_BY_ROUTE: dict[tuple[str, str], str | None] = {
    # Signing in and a person's own things: a client gets its token from /auth/token, and has no inbox or account.
    ("POST", f"{API}/auth/token"): PEOPLE_ONLY,  # asked before any token: never checked
    ("POST", f"{API}/auth/session"): PEOPLE_ONLY,
    ("GET", f"{API}/auth/identity-providers"): PEOPLE_ONLY,  # asked before any token: never checked
    ("GET", f"{API}/auth/session"): PEOPLE_ONLY,
    ("POST", f"{API}/auth/logout"): PEOPLE_ONLY,
    ("GET", f"{API}/me"): PEOPLE_ONLY,
    ("POST", f"{API}/me/email"): PEOPLE_ONLY,
    ("GET", f"{API}/me/notifications"): PEOPLE_ONLY,
    ("POST", f"{API}/me/notifications/read"): PEOPLE_ONLY,
    ("GET", f"{API}/me/queue"): "progress:read",
    # Administration: people only, API clients included.
    ("POST", f"{API}/users"): PEOPLE_ONLY,
    ("POST", f"{API}/users/invitations"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/details"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/disablement"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/enablement"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/grants"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/grants/{{programme_id}}/withdrawal"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/password"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/role"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/set-password-link"): PEOPLE_ONLY,
    ("POST", f"{API}/organisations/{{organisation_id}}/name"): PEOPLE_ONLY,
    ("POST", f"{API}/organisations/{{organisation_id}}/sector"): PEOPLE_ONLY,
    ("PUT", f"{API}/organisations/{{organisation_id}}/sign-in"): PEOPLE_ONLY,
    # An organisation's own trail: its administrator's, and no client acts as one (ClientRoleError); a client with
    # audit:read reads the programmes' trails as a person of its role does, never its organisation's administration.
    ("GET", f"{API}/organisations/{{organisation_id}}/audit"): PEOPLE_ONLY,
    ("GET", f"{API}/organisations/{{organisation_id}}/audit.csv"): PEOPLE_ONLY,
    ("POST", f"{API}/users/{{username}}/identities"): PEOPLE_ONLY,
    ("GET", f"{API}/webhooks"): PEOPLE_ONLY,
    ("POST", f"{API}/webhooks"): PEOPLE_ONLY,
    ("GET", f"{API}/webhooks/{{endpoint_id}}/deliveries"): PEOPLE_ONLY,
    ("POST", f"{API}/webhooks/{{endpoint_id}}/disablement"): PEOPLE_ONLY,
    ("POST", f"{API}/webhooks/{{endpoint_id}}/enablement"): PEOPLE_ONLY,
    ("POST", f"{API}/webhooks/{{endpoint_id}}/secret-rotation"): PEOPLE_ONLY,
    ("GET", f"{API}/clients"): PEOPLE_ONLY,
    ("POST", f"{API}/clients"): PEOPLE_ONLY,
    ("POST", f"{API}/clients/{{client_id}}/revocation"): PEOPLE_ONLY,
    # Reading progress.
    ("GET", f"{API}/organisations"): "progress:read",
    ("GET", f"{API}/programmes"): "progress:read",
    ("GET", f"{PROGRAMME}/progress"): "progress:read",
    ("GET", f"{PROGRAMME}/progress.{{form}}"): "progress:read",
    ("GET", f"{PROGRAMME}/providers/{{provider_id}}/quarters.{{form}}"): "progress:read",
    ("GET", f"{API}/providers/{{provider_id}}/dashboard"): "progress:read",
    ("GET", SCHEME): "progress:read",
    ("GET", f"{REVIEW}/board"): "progress:read",
    ("GET", f"{REVIEW}/review"): "progress:read",
    ("GET", f"{REVIEW}/assessments"): "progress:read",
    ("GET", f"{REVIEW}/assessments/{{provider_id}}/{{milestone_code}}/history"): "progress:read",
    # Evidence.
    ("GET", SUBMISSION): "evidence:read",
    ("GET", f"{SUBMISSION}/attachments/{{sha256}}"): "evidence:read",
    ("GET", f"{REVIEW}/packs"): "evidence:read",
    ("GET", f"{REVIEW}/packs/{{number}}.pdf"): "evidence:read",
    ("GET", f"{REVIEW}/packs/{{number}}.zip"): "evidence:read",
    ("POST", f"{API}/attachments"): "evidence:submit",
    ("POST", f"{SCHEME}/milestones/{{milestone_code}}/submissions"): "evidence:submit",
    ("POST", f"{SUBMISSION}/revisions"): "evidence:submit",
    ("POST", f"{SUBMISSION}/withdrawal"): "evidence:submit",
    # The lead's review of a quarter.
    ("POST", f"{SUBMISSION}/acceptance"): "reviews:write",
    ("POST", f"{SUBMISSION}/return"): "reviews:write",
    ("POST", f"{REVIEW}/nudges"): "reviews:write",
    ("POST", f"{REVIEW}/pack"): "reviews:write",
    # The commissioner's assessment.
    ("POST", f"{REVIEW}/query"): "assessments:write",
    ("POST", f"{REVIEW}/assessments"): "assessments:write",
    ("POST", f"{REVIEW}/appeals"): "assessments:write",
    ("POST", f"{REVIEW}/call-ins"): "assessments:write",
    ("POST", f"{REVIEW}/closure"): "assessments:write",
    ("POST", f"{REVIEW}/assessments/{{provider_id}}/{{milestone_code}}/restatement"): "assessments:write",
    # Setting up programmes and schemes, and signing them.
    ("POST", f"{API}/programmes"): "schemes:write",
    ("POST", f"{PROGRAMME}/providers"): "schemes:write",
    ("POST", f"{PROGRAMME}/providers/{{provider_id}}/revisions"): "schemes:write",
    ("POST", f"{PROGRAMME}/continuation"): "schemes:write",
    ("POST", f"{PROGRAMME}/schemes"): "schemes:write",
    ("GET", f"{PROGRAMME}/scheme-template.xlsx"): "schemes:write",
    ("POST", f"{PROGRAMME}/scheme-imports"): "schemes:write",
    ("POST", f"{PROGRAMME}/scheme-imports/rows"): "schemes:write",
    ("POST", f"{SCHEME}/amendments"): "schemes:write",
    ("POST", f"{SCHEME}/variations"): "schemes:write",
    ("POST", f"{SCHEME}/lead"): "schemes:write",
    ("POST", f"{SCHEME}/signatures"): "schemes:write",
    # Money.
    ("GET", f"{PROGRAMME}/payments"): "payments:read",
    ("GET", f"{PROGRAMME}/payments.{{form}}"): "payments:read",
    ("GET", f"{PROGRAMME}/payments-by-scheme.{{form}}"): "payments:read",
    ("GET", f"{PROGRAMME}/forecast"): "payments:read",
    ("POST", f"{PROGRAMME}/what-if"): "payments:read",  # records nothing
    ("GET", f"{PROGRAMME}/statements"): "payments:read",
    ("GET", f"{PROGRAMME}/statements.{{form}}"): "payments:read",
    ("GET", f"{API}/payment-rules"): "payments:read",
    ("GET", f"{PROGRAMME}/payment-rules"): "payments:read",
    ("GET", f"{PROGRAMME}/payment-rules/replay"): "payments:read",
    ("GET", f"{PROGRAMME}/payment-rules/replay.{{form}}"): "payments:read",
    ("GET", f"{SCHEME}/payments"): "payments:read",
    ("PUT", f"{PROGRAMME}/on-account-basis"): "payments:write",
    ("PUT", f"{PROGRAMME}/payment-rules"): "payments:write",
    ("POST", f"{PROGRAMME}/statements"): "payments:write",
    # The audit trail.
    ("GET", f"{PROGRAMME}/audit"): "audit:read",
    ("GET", f"{PROGRAMME}/audit.csv"): "audit:read",
}


def require_route_scope(granted: frozenset[str], method: str, path: str | None) -> None:
    """Raise ScopeMissingError unless the route (its method and path template) names a scope among `granted`; a
    route that names none, or is not in the table (a page, a route added later), is for people only. HEAD is
    GET's."""
    method = "GET" if method == "HEAD" else method
    require_scope(granted, SCOPE_BY_ROUTE.get((method, path or ""), PEOPLE_ONLY))
