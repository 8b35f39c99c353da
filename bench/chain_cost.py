"""What the event log's hash chain costs a save: commands per second through an application whose store chains every
save, against the same application whose store does not, in interleaved rounds on PostgreSQL."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from time import perf_counter

from api.storage.wiring import build_application
from bench.results import Result, Target, number, ratio
from bench.stores import postgres_store
from api.storage.event_store import JoiningRecorder
from bench.workload import BenchScheme, nudges, register_organisations, set_up_programme
from domain.application import Corral

CHAIN_TARGET = 0.9
ROUNDS = 6


@dataclass(frozen=True)
class ChainCostReport:
    """Per round, the rate with the chain over the rate without it."""

    commands_per_round: int
    chained_rates: tuple[float, ...]
    ratios: tuple[float, ...]

    def describe(self) -> list[str]:
        return [
            f"- The chain: {len(self.ratios)} rounds of {self.commands_per_round} commands each way; with the chain "
            f"{number(statistics.median(self.chained_rates))} commands/s (median), "
            f"{ratio(statistics.median(self.ratios))} of the rate without it "
            f"(rounds {ratio(min(self.ratios))}–{ratio(max(self.ratios))})."
        ]

    def results(self) -> list[Result]:
        return [
            Result(
                "save postgresql with the hash chain, 1 writer",
                statistics.median(self.chained_rates),
                "commands/s",
                statistics.median(self.ratios),
                f"the same application without the chain, median of {len(self.ratios)} interleaved rounds "
                f"(range {ratio(min(self.ratios))}–{ratio(max(self.ratios))})",
                Target(CHAIN_TARGET, at_most=False),
            )
        ]


def measure_chain_cost(commands: int, rounds: int = ROUNDS) -> ChainCostReport:
    """Both applications set up alike, each in a fresh schema; then rounds alternating which goes first."""
    per_round = max(commands // 4, 5)
    with postgres_store() as chained_store, postgres_store() as plain_store:
        chained, plain = build_application(chained_store), build_application(plain_store)
        assert isinstance(plain.recorder, JoiningRecorder)
        plain.recorder.chained = False  # this store alone: its log is thrown away with its schema
        try:
            schemes = [_ready(app) for app in (chained, plain)]
            rates: list[tuple[float, float]] = []
            for round_ in range(rounds):
                order = [0, 1] if round_ % 2 == 0 else [1, 0]
                seconds = [0.0, 0.0]
                for which in order:
                    app = (chained, plain)[which]
                    began = perf_counter()
                    nudges(app, schemes[which], per_round)
                    seconds[which] = perf_counter() - began
                rates.append((per_round / seconds[0], per_round / seconds[1]))
        finally:
            chained.close()
            plain.close()
    return ChainCostReport(per_round, tuple(c for c, _ in rates), tuple(c / p for c, p in rates))


def _ready(app: Corral) -> BenchScheme:
    """A scheme to nudge in, its aggregates warmed into the cache."""
    register_organisations(app)
    scheme = set_up_programme(app, "Chain cost")[0]
    nudges(app, scheme, 5)
    return scheme
