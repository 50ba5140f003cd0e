"""How the fake checks a request against the Bot API description: parameters, keyboards."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from tests.fakes.telegram_server.formatting import plain_text
from tests.fakes.telegram_server.records import (
    ApiError,
    UploadedFile,
    bad_request,
)
from tests.fakes.telegram_server.spec import (
    INLINE_BUTTON_ACTIONS,
    KEYBOARD_BUTTON_REQUESTS,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_UPLOAD_SIZE,
)


class TelegramValidation:
    """How a request is checked against the Bot API description: parameters, types, keyboards.

    Part of :class:`FakeTelegramServer`, which keeps the state it reads."""

    def _validate_params(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        fields = self._fields[method]
        params: dict[str, Any] = {}
        for name, value in raw.items():
            spec = fields.get(name)
            if spec is None:
                raise bad_request(f"unknown parameter {name!r} for method {method}")
            params[name] = self._coerce(name, value, spec["types"])
        for name, spec in fields.items():
            if spec["required"] and name not in params:
                raise bad_request(f"parameter {name!r} is required")
        if "reply_markup" in params:
            self._validate_reply_markup(params["reply_markup"])
        if "caption" in params:
            caption = plain_text(params["caption"], params.get("parse_mode"))
            if len(caption) > MAX_CAPTION_LENGTH:
                raise bad_request("message caption is too long")
        if method in ("sendMessage", "editMessageText") and "text" in params:
            self._check_text(params["text"], params.get("parse_mode"))
        if "chat_id" in params:
            self._validate_chat(method, params["chat_id"])
        return params

    def _validate_chat(self, method: str, chat_id: int | str) -> None:
        key = self._chat_key(chat_id)
        if isinstance(key, str):
            if not key.startswith("@") or len(key) < 2:
                raise bad_request("chat not found")
            return
        if key in self._blocked and method != "getChat":
            raise ApiError(403, "Forbidden: bot was blocked by the user", invalid=False)
        if self.known_chats_only and key not in self._chats:
            raise bad_request("chat not found")

    def _coerce(self, name: str, value: Any, types: list[str]) -> Any:
        if isinstance(value, UploadedFile):
            if "InputFile" not in types:
                raise bad_request(f"parameter {name!r} can't be a file upload")
            if value.size > MAX_UPLOAD_SIZE:
                raise ApiError(413, "Request Entity Too Large")
            return value
        if isinstance(value, str):
            value = self._from_form(name, value, types)
        if not any(self._matches(value, t) for t in types):
            raise bad_request(f"parameter {name!r} has wrong type: expected {' or '.join(types)}")
        return value

    def _from_form(self, name: str, value: str, types: list[str]) -> Any:
        """Decode a form/query string value according to the field's declared types."""
        if "String" in types:
            if "Integer" in types:
                with contextlib.suppress(ValueError):
                    return int(value)
            return value
        if "Integer" in types:
            try:
                return int(value)
            except ValueError:
                raise bad_request(f"parameter {name!r} must be an Integer") from None
        if "Float" in types:
            try:
                return float(value)
            except ValueError:
                raise bad_request(f"parameter {name!r} must be a Float") from None
        if "Boolean" in types or "True" in types:
            lowered = value.lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise bad_request(f"parameter {name!r} must be a Boolean")
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def _matches(self, value: Any, type_name: str, depth: int = 0) -> bool:
        if type_name.startswith("Array of "):
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except json.JSONDecodeError:
                    return False
            inner = type_name[len("Array of ") :]
            return isinstance(value, list) and all(self._matches(v, inner, depth) for v in value)
        if type_name == "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if type_name == "String":
            return isinstance(value, str)
        if type_name in ("Boolean", "True"):
            return isinstance(value, bool)
        if type_name in ("Float", "Float number"):
            return isinstance(value, int | float) and not isinstance(value, bool)
        if type_name == "InputFile":
            return isinstance(value, UploadedFile)
        return self._matches_object(value, type_name, depth)

    def _matches_object(self, value: Any, type_name: str, depth: int) -> bool:
        if not isinstance(value, dict):
            return False
        spec = self._types.get(type_name)
        if spec is None or depth > 6:
            return True
        subtypes = spec.get("subtypes")
        if subtypes:
            return any(self._matches_object(value, sub, depth + 1) for sub in subtypes)
        for f in spec.get("fields", []):
            fname = f["name"]
            if fname not in value:
                if f.get("required"):
                    return False
                continue
            if not any(self._matches(value[fname], t, depth + 1) for t in f["types"]):
                return False
        return True

    def _validate_reply_markup(self, markup: dict[str, Any]) -> None:
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse inline keyboard: rows must be Arrays")
            for row in rows:
                for button in row:
                    self._validate_inline_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    "can't parse reply keyboard markup: keyboard must be an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    self._validate_keyboard_button(button)
        elif "remove_keyboard" not in markup and "force_reply" not in markup:
            raise bad_request("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _validate_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request("can't parse inline keyboard button: Text must be a String")
        actions = [a for a in INLINE_BUTTON_ACTIONS if a in button]
        if not actions:
            raise bad_request("text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise bad_request(
                "can't parse inline keyboard button: exactly one of the optional fields "
                f"must be used, got {actions}"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str):
                raise bad_request("BUTTON_DATA_INVALID")
            size = len(data.encode("utf-8"))
            if size == 0 or size > MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                raise bad_request("BUTTON_URL_INVALID")

    @staticmethod
    def _validate_keyboard_button(button: Any) -> None:
        if isinstance(button, str):
            if not button:
                raise bad_request("can't parse keyboard button: Text must be non-empty")
            return
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request("can't parse keyboard button: Text must be a String")
        if not button["text"]:
            raise bad_request("can't parse keyboard button: Text must be non-empty")
        requests = [r for r in KEYBOARD_BUTTON_REQUESTS if r in button]
        if len(requests) > 1:
            raise bad_request(
                f"can't parse keyboard button: at most one request field, got {requests}"
            )
        for flag in ("request_location", "request_contact"):
            if flag in button and not isinstance(button[flag], bool):
                raise bad_request(
                    f'can\'t parse keyboard button: field "{flag}" must be of type Boolean'
                )
