"""Replacing the server key (deploy/README.md, "Replacing the server key"): with the new key
listed before the old one, everything sealed opens and new seals use the new key; ``antq
secret-key rotate`` re-seals what is stored while the bot works; then the old key goes and
every route, queued message and Zalo OA token pair still opens — and a tip's thread goes on.
"""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from bot.channels.zalo_oa.tokens import PURPOSE
from bot.operations.secret_key import rotate
from bot.processor import MessageProcessor
from bot.sealing import Sealer, load_sealer
from bot.web.auth import Keys
from conversations.fields import format_tip_code
from conversations.menu import build_engine
from storage._sql import outbox, tips
from storage.database import Database
from storage.delivery.outbox import URGENT, NewMessage, enqueue_many
from storage.tables import utcnow
from storage.zalo_oa_tokens import read_tokens, store_tokens
from tests.bot.delivery.harness import FakeClock, RecordingTransport, sender
from tests.bot.harness import SEALER, CommandLine, Phone, at_menu, walk
from tests.bot.tips.harness import OFFICER_A, act, ask, new_tip
from tests.conversations.harness import ANONYMOUS_PATH, CATALOGUES, Clock, t

OLD_KEY = bytes(range(32))  # the key the tests' bot (SEALER) seals with
NEW_KEY = bytes(range(100, 132))
OLD = SEALER
NEW_ONLY = Sealer(NEW_KEY)
BOTH = Sealer(NEW_KEY, OLD_KEY)  # ANTQ_SECRET_KEY=NEW,OLD
QUEUED = 300
OA_ID = "4242"


