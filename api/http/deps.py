"""Dependencies the routes declare: the application, the settings and the signed-in actor.

Those that only read the request or app state are `async def`, so FastAPI runs them on the event loop; a plain
`def` dependency costs a hop to a worker thread and back, which is for those that touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from api.http.access import may_know_programme, may_know_scheme
from api.storage.attachments import AttachmentStore
from api.storage.idempotency import IdempotencyKeys
from api.live.hub import Hub
from api.live.waits import PositionBeyondLogError
from api.observability.logs import bind_actor
from api.observability.metrics import route_template
from api.storage.revocations import RevokedTokens
from api.http.sign_in import SignInLedger
from api.http.security import SignInError, TokenClaims, actor_from_claims, read_token
from api.http.routing import API
from api.http.scopes import require_route_scope
from api.http.session import COOKIE, CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, csrf_matches
from api.storage.settings import Settings
from domain.actors import Actor, Role
from domain.errors import NotPermittedError
from domain.scopes import NotAtHandError, at_hand_only
from domain.application import Corral
from projections.accounts.view import AccountsView
from projections.audit.view import AuditView
from projections.notifications.view import NotificationsView
from projections.webhooks import WebhooksView
from projections.progress.view import ProgressView
from projections.kept import KeptAnswers
from projections.reads import put_back_reads
from projections.registry import view_of

T = TypeVar("T")
bearer = OAuth2PasswordBearer(tokenUrl=f"{API}/auth/token", auto_error=False)
VIEWS_WAIT = 5.0  # seconds a read waits for the views to reach its `after`


async def get_corral(request: Request) -> Corral:
    """The application the server was started with."""
    corral: Corral = request.app.state.corral
    return corral


async def get_settings(request: Request) -> Settings:
    """The server's settings."""
    settings: Settings = request.app.state.settings
    return settings


def from_state(name: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency answering what the server's lifespan put in its state under `name` (a store, a ledger)."""

    async def stored(request: Request) -> T:
        value: T = getattr(request.app.state, name)
        return value

    return stored


CorralApp = Annotated[Corral, Depends(get_corral)]
ServerSettings = Annotated[Settings, Depends(get_settings)]


Ledger = Annotated[SignInLedger, Depends(from_state("sign_ins", SignInLedger))]


Revocations = Annotated[RevokedTokens, Depends(from_state("revocations", RevokedTokens))]
BearerToken = Annotated[str | None, Depends(bearer)]


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
CALLER = "corral.caller"


@dataclass(frozen=True)
class Caller:
    """Who sent a request, as the guard (api/http/guard.py) found them before reading its body: the token's claims,
    the actor, and whether by session cookie."""

    claims: TokenClaims
    actor: Actor
    by_cookie: bool


def known_caller(connection: HTTPConnection) -> Caller | None:
    """The caller the guard already found for this request, if it did."""
    caller: Caller | None = connection.scope.get(CALLER)
    return caller


async def offered_csrf(request: Request) -> str | None:
    """The CSRF token a changing request offers, in the X-CSRF-Token header or a form's csrf_token field."""
    header = request.headers.get(CSRF_HEADER)
    if header is not None or request.method in SAFE_METHODS:
        return header
    if request.headers.get("content-type", "").startswith(FORMS):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def session_claims(request: Request, token: str | None) -> TokenClaims:
    """The claims of the bearer token, or of the session cookie with its CSRF token on any change; else 401.

    A change's sender was already found by the guard (api/http/guard.py), before its body was read."""
    caller = known_caller(request)
    settings: Settings = request.app.state.settings
    try:
        if caller is not None:
            if not caller.by_cookie:
                return caller.claims
            claims = caller.claims
        elif token is not None:
            return read_token(token, settings.signing_key())
        else:
            cookie = request.cookies.get(COOKIE)
            if cookie is None:
                raise SignInError("sign in first")
            claims = read_token(cookie, settings.signing_key())
    except SignInError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None
    if request.method not in SAFE_METHODS and not csrf_matches(
        claims.token_id, settings.signing_key(), await offered_csrf(request)
    ):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"a change made with the session cookie needs the session's {CSRF_HEADER}"
        )
    return claims


async def get_claims(request: Request, token: BearerToken) -> TokenClaims:
    """The signed-in session's claims, or 401 (403 for a cookie's change without its CSRF token)."""
    return await session_claims(request, token)


SessionClaims = Annotated[TokenClaims, Depends(get_claims)]


def signed_in_actor(state: Any, claims: TokenClaims) -> Actor:
    """The actor valid claims name, checked now against sign-outs and the account as it is; else SignInError.
    Both the guard and `get_actor` ask this, given the app's state."""
    revocations: RevokedTokens = state.revocations
    return actor_from_claims(state.corral, claims, revocations.is_revoked)


async def get_actor(request: Request, token: BearerToken) -> Actor:
    """The signed-in actor, or 401: the guard's, when it already asked, else asked now in a worker thread. Its claims
    are found here, not by a dependency of its own: every route asks for the actor, several times over (its role
    check, its access check, its command), and FastAPI walks a dependency's whole tree at each ask."""
    claims = await session_claims(request, token)
    caller = known_caller(request)
    try:
        actor = (
            caller.actor if caller is not None else await run_in_threadpool(signed_in_actor, request.app.state, claims)
        )
    except SignInError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None
    if claims.scopes is not None:  # an API client: only the routes its token's scopes name (api/http/scopes.py)
        require_route_scope(claims.scopes, request.method, route_template(request.scope))
    bind_actor(actor)  # on the event loop, in the request's own context: its later log lines name the actor
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


