"""`antq run` serving people warns while the unit responsible for their data is unnamed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import app as application
from bot.settings import Settings
from conversations.privacy import PLACEHOLDER_CONTROLLER


class Stop(Exception):
    """Raised in place of starting the bot: the test only reads what was said before."""


async def _stopped(*args: object, **kwargs: object) -> None:
    raise Stop


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'antq.sqlite3'}",
        telegram_token="123:token",
        **values,
    )


async def run_until_started(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> list[str]:
    monkeypatch.setattr(application, "_started", _stopped)
    with caplog.at_level(logging.WARNING, logger="bot.app"), pytest.raises(Stop):
        await application.run(settings)
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


async def test_a_bot_with_a_token_and_the_placeholder_controller_warns_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    configured = settings(tmp_path)
    assert configured.data_controller == PLACEHOLDER_CONTROLLER  # the default
    warnings = await run_until_started(configured, monkeypatch, caplog)
    assert [w for w in warnings if "ANTQ_DATA_CONTROLLER" in w and PLACEHOLDER_CONTROLLER in w]


async def test_a_named_controller_starts_without_that_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    named = settings(tmp_path, data_controller="Công an phường Vinh Phú, tỉnh Nghệ An")
    warnings = await run_until_started(named, monkeypatch, caplog)
    assert not [w for w in warnings if "ANTQ_DATA_CONTROLLER" in w]


async def test_the_placeholder_copied_from_an_older_env_example_also_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    older = settings(tmp_path, data_controller="Công an xã, phường nơi triển khai hệ thống")
    warnings = await run_until_started(older, monkeypatch, caplog)
    assert [w for w in warnings if "ANTQ_DATA_CONTROLLER" in w]
