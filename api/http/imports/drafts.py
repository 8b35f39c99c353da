"""Rows checked as the drafts they describe: each parsed into the request models the JSON API takes, then checked by
the domain's own rules and against the programme as drafting them would be, recording nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ValidationError

from api.http.errors import organisation_names
from api.http.imports.reading import Rows
from api.http.imports.rows import EXCLUSION_FIELDS, MILESTONE_FIELDS, PARTICIPANT_FIELDS, Providers, milestone_body
from api.http.imports.sheets import Row, RowError, Sheet
from api.http.setting_up import DraftIn, MilestoneIn, ParticipantIn, milestone_of
from domain.actors import Actor
from domain.application import Corral
from domain.errors import DomainError
from domain.limits import InvalidInputError
from domain.scheme import Participant, SchemeTerms

SCHEME_FIELDS = {"code": "scheme_code", "title": "title", "description": "description"}


@dataclass(frozen=True)
class Draft:
    """A scheme as it would be drafted (its terms name the providers of the programme left out of it, with why)."""

    code: str
    terms: SchemeTerms


@dataclass(frozen=True)
class Checked:
    """What the rows would draft, or every fault found in them; provider names for showing either."""

    in_workbook: bool
    drafts: tuple[Draft, ...]
    errors: tuple[RowError, ...]
    names: dict[UUID, str]

    @property
    def valid(self) -> bool:
        """True when every row is sound and the drafts may be recorded."""
        return not self.errors and bool(self.drafts)


@dataclass
class _Scheme:
    """A scheme's rows, so a fault the request models or the domain name by path is found on its row again."""

    row: Row
    participants: list[Row] = field(default_factory=list)
    milestones: list[Row] = field(default_factory=list)
    left_out: list[Row] = field(default_factory=list)  # the participants' rows that leave a provider out
    errors: list[RowError] = field(default_factory=list)

    def fault(self, path: str, message: str) -> None:
        """A fault named by its path in the draft's body, as `milestones.3.measure.maximum`, found on its row."""
        if any((e.sheet, e.row, e.column) == self._place(path) for e in self.errors):
            return  # one fault a cell: a provider not found is not also missing
        sheet, row, column = self._place(path)
        self.errors.append(RowError(sheet, row, column, message))

    def _place(self, path: str) -> tuple[Sheet, int, str | None]:
        part, _, rest = path.partition(".")
        number, _, inner = rest.partition(".")
        if part == "exclusions" and number.isdigit():
            return Sheet.PARTICIPANTS, self.left_out[int(number)].number, EXCLUSION_FIELDS.get(inner)
        if part in ("participants", "milestones") and number.isdigit():
            sheet, rows, fields = (
                (Sheet.PARTICIPANTS, self.participants, PARTICIPANT_FIELDS)
                if part == "participants"
                else (Sheet.MILESTONES, self.milestones, MILESTONE_FIELDS)
            )
            return sheet, rows[int(number)].number, fields.get(inner)
        return Sheet.SCHEMES, self.row.number, SCHEME_FIELDS.get(part)

    def refused(self, path: str, error: DomainError, names: Callable[[UUID], str]) -> None:
        """A broken rule, at the field it names (within `path` unless it names its whole path), else at `path`."""
        if isinstance(error, InvalidInputError):
            whole = not path or error.field.startswith(f"{path}.")
            self.fault(error.field if whole else f"{path}.{error.field}", error.message)
        else:
            self.fault(path, error.described(names))

    def parsed(self, model: type[BaseModel], path: str, body: dict[str, Any]) -> Any:
        """The body as the request model reads it; None, with its faults noted, if it cannot."""
        try:
            return model.model_validate(body)
        except ValidationError as invalid:
            for e in invalid.errors():
                self.fault(".".join([path, *(str(p) for p in e["loc"])]).strip("."), e["msg"])
            return None


def check(corral: Corral, actor: Actor, programme_id: UUID, rows: Rows) -> Checked:
    """The drafts the rows describe, checked as the drafting use case would check them; nothing is recorded."""
    providers = Providers.of(corral, programme_id)
    errors = list(rows.errors)
    schemes = _grouped(rows, errors)
    names = organisation_names(corral)
    built = [(scheme, made) for scheme in schemes if (made := _draft(scheme, providers, names)) is not None]
    refusals = corral.refusals_of_drafts(actor, programme_id, [made for _, made in built])
    for (scheme, _), refusal in zip(built, refusals):
        if refusal is not None:
            scheme.refused("", refusal, names)
    errors.extend(error for scheme in schemes for error in scheme.errors)
    if not schemes and not errors:
        errors.append(RowError(Sheet.SCHEMES, None, None, "lists no scheme to import"))
    found = tuple(Draft(code, terms) for _, (code, terms) in built)
    return Checked(rows.in_workbook, found if not errors else (), tuple(errors), providers.names)


