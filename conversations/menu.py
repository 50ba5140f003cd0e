"""One module per conversation; ``build_engine`` assembles them with the main menu."""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict, Unpack

from conversations.broadcasts.compose import broadcast_cancel_flow, broadcast_flow, broadcasts_flow
from conversations.calendar import ReportCalendar
from conversations.commendations.award import award_flow
from conversations.commendations.exemplary import exemplary_flow
from conversations.commendations.propose import propose_flow
from conversations.commendations.review import review_flow
from conversations.commendations.story import story_flow
from conversations.drafts import DraftLifetimes
from conversations.engine import Engine
from conversations.events.cancel import cancel_event_flow
from conversations.events.new import new_event_flow
from conversations.events.registration import events_flow
from conversations.events.turnout import turnout_flow
from conversations.exports.export import export_flow, overview_flow
from conversations.flow import Flow
from conversations.i18n import N_, Catalogues
from conversations.incidents.report import incident_flow
from conversations.linking import DEFAULT_LINK_CODE_MINUTES
from conversations.linking.flows import link_flow, unlink_flow
from conversations.menu_layout import MenuEntry, MenuSection
from conversations.monthly_reports.update import monthly_report_flow
from conversations.movement_year.assessment import grading_flow, recognition_flow
from conversations.movement_year.progress import report_draft_flow, standing_flow
from conversations.movement_year.register import standard_register_flow
from conversations.opinions.follow import opinion_reply_flow, opinion_status_flow
from conversations.opinions.queue import opinion_queue_flow
from conversations.opinions.send import opinion_flow
from conversations.people.areas import add_area_flow, rename_area_flow
from conversations.people.campaign_optout import (
    campaigns_flow,
    campaigns_off_flow,
    campaigns_on_flow,
)
from conversations.people.invite import invite_flow
from conversations.people.join import join_flow
from conversations.people.language import language_flow
from conversations.people.reminders import reminders_flow
from conversations.people.roles import roles_flow
from conversations.people.staff import revoke_flow, staff_flow
from conversations.privacy import PrivacyTerms
from conversations.privacy.consent import consent_flow, notice_flow, withdraw_flow
from conversations.privacy.my_data import erase_flow, my_data_flow
from conversations.security_models.activity import model_activity_flow
from conversations.security_models.end import model_end_flow
from conversations.security_models.listing import model_list_flow
from conversations.security_models.register import model_register_flow
from conversations.surveys.answer import survey_answer_flow
from conversations.surveys.compose import survey_flow
from conversations.surveys.rating import tip_rating_flow, tip_ratings_flow
from conversations.surveys.results import survey_results_flow, surveys_flow
from conversations.targets import YearCalendar
from conversations.tips import THREAD_MESSAGES_PER_HOUR
from conversations.tips.addition import addition_flow
from conversations.tips.answering import answering_flow
from conversations.tips.asking import asking_flow
from conversations.tips.commendation import tipster_answer_flow, tipster_invite_flow
from conversations.tips.ending import ending_flow
from conversations.tips.handling import tip_handle_flow
from conversations.tips.inbox import tip_read_flow
from conversations.tips.marking import marking_flow
from conversations.tips.report import tip_flow
from conversations.tips.status import status_flow
from conversations.units.admin import add_unit_flow
from conversations.units.year import unit_reach_flow, unit_register_flow
from conversations.web.login import web_login_flow

# Menu order; each member sees only the items the policy allows them (see conversations.policy).
# When those do not fit one screen, each section becomes a screen of its own.
MAIN_MENU: list[MenuEntry] = [
    # everybody
    "tip",
    "incident",
    "status",
    "events",
    MenuSection(
        "area",
        N_("menu.section.area"),
        (
            "monthly_report",
            "model_activity",
            "model_list",
            "model_register",
            "model_end",
            "event_turnout",
            "standard_register",
            # Agencies, businesses and schools: their head's and the admin's.
            "unit_register",
            "unit_reach",
            "unit_add",
            "area_add",
            "area_rename",
        ),
    ),
    MenuSection(
        "tips",
        N_("menu.section.tips"),
        (
            # opinions and proposals: anybody sends one, the commune's officers answer it
            "opinion",
            "tip_read",
            "tip_handle",
            "opinions",
            "tip_ratings",
            "overview",
            "export",
            "report_draft",
        ),
    ),
    MenuSection(
        "campaigns",
        N_("menu.section.campaigns"),
        (
            "event_new",
            "event_cancel",
            "broadcast",
            "broadcasts",
            "survey",
            "surveys",
            "good_deed_story",
        ),
    ),
    MenuSection(
        "places",
        N_("menu.section.places"),
        (
            "invite",
            "staff",
            "standard_recognise",
            "unit_grade",
            "exemplary",
            # commendations: handed out at the review conferences
            "commendation_propose",
            "commendation_review",
        ),
    ),
    MenuSection(
        "settings",
        N_("menu.section.settings"),
        ("roles", "language", "reminders", "campaigns", "consent", "link"),
    ),
]


