"""What a user decides about their own notifications: read by id or up to a position, and email at once, daily or
never; only the user decides, and ids, positions and choices are checked before anything is recorded."""

from __future__ import annotations

import pytest

from domain.actors import Actor, Role
from domain.errors import NotPermittedError
from domain.limits import InvalidInputError
from domain.organisation import OrganisationKind
from domain.user_account import UserAccount
from tests.builders import COMMUNITY, COMMUNITY_ID, administrator_of

ADMIN = administrator_of(COMMUNITY_ID)


def colins_account() -> UserAccount:
    return UserAccount.register(ADMIN, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, "hash")


def test_a_user_marks_notices_read_by_id_each_once() -> None:
    account = colins_account()

    account.read_notifications(COMMUNITY, ("12.0", "15.1", "12.0"), None)

    (read,) = [e for e in account.collect_events() if isinstance(e, UserAccount.NotificationsRead)]
    assert (tuple(read.notices), read.up_to, read.actor) == (("12.0", "15.1"), 0, COMMUNITY)


def test_marking_all_read_records_the_position_read_up_to() -> None:
    account = colins_account()

    account.read_notifications(COMMUNITY, (), 4321)

    assert account.collect_events()[-1].up_to == 4321


@pytest.mark.parametrize(
    ("ids", "up_to", "field"),
    [
        ((), None, "ids"),
        (("12",), None, "ids.0"),
        (("1.0", "0.0"), None, "ids.1"),
        (("99999999999999999999.0",), None, "ids.0"),
        ((), -1, "up_to"),
        ((), 2**63, "up_to"),
    ],
)
def test_ids_and_positions_that_name_no_notice_are_refused_naming_the_field(
    ids: tuple[str, ...], up_to: int | None, field: str
) -> None:
    account = colins_account()

    with pytest.raises(InvalidInputError) as refused:
        account.read_notifications(COMMUNITY, ids, up_to)

    assert refused.value.field == field
    assert [type(e).__name__ for e in account.collect_events()] == ["Registered"]


def test_only_the_user_decides_even_their_administrator_may_not() -> None:
    account = colins_account()

    with pytest.raises(NotPermittedError):
        account.read_notifications(ADMIN, ("1.0",), None)
    with pytest.raises(NotPermittedError):
        account.choose_email(Actor("carl", COMMUNITY_ID, Role.PROVIDER), "off")


def test_a_user_chooses_immediate_daily_or_no_email_and_nothing_else() -> None:
    account = colins_account()

    account.choose_email(COMMUNITY, "daily")
    with pytest.raises(InvalidInputError) as weekly:
        account.choose_email(COMMUNITY, "weekly")

    assert account.collect_events()[-1].choice == "daily" and weekly.value.field == "choice"
