"""The live hub's memory of answers: many asking at once cost one look-up, and nothing heard mid-look-up is hidden."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.live.memo import Memo
from tests.unit.own_loop import run_in_own_loop


class Lookups:
    """A look-up that counts its calls and, when told to, waits in its thread until released."""

    def __init__(self, answer: str = "alice, provider") -> None:
        self.answer, self.calls = answer, 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> str:
        self.calls += 1
        self.release.wait(5)
        return self.answer


def test_a_hundred_asking_at_once_share_one_look_up_and_later_ones_none() -> None:
    memo: Memo[str, str] = Memo()
    look_up = Lookups()

    async def scenario() -> list[str]:
        answers = await asyncio.gather(*(memo.get("alice", look_up) for _ in range(100)))
        return [*answers, await memo.get("alice", look_up)]

    assert run_in_own_loop(scenario()) == ["alice, provider"] * 101
    assert look_up.calls == 1


def test_an_answer_read_while_a_change_was_heard_is_given_but_not_kept() -> None:
    memo: Memo[str, str] = Memo()
    look_up = Lookups("alice, enabled")
    look_up.release.clear()

    async def scenario() -> str:
        asked = asyncio.create_task(memo.get("alice", look_up))
        await asyncio.sleep(0.05)
        memo.forget(["alice"])  # alice was disabled while her account was being read
        look_up.release.set()
        return await asked

    assert run_in_own_loop(scenario()) == "alice, enabled"
    assert "alice" not in memo.answers


def test_a_refusal_is_never_kept_and_a_forgotten_answer_is_looked_up_again() -> None:
    memo: Memo[str, str] = Memo()
    calls = []

    def refused() -> str:
        calls.append("refused")
        raise PermissionError("this session was signed out")

    async def scenario() -> str:
        for _ in range(2):
            with pytest.raises(PermissionError):
                await memo.get("token", refused)
        await memo.get("token", Lookups("first"))
        memo.forget()
        return await memo.get("token", Lookups("second"))

    assert run_in_own_loop(scenario()) == "second"
    assert calls == ["refused", "refused"]


def test_the_least_recently_asked_answer_is_dropped_when_the_memory_is_full() -> None:
    memo: Memo[str, str] = Memo(size=2)

    async def scenario() -> None:
        for key in ("a", "b", "a", "c"):
            await memo.get(key, Lookups(key))

    run_in_own_loop(scenario())

    assert list(memo.answers) == ["a", "c"]
