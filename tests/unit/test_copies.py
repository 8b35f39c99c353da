"""A copy of a cached aggregate, for a command to change (domain/copies.py): changing it changes nothing the cache
holds, while the values that cannot change are shared rather than rebuilt."""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from decimal import Decimal
from typing import Any

from domain.achievement import AssessmentStatus
from domain.copies import copied
from domain.quarter_review import QuarterReview, ReviewStatus
from tests.builders import COMMISSIONER, COMMUNITY_ID, narrative_milestone
from tests.unit.given import RULES, presented, presented_review

M1 = narrative_milestone("M1")


def assessed_review() -> QuarterReview:
    submission = presented()
    review = presented_review(submission)
    review.assess(COMMISSIONER, M1, COMMUNITY_ID, AssessmentStatus.NOT_MET, "nothing", None, RULES)
    review.collect_events()
    return review


def test_a_command_changing_its_copy_of_a_review_leaves_the_cached_review_as_it_was() -> None:
    cached = assessed_review()
    before = deepcopy(cached)

    mine = copied(cached)
    mine.query(COMMISSIONER, "Where is the June audit?")
    mine.packs.append(mine.packs[0])
    mine.assessments.clear()

    assert vars(cached) == vars(before)
    assert cached.status is ReviewStatus.PRESENTED and len(cached.packs) == 1 and cached.assessments


def test_a_copy_is_equal_to_what_deepcopy_makes_but_shares_the_ids_times_and_enum_members() -> None:
    cached = assessed_review()

    mine = copied(cached)

    assert type(mine) is QuarterReview and mine is not cached
    assert vars(mine) == vars(deepcopy(cached))
    assert mine.packs is not cached.packs and mine.assessments is not cached.assessments
    assert mine.id is cached.id and mine.modified_on is cached.modified_on and mine.status is cached.status


class Holder:
    def __init__(self, items: list[Any]) -> None:
        self.items = items


class Counted(Holder):
    copies = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> Counted:
        Counted.copies += 1
        return Counted(deepcopy(self.items, memo))


def test_a_value_reached_twice_is_copied_once_and_a_class_that_copies_itself_is_asked_to() -> None:
    shared = [Decimal("1.5"), date(2014, 4, 1)]
    original = {"first": Holder(shared), "second": Holder(shared), "own": Counted(shared), "pair": (shared, 1)}

    mine = copied(original)

    assert mine["first"].items is mine["second"].items is mine["own"].items is mine["pair"][0]
    assert mine["first"].items is not shared and mine["first"].items == shared
    assert Counted.copies == 1 and type(mine["own"]) is Counted
    frozen = (1, "two", Decimal(3))
    assert copied(frozen) is frozen  # nothing in it can change


class Codes(list[str]):
    """A list subclass: its items are not in its `__dict__`."""


class Lookup(dict[str, int]):
    """A dict subclass: nor are its entries."""


def test_values_whose_state_lies_beyond_their_dict_are_copied_whole_as_deepcopy_copies_them() -> None:
    cached = Holder([Codes(["M1", "M2"]), Lookup({"M1": 1}), Holder, len])

    mine = copied(cached)

    assert mine.items == [["M1", "M2"], {"M1": 1}, Holder, len]
    assert type(mine.items[0]) is Codes and mine.items[0] is not cached.items[0]
    assert type(mine.items[1]) is Lookup and mine.items[1] is not cached.items[1]
    assert mine.items[2] is Holder and mine.items[3] is len
