"""The audit trail: one described row per event, filtered and paged newest first, on both databases."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from sqlalchemy import select

from api.storage.attachments import AttachmentStore
from api.cli.demo import load_demo
from api.storage.settings import Settings
from domain import ids
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Quarter
from domain.organisation import OrganisationKind
from domain.user_account import UserAccount
from projections.audit import AuditEntry, AuditProjection, AuditView, audit_trail
from projections.database import ViewDatabase
from projections.registry import build_projections
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, OPERATOR
from tests.builders import COMMUNITY_ID, administrator_of, narrative, narrative_milestone
from tests.integration.given import agreed_scheme, all_events, organisations_registered

SOUTH_DEVON = ids.programme_id(ids.organisation_id("SDT-CCG"), "South Devon and Torbay", 2014)
SELF_HARM = ids.scheme_id(SOUTH_DEVON, "SELF-HARM")
COMMUNITY_TRUST = ids.organisation_id("TSDHCT")
MENTAL_HEALTH_TRUST = ids.organisation_id("DPT")


@dataclass(frozen=True)
class Trail:
    """The application, its audit view and the projection that fills it."""

    app: Corral
    view: AuditView
    projection: AuditProjection

    def caught_up(self) -> int:
        return catch_up(self.app, self.projection)

    def every_page(self, limit: int = 100, **filters: Any) -> list[AuditEntry]:
        entries: list[AuditEntry] = []
        before: int | None = None
        while True:
            page = audit_trail(self.view, before_position=before, limit=limit, **filters)
            entries += page.entries
            if page.next_before is None:
                return entries
            before = page.next_before

    def logged_out_of_time_order(self) -> datetime:
        """The four organisations are registered and recorded as if at 0, 2, 1 and 3 days after the first: the
        third event logged is timed before the second. Returns the first's time."""
        organisations_registered(self.app)
        start = all_events(self.app)[0].timestamp
        shifted = [timedelta(0), timedelta(days=2), timedelta(days=1), timedelta(days=3)]
        with self.view.batch():
            for position, (event, shift) in enumerate(zip(all_events(self.app), shifted, strict=True), start=1):
                tracking = Tracking(self.app.name, position)
                self.projection.process_event(dataclasses.replace(event, timestamp=start + shift), tracking)
            self.view.insert_tracking(tracking)
        return start

    def rows(self) -> list[Any]:
        with self.view.database.engine.connect() as conn:
            return [tuple(r) for table in self.view.tables for r in conn.execute(select(table)).all()]


@pytest.fixture
def trail(app: Corral, settings: Settings) -> Iterator[Trail]:
    database = ViewDatabase(settings.database_url, settings.database_schema)
    view = AuditView(database)
    view.create()
    yield Trail(app, view, AuditProjection(view))
    database.close()


@pytest.fixture
def demo_trail(trail: Trail, settings: Settings) -> Trail:
    load_demo(trail.app, AttachmentStore.of(settings))
    trail.caught_up()
    return trail


@dataclass(frozen=True)
class Logged:
    """An event as the log holds it, and what it concerns according to the write model."""

    position: int
    event: Any
    programme_id: UUID | None
    scheme_id: UUID | None
    provider_id: UUID | None
    quarter: str | None


def logged(app: Corral) -> list[Logged]:
    """Every event of the log with its concerns, worked out from the aggregates, not from the view."""
    aggregates: dict[UUID, Any] = {}
    result = []
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        e = app.mapper.to_domain_event(notification)
        if e.originator_id not in aggregates:
            aggregates[e.originator_id] = app.repository.get(e.originator_id)
        result.append(Logged(notification.id, e, *_concerns(e, aggregates[e.originator_id])))
    return result


def _concerns(e: Any, aggregate: Any) -> tuple[UUID | None, UUID | None, UUID | None, str | None]:
    kind, name = type(aggregate).__name__, type(e).__name__
    if kind == "Organisation":
        return None, None, e.originator_id if aggregate.kind is OrganisationKind.PROVIDER else None, None
    if kind == "Programme":
        provider = e.terms.provider_id if hasattr(e, "terms") else getattr(e, "provider_id", None)
        return aggregate.id, getattr(e, "scheme_id", None), provider, None
    if kind == "Scheme":
        signer = e.organisation_id if name == "Signed" and e.organisation_id != aggregate.commissioner_id else None
        return aggregate.programme_id, aggregate.id, signer, None
    if kind == "UserAccount":
        return None, None, aggregate.organisation_id if aggregate.role is Role.PROVIDER else None, None
    if kind == "Upload":
        return None, None, aggregate.organisation_id, None
    if kind == "Submission":
        return aggregate.programme_id, aggregate.scheme_id, aggregate.provider_id, aggregate.quarter.value
    provider = e.assessment.provider_id if hasattr(e, "assessment") else getattr(e, "provider_id", None)
    return aggregate.programme_id, aggregate.scheme_id, provider, aggregate.quarter.value


