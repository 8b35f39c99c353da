"""The webhooks tell each organisation exactly what the API's read rules let its staff read: for every organisation
(the commissioner, the lead, a participant, a provider outside the scheme) and every event of a played quarter, a
delivery is queued for its endpoint if and only if access.py (and api/http/access.py) would let it read the thing,
and a pack's entries are the part `pack_part` gives it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from api.http.access import may_read_assessments, readable_submission
from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.webhook import WebhookKind
from projections.progress.queries.access import pack_part, programme_access
from projections.progress.view import ProgressView
from projections.registry import view_of
from projections.webhooks import WebhooksView
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, PRIVATE, administrator_of, narrative
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of

STAFF = (COMMISSIONER, ACUTE, COMMUNITY, PRIVATE)


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as views:
        yield views


def may(check: Callable[[], Any]) -> bool:
    try:
        check()
    except NotFoundError:
        return False
    return True


def told(views: Views) -> set[tuple[str, str, str]]:
    """(organisation, kind, what about) of every delivery queued; a pack's `what` is its entries' providers."""
    view = view_of(views.projections, WebhooksView)
    o, e = view.outbox, view.endpoints
    with view.database.reading() as conn:
        rows = conn.execute(select(e.c.organisation_id, o.c.kind, o.c.body).join(e, e.c.id == o.c.endpoint_id)).all()
    found = set()
    for organisation, kind, body in rows:
        data = json.loads(body)["data"]
        about = {
            "submission.returned": lambda: data["submission_id"],
            "pack.presented": lambda: " ".join(sorted(entry["provider_id"] for entry in data["entries"])),
            "milestone.assessed": lambda: data["provider_id"],
            "quarter.closed": lambda: data["quarter"],
        }[kind]()
        found.add((organisation, kind, about))
    return found


def test_each_organisation_is_told_of_an_event_exactly_when_its_staff_may_read_it(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    scheme_id = agreed.scheme_id
    for actor in STAFF:
        kinds = [k.value for k in WebhookKind]
        app.register_webhook(administrator_of(actor.organisation_id), f"https://hooks.example/{actor.user_id}", kinds)
    returned = app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative()).id
    app.return_evidence(ACUTE, returned, "Attach the audit.")
    app.revise_evidence(COMMUNITY, returned, narrative(), "as asked")
    app.accept_evidence(ACUTE, returned)
    app.accept_evidence(ACUTE, app.submit_evidence(ACUTE, scheme_id, "M1", narrative()).id)
    app.present_pack(ACUTE, scheme_id, Quarter.Q1)
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        app.assess_milestone(COMMISSIONER, scheme_id, Quarter.Q1, provider_id, "M1", AssessmentStatus.MET, "Shown.")
    app.close_quarter(COMMISSIONER, scheme_id, Quarter.Q1)
    views.caught_up(app)
    progress = view_of(views.projections, ProgressView)

    expected = set()
    for actor in STAFF:
        organisation = str(actor.organisation_id)
        if may(lambda: readable_submission(app, actor, returned)):
            expected.add((organisation, "submission.returned", str(returned)))
        if may(lambda: pack_part(progress, actor, str(scheme_id))):
            part = pack_part(progress, actor, str(scheme_id))
            providers = [str(ACUTE_ID), str(COMMUNITY_ID)] if part is None else [part]
            expected.add((organisation, "pack.presented", " ".join(sorted(providers))))
        for provider_id in (ACUTE_ID, COMMUNITY_ID):
            if may(lambda: may_read_assessments(app, actor, scheme_id, provider_id)):
                expected.add((organisation, "milestone.assessed", str(provider_id)))
        if may(lambda: programme_access(progress, actor, str(agreed.programme_id))) and str(scheme_id) in (
            programme_access(progress, actor, str(agreed.programme_id)).schemes
        ):
            expected.add((organisation, "quarter.closed", "Q1"))

    assert told(views) == expected
    assert not any(organisation == str(PRIVATE.organisation_id) for organisation, _, _ in expected)
    assert {kind for _, kind, _ in expected} == {
        "submission.returned",
        "pack.presented",
        "milestone.assessed",
        "quarter.closed",
    }
