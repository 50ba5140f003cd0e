"""Tips (tin báo): the tips themselves and their attachments (``records``), their handling by
the officers (``handling``) and a tip's thread of messages between its tipster and its officers
(``thread``). Everything is re-exported here: ``from storage.tips import insert_tip``."""

from __future__ import annotations

from storage.errors import DuplicateTipCode
from storage.tips.handling import (
    TAKEN,
    InboxRow,
    StaffMember,
    UnacknowledgedTip,
    change_tip_status,
    claim_unacknowledged,
    last_outcome,
    list_inbox_within,
    member_display_name,
    staff_over,
    take_tip,
)
from storage.tips.records import (
    AttachmentRecord,
    NewAttachment,
    NewTip,
    TipRecord,
    find_tip_by_code,
    insert_tip,
    list_tips,
    store_tip_record,
)
from storage.tips.thread import (
    OFFICER,
    TIPSTER,
    ThreadActivity,
    ThreadMessage,
    UnansweredMessage,
    add_tip_message,
    claim_unanswered_messages,
    end_thread,
    mark_important,
    mark_thread_delivered,
    thread_messages_since,
    tip_of_message,
    tip_thread,
    tipster_messages_between,
)

__all__ = [
    "OFFICER",
    "TAKEN",
    "TIPSTER",
    "AttachmentRecord",
    "DuplicateTipCode",
    "InboxRow",
    "NewAttachment",
    "NewTip",
    "StaffMember",
    "ThreadActivity",
    "ThreadMessage",
    "TipRecord",
    "UnacknowledgedTip",
    "UnansweredMessage",
    "add_tip_message",
    "change_tip_status",
    "claim_unacknowledged",
    "claim_unanswered_messages",
    "end_thread",
    "find_tip_by_code",
    "insert_tip",
    "last_outcome",
    "list_inbox_within",
    "list_tips",
    "mark_important",
    "mark_thread_delivered",
    "member_display_name",
    "staff_over",
    "store_tip_record",
    "take_tip",
    "thread_messages_since",
    "tip_of_message",
    "tip_thread",
    "tipster_messages_between",
]
