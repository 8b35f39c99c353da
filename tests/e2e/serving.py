"""Async scenarios against real servers (started by bench/servers.py), run from synchronous tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """Run an async scenario to its end in a thread of its own, whatever event loop this thread may be running
    (Playwright's sync API keeps one open for the whole session)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, scenario).result()


# `corral` arguments that register the private hospital, as the operator would.
PRIVATE_HOSPITAL_ADDED = ["organisations", "add", "PRIVATE", "--name", "Mount Stuart Hospital", "--kind", "provider"]
PRIVATE_HOSPITAL_ADDED += ["--sector", "independent-sector"]
