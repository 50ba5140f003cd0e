"""The area tree: the official seed, accent-free search, paths."""

from __future__ import annotations

from sqlalchemy import event

from bot.people.areas import official_areas, seed_official_areas
from bot.places import find_places
from conversations.places import is_inside
from storage.areas import area_by_code, count_by_kind
from storage.database import Database


async def test_the_official_list_has_34_provinces_and_3321_communes() -> None:
    kinds = [area.kind for area in official_areas()]
    assert kinds.count("province") == 34
    assert kinds.count("commune") == 3321


async def test_seeding_twice_changes_nothing(database: Database) -> None:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with database.transaction() as session:
            first = await seed_official_areas(session)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    async with database.transaction() as session:
        second = await seed_official_areas(session)
        counts = await count_by_kind(session)
    assert (first.inserted, first.updated) == (3355, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3355)
    assert counts == {"province": 34, "commune": 3321}
    assert len(statements) < 100  # a bulk insert, not 3,355 round trips


async def test_a_commune_lies_inside_its_province(database: Database) -> None:
    async with database.transaction() as session:
        await seed_official_areas(session)
        nghe_an = await area_by_code(session, "40")
        do_luong = await area_by_code(session, "17662")
        hoan_kiem = await area_by_code(session, "00070")
    assert nghe_an and do_luong and hoan_kiem
    assert do_luong.path == "/40/17662/"
    assert do_luong.parent_name == "Nghệ An"
    assert is_inside(do_luong.path, nghe_an.path)
    assert not is_inside(hoan_kiem.path, nghe_an.path)
    assert not is_inside(nghe_an.path, do_luong.path)


async def test_a_commune_is_found_without_accents(database: Database) -> None:
    async with database.transaction() as session:
        await seed_official_areas(session)
        for query in ("do luong", "Đô Lương", "DO LUONG", "  đô   lương "):
            found = await find_places(session, query)
            assert found and found[0].code == "17662", query
            assert found[0].name == "Xã Đô Lương"


async def test_search_can_stay_inside_a_subtree_and_kinds(database: Database) -> None:
    async with database.transaction() as session:
        await seed_official_areas(session)
        everywhere = await find_places(session, "luong", limit=100)
        in_nghe_an = await find_places(session, "luong", within_path="/40/", limit=100)
        provinces = await find_places(session, "an", kinds=frozenset({"province"}), limit=100)
    assert len(everywhere) > len(in_nghe_an) >= 1
    assert all(area.path.startswith("/40/") for area in in_nghe_an)
    assert {area.kind for area in provinces} == {"province"}
    assert "Nghệ An" in {area.name for area in provinces}


async def test_a_query_with_like_wildcards_matches_literally(database: Database) -> None:
    async with database.transaction() as session:
        await seed_official_areas(session)
        assert await find_places(session, "%") == []
        assert await find_places(session, "_") == []
