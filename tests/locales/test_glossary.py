"""One word per thing, one tone, in every catalogue (DOMAIN.md, "Wording rules").

Every Vietnamese msgstr of every ``.po`` file is read: a tip is "gửi" by the tipster and
"tiếp nhận" by an officer; campaign messages are "thông báo tuyên truyền"; "danh mục", not
"menu"; "Trạng thái"; "Ban Chỉ đạo"; "Công an xã/phường"; "trưởng thôn, tổ trưởng tổ dân
phố"; "anh/chị" to the public and "đồng chí" to officers; the system never "tôi", "bạn" or
"bot"; tone marks as official documents place them; one quotation style; 114 named as the
law names it; no tip "refused". English says "bot" nowhere and translates every key.
"""

from __future__ import annotations

import re

import pytest

from conversations.i18n import LOCALES_DIR, SUPPORTED_LOCALES, catalogue_files
from tests.locales.test_catalogues import catalogue

# (pattern, rule) pairs: a Vietnamese text matching the pattern breaks the rule.
BANNED: list[tuple[str, str]] = [
    (r"(?i)\bchiến dịch\b", "campaign messages are «thông báo tuyên truyền»"),
    (r"(?i)\bbản tin\b(?! sáng)", "«bản tin» is only the morning digest («Bản tin sáng»)"),
    (r"(?i)(?<!/)\bmenu\b", "«danh mục», not «menu» (the command /menu is fine)"),
    (r"(?i)\btình trạng\b", "one word for a status: «Trạng thái»"),
    (r"[Bb]an chỉ đạo", "«Ban Chỉ đạo»"),
    (r"công an xã", "«Công an xã/phường», with a capital"),
    (r"(?i)công an xã(?!/phường)", "«Công an xã/phường»"),
    (r"\((công an|cứu hỏa|cấp cứu)\)", "emergency lines are named with capitals"),
    (r"(?i)trưởng khu", "«trưởng thôn, tổ trưởng tổ dân phố», never «trưởng khu»"),
    (r"(?i)(?<!của )\btôi\b", "the system never says «tôi» (a menu label «… của tôi» is fine)"),
    (r"(?i)\bbạn\b", "the public is «anh/chị», never «bạn»"),
    (r"(?i)\bbots?\b", "the system calls itself «hệ thống» or «kênh», never «bot»"),
    (r"(?i)không xử lý\s*:|^không xử lý$|không được xử lý", "a tip cannot be refused (art. 145)"),
    (r"(?i)(?<!cán bộ )tiếp nhận lúc", "«Gửi lúc» / «Hệ thống nhận lúc» / «Cán bộ tiếp nhận lúc»"),
    (r"(?i)thời điểm tiếp nhận|tin (báo )?tiếp nhận", "a tip is received by the system"),
    (r"(?i)đã tiếp nhận tin báo", "the tipster «gửi» a tip; an officer «tiếp nhận» it"),
    (r"(?i)(?<![qQ])o[àáảãạèéẻẽẹ](?!\w)", "tone marks as documents place them: hòa, xóa, hỏa"),
    (r"(?i)(?<![qQgG])u[ỳýỷỹỵ](?!\w)", "tone marks as documents place them: hủy, túy, thủy"),
    (r"[\"“”]", "one quotation style: «…»"),
    (r"114(?! \(Cứu hỏa, cứu nạn cứu hộ\))(?!, 115)", "114 is «Cứu hỏa, cứu nạn cứu hộ»"),
    (
        r"(?i)tối đa \d|\d\.\d{3} ký tự|(?<!trong )\d+ ngày (qua|gần nhất)",
        "a limit or a period comes from the code or the settings ({maximum}, {days})",
    ),
]

# "tiếp nhận" is an officer taking a tip up: a text the public reads says it only of officers.
OFFICERS_TAKING = ("cán bộ tiếp nhận", "cán bộ đã tiếp nhận", "xác nhận tiếp nhận")
NAMES = ("zalo tiếp nhận tin antt",)  # a model's name from the provinces' plans

# Texts only officers read: they say "đồng chí", never "anh/chị".
OFFICER_ONLY = (
    *("inbox.", "tip_read.", "marking.", "web.", "digest.", "incidents.notice.officer"),
    *("opinions.officer.", "opinions.notice.", "opinions.queue."),
)
READ_BY_TIPSTERS = ("inbox.sender.",)


def officer_only(key: str) -> bool:
    return key.startswith(OFFICER_ONLY) and not key.startswith(READ_BY_TIPSTERS)


