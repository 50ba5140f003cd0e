"""What the process built while starting, kept out of the garbage collector's full passes.

A full collection (Python's oldest generation) walks every object that can hold others. A
running bot holds about 200,000 such objects that live as long as the process: the
catalogues, the flows, SQLAlchemy's tables and compiled statements. Walking them took
190–590 ms on a 2-core machine, a few times a minute under load, and no user was answered
meanwhile: it was the longest wait a message met at 70 % of the bot's capacity. Frozen once
the process has started, they are no longer walked; what is made while serving is collected
as before.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_startup_objects"]


def freeze_startup_objects() -> int:
    """Collect what start-up left as garbage, then move every object still alive to the
    collector's permanent generation; how many objects are frozen now."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
