"""Write BENCHMARKS.md from one run: the machine, every result line, what each benchmark measures, where time goes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bench import live
from bench.lag import LOG_EVENTS, P99_TARGET_MS, RATIO_TARGET, WARMUP, LagReport
from bench.rebuild import ROUNDS, TARGETS, RebuildRun
from bench.results import Result

NOTES = Path(__file__).with_name("profile_notes.md")
DEADLINE = Path(__file__).with_name("deadline_last_run.md")  # written by `python -m bench.deadline`, not bench.run
DEADLINE_MEASURES = (
    "Not part of `make bench` (it runs for a minute or more): `python -m bench.deadline --seconds 60 --organisations",
    "6` writes the summary below. On PostgreSQL, `corral serve --workers 2` and a separate `corral projector`; one",
    "client process plays, over HTTP and websockets at once, each provider organisation's submitters (submit every",
    "milestone in deadline order, revise every third at once, revise whatever their lead returns, which they hear on",
    "their `progress:<programme>` feeds, and read their dashboard every third action), each organisation's lead",
    "reviewer (on its `board:<scheme>:<Q>` feeds: accept each submission or revision with If-Match, return one first",
    "submission in five, present the pack once every participant's evidence is accepted) and two commissioners (on",
    "the progress feeds: assess every provider-milestone of each pack presented, then close the quarter). Every",
    "POST carries an Idempotency-Key. Push latency runs from the moment a command's HTTP answer arrived to each",
    "update carrying its position at any socket. Conflicts (409 and 412) are a stale If-Match or a pack already",
    "presented, as people racing each other meet them; errors are anything else not 2xx. At the end, once the",
    "views have caught up: every acknowledged command's (id, version) must be in `corral_events` exactly once at or",
    "before the position it was answered with, and `corral projections verify` must exit 0.",
)


class Measured(Protocol):
    """A benchmark's report: its result lines and the bullets saying what was seen."""

    def results(self) -> list[Result]: ...

    def describe(self) -> list[str]: ...


@dataclass(frozen=True)
class Section:
    """A benchmark's reports and the paragraph saying what it measures, under its own heading."""

    heading: str
    measures: Sequence[str]
    reports: Sequence[Measured]

    def lines(self) -> list[str]:
        """The heading, what is measured, then what each report saw."""
        seen = [line for report in self.reports for line in report.describe()]
        return [f"### {self.heading}", "", *self.measures, "", *seen, ""]