def positions_newest_first(events: list[Logged]) -> list[int]:
    return sorted((logged.position for logged in events), reverse=True)


def test_after_the_demo_the_trail_holds_one_row_per_event_at_its_log_position(demo_trail: Trail) -> None:
    app = demo_trail.app
    entries = demo_trail.every_page(limit=1000)
    events = all_events(app)

    assert len(entries) == app.recorder.max_notification_id() == len(events)
    assert [e.position for e in reversed(entries)] == list(range(1, len(events) + 1))
    for entry, event in zip(reversed(entries), events, strict=True):
        assert entry.event_type == type(event).__name__
        assert entry.aggregate_type == type(event).__qualname__.split(".")[0]
        assert (entry.aggregate_id, entry.aggregate_version) == (event.originator_id, event.originator_version)
        assert entry.occurred_at == event.timestamp and entry.occurred_at.tzinfo is UTC
        assert (entry.actor_user_id, entry.actor_organisation_id) == (event.actor.user_id, event.actor.organisation_id)
        assert entry.role == event.actor.role.value
        assert entry.description


def test_a_returned_submission_names_both_organisations_the_scheme_and_the_comments(demo_trail: Trail) -> None:
    [returned] = [e for e in demo_trail.every_page(scheme_id=SELF_HARM) if e.event_type == "EvidenceReturnedByLead"]

    assert returned.description == (
        "Devon Partnership NHS Trust returned Torbay and Southern Devon Health and Care NHS Trust's Q2 evidence for"
        " 'Reduce self-harm and suicide' (revision 1) with comments:"
        " Please attach the safety-plan audit for July to September."
    )
    assert returned.reason == "Please attach the safety-plan audit for July to September."
    assert returned.actor_organisation_name == "Devon Partnership NHS Trust"
    assert (returned.actor_user_id, returned.actor_organisation_id) == ("dpt.quality", MENTAL_HEALTH_TRUST)
    assert (returned.programme_id, returned.scheme_id, returned.provider_id, returned.quarter) == (
        SOUTH_DEVON,
        SELF_HARM,
        COMMUNITY_TRUST,
        "Q2",
    )


def test_a_re_designated_lead_is_recorded_with_its_reason(trail: Trail) -> None:
    agreed = agreed_scheme(trail.app)
    trail.app.designate_lead(COMMISSIONER, agreed.scheme_id, COMMUNITY_ID, "The acute trust is in special measures")
    trail.caught_up()

    [newest] = audit_trail(trail.view, scheme_id=agreed.scheme_id, limit=1).entries

    assert newest.event_type == "LeadProviderRedesignated"
    assert newest.reason == "The acute trust is in special measures"
    assert newest.description == (
        "South Devon and Torbay CCG re-designated the lead of 'Reduce self-harm and suicide' from Torbay Acute Trust"
        " to Devon Community Care Trust: The acute trust is in special measures"
    )
    assert (newest.programme_id, newest.provider_id) == (agreed.programme_id, COMMUNITY_ID)


def test_rows_name_an_organisation_as_it_was_called_when_each_event_happened(trail: Trail) -> None:
    app = trail.app
    agreed = agreed_scheme(app, narrative_milestone("M1"), narrative_milestone("M2"))
    first = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id
    app.accept_evidence(ACUTE, first)
    acute = app.organisation(ACUTE_ID)
    acute.rename(
        administrator_of(ACUTE_ID), "Torbay and South Devon NHS Foundation Trust", "merged with the community trust"
    )
    app.save(acute)
    second = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M2", narrative()).id
    app.accept_evidence(ACUTE, second)
    trail.caught_up()

    acceptances = [e for e in trail.every_page(actor=ACUTE.user_id) if e.event_type == "EvidenceAcceptedByLead"]
    [renamed] = audit_trail(trail.view, provider_id=ACUTE_ID, limit=1).entries

    assert [(e.actor_organisation_name, e.description.split(" accepted ")[0]) for e in acceptances] == [
        ("Torbay and South Devon NHS Foundation Trust", "Torbay and South Devon NHS Foundation Trust"),
        ("Torbay Acute Trust", "Torbay Acute Trust"),
    ]
    assert renamed.description == (
        "Administrator admin renamed Torbay Acute Trust to Torbay and South Devon NHS Foundation Trust:"
        " merged with the community trust"
    )


