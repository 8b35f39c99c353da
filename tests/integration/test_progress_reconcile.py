"""A scheme's agreement reconciles its progress rows with the terms the progress view recorded for it: from what the
view remembers of them when it can (the scheme drafted or varied in this process), else read back; the rows are
the same either way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from domain.milestones import Quarter
from projections import memory
from projections.progress.view import ProgressView
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, narrative, narrative_milestone, terms
from tests.integration.given import agreed_scheme, signed_by_everyone
from tests.integration.read_models import Views, selects_of, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def reads_of_terms(views: Views) -> AbstractContextManager[list[str]]:
    """The SELECTs of the progress view's participants and milestones run meanwhile."""
    return selects_of(views.database, views.progress.participants, views.progress.milestones)


def test_a_scheme_agreed_then_varied_is_reconciled_from_remembered_terms_to_the_rows_read_back_terms_give(
    app: Corral, views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = agreed_scheme(app, narrative_milestone("M1"), narrative_milestone("T1", provider_id=ACUTE_ID))
    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    varied = terms(narrative_milestone("M1"), narrative_milestone("M2", Quarter.Q2))
    app.propose_variation(COMMISSIONER, agreed.scheme_id, varied, "T1 dropped, M2 added")
    signed_by_everyone(app, agreed.scheme_id)
    projection = next(p for p in views.projections if isinstance(p.view, ProgressView))

    with reads_of_terms(views) as remembering:
        catch_up(app, projection)
    rows = views.rows()
    projection.view.drop()
    projection.view.create()
    monkeypatch.setattr(projection.view, "memory", 0)  # nothing kept from one batch to the next,
    monkeypatch.setattr(memory, "LASTING", frozenset())  # not even the set-up's facts
    with reads_of_terms(views) as reading_back:
        catch_up(app, projection, batch_size=1)

    assert remembering == [] and len(reading_back) == 4  # each agreement's participants and milestones
    assert views.rows() == rows
    codes = {row[2] for row in rows[projection.view.progress.name]}
    assert codes == {"M1", "M2"}
