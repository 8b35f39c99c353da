"""A view's memory of lookups (View.remember and recall) is bounded: the least recently used values are forgotten,
what is forgotten is read again, and what a batch that rolled back remembered is never kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from api.storage.settings import Settings
from projections import memory
from projections.maintenance import rebuild
from projections.runner import catch_up
from tests.conftest import DATABASES
from tests.integration.read_models import DemoStore, Views, shared_demo_store, views_of


@pytest.fixture(scope="module", params=DATABASES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    yield shared_demo_store(request, tmp_path_factory)


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


class Failed(Exception):
    """The batch failed here."""


def test_every_view_rebuilt_remembering_three_values_has_the_rows_it_had_and_remembers_no_more(
    demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = demo.views.rows()
    events = demo.app.recorder.max_notification_id()
    assert events is not None and events > 500  # enough to outgrow a memory of three many times over

    try:
        for projection in demo.views.projections:
            monkeypatch.setattr(projection.view, "memory", 3)
            monkeypatch.setattr(memory, "LASTING", frozenset())  # the set-up's facts forgotten too, and read again
            projection.view.drop()
            projection.view.create()
            catch_up(demo.app, projection, batch_size=50)  # many batches, so much is forgotten between them

            assert projection.view.remembered <= 3

        assert demo.views.rows() == before
    finally:
        monkeypatch.undo()
        for projection in demo.views.projections:
            rebuild(demo.app, projection)  # as the other modules sharing the demo expect it


def test_a_value_recalled_again_outlives_one_not_recalled_when_the_memory_is_full(
    views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = views.progress
    monkeypatch.setattr(view, "memory", 2)
    with view.batch():
        view.remember("first", 1)
        view.remember("second", 2)
    with view.batch():
        assert view.recall("first") == 1
        view.remember("third", 3)

    assert (view.recall("first"), view.recall("second"), view.recall("third")) == (1, None, 3)
    assert view.remembered == 2


def test_what_a_batch_that_rolled_back_remembered_is_not_recalled(views: Views) -> None:
    view = views.progress
    with view.batch():
        view.remember("kept", "committed")

    with pytest.raises(Failed):
        with view.batch():
            view.remember("kept", "rolled back")
            view.remember("new", "rolled back")
            assert view.recall("new") == "rolled back"  # within its own batch
            raise Failed

    assert (view.recall("kept"), view.recall("new")) == ("committed", None)


def test_a_view_found_moved_on_since_its_last_batch_forgets_what_it_remembered(views: Views) -> None:
    view = views.progress
    with view.batch():
        view.remember(("terms version", "S"), 2)
    with view.database.transaction() as conn:  # a batch that committed, though its commit was never confirmed here
        tracking = view.database.tracking
        conn.execute(update(tracking).where(tracking.c.projection == view.key).values(position=tracking.c.position + 3))

    with view.batch():
        assert view.recall(("terms version", "S")) is None  # read afresh: the view may hold a later version now


def test_the_set_ups_facts_outlive_any_number_of_submissions_facts_and_count_for_nothing_against_the_memory(
    views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = views.progress
    monkeypatch.setattr(view, "memory", 2)
    with view.batch():
        view.remember(("milestone", "S", "M1"), "Audit of self-harm assessments")
        view.remember(("terms version", "S"), 2)
    for number in range(5):
        with view.batch():
            view.remember(("submission", number), f"evidence {number}")

    assert view.recall(("milestone", "S", "M1")) == "Audit of self-harm assessments"
    assert view.recall(("terms version", "S")) == 2
    assert [view.recall(("submission", number)) for number in range(5)] == [
        None,
        None,
        None,
        "evidence 3",
        "evidence 4",
    ]
    assert view.remembered == 2


def test_a_set_up_fact_remembered_by_a_batch_that_rolled_back_is_not_recalled(views: Views) -> None:
    view = views.progress
    with pytest.raises(Failed):
        with view.batch():
            view.remember(("scheme", "S"), "rolled back")
            raise Failed

    assert view.recall(("scheme", "S")) is None
