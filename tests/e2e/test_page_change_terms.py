"""Changing a scheme's terms on a page: the draft form filled in with the terms as they stand, and why. A draft is
amended; agreed terms get a variation, the agreed version standing until every party signs again. A form drawn before
someone else's change is refused; bad input names the field and records nothing; anyone else gets not-found."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from uuid import UUID

from fastapi.testclient import TestClient

from domain import ids
from domain.actors import Role
from domain.application import Corral
from domain.milestones import MeasureUnit, Quarter
from domain.scheme import SchemeStatus
from tests.builders import ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e import test_page_set_up as set_up_pages
from tests.e2e.test_page_set_up import PASSWORD, SCHEME, TORBAY, post, set_up, signed_in
from tests.integration.given import event_count

world = set_up_pages.world  # the set-up pages' world, built again (once per database) for this module
FLU = ids.scheme_id(TORBAY, "FLU")
CHANGE = f"/schemes/{FLU}/terms"
STALE = "Someone else changed this first: reload the page to see their change, then try again"
MORE_TERMS = {"m1-description": "Signed off by the board", "m2-weight": "2", "pack-Q3": "2016-01-20"}
NEW_MILESTONE = {"m3-code": "F3", "m3-title": "Uptake audit", "m3-quarter": "Q4", "m3-due": "2016-03-31"}


class _Form(HTMLParser):
    """Every field a form sends as the browser would send it untouched: inputs, ticked boxes, selected options,
    textareas."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, dict[str, str]()
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.inside = self.inside or (tag == "form" and a.get("action") == self.action)
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select is not None:
            if "selected" in a or self.select not in self.fields:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "form"
        self.select = None if tag == "select" else self.select
        self.textarea = None if tag == "textarea" else self.textarea

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data


def change_form(client: TestClient, scheme_id: UUID = FLU) -> dict[str, str]:
    """The change-terms form's fields, as the page fills them in."""
    form = _Form(f"/schemes/{scheme_id}/terms")
    form.feed(client.get(f"/schemes/{scheme_id}/terms").text)
    return {name: value for name, value in form.fields.items() if name != "more"}


def send(client: TestClient, csrf: str, fields: dict[str, str], scheme_id: UUID = FLU) -> str:
    """The form sent with `fields` as typed, under a key of its own (as each page drawn gets); the page answered."""
    key = change_form(client, scheme_id)["idempotency_key"]
    answer = client.post(f"/schemes/{scheme_id}/terms", data=fields | {"csrf_token": csrf, "idempotency_key": key})
    assert answer.status_code in (200, 412, 422), answer.text
    return html.unescape(answer.text)


def problems(page: str) -> list[str]:
    """The error summary's links: where each refusal is shown and what it says."""
    return re.findall(r'<li><a href="(#[^"]+)">([^<]*)</a></li>', page)


def drafted(client: TestClient) -> str:
    """The commissioner signed in, the Torbay Pilot set up with FLU drafted on its page; the session's CSRF token."""
    csrf = signed_in(client, "gill")
    set_up(client, csrf)
    post(client, csrf, f"/programmes/{TORBAY}/schemes/new", f"/programmes/{TORBAY}/schemes", SCHEME | MORE_TERMS)
    return csrf


def agreed(client: TestClient, app: Corral) -> str:
    """FLU led by the community trust and signed by every party on their pages; the commissioner's CSRF token."""
    csrf = drafted(client)
    agreement = f"/schemes/{FLU}/agreement"
    post(client, csrf, agreement, f"/schemes/{FLU}/lead", {"provider_id": str(COMMUNITY_ID)})
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    for user in ("gill", "alice", "colin"):
        client.post("/sign-out")
        mine = signed_in(client, user)
        post(client, mine, agreement, f"/schemes/{FLU}/signatures", {"terms_version": "1"})
    assert app.scheme(FLU).status is SchemeStatus.AGREED
    client.post("/sign-out")
    return signed_in(client, "gill")


def test_a_draft_is_changed_from_its_terms_as_they_stand_and_records_an_amendment(
    world: tuple[TestClient, Corral],
) -> None:
    client, app = world
    csrf = drafted(client)
    assert f'href="{CHANGE}"' in client.get(f"/schemes/{FLU}/agreement").text
    fields = change_form(client)
    assert "code" not in fields and fields["title"] == "Flu vaccination" and fields["rows"] == "3"
    assert (
        fields[f"participant-{ACUTE_ID}"] == "yes" and fields["m2-unit"] == "percent" and fields["m2-minimum"] == "60"
    )
    before = app.scheme(FLU)

    page = send(client, csrf, fields | {"reason": "Uptake is counted at year end", "m2-quarter": "Q4"})
    assert "Scheme FLU's draft is amended." in page
    scheme = app.scheme(FLU)
    assert scheme.status is SchemeStatus.DRAFT and scheme.terms_version == 2
    assert scheme.terms.milestones[1].quarter is Quarter.Q4 and scheme.terms.milestones[1].measure is not None
    assert scheme.terms.milestones[1].measure.unit is MeasureUnit.PERCENT
    assert scheme.terms.participants == before.terms.participants
    assert scheme.terms.exclusions == before.terms.exclusions
    assert "Draft amended" in page and "Reason: Uptake is counted at year end" in page


