"""The payment rules' versions: what each status and share earns under each, where pennies are rounded, the versions
published, and the commissioner adopting one for a programme."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.achievement import AssessmentStatus
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.payment_rules import RULEBOOK, STANDARD, UnknownRulesError, as_set_up, published
from domain.payments import Stake, figures
from domain.programme_errors import RulesAlreadyAdoptedError
from tests.builders import ACUTE, COMMISSIONER
from tests.unit.given import event_names, programme

MET, PARTLY, NOT_MET, NA = (
    AssessmentStatus.MET,
    AssessmentStatus.PARTIALLY_MET,
    AssessmentStatus.NOT_MET,
    AssessmentStatus.NOT_APPLICABLE,
)
WHY = "NHS England's guidance for the year pays 60% for Partially Met."


def test_partially_met_earns_each_versions_partial_fraction_and_the_other_statuses_the_same() -> None:
    standard, partial_60 = published("standard-1"), published("partial-60")

    earned = {rules.version: [rules.earns(s, None) for s in (MET, PARTLY, NOT_MET)] for rules in (standard, partial_60)}

    assert earned == {
        "standard-1": [Decimal(1), Decimal("0.5"), Decimal(0)],
        "partial-60": [Decimal(1), Decimal("0.6"), Decimal(0)],
    }


def test_a_share_judged_on_figures_earns_the_share_whatever_the_partial_fraction() -> None:
    share = Decimal("0.8")

    assert published("partial-60").earns(PARTLY, share) == share == STANDARD.earns(PARTLY, share)


def test_a_stepped_scale_rounds_a_share_down_to_the_last_quarter_step_reached() -> None:
    stepped = published("stepped-quarters")

    shares = [stepped.earns(PARTLY, Decimal(s)) for s in ("0.24", "0.25", "0.8", "0.999", "1")]

    assert shares == [Decimal(0), Decimal("0.25"), Decimal("0.75"), Decimal("0.75"), Decimal(1)]
    assert STANDARD.earns(PARTLY, Decimal("0.8")) == Decimal("0.8")  # a straight line under the standard version


def test_na_leaves_the_totals_under_the_standard_version_and_earns_in_full_under_na_earns() -> None:
    stakes = [Stake("M1", Decimal(100), True, STANDARD.earns(MET, None)), Stake("M2", Decimal(100), True, None)]
    paid_in_full = [stakes[0], Stake("M2", Decimal(100), True, published("na-earns").earns(NA, None))]

    standard, na_earns = figures(stakes), figures(paid_in_full)

    assert (standard.available, standard.earned) == (Decimal(100), Decimal(100))
    assert (na_earns.available, na_earns.earned) == (Decimal(200), Decimal(200))


def test_penny_each_rounds_every_milestones_value_and_earnings_to_the_penny_before_they_are_added() -> None:
    third = Decimal(100) / 3  # 33.333...: three milestones sharing £100
    stakes = [Stake(code, third, True, Decimal("0.5")) for code in ("M1", "M2", "M3")]

    exact, each = figures(stakes, STANDARD.money), figures(stakes, published("penny-each").money)

    assert (exact.available, exact.earned) == (third * 3, third / 2 * 3)  # rounded only where shown
    assert (each.available, each.earned) == (Decimal("99.99"), Decimal("50.01"))  # 3 x 33.33 and 3 x 16.67


def test_only_a_published_version_is_found_and_the_refusal_names_the_choices() -> None:
    with pytest.raises(UnknownRulesError, match="partial-99.*standard-1, partial-60") as refused:
        published("partial-99")

    assert refused.value.field == "version"
    assert list(RULEBOOK) == ["standard-1", "partial-60", "stepped-quarters", "na-earns", "penny-each"]


def test_a_programme_set_up_with_another_partial_fraction_pays_by_the_standard_version_with_that_fraction() -> None:
    set_up = as_set_up(Decimal("0.4"))

    assert (set_up.version, set_up.partial_fraction, set_up.earns(PARTLY, None)) == (
        "set-up-40",
        Decimal("0.4"),
        Decimal("0.4"),
    )
    assert as_set_up(Decimal("0.5")) is STANDARD
    assert "Partially Met earns 40%" in set_up.terms


def test_the_commissioner_adopts_a_published_version_with_a_reason() -> None:
    given = programme()
    given.collect_events()

    given.adopt_payment_rules(COMMISSIONER, published("partial-60"), WHY)

    assert given.rules == published("partial-60")
    assert event_names(given) == ["PaymentRulesAdopted"]


def test_adopting_needs_the_programmes_commissioner_a_reason_and_a_version_not_already_paid_by() -> None:
    given = programme()
    given.collect_events()

    with pytest.raises(NotPermittedError):
        given.adopt_payment_rules(ACUTE, published("partial-60"), WHY)
    with pytest.raises(ReasonRequiredError):
        given.adopt_payment_rules(COMMISSIONER, published("partial-60"), "  ")
    with pytest.raises(RulesAlreadyAdoptedError, match="already pays by the standard-1 rules"):
        given.adopt_payment_rules(COMMISSIONER, STANDARD, WHY)

    assert given.rules == STANDARD and event_names(given) == []
