"""The inbox learns the set-up's facts from the events that change them: a scheme's lead designated, an organisation
renamed, a draft retitled are known from the event itself, so the next notice names them without reading them back."""

from __future__ import annotations

from dataclasses import replace

from api.storage.settings import Settings
from domain.application import Corral
from domain.milestones import Quarter
from projections.notifications import NotificationsView
from projections.notifications.queries import inbox
from projections.registry import view_of
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, administrator_of, narrative, terms
from tests.integration.given import programme_set_up, signed_by_everyone
from tests.integration.read_models import selects_of, views_of
from tests.integration.test_inbox import users_registered


def test_a_lead_designated_a_renamed_organisation_and_a_retitled_draft_are_named_without_reading_them_back(
    settings: Settings, app: Corral
) -> None:
    programme_id = programme_set_up(app)
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, "S1", terms()).id
    app.amend_draft(COMMISSIONER, scheme_id, replace(terms(), title="Fewer falls on the wards"), "a clearer title")
    app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID)
    signed_by_everyone(app, scheme_id)
    users_registered(app)
    app.rename_organisation(administrator_of(ACUTE_ID), ACUTE_ID, "Torbay and South Devon Acute", "merged")
    app.nudge_provider(ACUTE, scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due on 31 July")
    app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative())

    with views_of(settings) as views:
        view = view_of(views.projections, NotificationsView)
        projection = next(p for p in views.projections if p.view is view)
        with selects_of(view.database, view.organisations, view.schemes) as reads:
            catch_up(app, projection)

        (nudge,) = inbox(view, "colin").notices
        (submitted,) = inbox(view, "alice").notices
    assert nudge.subject == "Torbay and South Devon Acute nudged you for your Q1 evidence: Fewer falls on the wards"
    assert submitted.kind == "submitted" and submitted.subject.endswith(": Fewer falls on the wards")
    assert reads == []