class FlowSettings(TypedDict, total=False):
    """What a deployment's settings say to the flows (``build_engine`` says what each is)."""

    bot_username: str | None
    report_calendar: ReportCalendar | None
    privacy_terms: PrivacyTerms | None
    web_base_url: str | None
    thread_messages_per_hour: int
    year_calendar: YearCalendar | None
    link_code_minutes: int


def build_engine(
    catalogues: Catalogues,
    *,
    draft_ttl: timedelta = timedelta(hours=24),
    **settings: Unpack[FlowSettings],
) -> Engine:
    """The engine with every flow this release offers, in menu order.

    ``bot_username`` (Telegram, without "@") lets invitations carry a deep link;
    ``report_calendar`` holds the monthly update's deadlines (settings); ``privacy_terms``
    what the privacy notice says from the settings; ``web_base_url`` where the officers' web
    console answers (``ANTQ_WEB_BASE_URL``); ``thread_messages_per_hour`` how many messages each
    side of a tip's thread writes per hour; ``year_calendar`` the movement's yearly deadlines
    (settings).
    """
    return Engine(menu_flows(**settings), catalogues, menu=MAIN_MENU, draft_ttl=draft_ttl)


def draft_lifetimes(draft_ttl: timedelta) -> DraftLifetimes:
    """How long the drafts of this release's flows live (what ``build_engine``'s engine
    expires), for erasing those nobody came back to."""
    return DraftLifetimes.of_flows(draft_ttl, menu_flows())


def menu_flows(**settings: Unpack[FlowSettings]) -> list[Flow]:
    """Every flow this release offers, in menu order."""
    per_hour = settings.get("thread_messages_per_hour", THREAD_MESSAGES_PER_HOUR)
    report_calendar = settings.get("report_calendar")
    year_calendar = settings.get("year_calendar")
    terms = settings.get("privacy_terms") or PrivacyTerms()
    return [
        tip_flow(terms.route_days, terms.phone_days),
        status_flow(),
        addition_flow(per_hour),
        answering_flow(per_hour, terms.route_days),
        ending_flow(),
        language_flow(),
        join_flow(),
        monthly_report_flow(report_calendar),
        reminders_flow(),
        incident_flow(),
        model_register_flow(),
        model_activity_flow(),
        model_list_flow(),
        model_end_flow(),
        tip_read_flow(),
        tip_handle_flow(),
        asking_flow(per_hour),
        marking_flow(),
        roles_flow(),
        invite_flow(settings.get("bot_username")),
        staff_flow(),
        revoke_flow(),
        add_area_flow(),
        rename_area_flow(),
        broadcast_flow(),
        broadcasts_flow(),
        broadcast_cancel_flow(),
        campaigns_flow(),
        campaigns_off_flow(),
        campaigns_on_flow(),
        events_flow(),
        new_event_flow(),
        cancel_event_flow(),
        turnout_flow(),
        overview_flow(report_calendar),
        export_flow(report_calendar),
        consent_flow(terms),
        notice_flow(terms),
        withdraw_flow(),
        my_data_flow(),
        erase_flow(),
        web_login_flow(settings.get("web_base_url")),
        standard_register_flow(year_calendar),
        standing_flow(),
        recognition_flow(year_calendar),
        grading_flow(year_calendar),
        report_draft_flow(),
        # Agencies, businesses and schools.
        add_unit_flow(),
        unit_register_flow(year_calendar),
        unit_reach_flow(year_calendar),
        propose_flow(year_calendar),
        review_flow(),
        exemplary_flow(year_calendar),
        award_flow(year_calendar),  # handed over at a review conference
        tipster_invite_flow(per_hour),  # a tip's sender commended by their own choice
        tipster_answer_flow(year_calendar, per_hour),
        # surveys
        survey_flow(),
        surveys_flow(),
        survey_results_flow(),
        survey_answer_flow(),
        tip_rating_flow(),
        story_flow(),
        tip_ratings_flow(),
        # one person, several accounts
        link_flow(settings.get("link_code_minutes", DEFAULT_LINK_CODE_MINUTES)),
        unlink_flow(),
        # opinions and proposals
        opinion_flow(),
        opinion_queue_flow(),
        opinion_queue_flow(command=True),
        opinion_status_flow(),
        opinion_reply_flow(),
    ]