def session_of(connection: HTTPConnection) -> tuple[TokenClaims, Actor] | None:
    """The session cookie's claims and actor, checked as `get_actor` checks them, or None: for what is drawn outside
    a route (an error page), to show who is signed in. It reads the accounts, so call it from a worker thread."""
    cookie = connection.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        claims = read_token(cookie, connection.app.state.settings.signing_key())
        return claims, signed_in_actor(connection.app.state, claims)
    except SignInError:
        return None


async def checked(check: Callable[[Corral, Actor, UUID], None], corral: Corral, actor: Actor, target: UUID) -> None:
    """An access check, run on the event loop when all it loads is at hand (this request has caught the aggregate
    cache up already, as the guard's load of the caller's account does, and what it reads is cached), else in a
    worker thread, as a plain `def` dependency runs: most requests save a hop to a thread and back."""
    try:
        with at_hand_only():
            return check(corral, actor, target)
    except NotAtHandError:
        pass
    await run_in_threadpool(check, corral, actor, target)


async def known_programme(programme_id: UUID, actor: CurrentActor, corral: CorralApp) -> None:
    """404 for a programme the actor has nothing to do with, before anything else is said of it."""
    await checked(may_know_programme, corral, actor, programme_id)


async def known_scheme(scheme_id: UUID, actor: CurrentActor, corral: CorralApp) -> None:
    """404 for a scheme not of the actor's commissioner whose terms never named the actor's organisation."""
    await checked(may_know_scheme, corral, actor, scheme_id)


def performed_by(*roles: Role) -> Any:
    """A route's first check, DOMAIN.md's table by role: 403 for a role that never does this, whatever the target."""
    staff = " or ".join(f"{role.value} staff" for role in roles)

    async def require(actor: CurrentActor) -> None:
        if actor.role not in roles:
            raise NotPermittedError(f"only {staff} do this")

    return Depends(require)


KnownProgramme = Depends(known_programme)
KnownScheme = Depends(known_scheme)
BY_COMMISSIONER = performed_by(Role.COMMISSIONER)
BY_PROVIDER = performed_by(Role.PROVIDER)
BY_ADMINISTRATOR = performed_by(Role.ADMINISTRATOR)


async def get_progress_view(request: Request) -> ProgressView:
    """The progress read model."""
    return view_of(request.app.state.views, ProgressView)


async def get_accounts_view(request: Request) -> AccountsView:
    """The accounts' read model."""
    return view_of(request.app.state.views, AccountsView)


async def get_audit_view(request: Request) -> AuditView:
    """The audit trail's read model."""
    return view_of(request.app.state.views, AuditView)


async def get_notifications_view(request: Request) -> NotificationsView:
    """The inbox's read model."""
    return view_of(request.app.state.views, NotificationsView)


async def get_webhooks_view(request: Request) -> WebhooksView:
    """The webhooks' read model: endpoints and their delivery logs."""
    return view_of(request.app.state.views, WebhooksView)


async def views_after(
    request: Request,
    after: Annotated[
        int | None, Query(ge=0, description="wait (up to 5 s) until the views include this log position")
    ] = None,
) -> None:
    """Read-your-writes: hold the read, on the event loop, until the views have applied the position a command
    returned; 422 at once for a position the log has not reached, 503 if the views take too long."""
    if after is None:
        return
    hub: Hub = request.app.state.hub
    put_back_reads()  # no connection is held idle while the views catch up
    try:
        reached = await hub.waits.reached(after, timeout=VIEWS_WAIT)
    except PositionBeyondLogError as error:
        raise RequestValidationError([{"loc": ("query", "after"), "msg": str(error), "type": "value_error"}]) from None
    if not reached:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, f"the views have not reached {after} yet", {"Retry-After": "1"}
        )


async def views_at_head(request: Request, corral: CorralApp) -> None:
    """Hold a command that reads the views until they have applied every event recorded so far (e.g. a statement,
    which settles against what was earned to date); 503 if they take too long."""
    head = await run_in_threadpool(corral.recorder.max_notification_id)
    hub: Hub = request.app.state.hub
    if head and not await hub.waits.reached(head, timeout=VIEWS_WAIT):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the views are catching up", {"Retry-After": "1"})


ViewsAtHead = Depends(views_at_head)
ProgressReadings = Annotated[ProgressView, Depends(get_progress_view)]
AuditReadings = Annotated[AuditView, Depends(get_audit_view)]
AccountsReadings = Annotated[AccountsView, Depends(get_accounts_view)]
NotificationsReadings = Annotated[NotificationsView, Depends(get_notifications_view)]
WebhooksReadings = Annotated[WebhooksView, Depends(get_webhooks_view)]
KeptProgress = Annotated[KeptAnswers, Depends(from_state("kept_progress", KeptAnswers))]  # answers kept by position
Idempotency = Annotated[IdempotencyKeys, Depends(from_state("idempotency", IdempotencyKeys))]
AttachmentFiles = Annotated[AttachmentStore, Depends(from_state("attachments", AttachmentStore))]
ViewsAfter = Annotated[None, Depends(views_after)]
