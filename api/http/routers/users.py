"""User accounts: an administrator manages its own organisation's; a user or their administrator sets a password."""

from __future__ import annotations

import json
from uuid import UUID

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, SecretStr

from api.http.commands import Act, RecordedOut
from api.http.deps import BY_ADMINISTRATOR, Ledger, ServerSettings
from api.http.devices import attempt_from
from api.http.passwords import WeakPasswordError, chosen_password_hash
from api.http.routing import api_router
from api.http.security import SignInError, issue_token, read_token
from api.http.session import COOKIE, csrf_token, set_session_cookie
from api.storage.settings import Settings
from api.http.sign_in import ThrottledError, http_refusal
from domain.actors import Role
from domain.errors import NotPermittedError
from domain.limits import EMAIL, NAME, SHORT_TEXT

router = api_router(tags=["users"])


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=63, examples=["rduh.quality"])
    organisation_id: UUID
    role: Role
    password: SecretStr = Field(min_length=12, max_length=200)
    display_name: str = Field("", max_length=NAME.cap, examples=["Priya Shah"])
    email: str = Field("", max_length=EMAIL.cap, examples=["priya.shah@example.nhs.uk"])


class DetailsIn(BaseModel):
    display_name: str = Field(max_length=NAME.cap, description="the name others see beside the username; blank: none")
    email: str = Field(max_length=EMAIL.cap, description="blank for none")


class PasswordIn(BaseModel):
    password: SecretStr = Field(min_length=12, max_length=200)
    current_password: SecretStr | None = Field(None, description="needed when you change your own password")


class PasswordChangedOut(RecordedOut):
    access_token: str | None = Field(None, description="your own password changed: a token for the new generation")
    token_type: str | None = None
    expires_in: int | None = None
    csrf_token: str | None = Field(None, description="the new session's, when the change came with the cookie")


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=SHORT_TEXT.cap)


def _chosen(password: SecretStr, username: str, organisation: str, settings: Settings) -> str:
    """The hash of a password a user chose; one too easy to guess is a 422 naming the field, with zxcvbn's advice."""
    try:
        return chosen_password_hash(password.get_secret_value(), username, organisation, settings.password_min_score)
    except WeakPasswordError as error:
        raise RequestValidationError(
            [{"loc": ("body", "password"), "msg": str(error), "type": "value_error"}]
        ) from None


@router.post("/users", status_code=201, response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR])
def open_account(body: UserIn, act: Act, settings: ServerSettings) -> JSONResponse:
    """An organisation's administrator opens an account for one of its users, with one role."""
    organisation = act.corral.organisation_to_staff(act.actor, body.organisation_id)
    password_hash = _chosen(body.password, body.username, organisation.name, settings)
    return act.run(
        f"user {body.username} {body.organisation_id} {body.role.value}",
        lambda: act.corral.register_user(
            act.actor,
            body.username,
            body.organisation_id,
            body.role,
            password_hash,
            body.display_name,
            body.email,
        ),
        201,
    )


@router.post("/users/{username}/details", response_model=RecordedOut)
def change_details(username: str, body: DetailsIn, act: Act) -> JSONResponse:
    """Set the name others see and the email address: your own, or as the account's administrator."""
    return act.run(
        f"details {username} {body.display_name} {body.email}",
        lambda: act.corral.change_details(act.actor, username, body.display_name, body.email, act.expected_version),
    )


@router.post("/users/{username}/password", response_model=PasswordChangedOut)
def change_password(
    request: Request,
    username: str,
    body: PasswordIn,
    act: Act,
    settings: ServerSettings,
    ledger: Ledger,
) -> JSONResponse:
    """Set a new password, ending the account's sessions: your own (giving the current one), or as its administrator."""
    name = username.strip().lower()
    own = act.actor.user_id == name
    if own:
        _require_current_password(request, act, ledger, settings, body.current_password)
    account = act.corral.account_to_manage(act.actor, name)
    organisation = act.corral.organisation(account.organisation_id)
    password_hash = _chosen(body.password, account.username, organisation.name, settings)
    answer = act.run(
        f"password {name}", lambda: act.corral.change_password(act.actor, name, password_hash, act.expected_version)
    )
    if not own or answer.status_code != 200:
        return answer
    return _carry_on(request, answer, act, settings)


def _require_current_password(
    request: Request, act: Act, ledger: Ledger, settings: Settings, current: SecretStr | None
) -> None:
    """The current password, checked behind the same throttle as signing in."""
    if current is None:
        raise NotPermittedError("give your current password to set a new one")
    try:
        ledger.check_password(
            act.corral, attempt_from(request, act.actor.user_id, settings), current.get_secret_value()
        )
    except ThrottledError as error:
        raise http_refusal(error) from None
    except SignInError:
        raise NotPermittedError("give your current password, correctly, to set a new one") from None


def _carry_on(request: Request, answer: JSONResponse, act: Act, settings: Settings) -> JSONResponse:
    """The answer, with a token of the new password generation: the session that changed it carries on."""
    generation = act.corral.user_account(act.actor.user_id).password_generation
    token = issue_token(act.actor, settings.signing_key(), settings.token_minutes, generation)
    body = json.loads(bytes(answer.body)) | {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": settings.token_minutes * 60,
    }
    by_cookie = COOKIE in request.cookies and not request.headers.get("authorization", "").lower().startswith("bearer ")
    if by_cookie:
        body["csrf_token"] = csrf_token(read_token(token, settings.signing_key()).token_id, settings.signing_key())
    fresh = JSONResponse(body, status_code=answer.status_code, headers={"ETag": answer.headers.get("ETag", "")})
    if by_cookie:
        set_session_cookie(fresh, token, settings)
    return fresh


@router.post("/users/{username}/disablement", response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR])
def disable_user(username: str, body: ReasonIn, act: Act) -> JSONResponse:
    """The administrator of the user's organisation stops an account from acting, saying why; its history stays."""
    return act.run(
        f"disable {username} {body.reason}",
        lambda: act.corral.disable_user(act.actor, username, body.reason, act.expected_version),
    )
