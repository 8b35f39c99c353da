"""The payment rules: the published versions, the one a programme pays by, adopting another (with a reason), and
replaying a programme's money under any version, recording nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownProgramme, ProgressReadings, ViewsAfter
from api.http.openapi import VERSIONED
from api.http.exports import DOWNLOAD, Format, file_name, table
from api.http.money import Change, Money
from api.http.replays import replay_headings, replay_rows
from api.http.routing import api_router
from domain.limits import SHORT_TEXT
from domain.milestones import contract_year_label
from domain.payment_rules import RULEBOOK, PaymentRules, UnknownRulesError, published
from projections.progress.queries import (
    Difference,
    Replay,
    organisation_names,
    programme_heading,
    programme_rules,
    replay_for,
)

router = api_router(tags=["payments"])
VERSION = Query(
    description="the published version to replay the programme's money under, e.g. partial-60; by default the one it "
    "pays by, which changes nothing"
)


class RulesOut(BaseModel):
    """One version of the payment rules: its terms in words, and each as a field."""

    version: str
    title: str
    terms: list[str] = Field(description="the version's rules in plain words, one a line")
    partial_fraction: Decimal = Field(description="what Partially Met earns, from 0 to 1")
    not_applicable: str = Field(description="what N/A does: 'leaves the totals' or 'earns in full'")
    scale: str = Field(description="a numeric milestone's sliding scale: 'linear' or 'stepped'")
    steps: int = Field(description="a stepped scale's steps")
    rounding: str = Field(description="'exact', or 'each milestone' to the penny")

    @classmethod
    def of(cls, rules: PaymentRules) -> RulesOut:
        """A version as the API shows it."""
        return cls(
            version=rules.version,
            title=rules.title,
            terms=rules.terms,
            partial_fraction=rules.partial_fraction,
            not_applicable=rules.not_applicable.value,
            scale=rules.scale.value,
            steps=rules.steps,
            rounding=rules.rounding.value,
        )


class ProgrammeRulesOut(BaseModel):
    programme_id: str
    programme_version: int = Field(description="the programme's version: send it as If-Match to adopt another")
    rules: RulesOut


class PaymentRulesIn(BaseModel):
    version: str = Field(max_length=100, description="a published version, from GET /payment-rules")
    reason: str = Field(max_length=SHORT_TEXT.cap)


class DifferenceOut(BaseModel):
    """One provider's money in one scheme and quarter, now and under the other rules."""

    provider_id: str
    scheme_id: str
    scheme_code: str
    scheme_title: str
    quarter: str
    closed: bool = Field(description="a closed quarter keeps the values fixed at its close, unless restated")
    now: Money
    replayed: Money = Field(description="as adopting the other rules would pay: a closed quarter keeps its values")
    change: Change = Field(description="replayed less now")
    throughout: Money = Field(description="had the other rules applied all year, closed quarters repriced too")
    change_throughout: Change = Field(description="throughout less now")

    @classmethod
    def of(cls, d: Difference) -> DifferenceOut:
        """One cell of the replay as the API shows it."""
        return cls(
            provider_id=d.provider_id,
            scheme_id=d.scheme.scheme_id,
            scheme_code=d.scheme.code,
            scheme_title=d.scheme.title,
            quarter=d.quarter.value,
            closed=d.closed,
            now=Money.of(d.now),
            replayed=Money.of(d.replayed),
            change=Change.between(d.now, d.replayed),
            throughout=Money.of(d.throughout),
            change_throughout=Change.between(d.now, d.throughout),
        )


class ReplayOut(BaseModel):
    programme_id: str
    now_rules: RulesOut
    rules: RulesOut
    differences: list[DifferenceOut] = Field(description="every provider x scheme x quarter you may see")
    now: Money = Field(description="the total of the cells you may see, as the programme pays now")
    replayed: Money = Field(description="the same cells' total under the other rules, as adopting them would pay")
    change: Change
    throughout: Money = Field(description="the same cells' total had the other rules applied all year")
    change_throughout: Change