def vietnamese_texts() -> list[tuple[str, str, str]]:
    """(file, key, msgstr) of every Vietnamese entry, read file by file."""
    from babel.messages.pofile import read_po

    found = []
    for path in catalogue_files(LOCALES_DIR, "vi"):
        with path.open("rb") as po_file:
            for message in read_po(po_file, locale="vi"):
                if message.id and isinstance(message.string, str):
                    found.append((path.name, str(message.id), message.string))
    return found


def test_every_catalogue_file_is_read() -> None:
    files = {name for name, _, _ in vietnamese_texts()}
    assert {"antq.po", "tips.po", "privacy.po", "web.po"} <= files
    assert len(vietnamese_texts()) > 1000


@pytest.mark.parametrize(("pattern", "rule"), BANNED, ids=[rule for _, rule in BANNED])
def test_no_vietnamese_text_breaks_a_wording_rule(pattern: str, rule: str) -> None:
    breaking = [
        f"{name}: {key}: {text!r}"
        for name, key, text in vietnamese_texts()
        if re.search(pattern, text, re.MULTILINE)
    ]
    assert not breaking, f"{rule}:\n" + "\n".join(breaking)


def test_tiep_nhan_is_said_only_of_an_officer_taking_a_tip_up() -> None:
    breaking = []
    for name, key, text in vietnamese_texts():
        rest = text.lower()
        for allowed in (*OFFICERS_TAKING, *NAMES):
            rest = rest.replace(allowed, "")
        if "tiếp nhận" in rest and not officer_only(key):
            breaking.append(f"{name}: {key}: {text!r}")
    assert not breaking, "\n".join(breaking)


def test_a_text_only_officers_read_says_dong_chi() -> None:
    breaking = [
        f"{name}: {key}: {text!r}"
        for name, key, text in vietnamese_texts()
        if officer_only(key) and re.search(r"(?i)anh/chị", text)
    ]
    assert not breaking, "\n".join(breaking)


def test_the_buttons_that_take_and_acknowledge_a_tip_read_differently() -> None:
    vi = catalogue("vi")
    take, acknowledge = vi["inbox.action.take"], vi["inbox.action.acknowledge"]
    assert take == "Nhận phụ trách" and acknowledge == "Xác nhận tiếp nhận"
    for reason in ("unfounded", "duplicate", "spam"):
        assert vi[f"inbox.status.{reason}"].startswith("Đã xem xét: ")


def test_exports_and_screens_name_the_times_of_a_tip_alike() -> None:
    vi = catalogue("vi")
    assert vi["export.column.received_at"] == vi["web.tip.received"] == "Hệ thống nhận lúc"
    assert vi["export.column.acknowledged_at"] == vi["web.tip.acknowledged"]
    assert vi["web.tip.acknowledged"] == "Cán bộ tiếp nhận lúc"
    assert vi["status.found"].split("\n")[1].startswith("Gửi lúc: ")  # the tipster's side


# Texts that state how long something lasts: the period comes from the settings (a slot).
PERIOD_TEXTS = {
    "tip.help.identity": "days",
    "answering.ask_text": "days",
    "tip.ask.phone_consent": "days",
    "status.slow_down": "until",
    "privacy.notice": "inactive",
    "privacy.notice.full": "route_days",
    "web.signin.how": "minutes",
    "web.link_invalid": "minutes",
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_text_that_states_a_period_takes_it_from_the_settings(locale: str) -> None:
    messages = catalogue(locale)
    for key, slot in PERIOD_TEXTS.items():
        assert "{" + slot + "}" in messages[key], key
        typed = re.search(r"\d+ ?(phút|giờ|ngày|năm|minutes?|hours?|days?|years?)\b", messages[key])
        assert typed is None, f"{key}: {typed}"


def test_english_says_bot_nowhere_and_translates_every_key() -> None:
    vi, en = catalogue("vi"), catalogue("en")
    assert not [key for key in vi if not en.get(key, "").strip()]
    assert not [key for key, text in en.items() if re.search(r"(?i)\bbots?\b", text)]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_tip_texts_repeat_the_emergency_lines_and_the_scam_warning(locale: str) -> None:
    messages = catalogue(locale)
    for key in ("home.welcome", "tip.safety", "asking.to_tipster", "asking.to_tipster_with_files"):
        assert "OTP" in messages[key], key
    for key in ("home.welcome", "tip.safety", "help.home", "privacy.notice.full"):
        assert "114 (" in messages[key], key
