"""What every state-changing route shares: the actor, Idempotency-Key, If-Match and the answer's ETag."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.deps import CorralApp, CurrentActor, Idempotency
from api.http.errors import PROBLEM, domain_problem, problem
from api.storage.idempotency import Answer, IdempotencyKeys, KeyReusedError
from domain.actors import Actor
from domain.application import Corral
from domain.errors import DomainError
from domain.service import Recorded


class RecordedOut(BaseModel):
    id: str
    version: int
    position: int


@dataclass(frozen=True)
class Command:
    """One keyed, versioned request to change something."""

    actor: Actor
    corral: Corral
    keys: IdempotencyKeys
    key: str | None
    if_match: str | None

    @property
    def expected_version(self) -> int | None:
        """The version If-Match names, if any."""
        if self.if_match is None:
            return None
        try:
            return int(self.if_match.strip().strip('"'))
        except ValueError:
            raise HTTPException(
                400, f'If-Match must be an ETag this API gave, such as "3", not {self.if_match!r}'
            ) from None

    def run(self, request: str, act: Callable[[], Recorded], status_code: int = 200) -> JSONResponse:
        """Act once per Idempotency-Key and answer with what was recorded, its version as the ETag."""
        try:
            answer = self.keys.once(
                self.actor.user_id, self.key, f"{request} if-match={self.if_match}", lambda: _answer(act, status_code)
            )
        except KeyReusedError as error:
            return problem(422, "Idempotency key reused", str(error))
        return _response(answer)


def described(body: BaseModel) -> str:
    """A request's body as text for its Idempotency-Key's fingerprint, whatever text it holds: escaped to ASCII, so
    even a lone surrogate (which the domain refuses, naming the field) reaches the domain instead of failing here."""
    return json.dumps(body.model_dump(mode="json"), separators=(",", ":"))


def _answer(act: Callable[[], Recorded], status_code: int) -> Answer:
    """What was recorded, with its version as the ETag; or the problem a broken rule becomes."""
    try:
        recorded = act()
    except DomainError as error:
        refused = domain_problem(error)
        return Answer(refused.status_code, bytes(refused.body).decode())
    body = {"id": str(recorded.id), "version": recorded.version, "position": recorded.position}
    return Answer(status_code, json.dumps(body), {"ETag": f'"{recorded.version}"'})


def _response(answer: Answer) -> JSONResponse:
    """The answer as a response, marked as a replay when it was given before."""
    response = JSONResponse(json.loads(answer.body), status_code=answer.status, headers=answer.headers)
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    if answer.status >= 400:
        response.media_type = PROBLEM
        response.headers["content-type"] = PROBLEM
    return response


async def get_command(
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Command:
    """The command context of a state-changing request."""
    return Command(actor, corral, keys, key, if_match)


Act = Annotated[Command, Depends(get_command)]