NOBODY = ids.organisation_id("NOBODY")
FILTERS: list[tuple[str, dict[str, Any]]] = [
    ("a programme", {"programme_id": SOUTH_DEVON}),
    ("a scheme", {"scheme_id": SELF_HARM}),
    ("a provider", {"provider_id": COMMUNITY_TRUST}),
    ("a quarter", {"quarter": Quarter.Q2}),
    ("a quarter by name", {"quarter": "Q1"}),
    ("an actor", {"actor": "dpt.quality"}),
    ("a provider's scheme-quarter", {"scheme_id": SELF_HARM, "quarter": Quarter.Q2, "provider_id": COMMUNITY_TRUST}),
    (
        "an actor in a programme and a time range",
        {"programme_id": SOUTH_DEVON, "actor": "sdt-ccg.quality", "time": (1 / 3, 2 / 3)},
    ),
    ("a time range", {"time": (1 / 3, 2 / 3)}),
    ("since a time", {"time": (0.9, None)}),
    ("until a time", {"time": (None, 0.1)}),
    ("a provider with no events", {"provider_id": NOBODY}),
]


def expected_by(events: list[Logged], filters: dict[str, Any]) -> list[int]:
    """The positions the filters name, worked out from the log, newest first."""
    quarter = filters.get("quarter")
    return positions_newest_first(
        [
            e
            for e in events
            if filters.get("programme_id", e.programme_id) == e.programme_id
            and filters.get("scheme_id", e.scheme_id) == e.scheme_id
            and filters.get("provider_id", e.provider_id) == e.provider_id
            and (quarter is None or e.quarter == (quarter.value if isinstance(quarter, Quarter) else quarter))
            and filters.get("actor", e.event.actor.user_id) == e.event.actor.user_id
            and (filters.get("since") is None or e.event.timestamp >= filters["since"])
            and (filters.get("until") is None or e.event.timestamp < filters["until"])
        ]
    )


def test_each_filter_returns_exactly_the_events_it_names_newest_first(demo_trail: Trail) -> None:
    events = logged(demo_trail.app)
    for name, named in FILTERS:
        filters = dict(named)
        if "time" in filters:
            low, high = filters.pop("time")
            filters["since"] = None if low is None else events[int(len(events) * low)].event.timestamp
            filters["until"] = None if high is None else events[int(len(events) * high)].event.timestamp
        expected = expected_by(events, filters)

        found = [e.position for e in demo_trail.every_page(limit=7, **filters)]

        assert found == expected, name
        assert expected or filters == {"provider_id": NOBODY}, name


def test_paging_through_the_whole_trail_a_hundred_at_a_time_yields_every_row_once_newest_first(
    demo_trail: Trail,
) -> None:
    head = demo_trail.app.recorder.max_notification_id() or 0
    pages, before = [], None
    while True:
        page = audit_trail(demo_trail.view, before_position=before, limit=100)
        pages.append(page)
        if page.next_before is None:
            break
        before = page.next_before

    positions = [e.position for page in pages for e in page.entries]
    assert positions == list(range(head, 0, -1))
    assert [len(page.entries) for page in pages] == [100] * (head // 100) + ([head % 100] if head % 100 else [])
    assert all(page.next_before == page.entries[-1].position for page in pages[:-1])


def test_catching_up_again_changes_nothing(demo_trail: Trail) -> None:
    before = demo_trail.rows()

    position = demo_trail.caught_up()

    assert position == demo_trail.app.recorder.max_notification_id()
    assert demo_trail.rows() == before


def test_a_batch_re_applied_at_a_processed_position_is_refused_and_leaves_the_view_unchanged(trail: Trail) -> None:
    organisations_registered(trail.app)
    trail.caught_up()
    before, position = trail.rows(), trail.view.position
    notification = trail.app.recorder.select_notifications(start=2, limit=1)[0]

    with pytest.raises(IntegrityError):
        with trail.view.batch():
            tracking = Tracking(trail.app.name, notification.id)
            trail.projection.process_event(trail.app.mapper.to_domain_event(notification), tracking)
            trail.view.insert_tracking(tracking)

    assert trail.rows() == before
    assert trail.view.position == position
    assert len(trail.every_page()) == trail.app.recorder.max_notification_id()


def test_an_event_logged_after_a_later_timed_one_is_still_found_by_time(trail: Trail) -> None:
    start = trail.logged_out_of_time_order()

    def found(**filters: Any) -> list[int]:
        return [e.position for e in trail.every_page(**filters)]

    assert found(since=start + timedelta(days=2)) == [4, 2]
    assert found(until=start + timedelta(days=2)) == [3, 1]
    assert found(since=start + timedelta(hours=12), until=start + timedelta(days=2, hours=12)) == [3, 2]


def test_the_first_and_last_moments_there_are_filter_nothing_out_even_after_late_events(trail: Trail) -> None:
    trail.logged_out_of_time_order()
    first, last = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)

    found = [e.position for e in trail.every_page(since=first, until=last)]

    assert found == [4, 3, 2, 1]


