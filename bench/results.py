"""Result lines: a value, its ratio to a raw baseline measured in the same run, and the target it is held to."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A bound on the ratio, or on the value itself when `unit` is given."""

    bound: float
    at_most: bool
    unit: str = ""

    def describe(self) -> str:
        """`≥ 0.3`, `≤ 2` or `≤ 10 ms`."""
        return f"{'≤' if self.at_most else '≥'} {self.bound:g}{' ' + self.unit if self.unit else ''}"

    def met_by(self, value: float, ratio: float) -> bool:
        """True when the result is within the bound."""
        measured = value if self.unit else ratio
        return measured <= self.bound if self.at_most else measured >= self.bound


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    name: str
    value: float
    unit: str
    ratio: float
    baseline: str
    target: Target

    @property
    def met(self) -> bool:
        """True when the target is met."""
        return self.target.met_by(self.value, self.ratio)

    def line(self) -> str:
        """`name: value (ratio R vs BASELINE, target T)`."""
        return (
            f"{self.name}: {number(self.value)} {self.unit} "
            f"(ratio {ratio(self.ratio)} vs {self.baseline}, target {self.target.describe()})"
        )


def number(value: float) -> str:
    """Three significant figures, with thousands separators for big numbers."""
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(value: float) -> str:
    """Two decimals, or three below 0.1 so small ratios keep a significant figure."""
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def median_of_rounds(ratios: Sequence[float]) -> tuple[float, str]:
    """The median of the rounds' ratios, and what a baseline's text adds: `; median of 3 rounds, 0.91–1.20`."""
    ordered = sorted(ratios)
    return statistics.median(ordered), f"; median of {len(ordered)} rounds, {ratio(ordered[0])}–{ratio(ordered[-1])}"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0.5 is the median, 0.99 the 99th)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


@dataclass(frozen=True)
class Latencies:
    """Latency samples, in seconds."""

    samples: tuple[float, ...]

    @property
    def p50_ms(self) -> float:
        """The median, in milliseconds."""
        return percentile(self.samples, 0.50) * 1000

    @property
    def p99_ms(self) -> float:
        """The 99th percentile, in milliseconds."""
        return percentile(self.samples, 0.99) * 1000

    def describe(self) -> str:
        """`p50 1.23 ms, p99 4.56 ms`."""
        return f"p50 {number(self.p50_ms)} ms, p99 {number(self.p99_ms)} ms"
