"""Nothing the trusts wrote is cut mid-word, anywhere: every template, rendered for SMART and
for SHARE with the longest texts of their framework files (statements, standards,
descriptors, guidance, rating meanings, level summaries, names), is within Slack's limits;
where a text had to be shortened it ends at a whole word with "…"; and a framework text
whose beginning is shown is shown whole somewhere in the same view or message."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.framework import Framework, load_framework
from bot.feedback.form import standard_groups
from bot.feedback.records import FeedbackRecord, StandardView
from bot.home.pending import Pending, VisitOwed
from bot.ladder.grid import Grid, GridRow, beyond_the_sheet, statements
from bot.ladder.rules import Sheet
from bot.ladder.sheets import preview
from bot.star.rules import kpi_change
from bot.star.view import MeasurementView, NoteView, Status
from bot.summary.figures import PublicPraise
from bot.summary.post import Figure, SchoolView, prepare
from messages import render, slack_escape
from messages.limits import message_problems, view_problems

TEMPLATES_DIR = Path(render.__code__.co_filename).parent / "templates"
TEMPLATES = sorted(p.name.removesuffix(".json.j2") for p in TEMPLATES_DIR.glob("*.json.j2"))
TRUSTS = ("smart", "share")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class _Person:
    def __init__(self, grade: str) -> None:
        self.grade = grade


def _longest(texts: list[Any], key=len, n: int = 4) -> list[Any]:
    return sorted(texts, key=key)[-n:]


def _record(framework: Framework) -> FeedbackRecord:
    every = [s for standard_set in framework.standard_sets.values() for s in standard_set.standards]
    ratings = {r.code: r for r in framework.ratings}
    longest_rating = max(framework.ratings, key=lambda r: len(r.meaning))
    return FeedbackRecord(
        feedback_id=1,
        observer="<@UA>",
        observee="<@UB>",
        observed_on=date(2026, 11, 23),
        context="lesson",
        context_detail="Y8 science",
        standards=[
            StandardView(
                code=s.code,
                name=s.name,
                rating=longest_rating.code,
                rating_name=ratings[longest_rating.code].name,
                rating_meaning=ratings[longest_rating.code].meaning,
            )
            for s in _longest(every, key=lambda s: len(s.name))
        ],
        strengths="Calm start",
        development="Pace",
        next_steps="Cold calling",
        created_at=NOW,
    )


def _grid(framework: Framework, band: str | None) -> Grid | None:
    if not framework.has_ladder:
        return None
    counts = [len(level.statements) for level in framework.sheet]
    sheet = Sheet.of([[False] * n for n in counts], counts)
    colours = sheet.colours()
    longest_level = max(framework.sheet, key=lambda lvl: sum(map(len, lvl.statements)))
    checkpoints = [(c.key, c.heading, c.name) for c in framework.checkpoints]
    return Grid(
        person="<@UUMA>",
        year="2026-27",
        checkpoints=checkpoints,
        rows=[
            GridRow(
                level.level,
                level.name,
                level.title,
                {key: colours[level.level - 1] for key, _, _ in checkpoints},
            )
            for level in framework.sheet
        ],
        reached={key: 0 for key, _, _ in checkpoints},
        target=3,
        expected=4,
        band=band,  # type: ignore[arg-type]
        latest=checkpoints[-1][2],
        next_points=statements(
            framework, [p for p in sheet.development_points if p.level == longest_level.level]
        ),
        other_points=70,
        beyond=beyond_the_sheet(framework),
    )


def _status(framework: Framework) -> Status:
    sharing = framework.star.sharing_day
    return Status(
        project_id=1,
        owner="<@UB>",
        title="Lego club",
        academic_year="2026-27",
        stage=6,
        kpi_name="Attendance",
        kpi_unit="%",
        higher_is_better=True,
        kpi_method="Register",
        measurements=[MeasurementView("baseline", 60, date(2026, 9, 1))],
        change=kpi_change(60, 70, higher_is_better=True),
        evaluation_submitted=True,
        evaluated=False,
        learned="A lot",
        would_share=True,
        notes=[NoteView(5, "Note", date(2026, 11, 23))],
        sharing_day=sharing.name if sharing else None,
        sharing_month=sharing.month if sharing else None,
    )


def contexts(framework: Framework) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every template with contexts holding the framework's longest texts."""
    values = framework.values
    longest_value = max((v.name for v in values), key=len, default=None)
    common_commend = {
        "author": "<@UA>",
        "message": "Thank you",
        "value_name": longest_value,
        "values_name": framework.values_name,
        "public": True,
        "channel": framework.celebrations_channel,
    }
    yield "commend_confirmation", {**common_commend, "recipients": ["<@UB>"]}
    yield "commend_copy", {**common_commend, "appraisees": ["<@UB>"]}
    yield "commend_public", {**common_commend, "recipients": ["<@UB>"]}
    yield "commend_received", {**common_commend, "others": []}
    yield (
        "commend_modal",
        {
            "values": values,
            "values_name": framework.values_name,
            "channel": framework.celebrations_channel,
            "max_recipients": 10,
            "max_message": 3000,
        },
    )
    record = _record(framework)
    for template in ("feedback_confirmation", "feedback_copy", "feedback_received"):
        yield template, {"feedback": record, "completes_visit": True}
    subject = {
        "name": "Bob",
        "context": "lesson",
        "detail": "Y8",
        "observed_on": date(2026, 11, 23),
    }
    yield (
        "feedback_subject_modal",
        {
            "observee": "UB",
            "observed_on": "2026-11-23",
            "max_detail": 200,
        },
    )
    for standard_set in framework.standard_sets.values():
        yield (
            "feedback_standards_modal",
            {
                "metadata": "{}",
                "subject": subject,
                "standard_set": standard_set,
                "max_standards": 4,
                "groups": standard_groups(standard_set),
            },
        )
        yield (
            "feedback_write_modal",
            {
                "metadata": "{}",
                "subject": subject,
                "standards": _longest(
                    standard_set.standards,
                    key=lambda s: len(s.name + s.outstanding + s.below + "".join(s.guidance)),
                ),
                "standard_set": standard_set,
                "ratings": framework.ratings,
                "rating_scale": framework.rating_scale,
                "max_text": 3000,
            },
        )
    yield (
        "home",
        {
            "trust": framework.trust,
            "on_roster": True,
            "has_ladder": framework.has_ladder,
            "received_count": 1,
            "received": [{"author": "<@UA>", "message": "Thanks", "when": "23 November 2026"}],
            "feedback": [record],
        },
    )
    names = {level.level: level.name for level in framework.ladder}
    for band in ("red", "new_to_role", "expected", "beyond", None):
        grid = _grid(framework, band)
        if grid is None:
            break
        for template in ("ladder_saved", "ladder_appraiser"):
            yield (
                template,
                {
                    "grid": grid,
                    "checkpoint": "September",
                    "reached": 0,
                    "level_names": names,
                },
            )
        yield "ladder_view", {"grid": grid, "intro": "", "you": band is None, "level_names": names}
    for level in framework.sheet:
        yield (
            "ladder_level_modal",
            {
                "metadata": "{}",
                "level": level,
                "last_level": 8,
                "offer_higher": level.level == 5,
                "previous": [True] * len(level.statements),
                "checkpoint": max((c.name for c in framework.checkpoints), key=len),
                "year": "2026-27",
            },
        )
        counts = [len(lvl.statements) for lvl in framework.sheet]
        answers = [
            [lvl.level != level.level] * n for lvl, n in zip(framework.sheet, counts, strict=True)
        ]
        sheet = Sheet.of(answers, counts)
        yield (
            "ladder_finish_modal",
            {
                "metadata": "{}",
                "preview": preview(framework=framework, person=_Person("AH"), sheet=sheet),
                "colours": sheet.colours(),
                "ask_target": True,
                "level_names": names,
                "beyond": beyond_the_sheet(framework),
            },
        )
    longest_checkpoint = max((c.name for c in framework.checkpoints), key=len)
    yield "ladder_closed", {"intro": "No ladder checkpoint is open now."}
    yield (
        "ladder_next_window",
        {
            "name": longest_checkpoint,
            "opens": date(2027, 2, 1),
            "closes": date(2027, 3, 15),
        },
    )
    yield "not_on_roster", {"trust": framework.trust}
    yield "not_saved", {"what": "feedback", "reason": "", "typed": ["words"]}
    yield "notice", {"text": "Done", "warning": False}
    yield "notice_modal", {"text": "Done", "warning": True}
    checkpoint = {"name": longest_checkpoint, "closes": date(2026, 10, 15), "year": "2026-27"}
    yield "nudge_appraisees", {**checkpoint, "closed": True, "appraisees": ["<@UB>"]}
    yield "nudge_checkpoint_closing", checkpoint
    yield "nudge_checkpoint_open", checkpoint
    last = max(framework.school_holidays, key=lambda h: h.end, default=None)
    yield (
        "nudge_holidays",
        {
            "run_out": last.end if last else None,
            "last_holiday": last.name if last else None,
            "year": "2028-29",
            "trust": framework.trust,
        },
    )
    yield (
        "nudge_star",
        {"need": "baseline", "project_id": 1, "owner": "<@UB>", "to_appraiser": False},
    )
    visit = {
        "visit_id": 1,
        "observee": "<@UB>",
        "observer": "<@UA>",
        "visited_on": date(2026, 10, 21),
        "verbal_due": date(2026, 11, 4),
    }
    yield "nudge_verbal_due", visit
    yield "nudge_verbal_overdue", {**visit, "to_manager": True}
    yield "nudge_written_due", {**visit, "written_due": date(2026, 11, 11)}
    yield "nudge_written_overdue", {**visit, "written_due": date(2026, 11, 11), "to_manager": False}
    yield (
        "staffroom_help",
        {
            "pending": Pending(
                ladder_closes=date(2026, 10, 15) if framework.has_ladder else None,
                ladder_checkpoint=longest_checkpoint,
                visits=[VisitOwed("<@UB>", date(2026, 9, 14), date(2026, 9, 21), None, True)],
                star_needs=["baseline"],
            ),
            "trust": framework.trust,
            "has_ladder": framework.has_ladder,
        },
    )
    status = _status(framework)
    yield "star_confirm_final", {"value": 70.0, "method": "Register", "payload": "{}"}
    yield "star_evaluate_modal", {"metadata": "{}", "status": status}
    yield "star_evaluation_request", {"status": status}
    yield "star_measure_modal", {"status": status, "metadata": "{}"}
    yield (
        "star_new_modal",
        {
            "today": "2026-11-23",
            "sharing_day": status.sharing_day,
            "sharing_month": status.sharing_month,
        },
    )
    yield "star_note_modal", {"metadata": "{}"}
    yield "star_started", {"status": status}
    yield "star_status", {"status": status, "intro": None}
    yield "star_usage", {}
    school = SchoolView(
        school="Saltash Primary",
        quiet=False,
        commendations=Figure(3, 1),
        people_praised=Figure(2, 1),
        top_values=[(v.name, 2) for v in values[:3]],
        feedback=Figure(3, 1),
        visits=Figure(1, 0),
        top_standards=[
            (s.code, 2) for s in next(iter(framework.standard_sets.values())).standards[:3]
        ],
        ratings=[(r.code, 1) for r in framework.ratings],
        overdue_written=Figure(0, 0),
        star_stages=[(1, 1)],
        kpis_measured=Figure(1, 0),
        kpis_improved=Figure(1, 0),
        ladder_percent=50 if framework.has_ladder else None,
        below_expected=Figure(1, 0),
        public=[PublicPraise("<@UA>", ["<@UB>"], "Thanks")],
    )
    yield (
        "summary",
        prepare(
            [school],
            small_group=framework.small_group,
            scope=framework.trust,
            start=NOW,
            end=NOW,
            zone=framework.timezone,
            checkpoint=longest_checkpoint,
            commendations=3,
            feedback=3,
        ),
    )
    yield "summary_reply", {"reply": "usage", "weekday": 4, "at": "15:00"}
    yield "unexpected_error", {}
    yield (
        "visit_logged",
        {
            **visit,
            "written_due": date(2026, 11, 11),
            "verbal_given": False,
            "written": False,
            "observee_slack_id": "UB",
        },
    )
    yield "visit_logged_reply", {"verbal_due": date(2026, 11, 4), "written_due": date(2026, 11, 11)}


