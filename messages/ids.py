"""Callback, block and action ids, shared by templates and handler registrations."""

from enum import StrEnum


class CommendIds(StrEnum):
    MODAL = "commend_modal"
    RECIPIENTS_BLOCK = "commend_recipients"
    RECIPIENTS_ACTION = "commend_recipients_select"
    MESSAGE_BLOCK = "commend_message"
    MESSAGE_ACTION = "commend_message_input"
    VALUE_BLOCK = "commend_value"
    VALUE_ACTION = "commend_value_select"
    SHARE_BLOCK = "commend_share"
    SHARE_ACTION = "commend_share_choice"
    SHARE_OPTION = "share"
