"""Where a rebuild's time goes: reading the log, the views' statements, their commits, and Python around them."""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from sqlalchemy import Engine, event

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.results import number
from bench.stores import database_name
from projections.runner import catch_up

TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|TABLE)\s+([\w.\"]+)", re.IGNORECASE)


def label(statement: str) -> str:
    """`UPDATE progress_v1_milestone_progress`: the verb and the first table, without the schema."""
    verb = statement.split(None, 1)[0].upper()
    found = TABLE.search(statement)
    table = found.group(1).split(".")[-1].strip('"') if found else ""
    locking = " FOR UPDATE" if "FOR UPDATE" in statement.upper() else ""
    return f"{verb} {table}{locking}".strip()


class StatementCounter:
    """Counts and times the statements an engine runs, by label; only in one thread when `thread` is given."""

    def __init__(self, engine: Engine, thread: str | None = None) -> None:
        self.engine, self.thread = engine, thread
        self.counts: Counter[str] = Counter()
        self.seconds: dict[str, float] = defaultdict(float)
        self._started: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _mine(self) -> bool:
        return self.thread is None or threading.current_thread().name == self.thread

    def _before(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self._mine():
            self._started[id(cursor)] = perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is not None:
            key = label(statement)
            self.counts[key] += 1
            self.seconds[key] += perf_counter() - started

    def close(self) -> None:
        """Stop listening."""
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def top(self, per: int, limit: int = 5) -> tuple[tuple[str, float, float], ...]:
        """The busiest statements: (label, count per unit, milliseconds per unit)."""
        return tuple((k, c / per, self.seconds[k] * 1000 / per) for k, c in self.counts.most_common(limit))


@dataclass(frozen=True)
class Breakdown:
    """One view's rebuild over `events` events, split by phase, in seconds."""

    database: str
    view: str
    events: int
    seconds: float
    reading: float
    statements: float
    committing: float
    statements_per_event: float
    busiest: tuple[tuple[str, float, float], ...]

    @property
    def python(self) -> float:
        """What is left: handlers, building and compiling statements, SQLAlchemy and driver overheads."""
        return max(self.seconds - self.reading - self.statements - self.committing, 0.0)

    def describe(self) -> str:
        """One markdown bullet with the split per event and the busiest statements."""
        per = 1000 / self.events

        def share(seconds: float) -> str:
            return f"{number(seconds * per)} ms ({seconds / self.seconds:.0%})"

        busiest = "; ".join(f"`{k}` {c:.2f}/event, {number(ms)} ms" for k, c, ms in self.busiest)
        return (
            f"- **{self.database} {self.view}** ({self.events:,} events, "
            f"{number(self.seconds * per)} ms/event): reading the log {share(self.reading)}, "
            f"view statements {share(self.statements)} ({self.statements_per_event:.2f} statements/event), "
            f"commits {share(self.committing)}, Python around them {share(self.python)}. Busiest: {busiest}."
        )


@contextmanager
def _timed(target: Any, name: str, total: list[float]) -> Iterator[None]:
    original, shadowed = getattr(target, name), name in vars(target)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            total[0] += perf_counter() - started

    setattr(target, name, timed)
    try:
        yield
    finally:
        if shadowed:
            setattr(target, name, original)
        else:
            delattr(target, name)


@contextmanager
def _timed_commits(view: Any, total: list[float]) -> Iterator[None]:
    """Add to `total` the time each transaction of the view's database takes to commit (a batch joins one)."""
    database = view.database
    original = database.transaction

    @contextmanager
    def transaction() -> Iterator[Any]:
        with original() as conn:
            yield conn
            ended = perf_counter()
        total[0] += perf_counter() - ended

    database.transaction = transaction
    try:
        yield
    finally:
        del database.transaction


def measure(settings: Settings, events: int) -> list[Breakdown]:
    """Rebuild each view up to position `events` of the store's log, instrumented; the log must already be there."""
    app = build_application(settings)
    database, projections = build_views(settings)
    found = []
    try:
        for projection in projections:
            view = projection.view
            view.drop()
            view.create()
            reading, committing = [0.0], [0.0]
            counter = StatementCounter(database.engine)
            try:
                with (
                    _timed(app.recorder, "select_notifications", reading),
                    _timed(app.mapper, "to_domain_event", reading),
                    _timed_commits(view, committing),
                ):
                    started = perf_counter()
                    applied = catch_up(app, projection, until=events)
                    seconds = perf_counter() - started
            finally:
                counter.close()
            found.append(
                Breakdown(
                    database_name(settings),
                    view.name,
                    applied,
                    seconds,
                    reading[0],
                    sum(counter.seconds.values()),
                    committing[0],
                    sum(counter.counts.values()) / applied,
                    counter.top(applied),
                )
            )
    finally:
        database.close()
        app.close()
    return found