def framework_texts(framework: Framework) -> list[str]:
    texts = [framework.trust, framework.rating_scale, *(v.name for v in framework.values)]
    texts += [r.meaning for r in framework.ratings]
    texts += [c.name for c in framework.checkpoints]
    for standard_set in framework.standard_sets.values():
        texts += [standard_set.name, standard_set.key, standard_set.about]
        for s in standard_set.standards:
            texts += [s.name, s.heading, s.outstanding, s.below, *s.guidance]
    for level in framework.ladder:
        texts += [level.name, level.title, level.description, *level.criteria, *level.statements]
    for goal in framework.goals:
        texts += [goal.name, *goal.objectives]
    return [t for t in texts if t]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", html.unescape(text)))


def test_every_template_is_rendered_here():
    rendered = {template for template, _ in contexts(load_framework("smart"))}
    assert rendered == set(TEMPLATES)


@pytest.mark.parametrize("trust", TRUSTS)
def test_nothing_is_cut_mid_word_and_what_is_shortened_is_shown_whole(trust):
    framework = load_framework(trust)
    texts = framework_texts(framework)
    sources = " ".join(p.read_text(encoding="utf-8") for p in TEMPLATES_DIR.rglob("*.j2"))
    vocabulary = set().union(*(_words(t) for t in texts)) | _words(sources)
    checked = 0
    for template, context in contexts(framework):
        output = render(template, **context)
        kind = "view" if output.get("type") in ("modal", "home") else "message"
        problems = view_problems(output) if kind == "view" else message_problems(output)
        assert problems == [], (template, problems)
        strings = list(_strings(output))
        whole = "\n".join(strings)
        for text in strings:
            for match in re.finditer(r"(\w+)\W*…", text):
                assert match[1] in vocabulary, (template, text[max(0, match.start() - 40) :])
        for text in texts:
            if len(text) < 40:
                continue
            for escape in (str, slack_escape):
                start = escape(text)[:30]
                if start in whole:
                    # shown from its start: shown whole (it, or a text beginning the same way),
                    # as plain text or as mrkdwn
                    alike = [t for t in texts if escape(t).startswith(start)]
                    shown = [t for t in alike if t in whole or slack_escape(t) in whole]
                    assert shown, (template, text)
        checked += 1
    assert checked >= len(TEMPLATES) - (0 if framework.has_ladder else 5)
