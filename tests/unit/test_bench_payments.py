"""The payments benchmark's own arithmetic: reads interleaved round by round, and each ratio the median of the
rounds' ratios, so a round when the whole machine was slow moves neither side alone."""

from __future__ import annotations

from bench.national_data import Phase
from bench.payments import Read, interleaved
from bench.payments_report import PaymentsReport, Timed
from bench.results import Latencies


def rounds(*milliseconds: float, per_round: int = 4) -> Timed:
    """A read that took the same time in every call of a round, one round per value."""
    return Timed(tuple(Latencies((ms / 1000,) * per_round) for ms in milliseconds))


def report(raw: Timed, query: Timed, http: Timed, held: bool = True) -> PaymentsReport:
    return PaymentsReport(200, 24_000, 1_000_000, Phase(80_000, 100.0), raw, query, http, query, query, held)


def test_given_three_reads_when_interleaved_then_each_runs_in_every_round_and_the_first_turn_moves_on() -> None:
    calls: list[str] = []

    def reader(name: str) -> Read:
        return lambda: calls.append(name)

    timed = interleaved([reader("raw"), reader("query"), reader("get")], calls=6, rounds=3, warmup=1)

    assert calls[:3] == ["raw", "query", "get"]  # one unmeasured call each
    assert calls[3:] == (["raw"] * 2 + ["query"] * 2 + ["get"] * 2) + (["query"] * 2 + ["get"] * 2 + ["raw"] * 2) + (
        ["get"] * 2 + ["raw"] * 2 + ["query"] * 2
    )
    assert [len(t.rounds) for t in timed] == [3, 3, 3]
    assert [len(t.latencies.samples) for t in timed] == [6, 6, 6]


def test_given_a_slow_round_when_reported_then_the_ratio_is_the_median_of_the_rounds_not_of_the_pooled_samples() -> (
    None
):
    raw = rounds(1, 2, 4)
    query = rounds(10, 30, 40)  # 10×, 15×, 10× the raw read of its own round

    lines = report(raw, query, rounds(12, 24, 48)).results()

    assert [line.name for line in lines] == [
        "payments postgresql 200 providers, the commissioner's (every provider), programme_payments() p50",
        "payments postgresql 200 providers, the commissioner's (every provider), programme_payments() p99",
        "payments postgresql 200 providers, the commissioner's (every provider), GET /programmes/{id}/payments p50",
        "payments postgresql 200 providers, the commissioner's (every provider), GET /programmes/{id}/payments p99",
    ]
    query_p50, query_p99, get_p50, _ = lines
    assert query_p50.value == 30.0 and query_p50.ratio == 10.0  # pooled, the p50s would give 30 / 2 = 15×
    assert query_p99.value == 40.0 and not query_p99.met  # held to 20 ms, not to a ratio
    assert get_p50.ratio == 12.0
    assert "raw psycopg2 SELECT of its 24,000 milestone rows p50 2.00 ms; median of 3 rounds, 10.00–15.00" in (
        query_p50.line()
    )
    assert "target ≤ 20 ms" in query_p99.line()


def test_given_a_smaller_size_when_reported_then_it_is_described_but_held_to_no_target() -> None:
    quick = rounds(1, 1)
    smaller = report(quick, rounds(5, 5), rounds(15, 15), held=False)

    assert smaller.results() == []
    (bullet,) = smaller.describe()
    assert "**200 providers × 10 schemes** (24,000 provider-milestones" in bullet
    assert "`programme_payments` p50 5.00 ms, p99 5.00 ms (5.0× / 5.0× raw at p50 / p99)" in bullet
