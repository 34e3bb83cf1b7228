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


class FeedbackIds(StrEnum):
    SUBJECT_MODAL = "feedback_subject"
    STANDARDS_MODAL = "feedback_standards"
    WRITE_MODAL = "feedback_write"
    OBSERVEE_BLOCK = "fb_observee"
    OBSERVED_ON_BLOCK = "fb_observed_on"
    CONTEXT_BLOCK = "fb_context"
    DETAIL_BLOCK = "fb_detail"
    STANDARDS_BLOCK = "fb_standards"
    RATING_BLOCK_PREFIX = "fb_rating_"
    STRENGTHS_BLOCK = "fb_strengths"
    DEVELOPMENT_BLOCK = "fb_development"
    NEXT_STEPS_BLOCK = "fb_next_steps"
    INPUT = "value"  # each input block holds one element; this is its action_id
    VISIT_VERBAL = "visit_verbal_given"
    VISIT_WRITE = "visit_write_feedback"


class StaffroomIds(StrEnum):
    REMINDERS = "staffroom_reminders"


class LadderIds(StrEnum):
    LEVEL_MODAL = "ladder_level"
    FINISH_MODAL = "ladder_finish"
    STATEMENT_BLOCK_PREFIX = "ladder_s"  # + index within the level, from 1
    TRUE_OPTION = "true"
    TARGET_BLOCK = "ladder_target"
    HIGHER_BLOCK = "ladder_higher"  # on level 5: go on to the level 6-8 sheets
    HIGHER_OPTION = "higher"
    INPUT = "value"
    OPEN_SHEET = "ladder_open_sheet"


class StarIds(StrEnum):
    NEW_MODAL = "star_new"
    NOTE_MODAL = "star_note"
    MEASURE_MODAL = "star_measure"
    EVALUATE_MODAL = "star_evaluate"
    INPUT = "value"
    TITLE_BLOCK = "star_title"
    QUESTION_BLOCK = "star_question"
    BENEFICIARIES_BLOCK = "star_beneficiaries"
    KPI_NAME_BLOCK = "star_kpi_name"
    KPI_UNIT_BLOCK = "star_kpi_unit"
    DIRECTION_BLOCK = "star_direction"
    METHOD_BLOCK = "star_method"
    START_BLOCK = "star_start"
    END_BLOCK = "star_end"
    BASELINE_BLOCK = "star_baseline"
    VALUE_BLOCK = "star_value"
    KIND_BLOCK = "star_kind"
    SAME_WAY_BLOCK = "star_same_way"
    NOTE_BLOCK = "star_note_text"
    LEARNED_BLOCK = "star_learned"
    WOULD_SHARE_BLOCK = "star_would_share"
    NEXT_STAGE = "star_next_stage"
    ADD_NOTE = "star_add_note"
    RECORD = "star_record_measurement"
    EVALUATE = "star_open_evaluation"
    FINAL_SAME_WAY = "star_final_same_way"
    CANCEL = "star_cancel"
    CONFIRM_EVALUATION = "star_confirm_evaluation"
    SHOW = "star_show_project"


class ObjectivesIds(StrEnum):
    MODAL = "objectives_modal"
    VIEW_MODAL = "objectives_view_modal"
    TEXT_BLOCK_PREFIX = "obj_text_"  # + the objective's number
    STANDARDS_BLOCK = "obj_standards"
    TARGET_BLOCK = "obj_target"
    INPUT = "value"
    OPEN = "objectives_open"
    AGREE = "objectives_agree"
    TALK = "objectives_talk"
    TALK_MODAL = "objectives_talk_modal"
    COMMENT_BLOCK = "obj_comment"
    REVIEW = "objectives_review"
    REVIEW_MODAL = "objectives_review_modal"
    STATUS_BLOCK_PREFIX = "obj_status_"  # + the objective's number
    REVIEW_COMMENT_PREFIX = "obj_review_comment_"  # + the objective's number


class HomeIds(StrEnum):
    PAGE = "home_page"
    OPEN_RECORD = "home_open_record"
    RECORD_MODAL = "home_record"
    FOLLOW_UP = "home_follow_up"
    REPORT = "home_report"
    TRAINING = "home_training"
    TRAINING_MODAL = "home_training_modal"
    TRAINING_TITLE_BLOCK = "training_title"
    TRAINING_DATE_BLOCK = "training_date"
    TRAINING_LEARNED_BLOCK = "training_learned"
    INPUT = "value"
