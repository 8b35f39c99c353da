"""A socket's allowance: so many units in each window, none borrowed from the next."""

from __future__ import annotations

import pytest

from api.live import limits
from api.live.limits import Allowance


def test_an_allowance_refuses_what_does_not_fit_in_the_window_and_starts_afresh_in_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(limits, "monotonic", lambda: now[0])
    allowance = Allowance(10, seconds=60)

    taken = [allowance.take(4), allowance.take(4), allowance.take(4), allowance.take(2)]
    now[0] += 59
    late = allowance.take(1)
    now[0] += 1
    next_window = allowance.take(10)

    assert taken == [True, True, False, True]  # the refused 4 counted nothing
    assert late is False and next_window is True and allowance.remaining() == 0