def render(
    machine: Sequence[tuple[str, str]],
    rebuilt: RebuildRun,
    lags: Sequence[LagReport],
    lives: Sequence[live.LiveReport],
    command: str,
    more: Sequence[Section] = (),
) -> str:
    """The whole of BENCHMARKS.md."""
    rebuilds, breakdowns = rebuilt.reports, rebuilt.breakdowns
    results = [r for rebuilt in rebuilds for r in rebuilt.results()] + [r for lagged in lags for r in lagged.results()]
    results += live.results(lives)
    results += [r for section in more for measured in section.reports for r in measured.results()]
    events = ", ".join(f"{r.events:,} on {r.database}" for r in rebuilds)
    samples = ", ".join(f"{len(r.waited.samples)} samples on {r.database}" for r in lags)
    profiled = ", ".join(sorted({f"{b.events:,}" for b in breakdowns}))
    parts = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`{command}`): the next run rewrites this file, so do not edit it by hand.",
        "Speed is reported only as a ratio against a raw baseline measured in the same run, because absolute",
        "times on these shared 2-core machines move by ±40% from run to run. Each line reads",
        "`name: value (ratio R vs BASELINE, target T)`.",
        "",
        "## Machine",
        "",
        *(f"- {what}: {value}" for what, value in machine),
        "",
        "## Results",
        "",
        "```text",
        *(r.line() for r in results),
        "```",
        "",
        _verdict(results),
        "",
        "## What is measured",
        "",
        "### Rebuild (`bench/rebuild.py`)",
        "",
        f"A log of at least the asked number of events ({events}) is generated through the application's own",
        "use cases (`bench/workload.py`: synthetic programmes of six providers and six agreed schemes, each",
        "scheme-quarter played through submissions, revisions, withdrawals, returns, nudges, acceptances, packs,",
        "queries, assessments, appeals and closure). Each view is then dropped and rebuilt from position 0 with",
        "`projections.maintenance.rebuild`, which applies a batch of 1,000 events per transaction; its rate is",
        "log events per second, reading and decoding the log included. The baseline, in the same database,",
        "inserts as many rows of about an audit row's width (a bigint key, four texts and a timestamp) through",
        "the bare driver, 1,000 rows a transaction as the rebuild commits, each batch in one multi-row INSERT",
        "(psycopg2's `execute_values`) or one sqlite3 `executemany`, as durable as the views' own commits",
        "(`synchronous_commit=off`; WAL, `synchronous=NORMAL`).",
        f"In each of {ROUNDS} rounds every view's rebuild runs straight after a raw run; a line gives the median of",
        "the per-round ratios and their range. The SQLite store gets an exact copy of the PostgreSQL log, so both",
        f"databases rebuild the same events. The target is a ratio per view of at least {TARGETS['postgresql']} on",
        f"PostgreSQL and {TARGETS['sqlite']} on SQLite; rebuilding all views holds the log to that divided by their",
        "number. Reading and decoding the log alone, as a rebuild does but into no view, is what no view's",
        "rebuild can beat; measured in the same rounds:",
        "",
        *(r.describe_log_alone() for r in rebuilds),
        "",
        "### Lag (`bench/lag.py`)",
        "",
        "With a `Projector` over every view running in a thread of the same process (the embedded mode), one",
        f"command at a time ({samples}, after {WARMUP} unmeasured ones) nudges a provider or revises",
        f"its evidence, one event each, over a log of {LOG_EVENTS:,} earlier events. Latency runs from the moment the command",
        "returns (its events committed) to the moment `projector.wait(position)` returns; the second pair of",
        "lines stops instead when the last view's batch holding that position committed, read from bench-only",
        "instrumentation of `View.batch` with no extra polling. The raw baseline, in the same database and run,",
        "half before and half after: on PostgreSQL one psycopg2 connection runs INSERT and NOTIFY in one",
        "transaction and COMMITs, as the event store does, while a thread `select()`s on a LISTENing connection;",
        "the round trip runs from the start of that transaction until the listener has the notification. SQLite",
        "cannot notify, so there the listener polls `max(position)` every 50 ms, as the projector does. Targets:",
        f"p50 at most {RATIO_TARGET:g}× the raw p50; p99 at most {P99_TARGET_MS:g} ms on PostgreSQL (at most",
        f"{RATIO_TARGET:g}× raw polling on SQLite).",
        "",
        *_live_measured(lives),
        "",
        *(line for section in more for line in section.lines()),
        "## Where the time goes",
        "",
        f"### Rebuild, instrumented (first {profiled} events of the same logs)",
        "",
        "Reading the log is `select_notifications` and decoding; view statements are the time inside the",
        "driver's `execute` for the view's own statements; commits are the batch commits; the rest is Python:",
        "the handlers and building, compiling and binding the statements.",
        "",
        *(b.describe() for b in breakdowns),
        "",
        f"### The same audit-shaped INSERT, three ways ({profiled} rows, 1,000 a transaction)",
        "",
        "Into a scratch copy of the audit view's events table, against the raw driver's rate in the same run:",
        "how much of the gap is the way statements are built and sent rather than the database.",
        "",
        *(style.describe() for style in rebuilt.styles),
        "",
        "### Lag, instrumented",
        "",
        *(line for report in lags for line in report.describe()),
        "",
        "### Live updates, instrumented",
        "",
        *(report.describe() for report in lives),
        "",
    ]
    if DEADLINE.exists():
        parts += ["## Deadline day (`bench/deadline.py`)", "", *DEADLINE_MEASURES, "", DEADLINE.read_text().strip(), ""]
    if NOTES.exists():
        parts += [NOTES.read_text().strip(), ""]
    return "\n".join(parts)