def test_agreed_terms_are_varied_and_the_agreed_version_stays_in_force(world: tuple[TestClient, Corral]) -> None:
    client, app = world
    csrf = agreed(client, app)
    before = app.scheme(FLU)
    fields = change_form(client)
    assert fields["rows"] == "3" and fields["m3-code"] == ""
    page = client.get(CHANGE).text
    assert "a variation" in page and "Propose the variation" in page

    more = send(client, csrf, fields | {"more": "yes", "reason": "A Q4 audit"})
    assert "Milestone 4" in more and "A Q4 audit" in more and "There is a problem" not in more
    page = send(client, csrf, fields | NEW_MILESTONE | {"reason": "A Q4 audit of uptake is added"})
    assert "A variation of scheme FLU is proposed." in page
    scheme = app.scheme(FLU)
    assert scheme.status is SchemeStatus.VARYING and scheme.terms_version == 2
    assert scheme.agreed_terms == before.terms, "the agreed version stays in force until everyone signs again"
    assert scheme.terms.milestones[:2] == before.terms.milestones, "every milestone round-trips through the form"
    assert (scheme.terms.participants, scheme.terms.exclusions) == (before.terms.participants, before.terms.exclusions)
    assert scheme.terms.pack_deadlines == before.terms.pack_deadlines and len(before.terms.pack_deadlines) == 1
    assert before.terms.milestones[0].description == "Signed off by the board"
    assert [m.code for m in scheme.terms.milestones] == ["F1", "F2", "F3"]
    assert "version 1 stays in force until everyone signs" in page and "Version 1, agreed by 3 parties" in page


def test_a_form_drawn_before_someone_elses_change_is_refused(world: tuple[TestClient, Corral]) -> None:
    client, app = world
    csrf = drafted(client)
    earlier, later = change_form(client), change_form(client)
    send(client, csrf, later | {"reason": "Adding the audit", **NEW_MILESTONE})
    before = event_count(app)
    page = send(client, csrf, earlier | {"reason": "Moving F2", "m2-quarter": "Q4"})
    assert STALE in page and event_count(app) == before
    assert [m.code for m in app.scheme(FLU).terms.milestones] == ["F1", "F2", "F3"]


def test_bad_input_names_the_field_and_records_nothing(world: tuple[TestClient, Corral]) -> None:
    client, app = world
    csrf = drafted(client)
    fields = change_form(client)
    before = event_count(app)
    page = send(client, csrf, fields | {"reason": ""})
    assert 'href="#draft-reason"' in page and "Why the terms change: Amending a draft needs a reason" in page
    page = send(client, csrf, fields | {"reason": "Thresholds", "m2-unit": "fraction"})
    assert 'href="#draft-m2-minimum"' in page and "Milestone 2 minimum: must be a fraction from 0 to 1" in page, (
        problems(page)
    )
    page = send(client, csrf, fields | {"reason": "Deadlines", "pack-Q1": "2015-05-01"})
    assert 'href="#draft-pack-Q1"' in page and "Q1 pack deadline: must fall from 30 June 2015" in page
    page = send(client, csrf, fields | {"reason": "x" * 4_001})
    assert 'href="#draft-reason"' in page, problems(page)
    assert event_count(app) == before and app.scheme(FLU).terms_version == 1


def test_anyone_else_gets_the_page_an_unknown_address_gets(world: tuple[TestClient, Corral]) -> None:
    client, _ = world
    drafted(client)
    client.post("/sign-out")
    csrf = signed_in(client, "alice")
    assert f'href="{CHANGE}"' not in client.get(f"/schemes/{FLU}/agreement").text
    unknown = f"/schemes/{UUID(int=7)}/terms"
    for address in (CHANGE, unknown):
        answer = client.get(address)
        assert answer.status_code == 404 and "Page not found" in answer.text, address
        answer = client.post(address, data={"csrf_token": csrf, "version": "1", "reason": "mine now"})
        assert answer.status_code == 404 and "Page not found" in answer.text, address


def test_a_carried_scheme_has_indicators_added_changed_and_retired_by_amending_it(
    world: tuple[TestClient, Corral],
) -> None:
    client, app = world
    csrf = agreed(client, app)
    continued = app.continue_programme(COMMISSIONER, TORBAY)
    carried = ids.scheme_id(ids.programme_id(COMMISSIONER_ID, "Torbay Pilot", 2016), "FLU")
    client.get(f"/schemes/{carried}/agreement?after={continued.position}")
    fields = change_form(client, carried)
    assert fields["m1-due"] == "2016-06-30" and fields["m2-due"] == "2016-12-31" and fields["m2-minimum"] == "60"

    retired = {f"m1-{name}": "" for name in ("code", "title", "description", "due")}
    added = {"m3-code": "F3", "m3-title": "Uptake audit", "m3-quarter": "Q4", "m3-due": "2017-03-31"}
    changed = {"m2-minimum": "65", "reason": "Next year's goals"}
    page = send(client, csrf, fields | retired | added | changed, carried)
    assert "Scheme FLU's draft is amended." in page
    terms = app.scheme(carried).terms
    assert [m.code for m in terms.milestones] == ["F2", "F3"]
    assert terms.milestones[0].measure is not None and terms.milestones[0].measure.minimum == 65
    assert app.scheme(FLU).terms.milestones[0].code == "F1", "last year's terms are untouched"


def test_the_form_sent_twice_with_its_key_changes_the_terms_once(world: tuple[TestClient, Corral]) -> None:
    client, app = world
    csrf = drafted(client)
    fields = change_form(client) | {"csrf_token": csrf, "reason": "Sent twice by a double click"}
    first = client.post(CHANGE, data=fields, follow_redirects=False)
    again = client.post(CHANGE, data=fields, follow_redirects=False)
    assert first.status_code == again.status_code == 303 and first.headers["location"] == again.headers["location"]
    assert app.scheme(FLU).terms_version == 2
