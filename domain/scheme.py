"""A shared quality goal: drafted, signed by every party, then varied only by signing again."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.achievement import BaselineMissingError
from domain.actors import Actor
from domain.errors import DomainError, NotFoundError, NotPermittedError
from domain.limits import CODE, require_reason
from domain.milestones import Milestone
from domain.programme import ProgrammeScope
from domain.programme_errors import LeadNotParticipantError
from domain.scheme_terms import AgreedVersion, InvalidTermsError
from domain.scheme_terms import Participant as Participant
from domain.scheme_terms import SchemeTerms as SchemeTerms


class SchemeStatus(Enum):
    DRAFT = "draft"
    AGREED = "agreed"
    VARYING = "varying"


class SchemeNotAgreedError(DomainError):
    """Evidence can be given only against agreed milestones."""


class SchemeAlreadyAgreedError(DomainError):
    """An agreed scheme changes only by a variation."""


class NothingToSignError(DomainError):
    """The current terms are already agreed."""


class StaleTermsError(DomainError):
    """The signer saw an earlier version of the terms than the current one."""


class AlreadySignedError(DomainError):
    """This organisation has already signed these terms."""


class LeadNotDesignatedError(DomainError):
    """A scheme cannot be agreed without a lead: its terms are signed only once the commissioner has designated one."""


class NotAParticipantError(NotPermittedError):
    """The provider does not participate in this scheme."""


class MilestoneNotApplicableError(DomainError):
    """The milestone is targeted at another provider."""


NO_SCHEME: UUID | None = None


class Scheme(Aggregate):
    """A scheme's terms, their signatures and every agreed version; the scheme of last year it continues, if any."""

    # A class default (not annotated, so not a field), so a scheme restored from a snapshot taken before continuation
    # existed has it.
    continues = NO_SCHEME

    class Drafted(Aggregate.Created):
        programme_id: UUID
        commissioner_id: UUID
        code: str
        terms: SchemeTerms
        actor: Actor
        continues: UUID | None = None

    class DraftAmended(Aggregate.Event):
        terms: SchemeTerms
        reason: str
        actor: Actor

    class VariationProposed(Aggregate.Event):
        terms: SchemeTerms
        reason: str
        actor: Actor

    class Signed(Aggregate.Event):
        organisation_id: UUID
        terms_version: int
        actor: Actor

    class Agreed(Aggregate.Event):
        terms_version: int
        actor: Actor

    @staticmethod
    def create_id(programme_id: UUID, code: str, **_: object) -> UUID:
        return ids.scheme_id(programme_id, code)

    @classmethod
    def draft(
        cls,
        actor: Actor,
        programme_id: UUID,
        commissioner_id: UUID,
        programme: ProgrammeScope,
        code: str,
        terms: SchemeTerms,
        continues: UUID | None = None,
    ) -> Scheme:
        """Draft a scheme in a programme, perhaps continuing one of last year's."""
        actor.require_commissioner_of(commissioner_id)
        code = CODE.check(code, "code")
        if not code.strip():
            raise InvalidTermsError("a scheme needs a short code")
        terms.require_in(programme)
        created: Scheme = cls(
            programme_id=programme_id,
            commissioner_id=commissioner_id,
            code=code.strip(),
            terms=terms,
            actor=actor,
            continues=continues,
        )
        return created

    @event(Drafted)
    def __init__(
        self,
        programme_id: UUID,
        commissioner_id: UUID,
        code: str,
        terms: SchemeTerms,
        actor: Actor,
        continues: UUID | None = None,
    ) -> None:
        self.programme_id = programme_id
        self.continues = continues
        self.commissioner_id = commissioner_id
        self.code = code
        self.terms = terms
        self.terms_version = 1
        self.signatures: dict[str, str] = {}
        self.agreed_versions: list[AgreedVersion] = []

    def amend_draft(
        self, actor: Actor, terms: SchemeTerms, programme: ProgrammeScope, reason: str, lead_id: UUID | None = None
    ) -> None:
        """Change the terms before they are first agreed; signatures so far lapse; the lead stays a participant."""
        actor.require_commissioner_of(self.commissioner_id)
        if self.agreed_versions:
            raise SchemeAlreadyAgreedError("the scheme is agreed: propose a variation instead")
        _require_within(terms, programme, lead_id)
        self._draft_amended(terms=terms, reason=require_reason(reason, "amending a draft"), actor=actor)

    @event(DraftAmended)
    def _draft_amended(self, terms: SchemeTerms, reason: str, actor: Actor) -> None:
        self._replace_terms(terms)

    def propose_variation(
        self, actor: Actor, terms: SchemeTerms, programme: ProgrammeScope, reason: str, lead_id: UUID | None = None
    ) -> None:
        """Propose new terms for an agreed scheme; the agreed version stands until all sign again; the lead stays a
        participant."""
        actor.require_commissioner_of(self.commissioner_id)
        if not self.agreed_versions:
            raise SchemeNotAgreedError("the scheme is still a draft: amend the draft instead")
        _require_within(terms, programme, lead_id)
        self._variation_proposed(terms=terms, reason=require_reason(reason, "a variation"), actor=actor)

    @event(VariationProposed)
    def _variation_proposed(self, terms: SchemeTerms, reason: str, actor: Actor) -> None:
        self._replace_terms(terms)

    def _replace_terms(self, terms: SchemeTerms) -> None:
        self.terms = terms
        self.terms_version += 1
        self.signatures = {}

    def sign(self, actor: Actor, terms_version: int, lead_id: UUID | None) -> None:
        """Sign the current terms for the actor's organisation; the last signature agrees them. `lead_id` is the
        programme's designated lead of this scheme: nobody signs before there is one among the participants."""
        if actor.organisation_id == self.commissioner_id:
            actor.require_commissioner_of(self.commissioner_id)
        elif actor.organisation_id in self.terms.provider_ids:
            actor.require_provider(actor.organisation_id)
        else:
            raise NotPermittedError("only the commissioner and the participants sign a scheme")
        if self.is_agreed:
            raise NothingToSignError("these terms are already agreed")
        if terms_version != self.terms_version:
            raise StaleTermsError(
                f"you signed version {terms_version} but the terms are now at version {self.terms_version}"
            )
        if lead_id is None or lead_id not in self.terms.provider_ids:
            raise LeadNotDesignatedError(
                "this scheme has no lead provider among its participants yet: the commissioner designates one "
                "before the scheme is signed, so someone can present its evidence"
            )
        if str(actor.organisation_id) in self.signatures:
            raise AlreadySignedError("your organisation has already signed these terms")
        for m in self.terms.milestones:
            if m.measure is not None and m.measure.needs_baseline:
                raise BaselineMissingError(f"milestone {m.code} is measured from a baseline that is not set")
        self._signed(organisation_id=actor.organisation_id, terms_version=terms_version, actor=actor)
        if self.signatories <= {UUID(s) for s in self.signatures}:
            self._agreed(terms_version=terms_version, actor=actor)

    @event(Signed)
    def _signed(self, organisation_id: UUID, terms_version: int, actor: Actor) -> None:
        self.signatures[str(organisation_id)] = actor.user_id

    @event(Agreed)
    def _agreed(self, terms_version: int, actor: Actor) -> None:
        signatories = tuple(sorted((UUID(s) for s in self.signatures), key=str))
        self.agreed_versions.append(AgreedVersion(terms_version, self.terms, signatories))

    @property
    def signatories(self) -> frozenset[UUID]:
        """Who must sign: the commissioner and every participant."""
        return self.terms.provider_ids | {self.commissioner_id}

    @property
    def is_agreed(self) -> bool:
        """True when the current terms are the latest agreed version."""
        return bool(self.agreed_versions) and self.agreed_versions[-1].terms_version == self.terms_version

    @property
    def status(self) -> SchemeStatus:
        """Draft, agreed, or varying (agreed, with a variation awaiting signatures)."""
        if not self.agreed_versions:
            return SchemeStatus.DRAFT
        return SchemeStatus.AGREED if self.is_agreed else SchemeStatus.VARYING

    @property
    def agreed_terms(self) -> SchemeTerms:
        """The terms in force: the latest agreed version."""
        if not self.agreed_versions:
            raise SchemeNotAgreedError("the scheme has not been agreed by every party yet")
        return self.agreed_versions[-1].terms

    def agreed_version(self, terms_version: int) -> AgreedVersion:
        """An earlier agreed version, by number."""
        for agreed in self.agreed_versions:
            if agreed.terms_version == terms_version:
                return agreed
        raise NotFoundError(f"version {terms_version} of this scheme was never agreed")

    def milestone_for(self, provider_id: UUID, code: str) -> Milestone:
        """The agreed milestone, checked to apply to this provider."""
        terms = self.agreed_terms
        if provider_id not in terms.provider_ids:
            raise NotAParticipantError("your organisation does not participate in this scheme")
        milestone = terms.milestone(code)
        if not milestone.applies_to(provider_id):
            raise MilestoneNotApplicableError(f"milestone {code} is targeted at another provider")
        return milestone


def _require_within(terms: SchemeTerms, programme: ProgrammeScope, lead_id: UUID | None) -> None:
    terms.require_in(programme)
    if lead_id is not None and lead_id not in terms.provider_ids:
        raise LeadNotParticipantError(
            "the scheme's lead must stay a participant: re-designate the lead before leaving it out"
        )
