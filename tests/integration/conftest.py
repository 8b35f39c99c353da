"""Fixtures the integration tests of webhooks share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.webhook_receiver import Receiver, https_receiver


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    """A real HTTPS receiver of webhooks on 127.0.0.1, stopped after the test."""
    with https_receiver(tmp_path) as started:
        yield started
