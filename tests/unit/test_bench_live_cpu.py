"""The live benchmark's CPU per added delivery: what a server spends once a command cancels out."""

from __future__ import annotations

from bench.live import LiveReport, added_delivery_cpu
from bench.live_drive import Block


def block(commands: int, subscribers: int, once_a_command: float, per_delivery: float) -> Block:
    """A block whose server spent `once_a_command` seconds on each command and `per_delivery` on each delivery."""
    deliveries = commands * subscribers
    cpu = commands * once_a_command + deliveries * per_delivery
    return Block({n: 0 for n in range(commands)}, (0.001,) * deliveries, (), (), (cpu,), 0)


def report(subscribers: int, ours: Block, baseline: Block) -> LiveReport:
    return LiveReport("sqlite", subscribers, 0.04, ours, baseline, (), projector_pid_counted=False)


def test_work_done_once_a_command_cancels_out_and_the_fan_out_is_compared_with_the_baseline() -> None:
    # Corral also takes each command and projects it (30 ms); the baseline only broadcasts.
    few = report(100, block(200, 100, 0.030, 40e-6), block(200, 100, 0.0002, 60e-6))
    many = report(1000, block(100, 1000, 0.030, 40e-6), block(100, 1000, 0.0002, 60e-6))

    (line,) = added_delivery_cpu([few, many])

    assert (
        line.name == "live sqlite corral serve, projecting in-process, CPU per added delivery, 100 → 1,000 subscribers"
    )
    assert round(line.value, 6) == 40.0  # µs
    assert round(line.ratio, 6) == round(40 / 60, 6)
    assert line.met
    assert not few.results()[2].met  # the same blocks per delivery: 340 µs against 62, the command's work counted


def test_a_database_measured_at_one_size_has_no_added_delivery_line() -> None:
    only = report(100, block(10, 100, 0.03, 40e-6), block(10, 100, 0.0, 60e-6))

    assert added_delivery_cpu([only]) == []
