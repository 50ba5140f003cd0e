"""deploy/README.md's "Numbers to watch" as an operator copies it: every metric it names is on
the page a scrape gets, and its alert rules load in Prometheus (``promtool``, when installed:
Debian's ``prometheus`` package)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.privacy.retention import retention_daily_jobs
from bot.scheduler import DeliveryScheduler
from bot.settings import Settings
from storage.database import Database
from tests.bot.observability.harness import scrape
from tests.conversations.harness import Clock

README = Path(__file__).resolve().parents[3] / "deploy" / "README.md"
# Prometheus's suffixes of a family's samples.
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")


def section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Numbers to watch", 1)[1].split("\n## ", 1)[0]


def alert_rules() -> str:
    return section().split("# antq-alerts.yml (Prometheus rule file)\n", 1)[1].split("```")[0]


def family(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


async def test_every_metric_the_readme_names_is_on_the_page(sqlite_database: Database) -> None:
    jobs = retention_daily_jobs(Settings(_env_file=None))  # type: ignore[call-arg]
    await DeliveryScheduler(sqlite_database, daily_jobs=jobs, clock=Clock()).run_daily()
    page = await scrape(sqlite_database)
    served = {family(name) for name in re.findall(r"^# TYPE (\w+) ", page, flags=re.MULTILINE)}
    named = {family(name) for name in re.findall(r"\bantq_[a-z_]+[a-z]", section())}
    assert len(named) >= 15
    assert named <= served, named - served


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="no promtool (apt-get install prometheus)"
)
def test_the_readme_alert_rules_load_in_prometheus(tmp_path: Path) -> None:
    rules = tmp_path / "antq-alerts.yml"
    rules.write_text(alert_rules(), encoding="utf-8")
    checked = subprocess.run(
        ["promtool", "check", "rules", str(rules)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 5 rules found" in checked.stdout
