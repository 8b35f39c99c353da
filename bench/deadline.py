"""Deadline day: N provider organisations' users and the commissioner through HTTP and websockets for a bounded
time, on PostgreSQL with `corral serve --workers 2` and a separate `corral projector`, on loopback.

    python -m bench.deadline --seconds 60 --organisations 6

It reports throughput, p50 and p99 of each operation, push latency and errors; then it checks that every
acknowledged command is in the log exactly once and that `corral projections verify` passes. The summary of
the last run is kept in `bench/deadline_last_run.md`, which BENCHMARKS.md includes.
"""

from __future__ import annotations

import argparse
import asyncio
from concurrent.futures import ThreadPoolExecutor
import math
import secrets
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from api.http.security import hash_password, issue_token
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench import deadline_users as users
from bench.faults import verify
from bench.servers import corral_env, serving
from bench.report import DEADLINE as SUMMARY
from bench.results import Latencies, number
from bench.stores import connect, postgres_store
from bench.workload import (
    COMMISSIONER,
    MEASURE,
    NARRATIVE_STATUSES,
    BenchScheme,
    figures_for,
    head,
    provider_codes,
    register_organisations,
    set_up_programme,
)
from domain.achievement import status_for_share, threshold_share
from domain import ids
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Quarter
from projections.runner import wait_for

WORKERS = 2
SUBMITTERS = 3  # users per provider organisation, besides its lead reviewer
ASSESSORS = 2
SUBMISSIONS_PER_SECOND = 30  # generous: the run should end with work still to do
PASSWORD = "bench password, never used to sign in"
OPERATIONS = ("submit", "revise", "accept", "return", "present", "assess", "close", "dashboard read")


@dataclass(frozen=True)
class Checks:
    """The end-of-run checks."""

    acknowledged: int
    in_log_once: int
    verify_exit: int
    verify_output: str

    @property
    def passed(self) -> bool:
        """Every acknowledged command found exactly once, and the views equal to a fresh rebuild."""
        return self.in_log_once == self.acknowledged and self.verify_exit == 0


@dataclass(frozen=True)
class DeadlineReport:
    """One run: its size, what the load saw and the checks."""

    organisations: int
    people: int
    sockets: int
    programmes: int
    seconds: float
    tally: users.Tally
    checks: Checks

    def lines(self) -> list[str]:
        """The Markdown summary."""
        tally = self.tally
        rows = [
            f"| {op} | {len(tally.timings[op]):,} | {number(len(tally.timings[op]) / self.seconds)} |"
            f" {_ms(tally.timings[op], 0.5)} | {_ms(tally.timings[op], 0.99)} | {tally.errors[op]} |"
            f" {tally.conflicts[op]} |"
            for op in OPERATIONS
        ]
        pushes = tally.push_latencies()
        commands = len(tally.acknowledged)
        lines = [
            f"{self.organisations} provider organisations ({self.people} users: {SUBMITTERS} submitters and a lead"
            f" reviewer each, {ASSESSORS} commissioners), {self.sockets} websockets, {self.programmes} programmes"
            f" ready; {self.seconds:.0f} s; {commands:,} acknowledged commands ({number(commands / self.seconds)}/s).",
            "",
            "| operation | count | per second | p50 ms | p99 ms | errors | conflicts (409/412) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"Push latency (HTTP answer → update at a socket, per delivery, {len(pushes):,} deliveries):"
            f" {Latencies(tuple(pushes)).describe() if pushes else 'none'}; acknowledged positions no socket heard:"
            f" {tally.undelivered()}.",
            "",
            f"Checks: {self.checks.in_log_once:,} of {self.checks.acknowledged:,} acknowledged commands are in the log"
            f" exactly once; `corral projections verify` exited {self.checks.verify_exit}."
            f" {'Passed.' if self.checks.passed else 'FAILED.'}",
        ]
        if tally.failures:
            lines += ["", "First errors:", "", *(f"- `{f}`" for f in tally.failures[:5])]
        return lines


def _ms(samples: list[float], fraction: float) -> str:
    if not samples:
        return "–"
    latencies = Latencies(tuple(samples))
    return number(latencies.p50_ms if fraction == 0.5 else latencies.p99_ms)


