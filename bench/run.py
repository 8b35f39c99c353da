"""Run every benchmark in quick mode, print the result lines and rewrite BENCHMARKS.md: `python -m bench.run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import growth, http, lag, live, machine, memory, payments, rebuild, report, saves

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and write the report unless told not to."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="log size for the rebuilds (quick: 20,000)")
    parser.add_argument("--profiled-events", type=int, default=5_000, help="events in the instrumented runs")
    parser.add_argument("--samples", type=int, default=300, help="lag samples on PostgreSQL")
    parser.add_argument("--sqlite-samples", type=int, default=100, help="lag samples on SQLite (each waits a poll)")
    parser.add_argument(
        "--live-subscribers", type=int, nargs="+", default=list(live.SUBSCRIBERS), help="live subscriber counts"
    )
    parser.add_argument(
        "--live-samples", type=int, nargs="+", default=list(live.SAMPLES), help="live commands, one per count"
    )
    parser.add_argument("--commands", type=int, default=4000, help="commands in each save-rate run")
    parser.add_argument("--load-samples", type=int, default=200, help="loads of the 1,000-event aggregate")
    parser.add_argument(
        "--http-clients", type=int, nargs="+", default=list(http.CLIENTS), help="concurrent HTTP client counts"
    )
    parser.add_argument("--http-rounds", type=int, default=http.ROUNDS, help="interleaved HTTP rounds")
    parser.add_argument(
        "--payments-providers", type=int, nargs="+", default=list(payments.SIZES), help="payments programme sizes"
    )
    parser.add_argument("--payments-calls", type=int, default=payments.CALLS, help="payments reads at the largest size")
    parser.add_argument(
        "--growth-rounds", type=int, default=growth.ROUNDS, help="interleaved rounds of the growth reads"
    )
    parser.add_argument("--memory-sockets", type=int, default=memory.SOCKETS, help="sockets held in the memory runs")
    parser.add_argument(
        "--memory-rounds", type=int, default=memory.ROUNDS, help="interleaved rounds of the memory runs"
    )
    parser.add_argument(
        "--memory-events", type=int, default=20_000, help="log size for the projector's memory (quick: 20,000)"
    )
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {BENCHMARKS.name} alone")
    args = parser.parse_args(argv)
    if len(args.live_subscribers) != len(args.live_samples):
        parser.error("give as many --live-samples as --live-subscribers")
    host = machine.describe()
    rebuilt = rebuild.run(args.events, args.profiled_events)
    for line in (r.line() for report_ in rebuilt.reports for r in report_.results()):
        print(line, flush=True)
    lags = lag.run(args.samples, args.sqlite_samples)
    for line in (r.line() for report_ in lags for r in report_.results()):
        print(line, flush=True)
    lives = live.run(args.live_subscribers, args.live_samples)
    for line in (r.line() for r in live.results(lives)):
        print(line, flush=True)
    sections = [
        saves.run(args.commands, args.load_samples),
        http.run(args.http_clients, args.http_rounds),
        payments.run(args.payments_providers, args.payments_calls),
        growth.run(rounds=args.growth_rounds),
        memory.run(args.memory_sockets, args.memory_rounds, args.memory_events),
    ]
    for line in (r.line() for section in sections for measured in section.reports for r in measured.results()):
        print(line, flush=True)
    if not args.no_write:
        report.write(BENCHMARKS, report.render(host, rebuilt, lags, lives, "python -m bench.run", sections))
        print(f"wrote {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
