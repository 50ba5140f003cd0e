"""Column headings of the exports, as catalogue keys (the heading is shown in ``--lang``).

Each key is written out in full so that the catalogue test sees it used.
"""

from __future__ import annotations

from conversations.i18n import N_

# The monthly update's figures and texts, in the order of ``storage.exports.REPORT_FIGURES``.
FIGURE_LABELS: dict[str, str] = {
    "propaganda_sessions": N_("export.column.propaganda_sessions"),
    "propaganda_attendees": N_("export.column.propaganda_attendees"),
    "residents_meetings": N_("export.column.residents_meetings"),
    "households": N_("export.column.households"),
    "households_pledged": N_("export.column.households_pledged"),
    "tips_received": N_("export.column.tips_received"),
    "tips_to_police": N_("export.column.tips_to_police"),
    "incidents_crime": N_("export.column.incidents_crime"),
    "incidents_social_evils": N_("export.column.incidents_social_evils"),
    "incidents_domestic_violence": N_("export.column.incidents_domestic_violence"),
    "incidents_traffic": N_("export.column.incidents_traffic"),
    "incidents_fire": N_("export.column.incidents_fire"),
    "disputes_mediated": N_("export.column.disputes_mediated"),
    "disputes_resolved": N_("export.column.disputes_resolved"),
    "patrol_shifts": N_("export.column.patrol_shifts"),
    "managed_youth": N_("export.column.managed_youth"),
    "managed_drug_users": N_("export.column.managed_drug_users"),
    "managed_post_rehab": N_("export.column.managed_post_rehab"),
    "managed_reintegrating": N_("export.column.managed_reintegrating"),
    "managed_removed": N_("export.column.managed_removed"),
    "cameras_total": N_("export.column.cameras_total"),
    "cameras_new": N_("export.column.cameras_new"),
    "security_lights": N_("export.column.security_lights"),
    "fire_safe_groups": N_("export.column.fire_safe_groups"),
    "fire_points": N_("export.column.fire_points"),
    "models_active": N_("export.column.models_active"),
    "money_mobilised": N_("export.column.money_mobilised"),
    "notable_events": N_("export.column.notable_events"),
    "proposals": N_("export.column.proposals"),
}

PERIOD = N_("export.column.period")
AREA_CODE = N_("export.column.area_code")
AREA_NAME = N_("export.column.area_name")
AREA_KIND = N_("export.column.area_kind")
PARENT = N_("export.column.parent")
COMMUNE = N_("export.column.commune")
DEADLINE = N_("export.column.deadline")
LATE = N_("export.column.late")
FILED_AT = N_("export.column.filed_at")
UPDATED_AT = N_("export.column.updated_at")
FILING = N_("export.column.filing")
COVERAGE = N_("export.column.coverage")
COVERAGE_MET = N_("export.column.coverage_met")
AREAS = N_("export.column.areas")
ON_TIME = N_("export.column.on_time")
LATE_COUNT = N_("export.column.late_count")
NOT_FILED = N_("export.column.not_filed")
ACTIVE_MODELS = N_("export.column.active_models")
MODELS_MET = N_("export.column.models_met")

TIP_CODE = N_("export.column.tip_code")
CATEGORY = N_("export.column.category")
STATUS = N_("export.column.status")
RECEIVED_AT = N_("export.column.received_at")
ACKNOWLEDGED_AT = N_("export.column.acknowledged_at")
FORWARDED_AT = N_("export.column.forwarded_at")
CLOSED_AT = N_("export.column.closed_at")
PLACE_TEXT = N_("export.column.place_text")
DESCRIPTION = N_("export.column.description")
ATTACHMENTS = N_("export.column.attachments")

ACTIVITY_DATE = N_("export.column.activity_date")
MODEL_NAME = N_("export.column.model_name")
MODEL_KIND = N_("export.column.model_kind")
ACTIVITY_KIND = N_("export.column.activity_kind")
PARTICIPANTS = N_("export.column.participants")
OUTCOME = N_("export.column.outcome")

EVENT_TITLE = N_("export.column.event_title")
STARTS_AT = N_("export.column.starts_at")
ENDS_AT = N_("export.column.ends_at")
CANCELLED = N_("export.column.cancelled")
REGISTERED = N_("export.column.registered")
TURNOUT = N_("export.column.turnout")
TURNOUT_NOTE = N_("export.column.turnout_note")

SHEET_UPDATES = N_("export.sheet.updates")
SHEET_AREAS = N_("export.sheet.areas")
SHEET_COMMUNES = N_("export.sheet.communes")
SHEET_TIPS = N_("export.sheet.tips")
SHEET_ACTIVITIES = N_("export.sheet.activities")
SHEET_EVENTS = N_("export.sheet.events")

# The movement's year: the targets in force, and each unit's standard and grade.
SHEET_TARGETS = N_("export.sheet.targets")
SHEET_GRADES = N_("export.sheet.grades")
TARGET = N_("export.column.target")
THRESHOLD = N_("export.column.threshold")
TARGET_PERIOD = N_("export.column.target_period")
YEAR = N_("export.column.year")
HOUSEHOLDS_REGISTERED = N_("export.column.households_registered")
REGISTERED_ON = N_("export.column.registered_on")
REGISTRATION_LATE = N_("export.column.registration_late")
RECOGNISED = N_("export.column.recognised")
GRADE = N_("export.column.grade")

# The year's commendations (issue 29): who, which form, for what, on which figures, decided.
SHEET_COMMENDATIONS = N_("export.sheet.commendations")
COMMENDED_KIND = N_("export.column.commended_kind")
COMMENDED = N_("export.column.commended")
COMMENDATION_FORM = N_("export.column.commendation_form")
ACHIEVEMENT = N_("export.column.achievement")
GROUNDS = N_("export.column.grounds")
COMMENDATION_STATUS = N_("export.column.commendation_status")
DECLINE_REASON = N_("export.column.decline_reason")
AWARDED_AT = N_("export.column.awarded_at")  # the review conference it is handed over at
