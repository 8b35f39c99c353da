"""Live updates' results: Corral's latency and server CPU per delivery against the bare websockets.broadcast
baseline's, measured by bench/live.py, on each send path, in rounds."""

from __future__ import annotations

from operator import attrgetter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.live_drive import Block
from bench.results import Latencies, Result, Target, median_of_rounds, number

CPU_TARGET = 1.2


def p99_target(subscribers: int) -> float:
    """The issue's bound on p99 against the baseline's: 2× up to 100 subscribers, 1.5× from 1,000."""
    return 2.0 if subscribers < 1000 else 1.5


@dataclass(frozen=True)
class LiveReport:
    """One database at one number of subscribers on one send path: Corral's blocks and the baseline's."""

    database: str
    subscribers: int
    period: float
    ours: Block  # every round's, taken together
    baseline: Block
    views_committed: tuple[float, ...]  # PostgreSQL: command return → every view's commit NOTIFY heard
    projector_pid_counted: bool
    send: str = "fast"  # Corral's CORRAL_LIVE_SEND
    rounds: tuple[tuple[Block, Block], ...] = ()  # each round's (Corral's block, the baseline's)

    @property
    def latency(self) -> Latencies:
        """Corral's command return → receipt, over every delivery."""
        return Latencies(self.ours.latencies)

    @property
    def raw(self) -> Latencies:
        """The baseline's ask → receipt, over every delivery."""
        return Latencies(self.baseline.latencies)

    def cpu_per_delivery(self, block: Block, processes: int = 1) -> float:
        """Seconds of the first `processes` counted processes' CPU per delivery."""
        return sum(block.cpu[:processes]) / max(len(block.latencies), 1)

    @property
    def server(self) -> str:
        """What the CPU lines count: `corral serve`, which on SQLite also takes the command and projects it."""
        return "corral serve" if self.projector_pid_counted else "corral serve, projecting in-process,"

    @property
    def path(self) -> str:
        """How a line names the send path: the fast one (the default) as it always was, any other in brackets."""
        return "" if self.send == "fast" else f" ({self.send} send)"

    def ratio(self, measure: Callable[[Block], float]) -> tuple[float, str]:
        """Corral's measure over the baseline's: the median of the rounds' (and their range), else the blocks'."""
        if not self.rounds:
            return measure(self.ours) / measure(self.baseline), ""
        return median_of_rounds([measure(ours) / measure(raw) for ours, raw in self.rounds])

    def results(self) -> list[Result]:
        """p50 and p99 against the baseline's, then the server's CPU per delivery against the baseline server's."""
        name = f"live {self.database} {self.subscribers:,} subscribers{self.path}"
        lines = []
        for which in ("p50", "p99"):
            of = attrgetter(f"{which}_ms")
            ours, raw = of(self.latency), of(self.raw)

            def percentile(block: Block, of: Callable[[Latencies], float] = of) -> float:
                return of(Latencies(block.latencies))

            times, rounds = self.ratio(percentile)
            lines.append(
                Result(
                    f"{name} {which}, command commit → receipt",
                    ours,
                    "ms",
                    times,
                    f"raw websockets.broadcast {which} {number(raw)} ms{rounds}",
                    Target(p99_target(self.subscribers), at_most=True),
                )
            )
        ours_cpu, raw_cpu = self.cpu_per_delivery(self.ours) * 1e6, self.cpu_per_delivery(self.baseline) * 1e6
        times, rounds = self.ratio(self.cpu_per_delivery)
        lines.append(
            Result(
                f"{name} {self.server} CPU per delivery",
                ours_cpu,
                "µs",
                times,
                f"raw websockets.broadcast server {number(raw_cpu)} µs{rounds}",
                Target(CPU_TARGET, at_most=True),
            )
        )
        return lines

    def describe(self) -> str:
        """A Markdown bullet: where Corral's latency goes, against the baseline's."""
        ours, raw = self.ours, self.baseline
        commands = len(ours.sent)
        parts = [
            f"- **{self.database}, {self.subscribers:,} subscribers, {self.send} send** ({commands} commands"
            f" {self.period * 1000:g} ms apart):"
        ]
        if self.views_committed:
            parts.append(f"every view committed (its NOTIFY heard) at {Latencies(self.views_committed).describe()};")
        parts += [
            f"the first subscriber had it at {Latencies(ours.first).describe()} (baseline {Latencies(raw.first).describe()});",
            f"the last subscriber had it {Latencies(ours.spread).describe()} after the first"
            f" (baseline {Latencies(raw.spread).describe()}).",
            f"CPU per command: corral serve {ours.cpu[0] / commands * 1000:.2f} ms",
        ]
        if self.projector_pid_counted:
            parts.append(f"(not counted above: corral projector {ours.cpu[1] / commands * 1000:.2f} ms),")
        parts.append(f"baseline server {sum(raw.cpu) / len(raw.sent) * 1000:.2f} ms.")
        missing = ours.behind + raw.behind
        if missing:
            parts.append(f"Subscribers lacking the last update: {ours.behind} on Corral, {raw.behind} on the baseline.")
        return " ".join(parts)


def results(reports: Sequence[LiveReport]) -> list[Result]:
    """Each report's lines, then each database's CPU per added delivery."""
    return [r for report in reports for r in report.results()] + added_delivery_cpu(reports)


def added_delivery_cpu(reports: Sequence[LiveReport]) -> list[Result]:
    """Per database and send path, the server CPU each further delivery costs, from its fewest subscribers to its
    most: the difference in CPU per command over the difference in deliveries per command, for Corral and the
    baseline.

    Work done once a command (on SQLite: taking the HTTP command and projecting it) cancels out, so this is the
    fan-out's own cost, on SQLite as on PostgreSQL."""
    lines = []
    for database, send in dict.fromkeys((r.database, r.send) for r in reports):
        measured = sorted((r for r in reports if (r.database, r.send) == (database, send)), key=lambda r: r.subscribers)
        if len(measured) < 2 or measured[0].subscribers == measured[-1].subscribers:
            continue
        few, many = measured[0], measured[-1]
        ours = _per_delivery_added(few.ours, many.ours) * 1e6
        raw = _per_delivery_added(few.baseline, many.baseline) * 1e6
        lines.append(
            Result(
                f"live {database} {many.server} CPU per added delivery{many.path}, {few.subscribers:,} →"
                f" {many.subscribers:,} subscribers",
                ours,
                "µs",
                ours / raw,
                f"raw websockets.broadcast server {number(raw)} µs",
                Target(CPU_TARGET, at_most=True),
            )
        )
    return lines


def _per_delivery_added(few: Block, many: Block) -> float:
    """Seconds of the server's CPU per added delivery: the change in its CPU per command from `few` to `many`, over
    the change in deliveries per command."""
    cpu = many.cpu[0] / len(many.sent) - few.cpu[0] / len(few.sent)
    deliveries = len(many.latencies) / len(many.sent) - len(few.latencies) / len(few.sent)
    return cpu / deliveries
