"""Where the tip flow's time goes: its saturated phase under pyinstrument (issue 28).

    python -m tests.bench.profiling sqlite|postgresql [seconds] [users] [rate]

Prints pyinstrument's call tree of the event loop's thread (what limits the throughput: the
database's own work runs in aiosqlite's thread or the server). With ``rate`` (messages/s) the
users are paced to offer that load, as in the bench's phase at 70 %, instead of the
saturated closed loop: small groups per commit, so the cost of each transaction shows. For
a whole-process view, py-spy records the same run from outside:
``py-spy record -o profile.svg -- python -m tests.bench.profiling sqlite``.
"""

from __future__ import annotations

import asyncio
import os
import sys

from pyinstrument import Profiler

from bot.heap import freeze_startup_objects
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from tests.bench.databases import postgresql_database, sqlite_database
from tests.bench.tip_flow import TipFlowRunner


async def profile(
    database_name: str, seconds: float, users: int, rate: float | None = None
) -> None:
    factory = sqlite_database if database_name == "sqlite" else postgresql_database
    async with factory() as database:
        catalogues = Catalogues.load()
        processor = MessageProcessor(
            database, build_engine(catalogues), Sealer(os.urandom(32)), catalogues
        )
        freeze_startup_objects()  # as ``antq run`` does
        runner = TipFlowRunner(processor, catalogues, seed=1)
        await runner.phase("warm", slots=20, users_per_slot=1)
        pacing = None if rate is None else users / rate
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        try:
            result = await runner.phase(
                "sat", slots=users, stop_after=seconds, mean_interval=pacing
            )
        except Exception as error:  # a stuck user: the profile still says where time went
            print(f"{database_name}: the phase ended early: {type(error).__name__}")
        else:
            rate, _ = result.everything()
            print(f"{database_name}: {rate:.1f} msg/s over {len(result.ends)} messages")
        finally:
            profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    asyncio.run(
        profile(
            arguments[0] if arguments else "sqlite",
            float(arguments[1]) if len(arguments) > 1 else 8.0,
            int(arguments[2]) if len(arguments) > 2 else 200,
            float(arguments[3]) if len(arguments) > 3 else None,
        )
    )