def _text(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def test_the_setting_lists_the_new_key_first_and_opens_what_either_sealed() -> None:
    listed = Sealer.from_base64(f"{_text(NEW_KEY)}, {_text(OLD_KEY)}")
    assert listed.key_count == 2
    old_route = OLD.seal_route("telegram", "77")
    old_pair = OLD.seal_secret(PURPOSE, "tokens")
    assert listed.open_route(old_route) == ("telegram", "77")
    assert listed.open_secret(PURPOSE, old_pair) == "tokens"
    # New seals use the new key: the new key alone opens them, the old one does not.
    new_route = listed.seal_route("zalo", "abc")
    assert NEW_ONLY.open_route(new_route) == ("zalo", "abc")
    with pytest.raises(InvalidTag):
        OLD.open_route(new_route)
    with pytest.raises(InvalidTag):
        NEW_ONLY.open_route(old_route)
    # A purpose still has to match, whichever key opens.
    with pytest.raises(InvalidTag):
        listed.open_secret("another purpose", old_pair)


async def _queue_for_tipsters(database: Database, sealer: Sealer, first: int, count: int) -> None:
    now = utcnow()
    async with database.transaction() as session:
        await enqueue_many(
            session,
            [
                NewMessage(
                    channel="telegram",
                    kind=URGENT,
                    not_before=now + timedelta(days=1),  # not due: they wait in the outbox
                    sealed_route=sealer.seal_route("telegram", str(9_000 + number)),
                    text="Tin",
                )
                for number in range(first, first + count)
            ],
            now=now,
        )


async def _store_pair(database: Database, sealer: Sealer, refresh_token: str) -> None:
    plain = json.dumps({"access_token": "access", "refresh_token": refresh_token})
    async with database.transaction() as session:
        await store_tokens(
            session,
            OA_ID,
            sealed_pair=sealer.seal_secret(PURPOSE, plain),
            access_expires_at=utcnow() + timedelta(hours=1),
            now=utcnow(),
        )


async def _file_tip(processor: MessageProcessor, user_id: str) -> None:
    """An anonymous tip in Xã Đô Lương, filed by ``user_id`` through ``processor``."""
    phone = Phone(processor, user_id=user_id)
    await at_menu(phone)
    await phone.send(text="1")
    await walk(phone, ANONYMOUS_PATH)
    await phone.send(text="1")  # confirm the summary


async def _sealed(database: Database) -> tuple[list[bytes], list[bytes], bytes]:
    async with database.transaction() as session:
        routes = (await session.scalars(select(tips.c.sender_route))).all()
        queued = (await session.scalars(select(outbox.c.sealed_route))).all()
        stored = await read_tokens(session, OA_ID)
    assert stored is not None
    return (
        [bytes(route) for route in routes if route is not None],
        [bytes(route) for route in queued if route is not None],
        stored.sealed_pair,
    )


async def test_rotating_under_traffic_then_dropping_the_old_key_leaves_everything_open(
    commune: Database,
) -> None:
    clock = Clock()
    # Under the old key: a tip, messages queued for tipsters, the Zalo OA's token pair.
    code = await new_tip(commune, clock)
    await _queue_for_tipsters(commune, OLD, 0, QUEUED)
    await _store_pair(commune, OLD, "refresh-1")

    # Restarted with ANTQ_SECRET_KEY=NEW,OLD, the bot works on while the operator rotates:
    # a tip is filed, messages are queued, the token pair is refreshed.
    working = MessageProcessor(commune, build_engine(CATALOGUES), BOTH, CATALOGUES, clock=clock)

    async def traffic() -> None:
        await _file_tip(working, "78")
        for batch in range(5):
            await _queue_for_tipsters(commune, BOTH, QUEUED + batch * 10, 10)
            await asyncio.sleep(0)
        await _store_pair(commune, BOTH, "refresh-2")

    done, _ = await asyncio.gather(rotate(commune, BOTH, page=40), traffic())
    assert done["outbox_routes"].resealed == QUEUED
    assert done["tip_routes"].resealed == 1
    assert all(counts.unreadable == counts.busy == 0 for counts in done.values())

    # The old key removed (ANTQ_SECRET_KEY=NEW): everything stored still opens.
    routes, queued, pair = await _sealed(commune)
    assert len(routes) == 2 and len(queued) == QUEUED + 50
    assert {NEW_ONLY.open_route(route)[0] for route in routes} == {"telegram"}
    chats = {NEW_ONLY.open_route(route)[1] for route in queued}
    assert chats == {str(9_000 + number) for number in range(QUEUED + 50)}
    assert json.loads(NEW_ONLY.open_secret(PURPOSE, pair))["refresh_token"] == "refresh-2"
    # A second run finds nothing left to re-seal.
    again = await rotate(commune, NEW_ONLY)
    assert all(counts.resealed == counts.unreadable == 0 for counts in again.values())

    # The first tip's thread goes on under the new key alone: the officer's question reaches
    # the anonymous tipster through the re-sealed route.
    renewed = MessageProcessor(commune, build_engine(CATALOGUES), NEW_ONLY, CATALOGUES, clock=clock)
    officer = Phone(renewed, user_id=OFFICER_A[0], name=OFFICER_A[1])
    await at_menu(officer)
    await act(officer, code, "take")
    await ask(officer, code, "Xe thường đỗ ở đâu?")
    transport = RecordingTransport()
    outbox_sender = sender(
        commune, transport, FakeClock(clock.now), open_route=lambda s: NEW_ONLY.open_route(s)[1]
    )
    await outbox_sender.deliver_due()
    expected = t("asking.to_tipster", code=format_tip_code(code), question="Xe thường đỗ ở đâu?")
    assert expected in transport.sent["77"]


def test_the_command_reports_counts_per_kind_and_fails_while_a_value_needs_the_old_key(
    antq: CommandLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    antq.on_database(lambda database: _queue_for_tipsters(database, OLD, 0, 3))
    monkeypatch.setenv("ANTQ_SECRET_KEY", _text(NEW_KEY))
    early = antq("secret-key", "rotate")
    # The old key is not listed yet: nothing can be re-sealed, and the command says so.
    assert early.exit_code == 1
    refused = "queued messages to tipsters: 0 re-sealed, 0 already under the newest key, "
    assert refused + "3 open with no listed key" in early.output

    monkeypatch.setenv("ANTQ_SECRET_KEY", f"{_text(NEW_KEY)},{_text(OLD_KEY)}")
    rotated = antq("secret-key", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "queued messages to tipsters: 3 re-sealed" in rotated.output
    assert "tip routes: 0 re-sealed" in rotated.output
    assert "Zalo OA token pairs: 0 re-sealed" in rotated.output
    assert "the older ones can be removed" in rotated.output
    assert _text(NEW_KEY) not in rotated.output and _text(OLD_KEY) not in rotated.output


def test_a_local_key_file_lists_keys_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text(f"{_text(NEW_KEY)},{_text(OLD_KEY)}\n")
    sealer = load_sealer(None, data_dir=tmp_path, allow_local_key=True)
    assert sealer.key_count == 2
    assert sealer.open_route(OLD.seal_route("console", "1")) == ("console", "1")
    assert NEW_ONLY.open_route(sealer.seal_route("console", "1")) == ("console", "1")


def test_an_officer_signed_in_before_the_new_key_stays_signed_in_while_the_old_is_listed() -> None:
    cookie = Keys(OLD).signed("session-token")
    form_token = Keys(OLD).csrf("session-token")
    assert Keys(BOTH).unsigned(cookie) == "session-token"
    assert Keys(BOTH).csrf_matches("session-token", form_token)
    # Once the old key is gone, so is what it signed (the session lasts hours, not days).
    assert Keys(NEW_ONLY).unsigned(cookie) is None
    assert not Keys(NEW_ONLY).csrf_matches("session-token", form_token)
    # New cookies are signed with the new key.
    assert Keys(NEW_ONLY).unsigned(Keys(BOTH).signed("later")) == "later"
