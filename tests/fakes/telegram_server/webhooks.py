"""Updates filtered by ``allowed_updates`` and POSTed to the webhook, in order per chat."""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.telegram_server.records import (
    WebhookDelivery,
    compact_json,
)
from tests.fakes.telegram_server.spec import DEFAULT_ALLOWED_UPDATES_EXCLUDED


class TelegramWebhooks:
    """Updates filtered by ``allowed_updates`` and POSTed to the webhook, in order per chat.

    Part of :class:`FakeTelegramServer`, which keeps the state it reads."""

    @staticmethod
    def _update_kind(update: dict[str, Any]) -> str:
        for key in update:
            if key != "update_id":
                return key
        return ""

    def _update_allowed(self, kind: str) -> bool:
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in DEFAULT_ALLOWED_UPDATES_EXCLUDED

    # ---------------------------------------------------------------- webhook delivery

    @staticmethod
    def _update_chat(update: dict[str, Any]) -> Any:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if chat:
                return chat.get("id")
            sender = value.get("from")
            if sender:
                return sender.get("id")
        return None

    def _enqueue_webhook(self, update: dict[str, Any]) -> None:
        self._webhook_queues.put(self._update_chat(update), update)

    def _give_back(self, updates: list[dict[str, Any]]) -> None:
        """Updates the webhook did not take before it went: for getUpdates again."""
        self._pending.extend(updates)
        if self._new_update is not None:
            self._new_update.set()

    async def _deliver(self, update: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json"}
        if self._webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook_secret

        def failed(status: int | None, error: str | None) -> None:
            self._last_webhook_error = (int(time.time()), _problem(status, error))

        posted = await self.post_with_retries(
            self._webhook_url,
            compact_json(update),
            headers,
            tries=self.webhook_max_tries,
            timeout=self.webhook_timeout,
            pause=self.webhook_retry_delay,
            limit=self._webhook_semaphore,
            on_failure=failed,
        )
        ok = posted.status is not None and 200 <= posted.status < 300
        error = None if ok else _problem(posted.status, posted.error)
        self.webhook_deliveries.append(
            WebhookDelivery(update["update_id"], posted.status, posted.attempts, ok, error)
        )


def _problem(status: int | None, error: str | None) -> str:
    """What Telegram's getWebhookInfo says about a failed delivery."""
    if status is not None:
        return f"Wrong response from the webhook: {status}"
    return f"Connection failed: {error}"
