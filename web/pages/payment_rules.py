"""The payment rules page, the commissioner's side only: the version the programme pays by and its terms, any
published version compared with it provider x scheme x quarter (a GET, recording nothing), and the form that
adopts one with a reason. A provider is told nothing of it, as of a page that does not exist."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Form, Query
from fastapi.responses import Response

from api.http.access import commissioned_programme
from api.http.commands import FormAct
from api.http.deps import ViewsAfter
from domain.actors import Role
from domain.payment_rules import RULEBOOK, UnknownRulesError, published
from domain.payments import Figures
from projections.progress.queries import (
    Difference,
    name_order,
    organisation_names,
    programme_heading,
    programme_rules,
    replay_for,
    unseen,
)
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.flash import Flash
from web.pages.parsed import labelled

router = page_router()
ADOPTION = labelled({"rules": "Version", "reason": "Reason"})
PLACED = {
    "version": "rules"
}  # the domain names the version `version`; the form calls it `rules` (`version` is the If-Match)


@router.get("/programmes/{programme_id}/payment-rules")
def payment_rules(
    page: CurrentPage, programme_id: UUID, _: ViewsAfter, rules: Annotated[str | None, Query(max_length=100)] = None
) -> Response:
    """The version in force, and the comparison with the version chosen."""
    return rules_page(page, programme_id, rules)


@router.post("/programmes/{programme_id}/payment-rules")
def adopt(
    page: CurrentPage,
    act: FormAct,
    programme_id: UUID,
    rules: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The commissioner adopts the version chosen, saying why."""
    commissioned_programme(page.corral, page.viewer.actor, programme_id)
    values = {"rules": rules, "reason": reason}
    return page.act(
        act,
        lambda: act.corral.adopt_payment_rules(act.actor, programme_id, rules, reason, act.expected_version),
        "adoption",
        values,
        lambda failure: rules_page(page, programme_id, rules, failure),
        f"/programmes/{programme_id}/payment-rules",
        confirmed=Flash(
            f"The programme now pays by {rules}.", "Its open quarters are repriced; closed ones keep theirs."
        ),
        placed=lambda name: ADOPTION(PLACED.get(name, name)),
    )


def rules_page(page: Page, programme_id: UUID, version: str | None, failure: FormFailure | None = None) -> Response:
    """The page, comparing with `version` when it names a published one."""
    heading = programme_heading(page.readings, page.viewer.actor, programme_id)
    if not heading.access.everything:
        raise unseen("programme with that id")
    in_force = programme_rules(page.readings, heading.id)
    try:
        chosen = published(version) if version else None
    except UnknownRulesError as error:
        chosen, unknown = None, str(error)
    else:
        unknown = ""
    replayed = replay_for(page.readings, heading.access, chosen) if chosen is not None else None
    names = organisation_names(page.readings)
    differences = sorted(
        replayed.differences if replayed is not None else [],
        key=lambda d: name_order(names.get(d.provider_id, ""), d.provider_id),
    )
    context = {
        "title": f"{heading.health_economy} {heading.contract_year}: payment rules",
        "programme": heading,
        "in_force": in_force,
        "versions": [(v, f"{v}: {r.title}") for v, r in RULEBOOK.items()],
        "chosen": chosen,
        "unknown": unknown,
        "replay": replayed,
        "names": names,
        "by_provider": _by_provider(differences),
        "changed": [d for d in differences if d.change != Figures()],
        "unchanged": sum(1 for d in differences if d.change == Figures()),
        "may_adopt": page.viewer.actor.role is Role.COMMISSIONER,
        "programme_version": page.corral.programme(programme_id).version,
    }
    return page.show("payment_rules.html", context, failure)


def _by_provider(differences: list[Difference]) -> list[tuple[str, Figures, Figures]]:
    """Each provider's total now and under the other rules, in the order given."""
    totals: dict[str, tuple[Figures, Figures]] = {}
    for d in differences:
        now, replayed = totals.get(d.provider_id, (Figures(), Figures()))
        totals[d.provider_id] = (now + d.now, replayed + d.replayed)
    return [(provider_id, now, replayed) for provider_id, (now, replayed) in totals.items()]
