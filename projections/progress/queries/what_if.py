"""What-if: a provider's money before and after hypothetical statuses or figures for some of its milestones, per
scheme x quarter and in total, recording nothing. Closed quarters keep their money, so cannot be supposed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.achievement import AssessmentStatus, as_percent, status_for_share
from domain.actors import Actor, Role
from domain.errors import NotPermittedError
from domain.evidence import Figures as EvidenceFigures
from domain.limits import FIGURE, InvalidInputError
from domain.milestones import Quarter
from domain.payment_rules import PaymentRules
from domain.payments import Figures
from projections.progress.queries.access import ProgrammeAccess
from projections.progress.queries.hypotheses import Measured, as_if, measures, share_of
from projections.progress.queries.reading import rows_of
from projections.progress.queries.payments import ProgrammePayments, payments_of
from projections.progress.queries.reading import MilestoneProgress
from projections.progress.queries.basis import basis_for
from projections.progress.queries.scheme_money import SchemeLabel
from projections.progress.view import ProgressView

NOT_YOURS = "a provider may ask what-if only of its own money"
STATUSES = tuple(s.value for s in AssessmentStatus)


@dataclass(frozen=True)
class Supposition:
    """A hypothetical status and/or figures for one provider-milestone."""

    provider_id: str
    scheme_id: str
    milestone_code: str
    status: str | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Moved:
    """Money before and after the suppositions."""

    before: Figures
    after: Figures

    @property
    def change(self) -> Figures:
        """After less before."""
        return self.after - self.before


@dataclass(frozen=True)
class Cell:
    """One scheme-quarter's money before and after."""

    scheme: SchemeLabel
    quarter: Quarter
    money: Moved


@dataclass(frozen=True)
class ProviderWhatIf:
    """One provider's money before and after, by scheme x quarter and in total."""

    provider_id: str
    cells: list[Cell]
    total: Moved


@dataclass(frozen=True)
class WhatIf:
    """The money of each provider a supposition concerns, before and after."""

    programme_id: str
    rules: PaymentRules
    providers: list[ProviderWhatIf]


def may_ask_about(actor: Actor, provider_ids: Iterable[str]) -> None:
    """A provider may ask what-if only of its own money: NotPermittedError for another's, whatever the programme (so
    that the answer is the same for a programme it cannot see)."""
    if actor.role is Role.PROVIDER and any(p != str(actor.organisation_id) for p in provider_ids):
        raise NotPermittedError(NOT_YOURS)


def what_if_for(view: ProgressView, access: ProgrammeAccess, suppositions: list[Supposition]) -> WhatIf:
    """The money before and after the suppositions, each about money the reader may see (a provider: its own);
    NotPermittedError for another's, InvalidInputError naming the field for a supposition that cannot be."""
    for supposition in suppositions:
        _may_ask(access, supposition.provider_id)
    provider_id = None if access.everything else access.provider_id
    return what_if(view, access.programme_id, rows_of(view, access.programme_id, provider_id), suppositions)


def what_if(
    view: ProgressView, programme_id: str, rows: list[MilestoneProgress], suppositions: list[Supposition]
) -> WhatIf:
    """The money over `rows` before and after the suppositions, by the programme's payment rules."""
    basis = basis_for(view, programme_id, rows)  # read once for the money before and after
    rules = basis.rules
    known = measures(view, programme_id)
    by_key = {(r.provider_id, r.scheme_id, r.code): r for r in rows}
    changed: dict[tuple[str, str, str], MilestoneProgress] = {}
    for index, s in enumerate(suppositions):
        key = (s.provider_id, s.scheme_id, s.milestone_code)
        if key in changed:
            raise InvalidInputError(
                f"changes.{index}.milestone_code", "this milestone is supposed twice: once is enough"
            )
        row = by_key.get(key)
        if row is None:
            raise InvalidInputError(
                f"changes.{index}.milestone_code", f"there is no milestone {s.milestone_code} of yours to see"
            )
        changed[key] = _supposed(row, s, known.get((row.scheme_id, row.code)), rules, f"changes.{index}")
    before = payments_of(view, programme_id, rows, basis=basis)
    after = payments_of(view, programme_id, [changed.get(k, r) for k, r in by_key.items()], basis=basis)
    providers = [_provider(p, before, after) for p in dict.fromkeys(k[0] for k in changed)]
    return WhatIf(programme_id, rules, providers)


