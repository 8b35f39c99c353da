"""The one command path, for API routes and page forms alike: the actor, Idempotency-Key, If-Match, the answer's
ETag, and a refusal mapped from the domain's errors in one way.

A route answers with `run` (JSON); a page asks `attempt` for what was recorded or the refusal, and shows either.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.access import may_attach_evidence
from api.http.deps import CorralApp, CurrentActor, Idempotency
from api.http.errors import PROBLEM, domain_problem, organisation_names, problem
from api.observability.metrics import count_command
from api.storage.attachments import AttachmentStore
from api.storage.idempotency import Answer, IdempotencyKeys, KeyReusedError
from domain.actors import Actor
from domain.application import Corral
from domain.errors import DomainError
from domain.evidence import Attachment
from domain.service import Recorded


class RecordedOut(BaseModel):
    id: str
    version: int
    position: int


@dataclass(frozen=True)
class Refusal:
    """A refused command, as its problem says: the status, the rule broken (None for a key reused), what it says,
    and each input outside the limits on input with what is wrong with it."""

    status: int
    rule: type[DomainError] | None
    detail: str
    inputs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Replayed(Recorded):
    """What the first request with the same Idempotency-Key recorded, handed back to a repeat of it."""


@dataclass(frozen=True)
class Command:
    """One keyed, versioned request to change something."""

    actor: Actor
    corral: Corral
    keys: IdempotencyKeys
    key: str | None
    if_match: str | None
    name: str = "command"  # its type, counted in the metrics: the name of the route or page that asks for it

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

    def run(
        self,
        request: str,
        act: Callable[[], Recorded],
        status_code: int = 200,
        more: Mapping[str, Any] | None = None,
        told_once: Callable[[], Mapping[str, Any]] | None = None,
    ) -> JSONResponse:
        """Act once per Idempotency-Key and answer with what was recorded, its version as the ETag (and `more` the
        answer says of it, once recorded). What `told_once` gives after acting goes only into this first answer: it
        is never kept with the key, so a replay (or anything reading the keys' table) never sees it, e.g. a secret."""
        answer = self._once(request, act, status_code, more)
        if told_once is not None and not answer.replayed and answer.status < 400:
            answer = replace(answer, body=json.dumps(json.loads(answer.body) | dict(told_once())))
        return _response(answer)

    def attempt(self, request: str, act: Callable[[], Recorded]) -> Recorded | Refusal:
        """Act once per key, as `run` does, and hand back what was recorded or why not: a replay hands back the same."""
        answer = self._once(request, act, 200)
        if answer.status >= 400:
            return _refusal(answer)
        body = json.loads(answer.body)
        return (Replayed if answer.replayed else Recorded)(UUID(body["id"]), body["version"], body["position"])

    def _once(
        self, request: str, act: Callable[[], Recorded], status_code: int, more: Mapping[str, Any] | None = None
    ) -> Answer:
        try:
            answer = self.keys.once(
                self.actor.user_id,
                self.key,
                f"{request} if-match={self.if_match}",
                lambda: _answer(act, status_code, self.corral, more or {}),
            )
        except KeyReusedError as error:
            answer = _problem_answer(problem(422, "Idempotency key reused", str(error)))
        count_command(self.name, answer.status, answer.replayed)
        return answer


def refused(error: DomainError) -> Refusal:
    """The refusal a broken rule met outside a command becomes, as the API's problem for it would say."""
    return _refusal(_problem_answer(domain_problem(error)))


def described(body: BaseModel | Mapping[str, Any]) -> str:
    """A request's body as text for its Idempotency-Key's fingerprint, whatever text it holds: escaped to ASCII, so
    even a lone surrogate (which the domain refuses, naming the field) reaches the domain instead of failing here."""
    values = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return json.dumps(values, separators=(",", ":"), default=str)


def keep_upload(store: AttachmentStore, corral: Corral, actor: Actor, file: UploadFile) -> Attachment:
    """Store a file as the actor's organisation's and record the upload, before evidence names it: the one change
    made without a key, since uploading the same file again is no error."""
    may_attach_evidence(actor)
    kept = store.keep(file.file, file.filename or "")
    corral.record_upload(actor, kept)
    return kept


def _answer(act: Callable[[], Recorded], status_code: int, corral: Corral, more: Mapping[str, Any]) -> Answer:
    """What was recorded, with its version as the ETag; or the problem a broken rule becomes."""
    try:
        recorded = act()
    except DomainError as error:
        return _problem_answer(domain_problem(error, organisation_names(corral)))
    body = {"id": str(recorded.id), "version": recorded.version, "position": recorded.position, **more}
    return Answer(status_code, json.dumps(body), {"ETag": f'"{recorded.version}"'})


def _problem_answer(response: JSONResponse) -> Answer:
    return Answer(response.status_code, bytes(response.body).decode())


def _refusal(answer: Answer) -> Refusal:
    """The refusal a problem describes: its rule found again by name, so a replay is shown as the first answer was."""
    body = json.loads(answer.body)
    rule = DomainError.of_rule(body["rule"]) if "rule" in body else None
    inputs = tuple((e["field"], e["message"]) for e in body.get("errors", ()))
    return Refusal(answer.status, rule, body["detail"], inputs)


class RecordedJSON(JSONResponse):
    """A JSON response whose content is JSON text already, as a keyed answer was recorded: sent as it is."""

    def render(self, content: str) -> bytes:
        return content.encode()


def _response(answer: Answer) -> JSONResponse:
    """The answer as a response, its JSON sent as it was recorded (a replay's byte for byte as the first), marked as a
    replay when it was given before."""
    media_type = PROBLEM if answer.status >= 400 else None
    response = RecordedJSON(answer.body, answer.status, answer.headers, media_type)
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _name(request: Request) -> str:
    """The command's type: the name of the route (or page) that was asked."""
    return str(getattr(request.scope.get("route"), "name", None) or "command")


async def get_command(
    request: Request,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Command:
    """The command context of a state-changing request."""
    return Command(actor, corral, keys, key, if_match, _name(request))


async def get_form_command(
    request: Request,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    version: Annotated[int, Form()],
    idempotency_key: Annotated[str | None, Form(max_length=200)] = None,
) -> Command:
    """The command context of a page's form: its hidden `idempotency_key` field is the key, made when the form was
    drawn, and its hidden `version` field the version it was drawn at, as If-Match names it."""
    return Command(actor, corral, keys, idempotency_key, f'"{version}"', _name(request))


Act = Annotated[Command, Depends(get_command)]
FormAct = Annotated[Command, Depends(get_form_command)]
