"""Page forms change things through the API's command path: a form's key acts once, its version is its If-Match."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.http.security import hash_password
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Actor, Role
from domain.application import Corral
from tests.builders import COMMISSIONER, COMMUNITY_ID, LEFT_OUT, narrative_milestone, terms
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"
STALE = "Someone else changed this first: reload the page to see their change, then try again"


@dataclass
class Browser:
    """colin, of a participating provider, signed in to the pages by cookie, with a bearer token for the API too."""

    client: TestClient
    app: Corral
    scheme_id: str
    csrf: str
    bearer: dict[str, str]

    @property
    def evidence_page(self) -> str:
        return f"/schemes/{self.scheme_id}/milestones/M1/evidence"

    def form_key(self) -> str:
        """The key the evidence form carries, as the page draws it now (once the views include every change)."""
        head = self.app.recorder.max_notification_id() or 0
        page = self.client.get(self.evidence_page, params={"after": head})
        assert page.status_code == 200, page.text
        keys = re.findall(r'name="idempotency_key" value="([^"]+)"', page.text)
        assert keys and len(set(keys)) == len(keys)  # every form drawn has a key of its own
        return keys[0]

    def send(self, fields: dict[str, str]) -> httpx.Response:
        return self.client.post(self.evidence_page, data={"csrf_token": self.csrf} | fields, follow_redirects=False)

    def api(self, path: str, body: dict[str, object], if_match: str | None = None) -> httpx.Response:
        headers = self.bearer | ({"If-Match": if_match} if if_match else {})
        return self.client.post(f"/api/v1{path}", json=body, headers=headers)

    def evidence(self) -> dict[str, object]:
        """colin's evidence for M1, as the API reads it."""
        submission_id = ids.submission_id(UUID(self.scheme_id), "M1", COMMUNITY_ID)
        answer = self.client.get(f"/api/v1/submissions/{submission_id}", headers=self.bearer)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture
def browser(settings: Settings) -> Iterator[Browser]:
    signed = settings.model_copy(update={"secret_key": SecretStr("p" * 48), "embedded_projector": True})
    app = build_application(signed)
    scheme_id = str(agreed_scheme(app, narrative_milestone("M1")).scheme_id)  # ACUTE leads; COMMUNITY takes part
    administrator = Actor("admin", COMMUNITY_ID, Role.ADMINISTRATOR)
    app.register_user(administrator, "colin", COMMUNITY_ID, Role.PROVIDER, hash_password(PASSWORD))
    with client_of(signed) as client:
        token = client.post("/api/v1/auth/token", data={"username": "colin", "password": PASSWORD}).json()
        client.post("/sign-in", data={"username": "colin", "password": PASSWORD, "next": "/"})
        csrf = client.get("/api/v1/auth/session").json()["csrf_token"]
        yield Browser(client, app, scheme_id, csrf, {"Authorization": f"Bearer {token['access_token']}"})
    app.close()


def test_an_evidence_form_sent_twice_with_its_key_submits_once_and_both_answers_go_to_the_same_page(
    browser: Browser,
) -> None:
    form = {"version": "0", "idempotency_key": browser.form_key(), "narrative": "Safety plans audited for 40 patients."}

    first = browser.send(form)
    again = browser.send(form)
    other = browser.send(form | {"narrative": "Something else."})

    evidence = browser.evidence()
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert (evidence["revision"], evidence["version"]) == (1, 1)
    assert other.status_code == 422 and "used for a different request" in other.text
    assert browser.evidence() == evidence


def test_a_provider_dates_its_evidence_inside_the_quarter_on_the_form_and_is_told_at_the_date_when_it_is_not(
    browser: Browser,
) -> None:
    form = {
        "version": "0",
        "narrative": "Safety plans audited.",
        "effective_on-month": "7",
        "effective_on-year": "2014",
    }

    outside = browser.send(form | {"idempotency_key": browser.form_key(), "effective_on-day": "1"})
    inside = browser.send(
        form | {"idempotency_key": browser.form_key(), "effective_on-month": "6", "effective_on-day": "30"}
    )

    assert outside.status_code == 422
    assert (
        'id="evidence-effective_on-error"' in outside.text and "between 1 April 2014 and 30 June 2014" in outside.text
    )
    assert inside.status_code == 303 and browser.evidence()["evidence"]["effective_on"] == "2014-06-30"  # type: ignore[index]
    assert (
        'name="effective_on-day" type="text" inputmode="numeric" value="30"'
        in browser.client.get(browser.evidence_page).text
    )


def test_an_empty_evidence_form_sent_twice_with_its_key_is_shown_the_same_refusal_at_the_narrative(
    browser: Browser,
) -> None:
    form = {"version": "0", "idempotency_key": browser.form_key(), "narrative": " "}

    first = browser.send(form)
    again = browser.send(form)

    shown = '<a href="#evidence-narrative">Evidence needs a narrative, figures or an attachment</a>'
    assert first.status_code == again.status_code == 422
    assert shown in first.text and shown in again.text
    assert browser.send(form | {"narrative": "Now with a narrative."}).status_code == 422  # that key is spent


def test_a_page_form_drawn_before_another_change_is_refused_as_a_stale_if_match_is_and_changes_nothing(
    browser: Browser,
) -> None:
    submissions = f"/schemes/{browser.scheme_id}/milestones/M1/submissions"
    submitted = browser.api(submissions, {"narrative": "Safety plans audited.", "attachments": []})
    revisions = f"/submissions/{submitted.json()['id']}/revisions"
    revision = {"narrative": "Safety plans audited, August too.", "reason": "added August"}
    key = browser.form_key()  # drawn at version 1
    browser.api(revisions, revision | {"attachments": []}, if_match='"1"')

    by_page = browser.send(revision | {"version": "1", "idempotency_key": key})
    by_api = browser.api(revisions, revision | {"attachments": []}, if_match='"1"')

    assert by_page.status_code == by_api.status_code == 412
    assert by_api.json()["rule"] == "StaleVersion"
    assert f'<a href="#evidence-submit">{STALE}</a>' in by_page.text
    assert browser.evidence()["version"] == 2


def test_the_agreement_page_shows_who_is_left_out_and_offers_no_signature_until_a_lead_is_designated(
    browser: Browser,
) -> None:
    programme_id = browser.app.scheme(UUID(browser.scheme_id)).programme_id
    draft_id = browser.app.draft_scheme(COMMISSIONER, programme_id, "NUTRITION", terms()).id
    head = browser.app.recorder.max_notification_id()

    agreed = browser.client.get(f"/schemes/{browser.scheme_id}/agreement", params={"after": head}).text
    unled = browser.client.get(f"/schemes/{draft_id}/agreement").text
    browser.app.designate_lead(COMMISSIONER, draft_id, COMMUNITY_ID)
    led = browser.client.get(f"/schemes/{draft_id}/agreement").text

    assert "Providers left out" in agreed and f"Mount Stuart Hospital: {LEFT_OUT}" in agreed
    assert "No lead provider is designated" in unled and "Sign version 1" not in unled
    assert "No lead provider is designated" not in led and "Sign version 1" in led
