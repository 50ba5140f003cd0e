"""``make bench``: run every benchmark (or those named on the command line) and print figures.

    python -m tests.bench                 # all
    python -m tests.bench tip-flow-sqlite # one
    python -m tests.bench tip_flow        # a group: the floors and the tip flow, both databases

Every benchmark runs, even after one fails: a failure is printed (one line, then the traceback
on stderr) and counts as a target not met. Exit status 1 when a stated target is not met or a
benchmark failed, so a regression is visible in a script too.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import traceback
from collections.abc import Awaitable, Callable

from tests.bench.report import Report

# name -> "module:function"; each function takes the Report and prints its own figures.
BENCHMARKS: dict[str, str] = {
    "floor-sqlite": "tests.bench.floors:sqlite",
    "floor-postgresql": "tests.bench.floors:postgresql",
    "tip-flow-sqlite": "tests.bench.tip_flow:sqlite",
    "tip-flow-postgresql": "tests.bench.tip_flow:postgresql",
    "telegram-polling-sqlite": "tests.bench.telegram_polling:run",
    "zalo-webhook-sqlite": "tests.bench.zalo_webhook:run",
    "zalo-oa-webhook-sqlite": "tests.bench.zalo_oa_webhook:run",
    "reply-path-sqlite": "tests.bench.reply_path:sqlite",
    "reply-path-postgresql": "tests.bench.reply_path:postgresql",
    "reply-path-kill-restart": "tests.bench.reply_path:kill_restart",
    "outbox-sqlite": "tests.bench.outbox:run",
    "broadcast-sqlite": "tests.bench.broadcast:run",
    "export-sqlite": "tests.bench.exports:run",
    "standing-sqlite": "tests.bench.standing:run",
    "flood-fairness": "tests.bench.flood:run",
    "broadcast-two-processes-postgresql": "tests.bench.two_processes:run",
    "burst-two-processes-postgresql": "tests.bench.burst_two_processes:run",
    "telegram-webhook-sqlite": "tests.bench.telegram_webhook:run",
    "units-sqlite": "tests.bench.units:run",
    "surveys-sqlite": "tests.bench.surveys:run",
}

# name -> benchmarks run together (in BENCHMARKS' order): figures that are ratios to each other.
GROUPS: dict[str, tuple[str, ...]] = {
    "tip_flow": ("floor-sqlite", "floor-postgresql", "tip-flow-sqlite", "tip-flow-postgresql"),
}


def _load(target: str) -> Callable[[Report], Awaitable[None]]:
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


async def main(names: list[str]) -> int:
    names = [member for name in names for member in GROUPS.get(name, (name,))]
    unknown = sorted(set(names) - BENCHMARKS.keys())
    if unknown:
        known = ", ".join([*BENCHMARKS, *GROUPS])
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {known}")
        return 2
    report = Report()
    for name, target in BENCHMARKS.items():
        if not names or name in names:
            await _run(report, name, target)
    report.print_targets()
    return 0 if report.all_targets_met else 1


async def _run(report: Report, name: str, target: str) -> None:
    """Run one benchmark; if it raises, say so and go on with the next one."""
    try:
        await _load(target)(report)
    except Exception as error:
        report.failed(name, _first_cause(error))
        traceback.print_exception(error, file=sys.stderr)
        sys.stderr.flush()


def _first_cause(error: BaseException) -> BaseException:
    """The error that ended a group of concurrent users (a TaskGroup raises them grouped)."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
