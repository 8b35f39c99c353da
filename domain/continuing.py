"""The next year (DOMAIN.md's lifecycle, step 7): a programme continued into the next contract year."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain import ids
from domain.actors import Actor
from domain.carrying import carried_forward
from domain.errors import AlreadyExistsError
from domain.evidence import Figures
from domain.limits import InvalidInputError
from domain.milestones import contract_year_label
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.reads import ReadService
from domain.scheme import Scheme, SchemeTerms
from domain.service import Recorded
from domain.submission import Submission, SubmissionStatus


class ContinuationService(ReadService):
    """Carrying a programme's providers, schemes, participants and leads into next year, as drafts."""

    def continue_programme(
        self,
        actor: Actor,
        programme_id: UUID,
        health_economy: str | None = None,
        scheme_codes: Sequence[str] | None = None,
        expected_version: int | None = None,
    ) -> Recorded:
        """The commissioner continues its programme into the next contract year (the same health economy unless
        named), with every scheme or those whose codes are given; recorded all at once or not at all."""
        last = self._get(Programme, programme_id, expected_version=expected_version)
        economy = last.health_economy if health_economy is None else health_economy
        following = Programme.set_up(
            actor,
            last.commissioner_id,
            economy,
            last.contract_year + 1,
            last.partial_fraction,
            last.schemes_per_lead,
            continues=last.id,
        )
        last.continue_into(actor, following.id)
        if self.exists(following.id):
            year = contract_year_label(following.contract_year)
            raise AlreadyExistsError(f"there is already a {following.health_economy} programme for {year}")
        for terms in last.providers.values():
            following.join(actor, terms)
        if following.rules != last.rules:
            following.adopt_payment_rules(
                actor, last.rules, f"carried on from {contract_year_label(last.contract_year)}"
            )
        # One save, its events in the order the use cases would record them: each scheme drafted before the
        # programme adds it and designates its lead, and last year's programme continued once next year's exists.
        events = [*following.collect_events()]
        for scheme_id in _chosen(last, scheme_codes):
            draft = self._carried(actor, last, following, scheme_id)
            events += [*draft.collect_events(), *following.collect_events()]
        return self._save(following, *events, *last.collect_events())

    def _carried(self, actor: Actor, last: Programme, following: Programme, scheme_id: UUID) -> Scheme:
        scheme = self.scheme(scheme_id)
        terms = scheme.agreed_terms if scheme.agreed_versions else scheme.terms
        carried = carried_forward(terms, self._reported(scheme.id, terms), following.scope.provider_ids)
        draft = Scheme.draft(
            actor, following.id, following.commissioner_id, following.scope, scheme.code, carried, scheme.id
        )
        following.add_scheme(actor, draft.id, draft.code)
        lead = last.lead_of(scheme.id)
        if lead is not None and lead in carried.provider_ids:
            following.designate_lead(actor, draft.id, lead, carried.provider_ids)
        return draft

    def _reported(self, scheme_id: UUID, terms: SchemeTerms) -> dict[str, list[Figures]]:
        """Each numeric milestone's figures, as each provider it applies to last reported them."""
        reported: dict[str, list[Figures]] = {}
        for milestone in terms.milestones:
            if milestone.measure is None:
                continue
            review = self._find(QuarterReview, ids.quarter_review_id(scheme_id, milestone.quarter))
            providers = sorted((p for p in terms.provider_ids if milestone.applies_to(p)), key=str)
            figures = (self._figures(scheme_id, review, p, milestone.code) for p in providers)
            reported[milestone.code] = [f for f in figures if f is not None]
        return reported

    def _figures(self, scheme_id: UUID, review: QuarterReview | None, provider_id: UUID, code: str) -> Figures | None:
        """The figures the provider's assessment rests on, else those of its latest evidence not withdrawn."""
        assessment = review.find_assessment(provider_id, code) if review is not None else None
        if assessment is not None and assessment.evidence_assessed is not None:
            entry = assessment.evidence_assessed
            return self.submission(entry.submission_id).evidence(entry.revision).figures
        submission = self._find(Submission, ids.submission_id(scheme_id, code, provider_id))
        if submission is None or submission.status is SubmissionStatus.WITHDRAWN:
            return None
        return submission.evidence().figures


def _chosen(programme: Programme, codes: Sequence[str] | None) -> list[UUID]:
    """The programme's schemes, or those with the codes given; a code it has no scheme with is refused."""
    if codes is None:
        return programme.scheme_ids
    known = set(programme.schemes.values())
    for number, code in enumerate(codes):
        if code not in known:
            raise InvalidInputError(f"schemes.{number}", f"this programme has no scheme with the code {code}")
    return [s for s in programme.scheme_ids if programme.schemes[str(s)] in codes]
