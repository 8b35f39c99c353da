"""The `corral` command line. Each command imports what only it needs when it runs (the options are all in
`api.cli.parsers`), so that `corral projections status` never loads FastAPI, openpyxl or the demo: every start of a
command pays for what it imports."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from api.storage import projector_lock
from api import heap
from api.cli.operator import operator
from api.cli.outboxes import show_outbox, show_webhook_outbox
from api.cli.parsers import parser
from api.cli.starting import check_before_starting, for_command, read_settings
from api.http.security import use_hashing
from api.observability import logs
from api.observability.workers import sharing_metrics
from api.storage.settings import Settings, masked
from api.storage.start_up import CannotStartError
from api.storage.proof import UnchainedLogError
from api.storage.wiring import build_application, build_duties, build_views, start_beside
from domain.errors import DomainError
from domain.organisation import OrganisationKind, Sector
from projections import maintenance, pruning
from projections.connections import name_role
from projections.faults import Fault, ViewsStuckError
from projections.notifications.outbox import outbox_status
from projections.webhooks import WebhooksView
from projections.webhooks.outbox import webhook_outbox_status
from projections.notifications.view import NotificationsView
from projections.progress.view import ProgressView
from projections.runner import Projector, catch_up
from projections.registry import view_of

console = Console()
ROLES = {"serve": "corral-serve", "projector": "corral-projector"}  # each process's sessions are named for its role

# Exit codes besides 0 (done) and 2 (refused): a view lags the log; a view is stuck on an event it cannot apply.
BEHIND = 1
STUCK = 3


def main(argv: list[str] | None = None) -> int:
    """Run one `corral` command."""
    args = parser().parse_args(argv)
    name_role(ROLES.get(args.command, "corral-cli"))
    try:
        settings = for_command(read_settings(), args.command)
        use_hashing(settings.password_hashing)
        logs.configure(settings.log_format)  # before the checks, whose waiting for the database is logged
        check_before_starting(settings, args.command)
    except CannotStartError as error:
        console.print(f"Corral cannot start: {error}", markup=False)
        return 2
    if args.command == "log":
        from api.cli import log

        return log.run(console, args, settings)
    try:
        if args.command == "serve":
            build_application(settings).close()  # refused here, in plain words, rather than in the server's start-up
            return _serve(args, settings)
        app = build_application(settings)
    except UnchainedLogError as error:
        console.print(str(error), markup=False)
        return 2
    database, projections = build_views(settings)
    try:
        if args.command == "demo":
            return _demo(app, projections, settings)
        if args.command == "show":
            from api.cli.show import show_programme, show_trust

            _catch_up_unless_served(app, projections, settings, "corral show")
            view = view_of(projections, ProgressView)
            return show_trust(console, view, args.year) if args.what == "trust" else show_programme(console, view)
        if args.command == "payments":
            from api.cli import payments

            _catch_up_unless_served(app, projections, settings, "corral payments")
            return payments.run(console, view_of(projections, ProgressView), args)
        if args.command == "projector":
            return _projector(app, projections, settings, args)
        if args.command == "users":
            from api.cli import users

            return users.run(console, app, args, settings)
        if args.command == "organisations":
            return _add_organisation(app, args)
        return _projections(args, app, database, projections, settings)
    except DomainError as error:
        from api.http.errors import organisation_names, sentence  # FastAPI's, for a refusal only

        console.print(sentence(error.described(organisation_names(app))), markup=False)
        return 2
    except LookupError as error:
        console.print(str(error))
        return 2
    except ViewsStuckError as error:
        console.print(str(error), markup=False)
        return STUCK
    finally:
        database.close()
        app.close()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers > 1 and settings.projects_in_process:
        console.print("Several workers need PostgreSQL and a separate `corral projector`; SQLite is one process.")
        return 2
    if settings.projects_in_process:
        try:  # a look first, for a plain message; the server's lifespan then takes the lock for good
            with projector_lock.held(settings, "corral serve"):
                pass
        except projector_lock.ProjectorBusyError as busy:
            console.print(f"{busy}.\nOn SQLite one server serves and projects: stop it first, or use PostgreSQL.")
            return 2
    from api.cli.serving import serve  # only the server needs uvicorn; keep the other commands quick to start

    with sharing_metrics(settings.metrics_dir):  # before the app is imported, so that its metrics are shared
        serve(
            "api.main:create_served_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            ws_max_size=settings.live_max_message_bytes,  # a live client's messages are small: refuse big ones early
            log_config=logs.logging_config(settings.log_format),  # in every worker
        )
    return 0


def _add_organisation(app: Any, args: argparse.Namespace) -> int:
    sector = Sector(args.sector)
    recorded = app.register_organisation(operator(), args.code, args.name, OrganisationKind(args.kind), sector)
    console.print(f"registered {args.kind} {args.name} ({sector.label}; code {args.code}, id {recorded.id})")
    return 0


def _demo(app: Any, projections: list[Any], settings: Settings) -> int:
    from api.cli.demo import load_demo
    from api.storage.attachments import AttachmentStore

    for name, loaded in load_demo(app, AttachmentStore.of(settings)).items():
        console.print(f"{'loaded' if loaded else 'already loaded'}: {name}")
    _catch_up_unless_served(app, projections, settings, "corral demo")
    console.print(f"event store: {masked(settings.database_url)} (log position {app.recorder.max_notification_id()})")
    return 0


def _catch_up_unless_served(app: Any, projections: list[Any], settings: Settings, command: str) -> None:
    """Bring the views up to date here, unless another process projects this SQLite file: then that one does."""
    try:
        with projector_lock.held(settings, command):
            catch_up(app, projections)
    except projector_lock.ProjectorBusyError as busy:
        console.print(f"{busy}, which keeps the views up to date: {command} leaves them to it.")


def _projector(app: Any, projections: list[Any], settings: Settings, args: argparse.Namespace) -> int:
    if args.metrics_port is not None:
        from api.observability.metrics import serve_metrics  # only here: `corral serve` chooses how metrics are kept

        serve_metrics(app, projections, args.metrics_host, args.metrics_port)
    try:
        with projector_lock.held(settings, "corral projector"):
            return _project(app, projections, settings)
    except projector_lock.ProjectorBusyError as busy:
        console.print(f"{busy}.\nOn SQLite one process projects: stop it first.")
        return 2


def _project(app: Any, projections: list[Any], settings: Settings) -> int:
    duties = build_duties(app, projections, settings)
    projector = Projector(app, projections, duties=duties, lease_seconds=settings.projector_lease_seconds)
    beside = start_beside(projector, settings)  # mail and webhooks go while this process holds the projector's lock
    signal.signal(signal.SIGTERM, lambda *_: projector.stopping.set())
    heap.freeze_what_was_built()
    console.print(f"projecting {', '.join(p.view.name for p in projections)}; Ctrl-C to stop")
    try:
        projector.run()
    except KeyboardInterrupt:
        projector.stopping.set()
    finally:
        for worker in beside:
            worker.stop()
    return 0


def _rebuild(app: Any, projections: list[Any]) -> int:
    """Rebuild the views together, the log read once for all; one that gets stuck is reported, the others finish."""
    head, stuck = app.recorder.max_notification_id() or 0, set()
    try:
        with Progress(console=console) as progress:
            task = progress.add_task(f"rebuilding {', '.join(p.view.name for p in projections)}", total=head)
            maintenance.rebuild(app, projections, on_batch=lambda n: progress.advance(task, n))
    except ViewsStuckError as error:
        console.print(str(error), markup=False)
        stuck = {fault.view for fault in error.faults}
    for projection in projections:
        if projection.view.key not in stuck:
            console.print(f"{projection.view.name}: rebuilt to position {projection.view.position}")
    return STUCK if stuck else 0


def _status(app: Any, projections: list[Any]) -> int:
    """Each view's position, lag and fault; exits STUCK if any view is stuck, BEHIND if any lags, else 0."""
    table = Table(title="Views")
    for heading in ("view", "position", "log head", "lag (events)", "lag (seconds)", "fault"):
        table.add_column(heading)
    rows = maintenance.status(app, projections)
    for row in rows:
        waited = "unknown" if row.lag_seconds is None else f"{row.lag_seconds:.1f}"
        table.add_row(row.name, str(row.position), str(row.head), str(row.lag), waited, Text(_fault(row.fault)))
    console.print(table)
    show_outbox(console, outbox_status(view_of(projections, NotificationsView)))
    show_webhook_outbox(console, webhook_outbox_status(view_of(projections, WebhooksView)))
    if any(row.fault is not None for row in rows):
        return STUCK
    return BEHIND if any(row.lag > 0 for row in rows) else 0


