"""`corral serve` sets what it built at start-up aside from the cycle collector; an application built for a test
does not, so that tests building many do not keep them all."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.storage.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # give back to the collector what a served application froze in this test process


def test_the_served_application_freezes_what_it_built_once_started(settings: Settings, unfrozen: None) -> None:
    app = create_app(settings, freeze_heap=True)
    assert gc.get_freeze_count() == 0

    with TestClient(app) as client:
        frozen = gc.get_freeze_count()
        assert client.get("/healthz").status_code == 200

    assert frozen > 10_000  # the modules, routes and views: the bulk of a server's heap


def test_an_application_built_for_a_test_freezes_nothing(settings: Settings, unfrozen: None) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
