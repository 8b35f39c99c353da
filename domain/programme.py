"""A commissioner's CQUIN programme for one health economy and contract year."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor
from domain.errors import AlreadyExistsError, NotFoundError, NotPermittedError
from domain import programme_errors as refused
from domain.limits import CONTRACT_YEAR, FRACTION, NAME, SCHEMES_PER_LEAD, require_reason
from domain.milestones import contract_year_label
from domain.on_account import OnAccountBasis
from domain.payment_rules import PaymentRules, as_set_up
from domain.programme_terms import ProgrammeScope as ProgrammeScope
from domain.programme_terms import ProviderTerms as ProviderTerms


NO_PROGRAMME: UUID | None = None
NO_BASIS: OnAccountBasis | None = None
NO_RULES: PaymentRules | None = None


class Programme(Aggregate):
    """Participating providers, lead designations and the payment settings; the years it continues and is continued
    by."""

    # Class defaults (not annotated, so not fields), so a programme restored from a snapshot taken before continuation
    # existed has them.
    continues = NO_PROGRAMME
    continued_by = NO_PROGRAMME
    on_account = NO_BASIS
    adopted_rules = NO_RULES

    class SetUp(Aggregate.Created):
        commissioner_id: UUID
        health_economy: str
        contract_year: int
        partial_fraction: Decimal
        schemes_per_lead: int | None
        actor: Actor
        continues: UUID | None = None

    class Continued(Aggregate.Event):
        next_programme_id: UUID
        actor: Actor

    class ProviderJoined(Aggregate.Event):
        terms: ProviderTerms
        actor: Actor

    class ProviderTermsRevised(Aggregate.Event):
        terms: ProviderTerms
        reason: str
        actor: Actor

    class SchemeAdded(Aggregate.Event):
        scheme_id: UUID
        code: str
        actor: Actor

    class LeadProviderDesignated(Aggregate.Event):
        scheme_id: UUID
        provider_id: UUID
        actor: Actor

    class LeadProviderRedesignated(Aggregate.Event):
        scheme_id: UUID
        provider_id: UUID
        previous_provider_id: UUID
        reason: str
        actor: Actor

    class OnAccountBasisSet(Aggregate.Event):
        expected_achievement: Decimal
        approval_threshold: Decimal
        reason: str
        actor: Actor

    class PaymentRulesAdopted(Aggregate.Event):
        rules: PaymentRules
        reason: str
        actor: Actor

    @staticmethod
    def create_id(commissioner_id: UUID, health_economy: str, contract_year: int, **_: object) -> UUID:
        return ids.programme_id(commissioner_id, health_economy, contract_year)

    @classmethod
    def set_up(
        cls,
        actor: Actor,
        commissioner_id: UUID,
        health_economy: str,
        contract_year: int,
        partial_fraction: Decimal = Decimal("0.5"),
        schemes_per_lead: int | None = 1,
        continues: UUID | None = None,
    ) -> Programme:
        """Set up a programme, perhaps continuing last year's; `schemes_per_lead` None lifts the one-scheme-per-lead
        default."""
        actor.require_commissioner_of(commissioner_id)
        health_economy = NAME.check(health_economy, "health_economy")
        if not health_economy.strip():
            raise refused.InvalidProgrammeError("a programme needs the name of its health economy")
        CONTRACT_YEAR.check(contract_year, "contract_year")
        partial_fraction = FRACTION.check(partial_fraction, "partial_fraction")
        if schemes_per_lead is not None:
            SCHEMES_PER_LEAD.check(schemes_per_lead, "schemes_per_lead")
        created: Programme = cls(
            commissioner_id=commissioner_id,
            health_economy=health_economy.strip(),
            contract_year=contract_year,
            partial_fraction=partial_fraction,
            schemes_per_lead=schemes_per_lead,
            actor=actor,
            continues=continues,
        )
        return created

    @event(SetUp)
    def __init__(
        self,
        commissioner_id: UUID,
        health_economy: str,
        contract_year: int,
        partial_fraction: Decimal,
        schemes_per_lead: int | None,
        actor: Actor,
        continues: UUID | None = None,
    ) -> None:
        self.commissioner_id = commissioner_id
        self.health_economy = health_economy
        self.contract_year = contract_year
        self.partial_fraction = partial_fraction
        self.schemes_per_lead = schemes_per_lead
        self.providers: dict[str, ProviderTerms] = {}
        self.schemes: dict[str, str] = {}
        self.leads: dict[str, UUID] = {}
        self.continues = continues

    def continue_into(self, actor: Actor, next_programme_id: UUID) -> None:
        """Record that next year's programme continues this one; a programme is continued once."""
        actor.require_commissioner_of(self.commissioner_id)
        if self.continued_by is not None:
            year = contract_year_label(self.contract_year + 1)
            raise refused.ProgrammeAlreadyContinuedError(f"this programme has already been continued into {year}")
        self._continued(next_programme_id=next_programme_id, actor=actor)

    @event(Continued)
    def _continued(self, next_programme_id: UUID, actor: Actor) -> None:
        self.continued_by = next_programme_id

    def set_on_account_basis(self, actor: Actor, basis: OnAccountBasis, reason: str) -> None:
        """The commissioner sets what providers are paid monthly on account and the statements' approval threshold."""
        actor.require_commissioner_of(self.commissioner_id)
        reason = require_reason(reason, "setting the on-account basis")
        self._on_account_basis_set(basis.expected_achievement, basis.approval_threshold, reason, actor)

    @event(OnAccountBasisSet)
    def _on_account_basis_set(
        self, expected_achievement: Decimal, approval_threshold: Decimal, reason: str, actor: Actor
    ) -> None:
        self.on_account = OnAccountBasis(expected_achievement, approval_threshold)

    @property
    def rules(self) -> PaymentRules:
        """The payment rules the programme pays by: the version last adopted, else as set up."""
        return self.adopted_rules or as_set_up(self.partial_fraction)

    def adopt_payment_rules(self, actor: Actor, rules: PaymentRules, reason: str) -> None:
        """The commissioner changes the payment rules, saying why; closed quarters keep their values unless restated."""
        actor.require_commissioner_of(self.commissioner_id)
        reason = require_reason(reason, "adopting other payment rules")
        if rules == self.rules:
            raise refused.RulesAlreadyAdoptedError(f"this programme already pays by the {rules.version} rules")
        self._payment_rules_adopted(rules, reason, actor)

    @event(PaymentRulesAdopted)
    def _payment_rules_adopted(self, rules: PaymentRules, reason: str, actor: Actor) -> None:
        self.adopted_rules = rules

    def join(self, actor: Actor, terms: ProviderTerms) -> None:
        """A provider joins with its contract value and CQUIN rate."""
        actor.require_commissioner_of(self.commissioner_id)
        if self.has_provider(terms.provider_id):
            raise refused.ProviderAlreadyJoinedError("the provider is already in this programme")
        self._provider_joined(terms=terms, actor=actor)

    @event(ProviderJoined)
    def _provider_joined(self, terms: ProviderTerms, actor: Actor) -> None:
        self.providers[str(terms.provider_id)] = terms

    def revise_provider_terms(self, actor: Actor, terms: ProviderTerms, reason: str) -> None:
        """Change a provider's contract value or CQUIN rate, saying why."""
        actor.require_commissioner_of(self.commissioner_id)
        self.provider(terms.provider_id)
        self._provider_terms_revised(terms=terms, reason=require_reason(reason, "revising terms"), actor=actor)

    @event(ProviderTermsRevised)
    def _provider_terms_revised(self, terms: ProviderTerms, reason: str, actor: Actor) -> None:
        self.providers[str(terms.provider_id)] = terms

    def add_scheme(self, actor: Actor, scheme_id: UUID, code: str) -> None:
        """Record a newly drafted scheme as part of this programme."""
        actor.require_commissioner_of(self.commissioner_id)
        if str(scheme_id) in self.schemes:
            raise AlreadyExistsError(f"this programme already has a scheme with code {code}")
        self._scheme_added(scheme_id=scheme_id, code=code, actor=actor)

    @event(SchemeAdded)
    def _scheme_added(self, scheme_id: UUID, code: str, actor: Actor) -> None:
        self.schemes[str(scheme_id)] = code

    def designate_lead(
        self, actor: Actor, scheme_id: UUID, provider_id: UUID, participants: frozenset[UUID], reason: str = ""
    ) -> None:
        """Make a participating provider the scheme's lead; re-designation needs a reason."""
        actor.require_commissioner_of(self.commissioner_id)
        if str(scheme_id) not in self.schemes:
            raise NotFoundError("that scheme is not part of this programme")
        self.provider(provider_id)
        if provider_id not in participants:
            raise refused.LeadNotParticipantError("the lead must participate in the scheme it leads")
        previous = self.lead_of(scheme_id)
        if previous == provider_id:
            raise refused.AlreadyLeadError("this provider already leads the scheme")
        if self.schemes_per_lead is not None and len(self.schemes_led_by(provider_id)) >= self.schemes_per_lead:
            most = self.schemes_per_lead
            raise refused.LeadLimitExceededError(
                f"a provider may lead at most {most} scheme{'' if most == 1 else 's'} in this programme"
            )
        if previous is None:
            self._lead_designated(scheme_id=scheme_id, provider_id=provider_id, actor=actor)
        else:
            self._lead_redesignated(
                scheme_id=scheme_id,
                provider_id=provider_id,
                previous_provider_id=previous,
                reason=require_reason(reason, "re-designating a lead"),
                actor=actor,
            )

    @event(LeadProviderDesignated)
    def _lead_designated(self, scheme_id: UUID, provider_id: UUID, actor: Actor) -> None:
        self.leads[str(scheme_id)] = provider_id

    @event(LeadProviderRedesignated)
    def _lead_redesignated(
        self, scheme_id: UUID, provider_id: UUID, previous_provider_id: UUID, reason: str, actor: Actor
    ) -> None:
        self.leads[str(scheme_id)] = provider_id

    def has_provider(self, provider_id: UUID) -> bool:
        """True when the provider has joined."""
        return str(provider_id) in self.providers

    def provider(self, provider_id: UUID) -> ProviderTerms:
        """The provider's terms, or an error if it has not joined."""
        try:
            return self.providers[str(provider_id)]
        except KeyError:
            raise refused.ProviderNotInProgrammeError("the provider has not joined this programme") from None

    @property
    def provider_ids(self) -> frozenset[UUID]:
        """Every participating provider."""
        return frozenset(t.provider_id for t in self.providers.values())

    @property
    def scope(self) -> ProgrammeScope:
        """The providers and the contract year its schemes' terms must keep within."""
        return ProgrammeScope(self.provider_ids, self.contract_year)

    @property
    def scheme_ids(self) -> list[UUID]:
        """The programme's schemes, in the order they were drafted."""
        return [UUID(s) for s in self.schemes]

    def lead_of(self, scheme_id: UUID) -> UUID | None:
        """The scheme's lead provider, if designated."""
        return self.leads.get(str(scheme_id))

    def schemes_led_by(self, provider_id: UUID) -> list[UUID]:
        """The schemes this provider leads."""
        return [UUID(s) for s, p in self.leads.items() if p == provider_id]

    def require_lead(self, actor: Actor, scheme_id: UUID) -> UUID:
        """Raise unless the actor acts for the scheme's lead; return the lead's id."""
        lead = self.lead_of(scheme_id)
        if lead is None:
            raise NotPermittedError("this scheme has no lead provider yet")
        actor.require_provider(lead)
        return lead
