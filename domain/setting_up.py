"""Set-up use cases: organisations, programmes and providers' terms, then schemes drafted, led, varied and signed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

from domain.actors import Actor
from domain.errors import DomainError
from domain.organisation import Organisation, OrganisationKind
from domain.organisation import Sector
from domain.programme import Programme, ProviderTerms
from domain.reads import ReadService
from domain.scheme import Scheme, SchemeTerms
from domain.service import Recorded


class SetUpService(ReadService):
    """DOMAIN.md's lifecycle from set-up to agreement, and every variation after."""

    def register_organisation(
        self, actor: Actor, code: str, name: str, kind: OrganisationKind, sector: Sector | None = None
    ) -> Recorded:
        """The platform operator registers a commissioner or a provider, with its sector."""
        return self._create(Organisation.register(actor, code, name, kind, sector))

    def change_sector(
        self, actor: Actor, organisation_id: UUID, sector: Sector, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The organisation's administrator records the sector it is in, saying why; another organisation's id, real
        or not, is refused alike."""
        actor.require_administrator_of(organisation_id)
        organisation = self._get(Organisation, organisation_id, expected_version=expected_version)
        organisation.change_sector(actor, sector, reason)
        return self._save(organisation)

    def set_up_programme(
        self,
        actor: Actor,
        health_economy: str,
        contract_year: int,
        partial_fraction: Decimal = Decimal("0.5"),
        schemes_per_lead: int | None = 1,
    ) -> Recorded:
        """The commissioner sets up its programme for a contract year."""
        programme = Programme.set_up(
            actor, actor.organisation_id, health_economy, contract_year, partial_fraction, schemes_per_lead
        )
        self.organisation(actor.organisation_id).require_kind(OrganisationKind.COMMISSIONER)
        return self._create(programme)

    def join_programme(
        self, actor: Actor, programme_id: UUID, terms: ProviderTerms, expected_version: int | None = None
    ) -> Recorded:
        """A provider joins the programme with its contract value and CQUIN rate."""
        self.organisation(terms.provider_id).require_kind(OrganisationKind.PROVIDER)
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        programme.join(actor, terms)
        return self._save(programme)

    def revise_provider_terms(
        self,
        actor: Actor,
        programme_id: UUID,
        terms: ProviderTerms,
        reason: str,
        expected_version: int | None = None,
    ) -> Recorded:
        """Change a provider's contract value or CQUIN rate."""
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        programme.revise_provider_terms(actor, terms, reason)
        return self._save(programme)

    def designate_lead(
        self,
        actor: Actor,
        scheme_id: UUID,
        provider_id: UUID,
        reason: str = "",
        expected_version: int | None = None,
    ) -> Recorded:
        """The commissioner designates, or re-designates with a reason, a scheme's lead; the version is the programme's."""
        scheme = self.scheme(scheme_id)
        programme = self._get(Programme, scheme.programme_id, expected_version=expected_version)
        programme.designate_lead(actor, scheme_id, provider_id, scheme.terms.provider_ids, reason)
        return self._save(programme)

    def draft_scheme(self, actor: Actor, programme_id: UUID, code: str, terms: SchemeTerms) -> Recorded:
        """The commissioner drafts a scheme with participants, weights and milestones."""
        programme = self._get(Programme, programme_id)
        return self._create(_drafted(actor, programme, code, terms), programme)

    def draft_schemes(
        self,
        actor: Actor,
        programme_id: UUID,
        drafts: Sequence[tuple[str, SchemeTerms]],
        expected_version: int | None = None,
    ) -> Recorded:
        """The commissioner drafts several schemes at once, all or none: the programme and every new scheme are saved
        together, in one transaction; the version is the programme's."""
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        schemes = [_drafted(actor, programme, code, terms) for code, terms in drafts]
        return self._save(programme, *schemes)

    def refusals_of_drafts(
        self, actor: Actor, programme_id: UUID, drafts: Sequence[tuple[str, SchemeTerms]]
    ) -> list[DomainError | None]:
        """What drafting these schemes together would refuse, draft by draft (None: drafted); nothing is recorded."""
        programme = self._get(Programme, programme_id)  # a copy: drafting adds to it, and nothing is saved
        refusals: list[DomainError | None] = []
        for code, terms in drafts:
            try:
                _drafted(actor, programme, code, terms)
                refusals.append(None)
            except DomainError as error:
                refusals.append(error)
        return refusals

    def amend_draft(
        self, actor: Actor, scheme_id: UUID, terms: SchemeTerms, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """Change a scheme's terms before they are first agreed."""
        scheme = self._get(Scheme, scheme_id, expected_version=expected_version)
        programme = self.programme(scheme.programme_id)
        scheme.amend_draft(actor, terms, programme.scope, reason, programme.lead_of(scheme_id))
        return self._save(scheme)

    def propose_variation(
        self, actor: Actor, scheme_id: UUID, terms: SchemeTerms, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """Propose new terms for an agreed scheme."""
        scheme = self._get(Scheme, scheme_id, expected_version=expected_version)
        programme = self.programme(scheme.programme_id)
        scheme.propose_variation(actor, terms, programme.scope, reason, programme.lead_of(scheme_id))
        return self._save(scheme)

    def sign_scheme(
        self, actor: Actor, scheme_id: UUID, terms_version: int, expected_version: int | None = None
    ) -> Recorded:
        """Sign the version of the terms the signer has read."""
        scheme = self._get(Scheme, scheme_id, expected_version=expected_version)
        scheme.sign(actor, terms_version, self.programme(scheme.programme_id).lead_of(scheme_id))
        return self._save(scheme)


def _drafted(actor: Actor, programme: Programme, code: str, terms: SchemeTerms) -> Scheme:
    """A new draft scheme, added to the programme (neither saved)."""
    scheme = Scheme.draft(actor, programme.id, programme.commissioner_id, programme.scope, code, terms)
    programme.add_scheme(actor, scheme.id, scheme.code)
    return scheme
