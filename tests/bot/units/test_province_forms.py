"""A province's own forms of commendation come from the data file the settings name
(``ANTQ_COMMENDATION_FORMS_FILE``), as its own thresholds do; the others keep the shipped ones,
and a bad file is refused at start with its reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from conversations.commendation_forms import form_label, forms_of, use_forms_file

NGHE_AN = [
    {"key": "giay_khen_chu_tich_xa", "label": "commendation.form.giay_khen_chu_tich_xa",
     "level": "commune"},
    {"key": "giay_khen_giam_doc_so_gd", "label": "Giấy khen của Giám đốc Sở Giáo dục và Đào tạo",
     "level": "province"},
]  # fmt: skip


@pytest.fixture(autouse=True)
def shipped_forms_after() -> Iterator[None]:
    yield
    use_forms_file(None)


def test_a_provinces_file_replaces_its_list_and_the_others_keep_the_shipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = [form.key for form in forms_of("/40/17662/")]
    assert "bang_khen_bo_truong" in shipped
    own = tmp_path / "forms.json"
    own.write_text(json.dumps({"40": NGHE_AN}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("ANTQ_COMMENDATION_FORMS_FILE", str(own))
    Settings()
    assert [form.key for form in forms_of("/40/17662/")] == [
        "giay_khen_chu_tich_xa",
        "giay_khen_giam_doc_so_gd",
    ]
    assert form_label("giay_khen_giam_doc_so_gd", "/40/") == (
        "Giấy khen của Giám đốc Sở Giáo dục và Đào tạo"
    )
    assert [form.key for form in forms_of("/01/00004/")] == shipped  # another province
    monkeypatch.delenv("ANTQ_COMMENDATION_FORMS_FILE")
    Settings()
    assert [form.key for form in forms_of("/40/17662/")] == shipped


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"40": []}', "40: a list of forms, at least one"),
        ('{"40": [{"key": "x"}]}', "each form has a key, a label and a level"),
        ("[40]", "an object of province code"),
        ("{40", "commendation_forms_file"),
    ],
)
def test_a_bad_forms_file_is_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, reason: str
) -> None:
    own = tmp_path / "forms.json"
    own.write_text(content, encoding="utf-8")
    monkeypatch.setenv("ANTQ_COMMENDATION_FORMS_FILE", str(own))
    with pytest.raises(ValueError, match=reason):
        Settings()
    assert "bang_khen_bo_truong" in [form.key for form in forms_of("/40/")]  # still shipped