@dataclass
class Cast:
    """Who plays: tokens, each organisation's to-do list, the leads' and commissioner's states and topics."""

    organisations: dict[str, users.Organisation]
    submitters: dict[str, list[str]]
    leads: dict[str, tuple[str, users.Lead, list[str]]]
    commissioner: users.Commissioner
    assessors: list[str]
    progress_topics: list[str]


def cast(app: Corral, secret: str, organisations: int, programmes: int) -> Cast:
    """Register the organisations, their users and `programmes` agreed programmes, in deadline order."""
    codes = provider_codes(organisations)
    register_organisations(app, codes)
    schemes: list[tuple[str, BenchScheme]] = []
    for number_ in range(programmes):
        agreed = set_up_programme(app, f"Deadline day {number_}", codes)
        schemes += [(str(app.scheme(s.id).programme_id), s) for s in agreed]
    password = hash_password(PASSWORD)

    def account(name: str, code: str, role: Role) -> str:
        actor = Actor(name, ids.organisation_id(code), role)
        admin = Actor("bench.admin", actor.organisation_id, Role.ADMINISTRATOR)
        app.register_user(admin, name, actor.organisation_id, role, password)
        return issue_token(actor, secret, 240)

    participants = {str(s.id): [str(p.organisation_id) for p in s.participants] for _, s in schemes}
    fresh: dict[str, deque[users.Milestone]] = {str(ids.organisation_id(c)): deque() for c in codes}
    statuses = {}
    for quarter in Quarter:
        for _, scheme in schemes:
            for i, actor in enumerate(scheme.participants):
                fresh[str(actor.organisation_id)].append(_milestone(scheme, i, quarter))
                statuses[(str(scheme.id), quarter.value, str(actor.organisation_id))] = _status(scheme, i, quarter)
    leads = {}
    for code in codes:
        led = [str(s.id) for _, s in schemes if s.lead.organisation_id == ids.organisation_id(code)]
        state = users.Lead({s: len(participants[s]) for s in led})
        leads[code] = (account(f"deadline.{code}.lead", code, Role.PROVIDER), state, _boards(led))
    return Cast(
        {c: users.Organisation(str(ids.organisation_id(c)), fresh[str(ids.organisation_id(c))]) for c in codes},
        {c: [account(f"deadline.{c}.{k}", c, Role.PROVIDER) for k in range(SUBMITTERS)] for c in codes},
        leads,
        users.Commissioner(participants, statuses),
        [account(f"deadline.ccg.{k}", COMMISSIONER, Role.COMMISSIONER) for k in range(ASSESSORS)],
        sorted({f"progress:{programme_id}" for programme_id, _ in schemes}),
    )


def _boards(schemes: list[str]) -> list[str]:
    return [f"board:{s}:{q.value}" for q in Quarter for s in schemes]


def _status(scheme: BenchScheme, provider: int, quarter: Quarter) -> str:
    """What the commissioner decides: the status the figures give, or in turn for a narrative milestone."""
    figures = figures_for(scheme, provider, quarter)
    if figures is None:
        return NARRATIVE_STATUSES[(provider + scheme.index + quarter.index) % len(NARRATIVE_STATUSES)].value
    return status_for_share(threshold_share(MEASURE, figures)).value


def _milestone(scheme: BenchScheme, provider: int, quarter: Quarter) -> users.Milestone:
    figures = figures_for(scheme, provider, quarter)
    body: dict[str, object] = {"narrative": f"{quarter.value} evidence from provider {provider}.", "attachments": []}
    if figures is not None:
        body |= {"numerator": str(figures.numerator), "denominator": str(figures.denominator)}
    return users.Milestone(str(scheme.id), quarter.value, body)


