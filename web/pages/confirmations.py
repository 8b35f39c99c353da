"""What each page action says once it is done: what happened, and what happens next (shown by web/pages/flash.py).

Every message is built from the records, never from text the browser sent.
"""

from __future__ import annotations

from uuid import UUID

from domain.milestones import Quarter, contract_year_label
from domain.scheme import Scheme
from domain.submission import Submission
from projections.progress.queries import organisation_names
from web.pages.base import Page
from web.pages.flash import Flash


def _name(page: Page, organisation_id: UUID | None) -> str:
    return organisation_names(page.readings).get(str(organisation_id), "the organisation")


def _lead(page: Page, scheme: Scheme) -> UUID | None:
    return page.corral.programme(scheme.programme_id).lead_of(scheme.id)


def evidence_sent(page: Page, scheme: Scheme, code: str, revised: bool) -> Flash:
    """A provider submitted or revised its evidence."""
    lead = _lead(page, scheme)
    done = f"Evidence {'revised' if revised else 'sent'} for {code}."
    if lead == page.viewer.actor.organisation_id:
        return Flash(done, "You lead this scheme: accept it into the pack from the collation board.")
    return Flash(done, f"The lead, {_name(page, lead)}, will review it.")


def evidence_withdrawn(code: str) -> Flash:
    """A provider took its evidence back."""
    return Flash(f"Evidence for {code} withdrawn.", "The lead no longer reviews it; send new evidence here when ready.")


def lead_decided(page: Page, submission: Submission, accepted: bool) -> Flash:
    """The lead accepted a submission into the pack, or returned it."""
    provider, code = _name(page, submission.provider_id), submission.milestone_code
    if accepted:
        return Flash(
            f"{provider}'s evidence for {code} is accepted into the pack.",
            "It goes to the commissioner when you present the pack.",
        )
    return Flash(
        f"{provider}'s evidence for {code} is returned with your comments.",
        f"{provider} can revise it and send it again; this board shows when it does.",
    )


def nudged(page: Page, provider_id: UUID, quarter: Quarter) -> Flash:
    """The lead reminded a participant."""
    return Flash(
        f"{_name(page, provider_id)} is nudged for its {quarter.value} evidence.",
        "The reminder is recorded on this board, with when you sent it.",
    )


def presented(page: Page, scheme: Scheme, quarter: Quarter) -> Flash:
    """The lead presented the pack."""
    return Flash(
        f"The {quarter.value} evidence pack is presented.",
        f"The commissioner, {_name(page, scheme.commissioner_id)}, will assess it or query it back to you.",
    )


def decided(page: Page, provider_id: UUID, code: str, status: str, on_appeal: bool) -> Flash:
    """The commissioner assessed a provider-milestone, or revised the assessment on appeal."""
    provider = _name(page, provider_id)
    if on_appeal:
        return Flash(
            f"{provider}'s {code} is revised on appeal to {status}.",
            "The earlier decision stays in the record beside this one.",
        )
    return Flash(
        f"{provider}'s {code} is assessed as {status}.",
        "The decision and the evidence behind it are recorded; payments are fixed when the quarter closes.",
    )


def queried(page: Page, scheme: Scheme, quarter: Quarter) -> Flash:
    """The commissioner sent the pack back to the lead."""
    return Flash(
        f"The {quarter.value} pack is queried back to the lead, {_name(page, _lead(page, scheme))}.",
        "The lead can return evidence for revision and present the pack again.",
    )


def called_in(page: Page, submission_id: UUID) -> Flash:
    """The commissioner called in evidence the lead left waiting."""
    submission = page.corral.submission(submission_id)
    return Flash(
        f"{_name(page, submission.provider_id)}'s {submission.quarter.value} evidence for {submission.milestone_code}"
        " is called in.",
        "Assess it below: the lead and the provider are told it was called in.",
    )


def restated(page: Page, provider_id: UUID, code: str, status: str) -> Flash:
    """The commissioner restated a provider-milestone after the close."""
    return Flash(
        f"{_name(page, provider_id)}'s {code} is restated as {status}.",
        "The original figures stay as the quarter closed; the payments page shows both and the difference.",
    )


def closed(quarter: Quarter) -> Flash:
    """The commissioner closed the quarter."""
    return Flash(f"{quarter.value} is closed.", "Its payments are now fixed: the payments page shows what each earned.")


def signed(scheme: Scheme, terms_version: int) -> Flash:
    """An organisation signed the terms."""
    return Flash(
        f"Your organisation signed version {terms_version} of '{scheme.terms.title}'.",
        "The scheme is agreed once every party has signed: the signatures below show who has.",
    )


def continued(health_economy: str, contract_year: int) -> Flash:
    """The commissioner continued a programme into the next contract year."""
    return Flash(
        f"{health_economy} {contract_year_label(contract_year + 1)} is set up, continuing"
        f" {contract_year_label(contract_year)}.",
        "Its schemes are drafts carried forward with their participants and leads: amend each for next year's goals,"
        " then every party signs it.",
    )


def programme_set_up(health_economy: str, contract_year: int) -> Flash:
    """The commissioner set up a programme."""
    return Flash(
        f"{health_economy.strip()} {contract_year_label(contract_year)} is set up.",
        "Add its providers with their contract values and CQUIN rates, then draft its schemes.",
    )


def provider_joined(provider: str) -> Flash:
    """A provider joined the programme."""
    return Flash(
        f"{provider} joined the programme.", "Add the other providers, then draft the schemes they take part in."
    )


def scheme_drafted(code: str) -> Flash:
    """The commissioner drafted a scheme."""
    return Flash(
        f"Scheme {code.strip()} is drafted.", "Designate its lead below; then every party signs its terms on this page."
    )


def terms_changed(code: str, varied: bool) -> Flash:
    """The commissioner amended a draft, or proposed a variation of agreed terms."""
    if varied:
        return Flash(
            f"A variation of scheme {code} is proposed.",
            "The agreed version stays in force until every party signs the new terms on this page.",
        )
    return Flash(f"Scheme {code}'s draft is amended.", "Any signatures so far lapse: every party signs the new terms.")


def lead_designated(provider: str) -> Flash:
    """The commissioner designated, or re-designated, a scheme's lead."""
    return Flash(
        f"{provider} leads the scheme.", "Every party may now sign the terms; the scheme is agreed once all have."
    )
