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


NEEDS_PROMTOOL = pytest.mark.skipif(
    shutil.which("promtool") is None, reason="no promtool (apt-get install prometheus)"
)


def promtool(*args: str) -> str:
    done = subprocess.run(["promtool", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@NEEDS_PROMTOOL
def test_the_readme_alert_rules_load_in_prometheus(tmp_path: Path) -> None:
    rules = tmp_path / "antq-alerts.yml"
    rules.write_text(alert_rules(), encoding="utf-8")
    assert "SUCCESS: 5 rules found" in promtool("check", "rules", str(rules))


# A process that goes down at 10 min; a reply stored at 0 and never sent; the outbox failing a
# message a minute; 429s five a minute; a rule that fails at 21 min. Each alert fires then, and
# not before.
SCENARIO = """
rule_files: [antq-alerts.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="antq",instance="a"}'
        values: '1x9 0x30'
      - series: 'antq_database_up{job="antq",instance="a"}'
        values: '1x40'
      - series: 'antq_replies_unsent_oldest_timestamp_seconds{instance="a",channel="telegram"}'
        values: '0x40'
      - series: 'antq_outbox_outcomes_total{instance="a",channel="zalo",result="failed"}'
        values: '0+1x40'
      - series: 'antq_rate_limited_total{instance="a",channel="telegram",kind="reply"}'
        values: '0+5x40'
      - series: 'antq_scheduler_rule_runs_total{instance="a",result="failed"}'
        values: '0x20 1x20'
    alert_rule_test:
      - {eval_time: 5m, alertname: AntqNotServing, exp_alerts: []}
      - eval_time: 20m
        alertname: AntqNotServing
        exp_alerts: [{exp_labels: {job: antq, instance: a}}]
      - {eval_time: 8m, alertname: AntqRepliesStuck, exp_alerts: []}
      - eval_time: 20m
        alertname: AntqRepliesStuck
        exp_alerts: [{exp_labels: {channel: telegram}}]
      - {eval_time: 10m, alertname: AntqOutboxFailing, exp_alerts: []}
      - eval_time: 35m
        alertname: AntqOutboxFailing
        exp_alerts: [{exp_labels: {channel: zalo}}]
      - {eval_time: 10m, alertname: AntqRateLimited, exp_alerts: []}
      - eval_time: 20m
        alertname: AntqRateLimited
        exp_alerts: [{exp_labels: {channel: telegram}}]
      - {eval_time: 15m, alertname: AntqSchedulerFailing, exp_alerts: []}
      - eval_time: 25m
        alertname: AntqSchedulerFailing
        exp_alerts: [{exp_labels: {}}]
"""


@NEEDS_PROMTOOL
def test_each_readme_alert_fires_when_its_trouble_comes(tmp_path: Path) -> None:
    (tmp_path / "antq-alerts.yml").write_text(alert_rules(), encoding="utf-8")
    scenario = tmp_path / "scenario.yml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    assert "SUCCESS" in promtool("test", "rules", str(scenario))
