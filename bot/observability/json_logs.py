"""``ANTQ_LOG_FORMAT=json``: one JSON object a line, for journald and log collectors.

Each line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``, then the fields a
call passed with ``extra=``, and ``exception`` with the traceback when there is one. It writes
what the text format writes, no more: the bot's logs never carry tip text, messages or ids
(``bot.app.LOGGER_FLOORS`` keeps the chatty libraries quiet in both formats).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# What every LogRecord has; anything else on a record came with ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def use_json_format(logger: logging.Logger) -> None:
    """Make every handler of ``logger`` write JSON lines."""
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
