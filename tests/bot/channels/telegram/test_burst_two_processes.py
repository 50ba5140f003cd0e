"""One person's burst across two processes behind a load balancer: every update applied in
its order, none refused (the inbox, ``bot.inbox``).

Two ``antq run`` processes on one PostgreSQL database get each user's updates in turn, 15 ms
apart, twenty users at once, each filing a whole tip in one burst: every tip is stored with
each answer on its own question, and nobody is asked to send a message again.
"""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.bench.burst_two_processes import burst_across_two_processes

USERS = 20


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_one_users_burst_alternating_between_two_processes_is_applied_in_order(
    database: Database,
) -> None:
    result = await burst_across_two_processes(database, USERS)
    assert result.late == 0  # nobody is asked to send a message again (main refused 18)
    # Every number below a user's update is stored before it is applied: however late the
    # other process stores the one before, it goes first (issue 28: 16-19 of 20 before).
    assert result.completed == USERS