@router.get("/payment-rules", response_model=list[RulesOut])
def list_payment_rules(_: CurrentActor) -> list[RulesOut]:
    """The published versions of the payment rules, oldest first, each with its terms in words and fields."""
    return [RulesOut.of(rules) for rules in RULEBOOK.values()]


@router.get(
    "/programmes/{programme_id}/payment-rules",
    response_model=ProgrammeRulesOut,
    responses=VERSIONED,
    dependencies=[KnownProgramme],
)
def read_payment_rules(programme_id: UUID, corral: CorralApp) -> JSONResponse:
    """The payment rules the programme pays by now, with the programme's version as the ETag."""
    programme = corral.programme(programme_id)
    out = ProgrammeRulesOut(
        programme_id=str(programme_id), programme_version=programme.version, rules=RulesOut.of(programme.rules)
    )
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": f'"{programme.version}"'})


@router.put(
    "/programmes/{programme_id}/payment-rules",
    response_model=RecordedOut,
    dependencies=[BY_COMMISSIONER, KnownProgramme],
)
def adopt_payment_rules(programme_id: UUID, body: PaymentRulesIn, act: Act) -> JSONResponse:
    """The commissioner adopts a published version, saying why: open quarters are repriced by it; closed quarters
    keep their values unless restated."""
    return act.run(
        f"payment rules {programme_id} {described(body)}",
        lambda: act.corral.adopt_payment_rules(
            act.actor, programme_id, body.version, body.reason, act.expected_version
        ),
    )


@router.get("/programmes/{programme_id}/payment-rules/replay", response_model=ReplayOut)
def replay_rules(
    programme_id: UUID,
    actor: CurrentActor,
    readings: ProgressReadings,
    _: ViewsAfter,
    rules: Annotated[str | None, VERSION] = None,
) -> ReplayOut:
    """The programme's money now and under another version, per provider x scheme x quarter, recording nothing:
    every provider's for the commissioner's side, your own for a provider."""
    replayed = _replayed(readings, actor, programme_id, rules)
    return ReplayOut(
        programme_id=str(programme_id),
        now_rules=RulesOut.of(replayed.now_rules),
        rules=RulesOut.of(replayed.rules),
        differences=[DifferenceOut.of(d) for d in replayed.differences],
        now=Money.of(replayed.now),
        replayed=Money.of(replayed.replayed),
        change=Change.between(replayed.now, replayed.replayed),
        throughout=Money.of(replayed.throughout),
        change_throughout=Change.between(replayed.now, replayed.throughout),
    )


@router.get("/programmes/{programme_id}/payment-rules/replay.{form}", response_class=Response, responses=DOWNLOAD)
def download_replay(
    programme_id: UUID,
    form: Format,
    actor: CurrentActor,
    readings: ProgressReadings,
    rules: Annotated[str | None, VERSION] = None,
) -> Response:
    """The replay as `GET …/replay` gives it, as a CSV file or a workbook (money in a £ format)."""
    heading = programme_heading(readings, actor, programme_id)
    replayed = _replayed(readings, actor, programme_id, rules)
    year = contract_year_label(heading.contract_year).replace("/", "-")
    name = file_name(heading.health_economy, year, "replay", replayed.rules.version)
    rows = replay_rows(replayed, organisation_names(readings))
    return table(replay_headings(replayed), rows, form, name, f"Replay {replayed.rules.version}")


def _replayed(readings: ProgressReadings, actor: CurrentActor, programme_id: UUID, version: str | None) -> Replay:
    """The replay the actor may see; 404 for a programme not theirs, then 422 naming `rules` for an unknown version."""
    access = programme_heading(readings, actor, programme_id).access
    try:
        rules = programme_rules(readings, access.programme_id) if version is None else published(version)
    except UnknownRulesError as error:
        raise RequestValidationError([{"loc": ("query", "rules"), "msg": str(error), "type": "value_error"}]) from None
    return replay_for(readings, access, rules)
