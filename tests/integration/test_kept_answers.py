"""Answers kept by the view's position (projections/kept.py): given again while the view has not moved, worked out
afresh on the very next read once it has applied an event, and all forgotten when the view is rebuilt from the start."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from projections.kept import KeptAnswers
from projections.progress.queries import provider_dashboard
from tests.builders import ACUTE, ACUTE_ID, narrative
from tests.integration.given import Agreed, agreed_scheme
from tests.integration.read_models import Views, views_of


class Dashboards:
    """ACUTE's milestone states, as its dashboard shows them, and how many times they were read from the view."""

    def __init__(self, views: Views) -> None:
        self.views, self.kept, self.worked_out = views, KeptAnswers(views.progress), 0

    def states(self) -> list[tuple[str, str | None]]:
        return self.kept.answer(("dashboard", str(ACUTE_ID)), self._read)

    def _read(self) -> list[tuple[str, str | None]]:
        self.worked_out += 1
        shown = provider_dashboard(self.views.progress, str(ACUTE_ID))
        return [(m.code, m.state) for d in shown for m in d.milestones]


@pytest.fixture
def agreed(app: Corral) -> Agreed:
    return agreed_scheme(app)


@pytest.fixture
def dashboards(app: Corral, settings: Settings, agreed: Agreed) -> Iterator[Dashboards]:
    with views_of(settings) as views:
        yield Dashboards(views.caught_up(app))


def test_a_dashboard_read_twice_while_the_views_stand_still_is_read_from_the_view_once(dashboards: Dashboards) -> None:
    first = dashboards.states()
    again = dashboards.states()

    assert again == first == [("M1", None)]
    assert dashboards.worked_out == 1


def test_evidence_the_view_has_applied_is_on_the_very_next_dashboard_read(
    app: Corral, agreed: Agreed, dashboards: Dashboards
) -> None:
    dashboards.states()

    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    dashboards.views.caught_up(app)

    assert dashboards.states() == [("M1", "submitted")]
    assert dashboards.worked_out == 2


def test_evidence_recorded_but_not_yet_applied_to_the_view_leaves_the_kept_dashboard_as_the_view_shows_it(
    app: Corral, agreed: Agreed, dashboards: Dashboards
) -> None:
    dashboards.states()

    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())

    assert dashboards.states() == [("M1", None)]
    assert dashboards.worked_out == 1


def test_a_view_rebuilt_from_the_start_forgets_every_kept_dashboard(app: Corral, dashboards: Dashboards) -> None:
    dashboards.states()
    progress = dashboards.views.progress

    progress.drop()
    progress.create()

    assert dashboards.states() == []  # the rebuilt view has applied nothing yet
    dashboards.views.caught_up(app)
    assert dashboards.states() == [("M1", None)]
    assert dashboards.worked_out == 3


def test_a_dashboard_worked_out_while_the_view_is_dropped_to_be_rebuilt_is_given_but_not_kept(
    app: Corral, dashboards: Dashboards
) -> None:
    progress = dashboards.views.progress

    def read_as_a_rebuild_begins() -> list[tuple[str, str | None]]:
        progress.drop()  # another process's rebuild drops the tables between the position's read and the rows'
        progress.create()
        return dashboards._read()

    given = dashboards.kept.answer(("dashboard", str(ACUTE_ID)), read_as_a_rebuild_begins)
    dashboards.views.caught_up(app)  # the rebuild reaches the position the empty page was read at

    assert given == []
    assert dashboards.states() == [("M1", None)]  # worked out afresh: the empty page was not kept
    assert dashboards.worked_out == 2


def test_the_text_kept_stays_within_its_budget_the_least_recently_read_forgotten_first(dashboards: Dashboards) -> None:
    two = 2 * sys.getsizeof("aaaa")  # room for two of the four-character answers, not three
    kept, worked_out = KeptAnswers(dashboards.views.progress, most_bytes=two + 1), []

    def read(key: str, text: str) -> str:
        return kept.answer(key, lambda: worked_out.append(key) or text)

    read("a", "aaaa")
    read("b", "bbbb")
    read("a", "aaaa")  # kept: "b" is now the least recently read
    read("c", "cccc")  # three would pass the budget: "b" is forgotten
    read("a", "aaaa")
    read("b", "bbbb")  # worked out again (and "c" forgotten for it)
    read("huge", "h" * two)  # heavier than the whole budget: given, never kept
    read("huge", "h" * two)
    read("a", "aaaa")

    assert worked_out == ["a", "b", "c", "b", "huge", "huge"]


def waiting_on(kept: KeptAnswers, key: str) -> bool:
    """Whether another read waits on the answer being worked out under `key` (CPython's Event keeps its waiters)."""
    flights = [flight for (k, _), flight in list(kept._flights.items()) if k == key]
    return any(flight.done._cond._waiters for flight in flights)  # type: ignore[attr-defined]


def read_beside(kept: KeptAnswers, key: str, work_out: Callable[[], str], given: list[object]) -> threading.Thread:
    """Another read of `key`, in a thread of its own, that puts what it is given (or raises) in `given`."""

    def read() -> None:
        try:
            given.append(kept.answer(key, work_out))
        except Exception as error:  # noqa: BLE001 - the test looks at it
            given.append(error)

    thread = threading.Thread(target=read)
    thread.start()
    return thread


def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.001)


def test_reads_that_miss_the_same_answer_together_work_it_out_once(dashboards: Dashboards) -> None:
    kept, worked_out, given = KeptAnswers(dashboards.views.progress, most_bytes=1), [], []  # nothing is kept
    release = threading.Event()

    def slow() -> str:
        worked_out.append("first")
        release.wait(10)
        return "the answer"

    first = read_beside(kept, "payments", slow, given)
    eventually(lambda: worked_out == ["first"])
    second = read_beside(kept, "payments", lambda: worked_out.append("second") or "again", given)
    eventually(lambda: waiting_on(kept, "payments"))
    release.set()
    first.join(10)
    second.join(10)

    assert worked_out == ["first"]
    assert given == ["the answer", "the answer"]


def test_a_read_waiting_on_one_that_fails_works_the_answer_out_itself(dashboards: Dashboards) -> None:
    kept, given = KeptAnswers(dashboards.views.progress), []
    release = threading.Event()

    def failing() -> str:
        release.wait(10)
        raise RuntimeError("the database went away")

    first = read_beside(kept, "payments", failing, given)
    eventually(lambda: bool(kept._flights))
    second = read_beside(kept, "payments", lambda: "worked out by the second", given)
    eventually(lambda: waiting_on(kept, "payments"))
    release.set()
    first.join(10)
    second.join(10)

    assert [str(g) for g in given] == ["the database went away", "worked out by the second"]
    assert kept.answer("payments", lambda: "not worked out again") == "worked out by the second"
