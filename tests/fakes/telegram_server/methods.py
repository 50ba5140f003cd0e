"""The fake's Bot API methods (``_m_<method>``) and what they share."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LOOPBACK_HOSTS
from tests.fakes.telegram_server.formatting import plain_text
from tests.fakes.telegram_server.records import (
    ApiError,
    RecordedCall,
    UploadedFile,
    bad_request,
)
from tests.fakes.telegram_server.spec import (
    CHAT_ACTIONS,
    COMMAND_RE,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_DOWNLOAD_SIZE,
    MAX_TEXT_LENGTH,
    NOT_MODIFIED,
    SECRET_RE,
)


class TelegramMethods:
    """The Bot API's methods (``_m_<method>``) and what they share.

    Part of :class:`FakeTelegramServer`, which keeps the state it reads."""

    async def _m_getMe(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self.bot_user

    async def _m_logOut(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return True

    async def _m_close(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset", 0)
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"]) or None
        self._poll_generation += 1
        generation = self._poll_generation
        assert self._new_update is not None
        self._new_update.set()  # terminate an older long poll, if any
        await asyncio.sleep(0)
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            batch = [u for u in itertools.islice(self._pending, limit)]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing or self._webhook_url:
                return batch
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)

    def _confirm(self, offset: int) -> None:
        pending = self._pending
        if offset < 0:
            keep = -offset
            while len(pending) > keep:
                pending.popleft()
        elif offset:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        if offset:
            self._notify()

    async def _m_setWebhook(self, params: dict[str, Any], call: RecordedCall) -> Any:
        url = params["url"]
        if not url:
            return await self._m_deleteWebhook(params, call)
        match = re.match(r"^(https?)://([^/:]+|\[[^\]]+\])(?::(\d+))?(/.*)?$", url)
        if match is None:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        scheme, host = match.group(1), match.group(2)
        if scheme != "https" and host not in LOOPBACK_HOSTS:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"]) or None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook_url = url
        self._webhook_secret = secret
        self._webhook_max_connections = max_connections
        self._webhook_semaphore = asyncio.Semaphore(max_connections)
        pending = list(self._pending)
        self._pending.clear()
        assert self._new_update is not None
        self._new_update.set()
        for update in pending:
            self._enqueue_webhook(update)
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any], call: RecordedCall) -> Any:
        self._webhook_url = ""
        self._webhook_secret = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
            self._webhook_queues.clear()
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], call: RecordedCall) -> Any:
        info: dict[str, Any] = {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }
        if self._webhook_url:
            info["max_connections"] = self._webhook_max_connections
            info["ip_address"] = "127.0.0.1"
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        if self._last_webhook_error:
            info["last_error_date"], info["last_error_message"] = self._last_webhook_error
        return info

    async def _m_sendMessage(self, params: dict[str, Any], call: RecordedCall) -> Any:
        text = self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_reply(params)
        message = self._new_bot_message(params)
        message["text"] = text
        if "entities" in params:
            message["entities"] = params["entities"]
        return self._store_sent("sendMessage", params, message)

    async def _m_sendPhoto(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendPhoto", "photo", params)

    async def _m_sendDocument(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendDocument", "document", params)

    async def _m_sendVideo(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendVideo", "video", params)

    async def _m_sendVoice(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendVoice", "voice", params)

    async def _m_sendAudio(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendAudio", "audio", params)

    async def _m_sendAnimation(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendAnimation", "animation", params)

    async def _m_sendSticker(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendSticker", "sticker", params)

    async def _m_sendLocation(self, params: dict[str, Any], call: RecordedCall) -> Any:
        message = self._new_bot_message(params)
        message["location"] = {
            "latitude": params["latitude"],
            "longitude": params["longitude"],
        }
        return self._store_sent("sendLocation", params, message)

    async def _m_editMessageText(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if "text" not in params and "rich_message" not in params:
            raise bad_request("message text is empty")
        text = (
            self._check_text(params["text"], params.get("parse_mode")) if "text" in params else None
        )
        if "inline_message_id" in params:
            return True
        message = self._editable_message(params)
        markup = params.get("reply_markup")
        if message.get("text") == text and message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        updated = dict(message)
        updated["text"] = text
        updated["edit_date"] = int(time.time())
        if markup is not None:
            updated["reply_markup"] = markup
        else:
            updated.pop("reply_markup", None)
        self._messages[(message["chat"]["id"], message["message_id"])] = updated
        return updated

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._editable_message(params)
        markup = params.get("reply_markup")
        if message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        updated = dict(message)
        updated["edit_date"] = int(time.time())
        if markup:
            updated["reply_markup"] = markup
        else:
            updated.pop("reply_markup", None)
        self._messages[(message["chat"]["id"], message["message_id"])] = updated
        return updated

    async def _m_editMessageCaption(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._editable_message(params)
        updated = dict(message)
        updated["caption"] = plain_text(params.get("caption", ""), params.get("parse_mode"))
        if "reply_markup" in params:
            updated["reply_markup"] = params["reply_markup"]
        self._messages[(message["chat"]["id"], message["message_id"])] = updated
        return updated

    async def _m_deleteMessage(self, params: dict[str, Any], call: RecordedCall) -> Any:
        key = (self._chat_key(params["chat_id"]), params["message_id"])
        if self._messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any], call: RecordedCall) -> Any:
        query_id = params["callback_query_id"]
        if self._callback_queries.get(query_id, True):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.get("text", "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        return True

    async def _m_sendChatAction(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], call: RecordedCall) -> Any:
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not COMMAND_RE.match(command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("command description must be 1-256 characters")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _m_deleteMyCommands(self, params: dict[str, Any], call: RecordedCall) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_getMyCommands(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_getFile(self, params: dict[str, Any], call: RecordedCall) -> Any:
        record = self._files.get(params["file_id"])
        if record is None:
            raise bad_request("invalid file_id")
        if record.file_size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
            "file_path": record.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        record = self._files_by_path.get(request.match_info["path"])
        if record is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        data = record.content if record.content is not None else bytes(record.file_size)
        return web.Response(body=data, content_type="application/octet-stream")

    # ---------------------------------------------------------------- method helpers

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return (json.dumps(scope, sort_keys=True), params.get("language_code", ""))

    @staticmethod
    def _check_text(text: Any, parse_mode: str | None) -> str:
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        plain = plain_text(text, parse_mode)
        if not plain.strip():
            raise bad_request("message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return plain

    def _check_reply(self, params: dict[str, Any]) -> None:
        reply = params.get("reply_parameters")
        if not reply:
            return
        key = self._chat_key(reply.get("chat_id", params["chat_id"]))
        if (key, reply["message_id"]) not in self._messages and not reply.get(
            "allow_sending_without_reply"
        ):
            raise bad_request("message to be replied not found")

    def _editable_message(self, params: dict[str, Any]) -> dict[str, Any]:
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        key = (self._chat_key(params["chat_id"]), params["message_id"])
        message = self._messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"] or key in self._not_editable:
            raise bad_request("message can't be edited")
        return message

    def _chat_object(self, key: int | str) -> dict[str, Any]:
        chat = self._chats.get(key)
        if chat is not None:
            return dict(chat)
        if isinstance(key, str):
            return {"id": -1000000000000 - (hash(key) % 10**9), "type": "channel", "title": key}
        if key > 0:
            return {"id": key, "type": "private", "first_name": self._user(key)["first_name"]}
        if str(key).startswith("-100"):
            return {"id": key, "type": "supergroup", "title": f"Chat {key}"}
        return {"id": key, "type": "group", "title": f"Chat {key}"}

    def _new_bot_message(self, params: dict[str, Any]) -> dict[str, Any]:
        key = self._chat_key(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": self._next_message_id(key),
            "from": self.bot_user,
            "chat": self._chat_object(key),
            "date": int(time.time()),
        }
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if reply:
            replied = self._messages.get((key, reply["message_id"]))
            if replied:
                message["reply_to_message"] = replied
        return message

    def _store_sent(
        self, method: str, params: dict[str, Any], message: dict[str, Any]
    ) -> dict[str, Any]:
        key = self._chat_key(params["chat_id"])
        self._messages[(key, message["message_id"])] = message
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" not in markup:
            self._not_editable.add((key, message["message_id"]))
        entry = dict(params)
        entry["method"] = method
        entry["message_id"] = message["message_id"]
        self._sent.append(entry)
        self._sent_by_chat[key].append(entry)
        self._notify(key)
        return message

    def _send_media(self, method: str, field_name: str, params: dict[str, Any]) -> Any:
        self._check_reply(params)
        value = params[field_name]
        if isinstance(value, UploadedFile):
            ext = (value.filename or "file.bin").rsplit(".", 1)[-1]
            record = self._register_file(
                None, value.size, None, value.data, kind=f"{field_name}s", ext=ext
            )
        elif value in self._files:
            record = self._files[value]
        elif re.match(r"^https?://", value):
            record = self._register_file(None, 100_000, None, None, kind=f"{field_name}s")
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        message = self._new_bot_message(params)
        descriptor: dict[str, Any] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
        }
        if field_name == "photo":
            message["photo"] = [dict(descriptor, width=1280, height=960)]
        elif field_name == "sticker":
            message["sticker"] = dict(
                descriptor, type="regular", width=512, height=512, is_animated=False, is_video=False
            )
        elif field_name in ("video", "animation"):
            message[field_name] = dict(descriptor, width=640, height=360, duration=5)
        elif field_name in ("voice", "audio"):
            message[field_name] = dict(descriptor, duration=3)
        else:
            if isinstance(value, UploadedFile) and value.filename:
                descriptor["file_name"] = value.filename
            message[field_name] = descriptor
        if "caption" in params:
            message["caption"] = plain_text(params["caption"], params.get("parse_mode"))
        return self._store_sent(method, params, message)

    def _generic_result(self, method: str, params: dict[str, Any]) -> Any:
        returns = self._methods[method].get("returns", ["True"])
        kind = returns[0]
        if kind == "Message" and "chat_id" in params:
            message = self._new_bot_message(params)
            for key in ("text", "caption"):
                if isinstance(params.get(key), str):
                    message[key] = params[key]
            return self._store_sent(method, params, message)
        if kind.startswith("Array of"):
            return []
        if kind == "Integer":
            return 0
        if kind == "String":
            return ""
        if kind in ("Boolean", "True"):
            return True
        if kind == "MessageId" and "chat_id" in params:
            return {"message_id": self._next_message_id(self._chat_key(params["chat_id"]))}
        return True if kind not in self._types else {}
