"""The mail and webhook outboxes as tables, for `corral projections status`."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from projections.notifications.outbox import OutboxStatus
from projections.webhooks.outbox import WebhookOutboxStatus


def show_outbox(console: Console, status: OutboxStatus) -> None:
    """The mail outbox: how many wait, how many went, and each failing message with its last error."""
    console.print(f"Mail outbox: {status.pending} pending, {status.sent} sent, {len(status.failing)} failing")
    rows = [(f.message_id, f.to_address, f.attempts, f.next_attempt_at, f.last_error) for f in status.failing]
    _failing(console, "Failing mail", ("message", "to"), rows)


def show_webhook_outbox(console: Console, status: WebhookOutboxStatus) -> None:
    """The webhook outbox: how many wait, how many were delivered, and each failing delivery with its last answer."""
    counts = f"{status.pending} pending, {status.delivered} delivered, {len(status.failing)} failing"
    console.print(f"Webhook outbox: {counts}")
    rows = [
        (d.delivery_id, f"{d.kind} (HTTP {d.last_status or 'none'})", d.attempts, d.next_attempt_at, d.last_error or "")
        for d in status.failing
    ]
    _failing(console, "Failing webhooks", ("delivery", "kind (last answer)"), rows)


def _failing(
    console: Console, title: str, what: tuple[str, str], rows: list[tuple[str, str, int, datetime | None, str]]
) -> None:
    """A table of an outbox's failing rows: what and where, attempts, the next try, and the last error."""
    if not rows:
        return
    table = Table(title=title)
    for heading in (*what, "attempts", "next try (UTC)", "last error"):
        table.add_column(heading, overflow="fold")
    for first, second, attempts, next_attempt_at, last_error in rows:
        when = f"{next_attempt_at:%Y-%m-%d %H:%M:%S}" if next_attempt_at is not None else "now"
        table.add_row(Text(first), Text(second), str(attempts), when, Text(last_error))
    console.print(table)