def _supposed(
    row: MilestoneProgress, s: Supposition, measured: Measured | None, rules: PaymentRules, at: str
) -> MilestoneProgress:
    if row.fixed_value is not None:
        raise InvalidInputError(
            f"{at}.milestone_code",
            f"{row.quarter.value} of {row.scheme_title} is closed: its money is fixed, so suppose only a quarter still open",
        )
    status = _status(s.status, f"{at}.status")
    figures = _figures(row, s, measured, at)
    if figures is None:
        if status is None:
            raise InvalidInputError(f"{at}.status", f"give a status (one of {', '.join(STATUSES)}) or figures")
        return as_if(row, status, None, rules)
    share = None if measured is None else share_of(measured, figures)
    if share is None:
        raise InvalidInputError(
            f"{at}.numerator", f"milestone {row.code}'s thresholds cannot be measured yet: suppose a status instead"
        )
    judged = status_for_share(share)
    if status is not None and status is not judged:
        raise InvalidInputError(
            f"{at}.status",
            f"the figures give {as_percent(share)}, which is {judged.value}, not {status.value}: leave the status out",
        )
    return as_if(row, judged, share, rules)


def _status(given: str | None, field: str) -> AssessmentStatus | None:
    if given is None or given == "":
        return None
    if given not in STATUSES:
        raise InvalidInputError(field, f"choose one of {', '.join(STATUSES)}")
    return AssessmentStatus(given)


def _figures(row: MilestoneProgress, s: Supposition, measured: Measured | None, at: str) -> EvidenceFigures | None:
    if s.numerator is None and s.denominator is None:
        return None
    if not row.numeric:
        raise InvalidInputError(f"{at}.numerator", f"milestone {row.code} is not numeric: suppose a status instead")
    if s.status == AssessmentStatus.NOT_APPLICABLE.value:
        raise InvalidInputError(f"{at}.numerator", "N/A takes no figures: leave them out")
    if s.numerator is None:
        raise InvalidInputError(f"{at}.numerator", "give the numerator as well as the denominator")
    numerator = FIGURE.check(s.numerator, f"{at}.numerator")
    rate = measured is not None and measured.measure.is_rate
    if s.denominator is not None and not rate:
        raise InvalidInputError(f"{at}.denominator", f"milestone {row.code} is a count: give no denominator")
    if s.denominator is None:
        if rate:
            raise InvalidInputError(f"{at}.denominator", f"milestone {row.code} is a rate: give its denominator too")
        return EvidenceFigures(numerator)
    denominator = FIGURE.check(s.denominator, f"{at}.denominator")
    if denominator <= 0:
        raise InvalidInputError(f"{at}.denominator", "the denominator must be more than 0")
    if numerator > denominator:
        raise InvalidInputError(f"{at}.numerator", "the numerator cannot exceed the denominator")
    return EvidenceFigures(numerator, denominator)


def _provider(provider_id: str, before: ProgrammePayments, after: ProgrammePayments) -> ProviderWhatIf:
    was, will = before.providers[provider_id], after.providers[provider_id]
    cells = [
        Cell(label, quarter, Moved(was.by_scheme_quarter[(label.scheme_id, quarter)], cell))
        for label in before.schemes
        for quarter in Quarter
        if (cell := will.by_scheme_quarter.get((label.scheme_id, quarter))) is not None
    ]
    return ProviderWhatIf(provider_id, cells, Moved(was.total, will.total))


def open_milestones(view: ProgressView, access: ProgrammeAccess, provider_id: str) -> list[MilestoneProgress]:
    """A provider's milestones in quarters still open, as the what-if form lists them; NotPermittedError where the
    reader may not see its money."""
    _may_ask(access, provider_id)
    return [r for r in rows_of(view, access.programme_id, provider_id) if r.fixed_value is None]


def _may_ask(access: ProgrammeAccess, provider_id: str) -> None:
    if not access.may_see_money_of(provider_id):
        raise NotPermittedError(NOT_YOURS)
