"""Earlier states stay readable: aggregates by version, and every agreed version of a scheme."""

from __future__ import annotations

import pytest

from domain.application import Corral
from domain.errors import NotFoundError
from domain.submission import SubmissionStatus
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID
from tests.builders import COMMUNITY_ID, narrative, narrative_milestone, terms
from tests.integration.given import agreed_scheme, programme_set_up, signed_by_everyone


def test_a_submission_read_at_an_earlier_version_shows_the_evidence_of_that_time(app: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("Draft.")).id
    withdrawn = app.withdraw_evidence(ACUTE, submission_id, reason="Not signed off")
    app.revise_evidence(ACUTE, submission_id, narrative("Signed off."), reason="Signed off by the board")

    first = app.submission(submission_id, version=1)
    at_withdrawal = app.submission(submission_id, version=withdrawn.version)
    now = app.submission(submission_id)

    assert (first.version, first.status, first.evidence()) == (1, SubmissionStatus.SUBMITTED, narrative("Draft."))
    assert (at_withdrawal.status, at_withdrawal.revision) == (SubmissionStatus.WITHDRAWN, 1)
    assert (now.version, now.status, now.revision) == (3, SubmissionStatus.SUBMITTED, 2)
    assert now.evidence(1) == narrative("Draft.")
    assert now.evidence() == narrative("Signed off.")


def test_a_scheme_read_at_an_earlier_version_is_the_draft_it_was(app: Corral) -> None:
    programme_id = programme_set_up(app)
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, "SELFHARM", terms()).id
    amended = app.amend_draft(COMMISSIONER, scheme_id, terms(narrative_milestone("M2")), reason="Renumbered")
    app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID)
    signed_by_everyone(app, scheme_id)

    drafted = app.scheme(scheme_id, version=1)
    as_amended = app.scheme(scheme_id, version=amended.version)

    assert (drafted.status.value, drafted.terms_version, drafted.terms) == ("draft", 1, terms())
    assert (as_amended.status.value, as_amended.terms) == ("draft", terms(narrative_milestone("M2")))
    assert app.scheme(scheme_id).status.value == "agreed"


def test_a_variation_keeps_the_first_agreed_version_readable_after_re_agreement(app: Corral) -> None:
    agreed = agreed_scheme(app)
    first_terms = terms()
    varied_terms = terms(narrative_milestone("M1"), narrative_milestone("M2", provider_id=COMMUNITY_ID))
    before_variation = app.scheme(agreed.scheme_id).version

    app.propose_variation(COMMISSIONER, agreed.scheme_id, varied_terms, reason="Add a targeted milestone")

    varying = app.scheme(agreed.scheme_id)
    assert (varying.status.value, varying.agreed_terms) == ("varying", first_terms)
    signed_by_everyone(app, agreed.scheme_id)
    scheme = app.scheme(agreed.scheme_id)
    assert scheme.status.value == "agreed"
    assert scheme.agreed_terms == varied_terms
    assert scheme.agreed_version(1).terms == first_terms
    assert scheme.agreed_version(2).terms == varied_terms
    assert set(scheme.agreed_version(1).signatories) == {ACUTE_ID, COMMUNITY_ID, COMMISSIONER_ID}
    assert app.scheme(agreed.scheme_id, version=before_variation).agreed_terms == first_terms
    with pytest.raises(NotFoundError):
        scheme.agreed_version(3)