def test_the_audit_view_is_among_the_projections_the_projector_runs(settings: Settings) -> None:
    database = ViewDatabase(settings.database_url, settings.database_schema)

    views = [p.view for p in build_projections(database)]

    assert [v.name for v in views if isinstance(v, AuditView)] == ["audit_v3"]
    database.close()


def test_a_page_holds_at_least_one_entry(trail: Trail) -> None:
    with pytest.raises(ValueError):
        audit_trail(trail.view, limit=0)


# People are named by the name they go by now, beside their username.
def test_after_the_demo_a_lead_s_return_is_shown_as_done_by_the_person_beside_their_username(
    demo_trail: Trail,
) -> None:
    [returned] = [e for e in demo_trail.every_page(scheme_id=SELF_HARM) if e.event_type == "EvidenceReturnedByLead"]

    assert (returned.actor_user_id, returned.actor_display_name) == ("dpt.quality", "Priya Shah")
    assert returned.actor_name == "Priya Shah (dpt.quality)"


def test_someone_without_a_name_is_shown_by_username_and_a_later_name_shows_on_their_earlier_entries(
    trail: Trail,
) -> None:
    app = trail.app
    agreed = agreed_scheme(app, narrative_milestone("M1"))
    app.register_user(OPERATOR, COMMUNITY.user_id, COMMUNITY_ID, Role.PROVIDER, "hash", "Colin Hart")
    app.register_user(OPERATOR, ACUTE.user_id, ACUTE_ID, Role.PROVIDER, "hash")
    submitted = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id
    app.accept_evidence(ACUTE, submitted)
    trail.caught_up()
    before = {e.event_type: e.actor_name for e in trail.every_page(scheme_id=agreed.scheme_id)}

    app.change_details(COMMUNITY, COMMUNITY.user_id, "Colin J. Hart", "colin@example.nhs.uk")
    app.change_details(administrator_of(ACUTE_ID), ACUTE.user_id, "Alice Moss", "")
    trail.caught_up()
    after = {e.event_type: e.actor_name for e in trail.every_page(scheme_id=agreed.scheme_id)}

    assert (before["EvidenceSubmitted"], before["EvidenceAcceptedByLead"]) == ("Colin Hart (colin)", "alice")
    assert (after["EvidenceSubmitted"], after["EvidenceAcceptedByLead"]) == (
        "Colin J. Hart (colin)",
        "Alice Moss (alice)",
    )


def test_an_administrator_s_changes_to_an_account_name_both_people(trail: Trail) -> None:
    app = trail.app
    agreed_scheme(app)
    admin = administrator_of(COMMUNITY_ID)
    app.register_user(OPERATOR, admin.user_id, COMMUNITY_ID, Role.ADMINISTRATOR, "hash", "Ada Lovelace")
    app.register_user(admin, COMMUNITY.user_id, COMMUNITY_ID, Role.PROVIDER, "hash", "Colin Hart")
    app.change_details(admin, COMMUNITY.user_id, "Colin J. Hart", "colin@example.nhs.uk")
    app.disable_user(admin, COMMUNITY.user_id, "left the trust")
    trail.caught_up()

    newest_first = [e.description for e in audit_trail(trail.view, provider_id=COMMUNITY_ID, limit=3).entries]

    assert newest_first == [
        "Administrator Ada Lovelace (admin) disabled the account of Colin J. Hart (colin): left the trust",
        "Administrator Ada Lovelace (admin) gave Colin Hart (colin) the name Colin J. Hart"
        " and the email address colin@example.nhs.uk",
        "Administrator Ada Lovelace (admin) opened an account for Colin Hart (colin) as provider of"
        " Devon Community Care Trust",
    ]


def test_an_account_registered_before_people_had_names_loads_and_is_shown_by_its_username(trail: Trail) -> None:
    app = trail.app
    agreed = agreed_scheme(app)
    account = UserAccount.register(OPERATOR, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, "h")
    [registered] = account.collect_events()
    stored = app.mapper.to_stored_event(registered)
    state = json.loads(stored.state)
    del state["display_name"], state["email"]
    app.recorder.insert_events([dataclasses.replace(stored, state=json.dumps(state).encode())])
    app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative())
    trail.caught_up()

    loaded = app.user_account("colin")
    [submitted] = [e for e in trail.every_page() if e.event_type == "EvidenceSubmitted"]

    assert (loaded.display_name, loaded.email) == ("", "")
    assert (submitted.actor_display_name, submitted.actor_name) == (None, "colin")
