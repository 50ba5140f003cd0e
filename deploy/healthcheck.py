"""The container's health check: exit 0 when the bot's web server reports itself healthy.

In webhook mode ``antq run`` serves ``GET /healthz`` (200 when the database answers, 503 when it
does not); this script asks it and exits 1 on anything but 200. In polling mode the bot runs no
web server and a live process is all there is to check, so it exits 0. It reads the same
settings as the bot, so a changed ``ANTQ_WEB_PORT`` or ``ANTQ_WEB_HOST`` is followed. Python,
because the slim base image has no curl.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from bot.settings import Settings

TIMEOUT_SECONDS = 5
# A server listening on every address is asked on the loopback one.
LOOPBACK_FOR = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def healthz_url(settings: Settings) -> str:
    """Where the bot's own health endpoint answers, seen from inside its container or host."""
    host = LOOPBACK_FOR.get(settings.web_host, settings.web_host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.web_port}/healthz"


def check(settings: Settings) -> bool:
    """True when the bot is healthy; prints what was found (Docker keeps it for inspection)."""
    if not settings.webhook_mode:
        print("polling mode: no web server to ask")
        return True
    url = healthz_url(settings)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            print(f"{url}: {response.status}")
            return response.status == 200
    except urllib.error.HTTPError as error:
        print(f"{url}: {error.code}")
    except OSError as error:  # refused, timed out, unreachable
        print(f"{url}: {error}")
    return False


if __name__ == "__main__":
    sys.exit(0 if check(Settings()) else 1)
