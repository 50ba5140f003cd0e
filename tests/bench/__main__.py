"""``make bench``: run every benchmark (or those named on the command line) and print figures.

    python -m tests.bench                 # all
    python -m tests.bench tip-flow-sqlite # one

Exit status 1 when a stated target is not met, so a regression is visible in a script too.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Awaitable, Callable

from tests.bench.report import Report

# name -> "module:function"; each function takes the Report and prints its own figures.
BENCHMARKS: dict[str, str] = {
    "tip-flow-sqlite": "tests.bench.tip_flow:sqlite",
    "tip-flow-postgresql": "tests.bench.tip_flow:postgresql",
    "telegram-polling-sqlite": "tests.bench.telegram_polling:run",
    "zalo-webhook-sqlite": "tests.bench.zalo_webhook:run",
    "outbox-sqlite": "tests.bench.outbox:run",
    "broadcast-sqlite": "tests.bench.broadcast:run",
    "export-sqlite": "tests.bench.exports:run",
}


def _load(target: str) -> Callable[[Report], Awaitable[None]]:
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


async def main(names: list[str]) -> int:
    unknown = sorted(set(names) - BENCHMARKS.keys())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    report = Report()
    for name, target in BENCHMARKS.items():
        if not names or name in names:
            await _load(target)(report)
    report.print_targets()
    return 0 if report.all_targets_met else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