async def play(base_url: str, live_url: str, who: Cast, seconds: float) -> users.Tally:
    """Everybody at once until the time is up; then a moment for the last pushes to arrive."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as http:
        day = users.Day(http, live_url, seconds)
        sockets = []
        for code, tokens in who.submitters.items():
            heard = users.returns_heard(who.organisations[code])
            sockets += [day.follow(token, who.progress_topics, heard) for token in tokens]
        sockets += [day.follow(token, topics, state.heard) for token, state, topics in who.leads.values()]
        sockets += [day.follow(t, who.progress_topics, who.commissioner.heard) for t in who.assessors]
        following = [asyncio.create_task(s) for s in sockets]
        await asyncio.sleep(1)  # every socket subscribed before the first command
        day.ends = time.perf_counter() + seconds
        actors = [
            users.provider(day, who.organisations[code], token, k)
            for code, tokens in who.submitters.items()
            for k, token in enumerate(tokens)
        ]
        actors += [users.lead(day, state, token) for token, state, _ in who.leads.values()]
        actors += [users.commissioner(day, who.commissioner, token) for token in who.assessors]
        await asyncio.gather(*actors)
        await asyncio.sleep(3)
        for task in following:
            task.cancel()
        await asyncio.gather(*following, return_exceptions=True)
        return day.tally


def check(settings: Settings, app: Corral, tally: users.Tally, env: dict[str, str]) -> Checks:
    """Every acknowledged (id, version) in the log exactly once, at or before its position; then verify."""
    connection = connect(settings)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT originator_id::text, originator_version, id FROM corral_events")
            log: dict[tuple[str, int], list[int]] = {}
            for originator, version, position in cursor.fetchall():
                log.setdefault((originator, version), []).append(position)
    finally:
        connection.close()
    found = sum(1 for i, v, p in tally.acknowledged if len(log.get((i, v), [])) == 1 and log[(i, v)][0] <= p)
    verified = verify(env, timeout=None)
    return Checks(len(tally.acknowledged), found, verified.returncode, (verified.stdout + verified.stderr)[-2000:])


def measure(
    settings: Settings, seconds: float, organisations: int, programmes: int | None = None, workers: int = WORKERS
) -> DeadlineReport:
    """Set up, serve, play for `seconds`, let the views catch up, then check."""
    secret = secrets.token_urlsafe(48)
    per_programme = 4 * sum(organisations - (k % 2 if organisations > 1 else 0) for k in range(organisations))
    programmes = programmes or max(1, math.ceil(seconds * SUBMISSIONS_PER_SECOND / per_programme))
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        who = cast(app, secret, organisations, programmes)
        with TemporaryDirectory(prefix="corral-deadline-") as folder:
            with serving(settings, secret, Path(folder), workers) as corral:
                wait_for(app.name, projections, head(app), timeout=120)
                started = time.perf_counter()
                with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever loop this thread may run
                    tally = thread.submit(asyncio.run, play(corral.http, corral.live, who, seconds)).result()
                elapsed = time.perf_counter() - started - 4  # the second before and the three after
                wait_for(app.name, projections, head(app), timeout=300)
            checks = check(settings, app, tally, corral_env(settings, secret_key=secret))
    finally:
        database.close()
        app.close()
    sockets = sum(len(t) for t in who.submitters.values()) + len(who.leads) + len(who.assessors)
    return DeadlineReport(organisations, sockets, sockets, programmes, elapsed, tally, checks)


def summary(report: DeadlineReport, command: str) -> str:
    """The section BENCHMARKS.md shows, with the command that produced it."""
    return "\n".join([f"Last run: `{command}`, {time.strftime('%Y-%m-%d %H:%M %Z')}.", "", *report.lines(), ""])


def main(argv: list[str] | None = None) -> int:
    """Run once on a throwaway PostgreSQL schema, print the summary and keep it for BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.deadline", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--organisations", type=int, default=6, help="provider organisations")
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {SUMMARY.name} alone")
    args = parser.parse_args(argv)
    with postgres_store() as settings:
        report = measure(settings, args.seconds, args.organisations)
    command = f"python -m bench.deadline --seconds {args.seconds:g} --organisations {args.organisations}"
    text = summary(report, command)
    print(text)
    if not report.checks.passed:
        print(report.checks.verify_output)
    if not args.no_write:
        SUMMARY.write_text(text)
    return 0 if report.checks.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
