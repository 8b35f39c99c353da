"""Coroutines run by unit tests, each in an event loop of a thread of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result, run in a thread of its own: in a whole run, a worker that ran a browser test keeps
    Playwright's event loop running in its main thread, where `asyncio.run` would refuse to start another."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
