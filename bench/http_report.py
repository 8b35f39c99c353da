"""HTTP results: Corral's p50 and throughput against the bare FastAPI app's, served the same way, at each number of
workers and clients, measured by bench/http.py in interleaved rounds; and the bare app's own p50 at 2 workers against
1, which shows whether the delayed-ACK stall is gone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.http_load import Block
from bench.results import Latencies, Result, Target, median_of_rounds, number

P50_TARGETS = {1: 3.0, 8: 4.0}  # the bounds on p50 against the bare app's, by clients (others: the nearest)
THROUGHPUT_TARGET = 0.3
STALL_TARGET = 1.5


def p50_ms(block: Block) -> float:
    """The block's median latency, in milliseconds."""
    return Latencies(block.latencies).p50_ms


def rate(block: Block) -> float:
    """The block's answers per second."""
    return block.rate


def pooled(blocks: Sequence[Block]) -> Block:
    """Every round's answers as one block, over their summed wall time."""
    return Block(tuple(a for b in blocks for a in b.answers), sum(b.wall_seconds for b in blocks))


def p50_target(clients: int) -> float:
    """The bound on p50 for this many clients: that of the nearest number the issue names."""
    return P50_TARGETS[min(P50_TARGETS, key=lambda named: abs(named - clients))]


@dataclass(frozen=True)
class Cell:
    """One kind of request at one number of workers and of clients: each round's blocks, Corral's and the bare
    app's."""

    what: str  # "dashboard read" or "submission"
    route: str  # the bare app's, e.g. "GET /rows"
    workers: int
    clients: int
    rounds: tuple[tuple[Block, Block], ...]

    @property
    def ours(self) -> Block:
        """Corral's answers over every round."""
        return pooled([ours for ours, _ in self.rounds])

    @property
    def bare(self) -> Block:
        """The bare app's answers over every round."""
        return pooled([bare for _, bare in self.rounds])

    @property
    def at(self) -> str:
        """`2 workers, 8 clients`."""
        return f"{self.workers} worker{'s' * (self.workers > 1)}, {self.clients} client{'s' * (self.clients > 1)}"

    def results(self, name: str) -> list[Result]:
        """p50 and throughput, each the median of the rounds' ratios to the bare app's."""
        lines = []
        for which, unit, measure, target in (
            ("p50", "ms", p50_ms, Target(p50_target(self.clients), at_most=True)),
            ("throughput", "requests/s", rate, Target(THROUGHPUT_TARGET, at_most=False)),
        ):
            times, rounds = median_of_rounds([measure(ours) / measure(bare) for ours, bare in self.rounds])
            lines.append(
                Result(
                    f"{name} {self.what} {which}, {self.at}",
                    measure(self.ours),
                    unit,
                    times,
                    f"raw FastAPI {self.route} {which} {number(measure(self.bare))} {unit}{rounds}",
                    target,
                )
            )
        return lines

    def describe(self) -> str:
        """Counts, errors, p50 and p99 and throughput on both sides."""
        ours, bare = self.ours, self.bare
        return (
            f"{self.what}s at {self.at}: {len(ours.answers):,} on Corral ({ours.errors} errors,"
            f" {Latencies(ours.latencies).describe()}, {number(ours.rate)}/s), {len(bare.answers):,} on the bare"
            f" route ({bare.errors} errors, {Latencies(bare.latencies).describe()}, {number(bare.rate)}/s)"
        )


def stall(name: str, one: Cell, two: Cell) -> Result:
    """The bare app's own p50 at 2 workers against its p50 at 1 (both at 1 client), the median of the rounds'
    ratios: ~20× while the shared socket lacked TCP_NODELAY, ~1 without the stall."""
    times, rounds = median_of_rounds(
        [p50_ms(bare_two) / p50_ms(bare_one) for (_, bare_one), (_, bare_two) in zip(one.rounds, two.rounds)]
    )
    return Result(
        f"{name} bare FastAPI {two.route} p50 at {two.at}",
        p50_ms(two.bare),
        "ms",
        times,
        f"raw FastAPI {one.route} p50 at {one.at} {number(p50_ms(one.bare))} ms{rounds}",
        Target(STALL_TARGET, at_most=True),
    )


@dataclass(frozen=True)
class HttpReport:
    """Dashboard reads and submissions at every number of workers and clients."""

    database: str
    processes: int
    cells: tuple[Cell, ...]
    dashboard_bytes: int

    def cell(self, what: str, workers: int, clients: int) -> Cell | None:
        """The cell measured at these numbers, if any."""
        found = (c for c in self.cells if (c.what, c.workers, c.clients) == (what, workers, clients))
        return next(found, None)

    def results(self) -> list[Result]:
        """Each cell's p50 and throughput; then, for each kind of request, the bare app's stall line."""
        name = f"http {self.database}"
        lines = [line for cell in self.cells for line in cell.results(name)]
        for what in dict.fromkeys(c.what for c in self.cells):
            one, two = self.cell(what, 1, 1), self.cell(what, 2, 1)
            if one is not None and two is not None:
                lines.append(stall(name, one, two))
        return lines

    def describe(self) -> list[str]:
        """A Markdown bullet per cell."""
        rounds = len(self.cells[0].rounds) if self.cells else 0
        return [
            f"- **{self.database}, {rounds} rounds, clients in up to {self.processes} processes**: a dashboard of"
            f" {self.dashboard_bytes:,} bytes of JSON, the bare read answering as many.",
            *(f"- {cell.describe()}." for cell in self.cells),
        ]
