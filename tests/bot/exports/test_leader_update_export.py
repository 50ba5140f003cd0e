"""From invitation to export: a leader joins, files the monthly update, corrects one figure,
and the export shows the corrected figure."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.exports.service import ExportRequest, ExportSubject, write_export
from bot.places import place_of
from storage.areas import area_by_code
from storage.database import Database
from tests.bot.harness import PAGES, REST, Phone, fill, invite_leader, make_processor
from tests.conversations.harness import CATALOGUES, Clock, t


async def test_an_invited_leader_files_corrects_and_the_export_shows_it(tree: Database) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    leader = Phone(make_processor(tree, clock), user_id="42", name="Trần Văn Đông")
    await leader.send(text=f"/start {code}")
    await leader.send(text="1")  # Vietnamese
    await leader.send(text="/baocao")
    await fill(leader, PAGES, REST)
    await leader.send(text="sua")
    await leader.send(text="5 110")  # pledged households: 100 → 110
    await leader.send(text="1")  # confirm
    assert t("report.filed", area="Thôn Đông, Xã Đô Lương", period="11/2026") in leader.text

    async with tree.transaction() as session:
        commune = await area_by_code(session, "17662")
    assert commune is not None
    target = io.BytesIO()
    request = ExportRequest(ExportSubject.REPORTS, (place_of(commune),), periods=("2026-11",))
    await write_export(
        request, tree.transaction, target, catalogues=CATALOGUES, today=clock.now.date()
    )
    sheet = load_workbook(io.BytesIO(target.getvalue()), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    (row,) = [dict(zip(header, values, strict=False)) for values in rows]
    assert row["Mã địa bàn"] == "17662-001"
    assert row["Số hộ"] == 120 and row["Số hộ ký cam kết"] == 110
