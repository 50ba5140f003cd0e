"""Printing benchmark figures in the one format DESIGN.md fixes, and latency statistics.

Every figure is a line of its own, ``bench: <benchmark>: <metric> = <value> <unit>``, so that
runs can be compared with grep and diff. Targets are collected and printed at the end.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in 0..1) of an already sorted sequence."""
    if not sorted_values:
        return math.nan
    rank = math.ceil(fraction * len(sorted_values))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


@dataclass(frozen=True)
class Target:
    """One pass/fail check, shown after all figures."""

    benchmark: str
    description: str
    met: bool


@dataclass
class Report:
    """Collects and prints figures, skips, failures and targets."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    targets: list[Target] = field(default_factory=list)
    # Every figure printed, for ratios to a figure of another benchmark of the same run.
    values: dict[tuple[str, str], float] = field(default_factory=dict)

    def figure(
        self, benchmark: str, metric: str, value: float, unit: str, digits: int | None = None
    ) -> None:
        self.values[benchmark, metric] = value
        if digits is None:
            digits = 0 if float(value).is_integer() and abs(value) >= 100 else 1
            if 0 < abs(value) < 1:
                digits = 3
        self._line(f"bench: {benchmark}: {metric} = {value:.{digits}f} {unit}".rstrip())

    def skipped(self, benchmark: str, reason: str) -> None:
        self._line(f"bench: {benchmark}: skipped ({reason})")

    def failed(self, benchmark: str, error: BaseException) -> None:
        """``benchmark`` raised ``error``: one line now, and a target not met at the end."""
        message = " ".join(str(error).split())  # one line, whatever the message holds
        self._line(f"bench: {benchmark}: failed ({type(error).__name__}: {message})")
        self.target(benchmark, "runs to the end", met=False)

    def target(self, benchmark: str, description: str, met: bool) -> None:
        self.targets.append(Target(benchmark, description, met))

    def print_targets(self) -> None:
        for target in self.targets:
            verdict = "met" if target.met else "NOT met"
            self._line(f"bench: {target.benchmark}: target {target.description}: {verdict}")

    @property
    def all_targets_met(self) -> bool:
        return all(target.met for target in self.targets)

    def _line(self, text: str) -> None:
        print(text, file=self.out, flush=True)
