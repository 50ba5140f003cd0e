"""What users do (``user_sends_text``, ``user_taps_button`` ...) as Telegram updates."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.fakes.telegram_server.records import FileRecord
from tests.fakes.telegram_server.spec import DEEP_LINK_RE


class TelegramUsers:
    """What users do (``user_sends_text``, ``user_taps_button`` ...) as updates, and how the
    updates are built and queued.

    Part of :class:`FakeTelegramServer`, which keeps the state it reads."""

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (``update_id`` assigned if missing); return its update_id."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
        self.updates.append(update)
        kind = self._update_kind(update)
        if not self._update_allowed(kind):
            return update["update_id"]
        if self._webhook_url:
            self._enqueue_webhook(update)
        else:
            self._pending.append(update)
            if self._new_update is not None:
                self._new_update.set()
        return update["update_id"]

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A user writes ``text`` (a leading /command gets a bot_command entity)."""
        user = self._user(user_id, first_name, last_name, username, language_code)
        message = self._user_message(user, chat_id, chat_type)
        message["text"] = text
        entities = self._command_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to_message_id is not None:
            replied = self._messages.get((message["chat"]["id"], reply_to_message_id))
            if replied:
                message["reply_to_message"] = replied
        return self.queue_update({"message": message})

    def user_sends_command(self, user_id: int, command: str, **kwargs: Any) -> int:
        """A user sends a command such as ``"/start payload"`` (with a bot_command entity)."""
        if not command.startswith("/"):
            raise ValueError("a command starts with '/'")
        return self.user_sends_text(user_id, command, **kwargs)

    def user_opens_deep_link(self, user_id: int, payload: str, **kwargs: Any) -> int:
        """A user opens ``t.me/<bot>?start=<payload>``: arrives as ``/start <payload>``."""
        if not DEEP_LINK_RE.match(payload):
            raise ValueError("deep-link payload must be 1-64 chars of A-Z a-z 0-9 _ -")
        return self.user_sends_text(user_id, f"/start {payload}", **kwargs)

    def user_taps_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """A user taps an inline button of the bot's message ``message_id``.

        With ``strict`` the button must exist in that message's current inline keyboard.
        """
        key = chat_id if chat_id is not None else user_id
        message = self._messages.get((key, message_id))
        if message is None:
            raise ValueError(f"no message {message_id} in chat {key}")
        if strict:
            datas = [
                button.get("callback_data")
                for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for button in row
            ]
            if callback_data not in datas:
                raise ValueError(f"message {message_id} has no button {callback_data!r}: {datas}")
        query_id = str(uuid.uuid4().int >> 64)
        self._callback_queries[query_id] = False
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "message": message,
            "chat_instance": f"{self._chat_instance_salt}{key}",
            "data": callback_data,
        }
        return self.queue_update({"callback_query": query})

    def user_shares_location(self, user_id: int, latitude: float, longitude: float) -> int:
        """A user shares a location (e.g. from a request_location button)."""
        message = self._user_message(self._user(user_id), None, "private")
        message["location"] = {"latitude": latitude, "longitude": longitude}
        return self.queue_update({"message": message})

    def user_shares_contact(
        self, user_id: int, phone_number: str, *, first_name: str | None = None
    ) -> int:
        """A user shares their own contact (e.g. from a request_contact button)."""
        user = self._user(user_id)
        message = self._user_message(user, None, "private")
        message["contact"] = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
            "user_id": user_id,
        }
        return self.queue_update({"message": message})

    def user_sends_photo(
        self,
        user_id: int,
        *,
        file_id: str | None = None,
        file_size: int = 120_000,
        width: int = 1280,
        height: int = 960,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a photo (a PhotoSize array, largest last, which has ``file_id``)."""
        message = self._user_message(self._user(user_id), None, "private")
        sizes = []
        for scale in (12, 4):
            small = self._register_file(None, max(1, file_size // (scale * scale)), None, None)
            sizes.append(
                {
                    "file_id": small.file_id,
                    "file_unique_id": small.file_unique_id,
                    "width": max(1, width // scale),
                    "height": max(1, height // scale),
                    "file_size": small.file_size,
                }
            )
        big = self._register_file(file_id, file_size, None, content, kind="photos", ext="jpg")
        sizes.append(
            {
                "file_id": big.file_id,
                "file_unique_id": big.file_unique_id,
                "width": width,
                "height": height,
                "file_size": file_size,
            }
        )
        message["photo"] = sizes
        if caption is not None:
            message["caption"] = caption
        return self.queue_update({"message": message})

    def user_sends_document(
        self,
        user_id: int,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 50_000,
        file_id: str | None = None,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a document."""
        message = self._user_message(self._user(user_id), None, "private")
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        record = self._register_file(file_id, file_size, None, content, kind="documents", ext=ext)
        message["document"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        if caption is not None:
            message["caption"] = caption
        return self.queue_update({"message": message})

    def user_sends_video(
        self,
        user_id: int,
        *,
        file_size: int = 1_000_000,
        duration: int = 5,
        width: int = 640,
        height: int = 360,
        mime_type: str = "video/mp4",
        file_id: str | None = None,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a video."""
        message = self._user_message(self._user(user_id), None, "private")
        record = self._register_file(file_id, file_size, None, content, kind="videos", ext="mp4")
        message["video"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "width": width,
            "height": height,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        if caption is not None:
            message["caption"] = caption
        return self.queue_update({"message": message})

    def user_sends_voice(
        self,
        user_id: int,
        *,
        duration: int = 3,
        file_size: int = 20_000,
        mime_type: str = "audio/ogg",
        file_id: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a voice note."""
        message = self._user_message(self._user(user_id), None, "private")
        record = self._register_file(file_id, file_size, None, content, kind="voice", ext="oga")
        message["voice"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        return self.queue_update({"message": message})

    def user_sends_sticker(self, user_id: int, *, emoji: str = "👍") -> int:
        """A user sends a sticker."""
        message = self._user_message(self._user(user_id), None, "private")
        record = self._register_file(None, 20_000, None, None, kind="stickers", ext="webp")
        message["sticker"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "TestStickers",
            "file_size": record.file_size,
        }
        return self.queue_update({"message": message})

    def user_edits_message(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> int:
        """A user edits their earlier text message: an ``edited_message`` update."""
        key = chat_id if chat_id is not None else user_id
        original = self._messages.get((key, message_id))
        if original is None:
            raise ValueError(f"no message {message_id} in chat {key}")
        edited = dict(original)
        edited["text"] = text
        edited["edit_date"] = int(time.time())
        entities = self._command_entities(text)
        if entities:
            edited["entities"] = entities
        else:
            edited.pop("entities", None)
        self._messages[(key, message_id)] = edited
        return self.queue_update({"edited_message": edited})

    def channel_post(self, chat_id: int, text: str, *, title: str = "Test channel") -> int:
        """A post in a channel where the bot is admin: a ``channel_post`` update."""
        chat = self.add_chat(chat_id, "channel", title=title)
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "sender_chat": chat,
            "text": text,
        }
        self._messages[(chat["id"], message["message_id"])] = message
        return self.queue_update({"channel_post": message})

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "group",
        title: str = "Test group",
        first_name: str = "Test",
    ) -> int:
        """A user writes ``text`` in a group the bot is in."""
        user = self._user(user_id, first_name)
        self.add_chat(chat_id, chat_type, title=title)
        message = self._user_message(user, chat_id, chat_type)
        message["text"] = text
        entities = self._command_entities(text)
        if entities:
            message["entities"] = entities
        return self.queue_update({"message": message})

    # ---------------------------------------------------------------- builders

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or "Test"}
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
        elif first_name and first_name != "Test":
            user["first_name"] = first_name
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
            self._usernames[username.lower()] = user_id
        return dict(user)

    def _user_message(
        self,
        user: dict[str, Any],
        chat_id: int | None,
        chat_type: str,
    ) -> dict[str, Any]:
        key = chat_id if chat_id is not None else user["id"]
        if chat_type == "private" and key == user["id"]:
            chat = {"id": key, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
            self._chats[key] = chat
        else:
            chat = self.add_chat(key, chat_type)
        message = {
            "message_id": self._next_message_id(key),
            "from": user,
            "chat": dict(chat),
            "date": int(time.time()),
        }
        self._messages[(key, message["message_id"])] = message
        return message

    def _my_chat_member(self, user_id: int, old: str, new: str) -> dict[str, Any]:
        user = self._user(user_id)
        chat = self.add_chat(user_id, "private")
        return {
            "my_chat_member": {
                "chat": chat,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": self.bot_user},
                "new_chat_member": (
                    {"status": new, "user": self.bot_user, "until_date": 0}
                    if new == "kicked"
                    else {"status": new, "user": self.bot_user}
                ),
            }
        }

    @staticmethod
    def _command_entities(text: str) -> list[dict[str, Any]]:
        if not text.startswith("/"):
            return []
        command = text.split(maxsplit=1)[0] if text.strip() else text
        if len(command) < 2:
            return []
        length = len(command.encode("utf-16-le")) // 2
        return [{"type": "bot_command", "offset": 0, "length": length}]

    def _next_message_id(self, chat_key: int | str) -> int:
        self._message_counters[chat_key] += 1
        return self._message_counters[chat_key]

    def _register_file(
        self,
        file_id: str | None,
        size: int,
        file_path: str | None,
        content: bytes | None,
        *,
        kind: str = "documents",
        ext: str = "bin",
    ) -> FileRecord:
        if file_id is not None and file_id in self._files:
            return self._files[file_id]
        unique = uuid.uuid4().hex
        file_id = file_id or f"AgAD{unique}"
        path = file_path or f"{kind}/file_{len(self._files)}.{ext}"
        record = FileRecord(file_id, unique[:16], size, path, content)
        self._files[file_id] = record
        self._files_by_path[path] = record
        return record
