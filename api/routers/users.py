"""User accounts: the administrator opens and disables them; a user, or the administrator, sets a new password."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, SecretStr

from api.commands import Act, RecordedOut
from api.deps import BY_ADMINISTRATOR
from api.security import SignInError, authenticate, hash_password
from domain.actors import Role
from domain.errors import NotPermittedError
from domain.limits import SHORT_TEXT

router = APIRouter(tags=["users"])


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=63, examples=["rduh.quality"])
    organisation_id: UUID
    role: Role
    password: SecretStr = Field(min_length=12, max_length=200)


class PasswordIn(BaseModel):
    password: SecretStr = Field(min_length=12, max_length=200)
    current_password: SecretStr | None = Field(None, description="needed when you change your own password")


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=SHORT_TEXT.cap)


@router.post("/users", status_code=201, response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR])
def open_account(body: UserIn, act: Act) -> JSONResponse:
    """The administrator opens an account for a user of one organisation, with one role."""
    return act.run(
        f"user {body.username} {body.organisation_id} {body.role.value}",
        lambda: act.corral.register_user(
            act.actor, body.username, body.organisation_id, body.role, hash_password(body.password.get_secret_value())
        ),
        201,
    )


@router.post("/users/{username}/password", response_model=RecordedOut)
def change_password(username: str, body: PasswordIn, act: Act) -> JSONResponse:
    """Set a new password: your own (giving the current one), or anyone's as the administrator."""
    if act.actor.user_id == username:
        current = body.current_password.get_secret_value() if body.current_password else ""
        try:
            authenticate(act.corral, username, current)
        except SignInError:
            raise NotPermittedError("give your current password, correctly, to set a new one") from None
    else:
        act.actor.require_administrator()
    password_hash = hash_password(body.password.get_secret_value())
    return act.run(
        f"password {username}",
        lambda: act.corral.change_password(act.actor, username, password_hash, act.expected_version),
    )


@router.post("/users/{username}/disablement", response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR])
def disable(username: str, body: ReasonIn, act: Act) -> JSONResponse:
    """The administrator stops an account from acting, saying why; its history stays."""
    return act.run(
        f"disable {username} {body.reason}",
        lambda: act.corral.disable_user(act.actor, username, body.reason, act.expected_version),
    )
