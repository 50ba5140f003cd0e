"""``ANTQ_LOG_FORMAT=json``: every log line one JSON object with its time, level, logger and
message (and the fields a call adds), and still no tip text, name or user id in them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import configure_logging
from storage.database import Database
from tests.bot.harness import NAME, USER_ID, Phone, at_menu, make_processor, walk
from tests.conversations.harness import ANONYMOUS_PATH, DESCRIPTION


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """The test configures the root logger as ``antq run`` does; put it back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


class BrokenEngine:
    async def handle(self, *args: object) -> None:
        raise RuntimeError("boom")


async def test_json_lines_carry_the_fields_and_no_tip_text(
    sqlite_database: Database, tmp_path: Path, restored_logging: None
) -> None:
    log_file = tmp_path / "antq.log"
    configure_logging(logging.DEBUG, file=log_file, log_format="json")
    processor = make_processor(sqlite_database)
    phone = Phone(processor)
    await at_menu(phone)
    await phone.send(text="1")  # report a tip
    await walk(phone, ANONYMOUS_PATH)  # a whole anonymous tip, DESCRIPTION its text
    logging.getLogger("bot.delivery").info("outbox batch sent", extra={"channel": "telegram"})
    processor.engine = BrokenEngine()  # type: ignore[assignment]
    await phone.send(text=DESCRIPTION)  # an internal error, logged with its traceback

    text = log_file.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(line)
        assert line["time"].endswith("+00:00")
    (extra,) = [line for line in lines if line["message"] == "outbox batch sent"]
    assert (extra["level"], extra["logger"], extra["channel"]) == (
        "INFO",
        "bot.delivery",
        "telegram",
    )
    (failure,) = [line for line in lines if "exception" in line]
    assert failure["level"] == "ERROR" and "RuntimeError" in failure["exception"]
    assert DESCRIPTION not in text and USER_ID not in text and NAME not in text
