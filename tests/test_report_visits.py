"""The Staff Appraisal Report says when a lesson visit's verbal and written feedback were
given, and marks late what was given after its due day (a late verbal no longer looks on
time): visits logged, marked and written up through signed requests around the October
half term, the report made by `/staffroom report` and read from its PDF."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from messages.ids import FeedbackIds as Ids
from tests.conftest import LONDON
from tests.test_report import PdfText, needs_pdf, uploaded
from tests.test_visits_once import _button, _log_visit, _open_from_button, _send, _to_last_step

pytestmark = pytest.mark.usefixtures("school")


def _at(clock, day: str, hour: int = 12) -> None:
    clock.now = datetime.fromisoformat(day).replace(hour=hour, tzinfo=LONDON)


@needs_pdf
def test_the_report_says_when_visit_feedback_was_given_and_what_was_late(slack, fake_slack, clock):
    _at(clock, "2026-10-19")  # a Monday; the half term is 26-30 October
    dm = _log_visit(slack, fake_slack, "2026-10-19")
    assert "Verbal feedback due by *2 November 2026*" in str(dm["blocks"])
    _at(clock, "2026-11-04")  # the written feedback, before its due day
    view = _open_from_button(slack, fake_slack, _button(dm, Ids.VISIT_WRITE))
    _send(slack, _to_last_step(slack, view, "2026-10-19"))
    _at(clock, "2026-11-10")  # verbal marked given after its due day
    slack.click(Ids.VISIT_VERBAL, _button(dm, Ids.VISIT_VERBAL), user_id="UAMIR")
    slack.drain()
    _at(clock, "2026-11-16")
    _log_visit(slack, fake_slack, "2026-11-16")  # nothing given yet, nothing due

    _at(clock, "2026-11-25")  # the second visit's verbal is overdue, its written not yet due
    slack.command("/staffroom", "report", user_id="UBOB")
    slack.drain()
    ((_, pdf, _),) = uploaded(fake_slack)
    reader = PdfReader(io.BytesIO(pdf))
    text = PdfText(" ".join(page.extract_text() for page in reader.pages))
    assert (
        "19 October 2026 Amir Given 10 November 2026, late (due 2 November 2026) "
        "Given 4 November 2026 (due 9 November 2026)"
    ) in text
    assert (
        "16 November 2026 Amir Not given, overdue (due 23 November 2026) "
        "Not yet (due 30 November 2026)"
    ) in text