def _fault(fault: Fault | None) -> str:
    if fault is None:
        return ""
    since = f" since {fault.first_seen:%Y-%m-%d %H:%M:%S} UTC" if fault.first_seen is not None else ""
    return f"stuck at position {fault.position} ({fault.event_type}){since}: {fault.error}"


def _prune(database: Any, projections: list[Any], dry_run: bool) -> int:
    """Drop (or list) the view versions this release does not know; refused while the old release projects one."""
    try:
        pruned = pruning.prune(database, projections, dry_run=dry_run)
    except pruning.StillProjectedError as refused:
        console.print(f"nothing dropped: {refused}", markup=False)
        return 2
    for version in pruned:
        tables = ", ".join(version.tables) or "no tables"
        console.print(f"{'would drop' if dry_run else 'dropped'} {version.key}: {tables}", markup=False)
    if not pruned:
        console.print("no view versions to prune: every table belongs to a view of this release")
    return 0


def _projections(args: argparse.Namespace, app: Any, database: Any, projections: list[Any], settings: Settings) -> int:
    if args.action == "status":
        return _status(app, projections)
    if args.action == "prune":
        return _prune(database, projections, args.dry_run)
    if args.action == "rebuild":
        try:
            with projector_lock.held(settings, "corral projections rebuild"):
                return _rebuild(app, maintenance.select_projections(projections, args.name))
        except projector_lock.ProjectorBusyError as busy:
            console.print(f"{busy}.\nStop it before rebuilding: a view cannot be rebuilt while it is projected.")
            return 2
    differences = maintenance.verify(app, database, args.name)
    for difference in differences:
        console.print(f"DIFFERENT {difference}")
    console.print("views differ from a fresh rebuild" if differences else "every view equals a fresh rebuild")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