def _live_measured(lives: Sequence[live.LiveReport]) -> list[str]:
    sizes = ", ".join(
        dict.fromkeys(f"{len(r.ours.sent)} commands {r.period * 1000:g} ms apart at {r.subscribers:,}" for r in lives)
    )
    return [
        "### Live updates (`bench/live.py`)",
        "",
        "Every party is a process of its own. Corral runs as in production: on PostgreSQL `corral serve` and a",
        "separate `corral projector` on a fresh schema; on SQLite `corral serve` alone, projecting in a thread.",
        f"Subscribers are {live.CLIENT_PROCESSES} processes, each holding its share of N websockets (the websockets",
        "package, a bearer token each), all following the commissioner's `audit:<programme>` topic. The driver makes",
        "one-event commands on a fixed beat: on PostgreSQL through the application's use cases in its own process,",
        "as another server would; on SQLite, which one process owns, as the lead's nudges over HTTP to the server.",
        "Latency runs from the moment the command returned (its event committed; on SQLite, whose answer may arrive",
        "after the update, the event's own timestamp, just before its commit) to the moment each subscriber's",
        "socket had the update with that position, on the machine's wall clock (`time.time_ns()`) across",
        "processes, over every delivery. The baseline is a bare `websockets` server in a process of its own, the",
        "same number of sockets from the same subscriber processes: the driver sends it, over a control websocket,",
        f"one of Corral's own updates for the same workload (the last {live.REHEARSAL} made while staging, in turn,",
        "renumbered), which it hands to `websockets.broadcast`; its latency runs from just before the driver's send.",
        "Neither server compresses (the subscribers offer permessage-deflate; `corral serve` declines it, see",
        "api/cli/serving.py, and the baseline is served the same way): each update goes to every socket as written,",
        "about 700 bytes. Corral is measured on both its send paths",
        "(`CORRAL_LIVE_SEND`): `fast`, each frame written straight onto uvicorn's connection, and `asgi`, every",
        f"message through the ASGI `send` (the lines marked `(asgi send)`). The run is {live.ROUNDS} rounds: in each,",
        "the baseline and each send path (its own `corral serve`, started afresh) run a block at every number of",
        "subscribers, in an order that turns from round to round; a line's value is over every round, its ratio",
        f"the median of the rounds' ratios, with their range. The same number and spacing for all ({sizes} in all; after",
        f"{live.WARMUP} unmeasured ones each block; commands spaced so that even the baseline is not left with a",
        "backlog on two cores). CPU per delivery is the server process's CPU time over a block (every thread's",
        "`schedstat`) divided by the deliveries. On PostgreSQL that is `corral serve` alone: the projector's work",
        "is per command, not per delivery, and is shown below. On SQLite the one process also takes the HTTP",
        "command and projects it, 20-30 ms of CPU a command on this machine that the baseline server has no part",
        "of: at 100 subscribers that, not the fan-out, sets its ratio. So each database also has a line for the CPU",
        "each further delivery costs, from the fewest subscribers to the most (the difference in CPU per command",
        "over the difference in deliveries per command, for both servers), in which work done once a command",
        "cancels out. The issue's targets: p99 at most 2× the baseline's at 100 subscribers and 1.5× at 1,000; CPU",
        "per delivery at most 1.2× the baseline server's, held here both to every line per delivery and to every",
        "line per added delivery. The p50 lines are held to the same ratio as the p99 ones.",
    ]


def _verdict(results: Sequence[Result]) -> str:
    missed = [r.name for r in results if not r.met]
    if not missed:
        return f"All {len(results)} targets met."
    return f"Targets missed: {len(missed)} of {len(results)} ({'; '.join(missed)})."


def write(path: Path, text: str) -> None:
    """Replace the file."""
    path.write_text(text)
