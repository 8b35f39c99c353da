"""A refused command is shown the same way to an API client and on a page: one status, and one input, per rule."""

from __future__ import annotations

import pytest

import api.storage.attachments  # noqa: F401  (the attachment store's own rule)
import domain.application  # noqa: F401  (every rule of the domain)
from api.http.commands import refused
from domain.errors import DomainError
from domain.limits import InvalidInputError
from web.pages.base import STALE_FORM, failure_of

EVIDENCE = {"narrative": "", "numerator": "", "denominator": "", "reason": ""}
ASSESSMENT = {"status": "Met", "rationale": ""}


def _errors(kind: type[DomainError]) -> set[type[DomainError]]:
    return {error for sub in kind.__subclasses__() for error in (sub, *_errors(sub))}


def test_every_rule_a_problem_names_is_one_error_that_is_found_again_by_that_name() -> None:
    rules = [error.rule() for error in _errors(DomainError)]

    assert sorted(rule for rule in set(rules) if rules.count(rule) > 1) == []
    assert all(DomainError.of_rule(rule).rule() == rule for rule in rules)
    assert DomainError.of_rule("NoSuchRule") is DomainError


@pytest.mark.parametrize(
    "rule,form,values,shown_at,status",
    [
        ("InvalidEvidence", "evidence", EVIDENCE, "evidence-narrative", 422),
        ("FiguresRequired", "evidence", EVIDENCE, "evidence-numerator", 422),
        ("ReasonRequired", "evidence", EVIDENCE, "evidence-reason", 422),
        ("AttachmentRefused", "evidence", EVIDENCE, "evidence-files", 422),
        ("AttachmentNotUploaded", "evidence", EVIDENCE, "evidence-files", 422),
        ("ReasonRequired", "withdraw", {"reason": ""}, "withdraw-reason", 422),
        ("CommentsRequired", "return", {"comments": ""}, "return-comments", 422),
        ("RationaleRequired", "assess-p-M1", ASSESSMENT, "assess-p-M1-rationale", 422),
        ("StatusDisagreesWithFigures", "assess-p-M1", ASSESSMENT, "assess-p-M1-status", 422),
        ("NothingToOverride", "assess-p-M1", ASSESSMENT | {"override_reason": "x"}, "assess-p-M1-override_reason", 422),
        ("UnassessedMilestones", "close", {}, "close-submit", 422),
        ("AlreadyExists", "evidence", EVIDENCE, "evidence-submit", 409),
    ],
)
def test_a_broken_rule_is_shown_at_the_input_it_is_about_with_the_status_the_api_gives(
    rule: str, form: str, values: dict[str, str], shown_at: str, status: int
) -> None:
    failure = failure_of(refused(DomainError.of_rule(rule)("as the rule says")), form, values)

    assert (failure.errors, failure.status) == ([(shown_at, "As the rule says")], status)


@pytest.mark.parametrize(
    "field,form,values,shown_at",
    [
        ("narrative", "evidence", EVIDENCE, "evidence-narrative"),
        ("attachments.0.name", "evidence", EVIDENCE, "evidence-files"),
        ("comments", "accept", {"comments": ""}, "accept-comments"),
        ("milestones.2.title", "sign", {}, "sign-submit"),
    ],
)
def test_an_input_outside_its_limits_is_shown_at_its_form_field_named_by_its_path(
    field: str, form: str, values: dict[str, str], shown_at: str
) -> None:
    failure = failure_of(refused(InvalidInputError(field, "contains the control character U+0000")), form, values)

    assert failure.errors == [(shown_at, f"{field[:1].upper()}{field[1:]}: contains the control character U+0000")]
    assert failure.status == 422


@pytest.mark.parametrize("rule,status", [("StaleVersion", 412), ("ConcurrentChange", 409)])
def test_a_form_older_than_the_record_says_so_at_its_button_with_the_status_a_stale_if_match_gets(
    rule: str, status: int
) -> None:
    failure = failure_of(refused(DomainError.of_rule(rule)("the submission is at version 2, not 1")), "sign", {})

    assert (failure.errors, failure.status) == ([("sign-submit", STALE_FORM)], status)


@pytest.mark.parametrize("rule,status", [("NotPermitted", 403), ("NotFound", 404), ("NotAParticipant", 403)])
def test_what_the_viewer_may_not_do_or_see_is_refused_with_the_status_the_api_gives(rule: str, status: int) -> None:
    assert refused(DomainError.of_rule(rule)("not yours")).status == status
