"""What-if: a provider's milestones in quarters still open, each with a status to suppose and, for a numeric one,
figures; asking shows the money before and after. A GET form: it records nothing and changes no view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from uuid import UUID

from fastapi.responses import Response

from api.http.deps import ViewsAfter
from domain.achievement import AssessmentStatus
from domain.limits import InvalidInputError
from domain.payments import Figures
from projections.progress.queries import (
    MilestoneProgress,
    Moved,
    Supposition,
    WhatIf,
    open_milestones,
    programme_heading,
)
from projections.progress.queries import may_ask_about, programme_providers, what_if_for
from web.pages.base import CurrentPage, FormFailure, page_router

router = page_router()
FORM = "what-if"
ZERO = Figures()
STATUS_OPTIONS = [("", "As it is"), *((s.value, s.value) for s in AssessmentStatus)]


@dataclass(frozen=True)
class Asked:
    """What the form asks: the suppositions, and which row each came from (to show a refusal beside its input)."""

    suppositions: list[Supposition]
    rows: list[int]
    errors: list[tuple[str, str]]


@router.get("/programmes/{programme_id}/what-if")
def what_if_page(page: CurrentPage, programme_id: UUID, _: ViewsAfter) -> Response:
    """The form for the provider's milestones (a commissioner picks the provider) and, once asked, the money before
    and after the statuses and figures supposed. Nothing is recorded."""
    chosen = page.request.query_params.get("provider", "")
    may_ask_about(page.viewer.actor, [chosen] if chosen else [])
    heading = programme_heading(page.readings, page.viewer.actor, programme_id)
    access = heading.access
    if not access.everything:
        chosen = str(access.provider_id)
    providers = [(p.id, p.name) for p in programme_providers(page.readings, heading.id)]
    rows = open_milestones(page.readings, access, chosen) if chosen else []
    values = dict(page.request.query_params)
    context = {
        "title": f"{heading.health_economy} {heading.contract_year}: what if",
        "programme": heading,
        "providers": providers,
        "chosen": chosen,
        "chosen_name": dict(providers).get(chosen, chosen),
        "rows": list(enumerate(rows)),
        "status_options": STATUS_OPTIONS,
        "answer": None,
        "asked": values,
        "form": FORM,
    }
    if "ask" not in values or not rows:
        return page.show("what_if.html", context)
    asked = _asked(chosen, rows, values)
    if not asked.errors and not asked.suppositions:
        asked.errors.append((f"{FORM}-submit", "Choose a status or give figures for at least one milestone"))
    if asked.errors:
        return page.show("what_if.html", context, FormFailure(FORM, values, asked.errors))
    try:
        answer = what_if_for(page.readings, access, asked.suppositions)
    except InvalidInputError as error:
        return page.show("what_if.html", context, FormFailure(FORM, values, [_placed(error, asked.rows)]))
    return page.show("what_if.html", {**context, "answer": answer, "moved": _moved(answer)})


def _moved(answer: WhatIf) -> dict[str, list[tuple[str, Moved]]]:
    """Each provider's year, then each scheme-quarter whose money moves."""
    return {
        p.provider_id: [("The whole year", p.total)]
        + [
            (f"{c.scheme.code}: {c.scheme.title}, {c.quarter.value}", c.money)
            for c in p.cells
            if c.money.change != ZERO
        ]
        for p in answer.providers
    }


def _asked(provider_id: str, rows: list[MilestoneProgress], values: Mapping[str, str]) -> Asked:
    asked = Asked([], [], [])
    for i, row in enumerate(rows):
        status = values.get(f"status-{i}", "").strip()
        numerator = _number(values, f"numerator-{i}", asked.errors)
        denominator = _number(values, f"denominator-{i}", asked.errors)
        if status or numerator is not None or denominator is not None:
            asked.suppositions.append(
                Supposition(provider_id, row.scheme_id, row.code, status or None, numerator, denominator)
            )
            asked.rows.append(i)
    return asked


def _number(values: Mapping[str, str], name: str, errors: list[tuple[str, str]]) -> Decimal | None:
    text = values.get(name, "").strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        errors.append((f"{FORM}-{name}", "Give the figure as a number, such as 85"))
        return None


def _placed(error: InvalidInputError, rows: list[int]) -> tuple[str, str]:
    """The refusal beside the input it names: `changes.2.status` is the status of the third milestone supposed."""
    parts = error.field.split(".")
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
        name = "status" if parts[2] == "milestone_code" else parts[2]
        return f"{FORM}-{name}-{rows[int(parts[1])]}", error.message[:1].upper() + error.message[1:]
    return f"{FORM}-submit", str(error)