def _grouped(rows: Rows, errors: list[RowError]) -> list[_Scheme]:
    """Each scheme's row with the participants' and milestones' rows that name its code."""
    schemes = [_Scheme(row) for row in rows.sheets[Sheet.SCHEMES]]
    by_code = {str(s.row.get("scheme_code") or "").casefold(): s for s in reversed(schemes)}
    for sheet in (Sheet.PARTICIPANTS, Sheet.MILESTONES):
        for row in rows.sheets[sheet]:
            code = str(row.get("scheme_code") or "")
            scheme = by_code.get(code.casefold()) if code else None
            if scheme is None:
                why = f"{code} is not a scheme code on the Schemes sheet" if code else "names no scheme: give its code"
                errors.append(RowError(sheet, row.number, "scheme_code", why))
            else:
                (scheme.participants if sheet is Sheet.PARTICIPANTS else scheme.milestones).append(row)
    return schemes


def _draft(scheme: _Scheme, providers: Providers, names: Callable[[UUID], str]) -> tuple[str, SchemeTerms] | None:
    """The scheme's code and terms from its rows as the API's draft, each row parsed and checked on its own first so
    every row's faults are found, then the rows that parsed together; None if the terms cannot be made of them."""
    exclusions = []
    for row in [r for r in scheme.participants if r.get("left_out") is not None]:
        scheme.participants.remove(row)
        provider = providers.find(row, Sheet.PARTICIPANTS, scheme.errors)
        if row.get("weight") is not None:
            scheme.errors.append(RowError(Sheet.PARTICIPANTS, row.number, "weight", "a provider left out has none"))
        if provider is not None:
            scheme.left_out.append(row)
            exclusions.append({"provider_id": provider, "reason": str(row.get("left_out"))})
    participants: list[ParticipantIn] = []
    participant_rows = len(scheme.participants)
    for row in list(scheme.participants):
        number = scheme.participants.index(row)  # among the rows still in: those before it that failed are out
        body = {"provider_id": providers.find(row, Sheet.PARTICIPANTS, scheme.errors), "weight": row.get("weight")}
        path = f"participants.{number}"
        parsed = scheme.parsed(ParticipantIn, path, {k: v for k, v in body.items() if v is not None})
        if parsed is not None and _checked(scheme, path, lambda: Participant(parsed.provider_id, parsed.weight), names):
            participants.append(parsed)
        else:
            scheme.participants.remove(row)
    milestones: list[MilestoneIn] = []
    for row in list(scheme.milestones):
        number = scheme.milestones.index(row)
        path = f"milestones.{number}"
        parsed = scheme.parsed(MilestoneIn, path, milestone_body(row, providers, scheme.errors))
        if parsed is not None and _checked(scheme, path, lambda: milestone_of(number, parsed), names):
            milestones.append(parsed)
        else:
            scheme.milestones.remove(row)
    if len(scheme.participants) < participant_rows:
        return None  # the participants are not known: the terms' own rules would only say so again
    # From here a path's number is the place among the rows that parsed: so every other fault is found as well.
    values = scheme.row.values
    head = {"code": values.get("scheme_code"), "title": values.get("title"), "description": values.get("description")}
    body = {k: v for k, v in head.items() if v is not None}
    body |= {"participants": participants, "milestones": milestones, "exclusions": exclusions}
    draft = scheme.parsed(DraftIn, "", body)
    if draft is None:
        return None
    try:
        return draft.code, draft.terms()
    except DomainError as error:
        scheme.refused(_culprit(draft, error), error, names)
        return None


def _checked(scheme: _Scheme, path: str, build: Callable[[], object], names: Callable[[UUID], str]) -> bool:
    """True if the row's own domain object is built; else why not is noted at its fields (within `path`)."""
    try:
        build()
    except DomainError as error:
        scheme.refused(path, error, names)
        return False
    return True


def _culprit(draft: DraftIn, error: DomainError) -> str:
    """Where a rule of the whole terms is broken: the first participant, else the first milestone, whose adding
    breaks it (as a provider listed twice, or a second milestone with a code already used); else the scheme."""
    if isinstance(error, InvalidInputError):
        return ""

    def fails(participants: Sequence[ParticipantIn], milestones: Sequence[MilestoneIn]) -> bool:
        try:
            draft.model_copy(update={"participants": list(participants), "milestones": list(milestones)}).terms()
        except DomainError as again:
            return str(again) == str(error)
        return False

    if fails(draft.participants, []):
        first = _first(len(draft.participants), lambda n: fails(draft.participants[:n], []))
        return f"participants.{first - 1}" if first else ""
    first = _first(len(draft.milestones), lambda n: fails(draft.participants, draft.milestones[:n]))
    return f"milestones.{first - 1}" if first else ""


def _first(count: int, fails: Callable[[int], bool]) -> int:
    """The fewest of `count` rows that still fail (adding a row never mends such a fault), found by halving."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if fails(middle):
            high = middle
        else:
            low = middle + 1
    return low
