"""Nothing the trusts wrote is cut mid-word, anywhere: every template, rendered for SMART and
for SHARE with the longest texts of their framework files (statements, standards,
descriptors, guidance, rating meanings, level summaries, names), is within Slack's limits;
where a text had to be shortened it ends at a whole word with "…"; and a framework text
whose beginning is shown is shown whole somewhere in the same view or message."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, get_args

import pytest

from bot.commend.give import MAX_MESSAGE
from bot.commend.received import PraiseSummary, ReceivedPraise
from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework, load_framework
from bot.core.framework_parts import LADDER_LEVELS
from bot.core.people import mention
from bot.feedback.form import standard_groups
from bot.feedback.records import FeedbackRecord, StandardView
from bot.home.dashboard import FEEDBACK_SHOWN as HOME_FEEDBACK_SHOWN
from bot.home.dashboard import OWED_SHOWN, PRAISE_SHOWN, Home, Owed, OwedKind
from bot.home.facts import Facts, Moment, Overdue
from bot.home.followup import SCHOOLS_PAGE, FollowUp, lists_for
from bot.home.pending import Pending, VisitOwed
from bot.home.record import FEEDBACK_SHOWN as RECORD_FEEDBACK_SHOWN
from bot.home.record import VISITS_SHOWN, Record, VisitLine
from bot.home.team import TEAM_PAGE, Team
from bot.ladder.grid import Grid, GridRow, beyond_the_sheet, level_names, statements
from bot.ladder.rules import Sheet
from bot.ladder.sheets import preview
from bot.ladder.windows import checkpoint_windows
from bot.nudges.objectives import SHOWN
from bot.objectives import rules as objective_rules
from bot.objectives.training import MAX_LEARNED, MAX_TITLE, views_of
from bot.objectives.view import ObjectivesView, StarLink, shape
from bot.star.rules import kpi_change
from bot.star.view import MeasurementView, NoteView, Status
from bot.summary.figures import PublicPraise
from bot.summary.post import Figure, SchoolView, prepare
from messages import render, slack_escape
from messages.limits import message_problems, view_problems
from storage.models import (
    LeaderScope,
    LeadershipTraining,
    Objective,
    ObjectiveReview,
    ObjectiveSet,
    Role,
    Staff,
)

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


YEAR = AcademicYear.of(NOW.date())
SCHOOL = "St Mary and St Peter's Church of England Voluntary Aided Primary School and Nursery"
GRADE = "UPS3 (Upper Pay Scale) with TLR 2b"
OBJECTIVE_STATES = ("none", "written", "talk", "agreed", "reviewed")


def _typed(framework: Framework, limit: int) -> str:
    """The most someone may type (`limit` characters), in the trust's own words: its goals'
    objectives over and over, ending at a whole word, so that wherever a template shortens
    it the last word shown is one the check knows."""
    sentences = [o for goal in framework.goals for o in goal.objectives] or [framework.trust]
    text = "; ".join(sentences)
    while len(text) <= limit:
        text += "; " + "; ".join(sentences)
    return text[: limit + 1].rsplit(" ", 1)[0].rstrip(";")


def _staff(
    number: int,
    name: str = "Alexandra Montgomery-Fotheringham",
    *,
    school: str = SCHOOL,
    standards: str | None = None,
    appraiser_id: int | None = None,
    leader: LeaderScope | None = None,
) -> Staff:
    return Staff(
        id=number,
        email=f"staff{number}@example.org",
        name=name,
        school=school,
        role=Role.TEACHER,
        grade=GRADE,
        appraiser_id=appraiser_id,
        leader=leader,
        slack_user_id=f"U{number:010d}",
        standards=standards,
        created_at=NOW,
        updated_at=NOW,
    )


APPRAISER = _staff(2, leader=LeaderScope.TRUST)


def _mentions(count: int, start: int = 1000) -> list[str]:
    return [mention(_staff(start + n)) for n in range(count)]


def _in_last_review(framework: Framework) -> datetime:
    """A moment in the year's last review window: every review checkpoint has opened."""
    window = objective_rules.review_windows(framework, YEAR)[-1]
    return datetime.combine(window.opens, time(10), framework.zone)


def _objectives(framework: Framework, set_key: str, state: str, now: datetime) -> ObjectivesView:
    """A person's objectives as the app shapes them from stored rows (bot.objectives.view.
    shape), at their longest: 1,500 characters each, the 4 standards of their set with the
    longest names, the highest target (none in a trust without a ladder), a 1,500-character
    comment to talk about them and, once reviewed, a status and a 1,500-character comment at
    every review checkpoint. `state`: one of OBJECTIVE_STATES."""
    person = _staff(1, standards=set_key, appraiser_id=APPRAISER.id)
    standard_set = framework.standard_sets[set_key]
    longest = _longest(
        standard_set.standards, key=lambda s: len(s.name), n=objective_rules.MAX_STANDARDS
    )
    agreed = state in ("agreed", "reviewed")
    found: ObjectiveSet | None = None
    objectives: list[Objective] = []
    reviews: list[ObjectiveReview] = []
    if state != "none":
        found = ObjectiveSet(
            id=1,
            staff_id=1,
            academic_year=YEAR.label,
            version=3,
            target_level=LADDER_LEVELS if framework.has_ladder else None,
            agreed_at=datetime(2026, 9, 25, 10, tzinfo=UTC) if agreed else None,
            agreed_by=APPRAISER.id if agreed else None,
            talk_comment=_typed(framework, objective_rules.MAX_COMMENT) if state == "talk" else "",
            created_at=NOW,
            updated_at=NOW,
        )
        objectives = [
            Objective(
                set_id=1,
                number=number,
                text=_typed(framework, objective_rules.MAX_TEXT),
                standards=[s.code for s in longest] if number == objective_rules.MAIN_ROLE else [],
            )
            for number in objective_rules.NUMBERS
        ]
    if state == "reviewed":
        reviews = [
            ObjectiveReview(
                set_id=1,
                number=number,
                checkpoint=checkpoint.key,
                status=max(
                    objective_rules.statuses_at(framework, checkpoint.key), key=lambda s: len(s)
                ),
                comment=_typed(framework, objective_rules.MAX_COMMENT),
                reviewed_by=APPRAISER.id,
                reviewed_at=now,
            )
            for checkpoint in objective_rules.review_checkpoints(framework)
            for number in objective_rules.NUMBERS
        ]
    return shape(
        framework,
        SchoolCalendar(framework),
        person,
        YEAR.label,
        found,
        objectives,
        reviews,
        {2: APPRAISER},
        StarLink(1, "Lego club", 6),
        found.target_level if found else None,
        now,
    )


def _no_sheets(framework: Framework) -> Grid:
    """The grid of someone who has filled in no ladder sheet this year (bot.ladder.grid.grid_of
    with no sheets): what a trust without a ladder always shows."""
    return Grid(
        person="<@UUMA>",
        year=YEAR.label,
        checkpoints=[
            (w.key, w.checkpoint.heading, w.checkpoint.name)
            for w in checkpoint_windows(framework, YEAR)
        ],
        rows=[
            GridRow(
                level.level, level.name, level.title, {c.key: None for c in framework.checkpoints}
            )
            for level in framework.sheet
        ],
        reached={},
        target=None,
        expected=framework.expected_level(GRADE),
        band=None,
        latest=None,
        next_points=[],
        other_points=0,
        beyond=beyond_the_sheet(framework),
    )


def _facts(framework: Framework, count: int, start: int, school: str = SCHOOL) -> list[Facts]:
    """What the dashboards say about `count` people, everything overdue."""
    states = ("none", "written", "talk", "agreed")
    bands = ("red", "new_to_role", "expected", "beyond") if framework.has_ladder else (None,)
    facts = []
    for n in range(count):
        person = _staff(start + n, school=school, appraiser_id=APPRAISER.id)
        facts.append(
            Facts(
                person=person,
                mention=mention(person),
                objectives=states[n % len(states)],  # type: ignore[arg-type]
                objectives_set_id=start + n,
                reviewed_now=n % 2 == 0,
                ladder_filled=False,
                ladder_level=1 if framework.has_ladder else None,
                expected=4 if framework.has_ladder else None,
                band=bands[n % len(bands)],  # type: ignore[arg-type]
                levels_below=3 if framework.has_ladder else 0,
                star_stage=1 + n % 6 if n % 7 else None,
                has_baseline=False,
                visits_term=0,
                feedback_term=0,
                praise_half_term=0,
                written_overdue=12,
                overdue=list(get_args(Overdue)),
            )
        )
    return facts


def _home(framework: Framework, view: ObjectivesView, now: datetime, owed_from: int = 0) -> Home:
    """An appraiser's and trust leader's Home at its fullest: a page of things owed of every
    kind (from the `owed_from`th) and more, praise and feedback at their longest, a full page
    of appraisees and of schools, with more pages."""
    moment = Moment.at(framework, SchoolCalendar(framework), now)
    longest_checkpoint = max((c.name for c in framework.checkpoints), key=len)
    mentioned = ("visit", "agree", "review", "confirm_evaluation")
    kinds = get_args(OwedKind)
    owed = [
        Owed(
            kind,
            value="12345",
            who=longest_checkpoint
            if kind == "ladder"
            else ("<@U0000001234>" if kind in mentioned else ""),
            due=date(2026, 11, 20),
            overdue=True,
        )
        for kind in kinds[owed_from:] + kinds[:owed_from]
    ]
    training = [
        LeadershipTraining(
            staff_id=1,
            title=_typed(framework, MAX_TITLE),
            taken_on=date(2026, 11, 2),
            learned=_typed(framework, MAX_LEARNED),
            created_at=NOW,
        )
        for _ in range(7)
    ]
    longest_review = max((c.name for c in objective_rules.review_checkpoints(framework)), key=len)
    return Home(
        person=_staff(1, appraiser_id=APPRAISER.id),
        objectives=view,
        star=_status(framework),
        grid=_grid(framework, "red") or _no_sheets(framework),
        praise=PraiseSummary(
            received_count=1234,
            recent=tuple(
                ReceivedPraise("<@U0000001234>", _typed(framework, MAX_MESSAGE), NOW)
                for _ in range(PRAISE_SHOWN)
            ),
        ),
        feedback=[_record(framework)] * HOME_FEEDBACK_SHOWN,
        training=views_of(training),
        owed=owed[:OWED_SHOWN],
        owed_more=len(owed) - OWED_SHOWN,
        team=Team(
            rows=_facts(framework, TEAM_PAGE, 100),
            total=TEAM_PAGE * 3,
            page=1,
            pages=3,
            ladder_checkpoint=longest_checkpoint,
            review_checkpoint=longest_review,
        ),
        follow_up=FollowUp(
            whole_trust=True,
            schools=[
                lists_for(_facts(framework, 40, 1000 + 100 * n, f"{SCHOOL} {n}"), f"{SCHOOL} {n}")
                for n in range(SCHOOLS_PAGE)
            ],
            total_schools=SCHOOLS_PAGE * 3,
            page=1,
            pages=3,
            ladder_checkpoint=longest_checkpoint,
        ),
        moment=moment,
        pages={"team": 1, "schools": 1},
    )


def _record_of(framework: Framework, view: ObjectivesView, appraiser: bool) -> Record:
    """A person's record as their appraiser (or a leader) opens it, at its fullest (with no
    ladder sheet filled in while their objectives are not written)."""
    return Record(
        staff_id=1,
        person=view.person,
        slack_user_id=view.slack_user_id,
        school=SCHOOL,
        grade=GRADE,
        objectives=view,
        star=_status(framework),
        grid=(view.written and _grid(framework, "red")) or _no_sheets(framework),
        feedback=[_record(framework)] * RECORD_FEEDBACK_SHOWN,
        visits=[
            VisitLine("<@U0000001234>", date(2026, 11, 2), written=n % 2 == 0)
            for n in range(VISITS_SHOWN)
        ],
        viewer_is_appraiser=appraiser,
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
                star_missing=True,
                star_needs=["baseline", "final", "evaluation"],
                evaluations_to_confirm=_mentions(3),
                objectives_to_write=True,
                objectives_talk=True,
                objectives_to_agree=_mentions(30),
                objectives_to_review=_mentions(30),
                review_checkpoint=max(
                    (c.name for c in objective_rules.review_checkpoints(framework)), key=len
                ),
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
    yield from _appraisal_contexts(framework)


def _appraisal_contexts(framework: Framework) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objectives, the App Home and its record, the report: as bot.objectives, bot.home
    and handlers.objectives/home/report render them, at their longest."""
    now = _in_last_review(framework)
    longest_set = max(
        framework.standard_sets,
        key=lambda key: max(len(s.name) for s in framework.standard_sets[key].standards),
    )
    views = {state: _objectives(framework, longest_set, state, now) for state in OBJECTIVE_STATES}
    agree_by = objective_rules.agreement_window(framework, YEAR).closes
    names = level_names(framework)
    for set_key, standard_set in framework.standard_sets.items():
        for state in ("none", "written", "talk"):  # the form, until they are agreed
            yield (
                "objectives_modal",
                {
                    "view": _objectives(framework, set_key, state, now),
                    "standards": standard_set,
                    "level_names": names,
                    "agree_by": agree_by,
                },
            )
    for state in ("agreed", "reviewed"):
        yield "objectives_view_modal", {"view": views[state]}
        yield "objectives_agreed", {"view": views[state]}
    for number, view in enumerate(views.values()):
        for appraiser in (True, False):
            yield "objectives_view", {"view": view, "appraiser": appraiser}
            yield "record_modal", {"record": _record_of(framework, view, appraiser)}
        yield (
            "home",
            {
                "trust": framework.trust,
                "has_ladder": framework.has_ladder,
                "on_roster": True,
                "home": _home(framework, view, now, number * OWED_SHOWN % len(get_args(OwedKind))),
                "level_names": names,
            },
        )
    yield "home", {"trust": framework.trust, "on_roster": False, "has_ladder": framework.has_ladder}
    for result, state in (
        (None, "written"),
        (None, "talk"),
        ("changed", "written"),
        ("agreed", "agreed"),
        ("already", "reviewed"),
    ):
        yield "objectives_to_agree", {"view": views[state], "result": result}
    for has_appraiser in (True, False):
        view = views["written"]
        yield (
            "objectives_saved",
            {
                "view": view,
                "appraiser": None,
                "has_appraiser": has_appraiser,
            },
        )
    talk = views["talk"]
    yield (
        "objectives_talk",
        {"view": talk, "appraiser": mention(APPRAISER), "comment": talk.talk_comment},
    )
    yield "objectives_talk_modal", {"view": talk, "metadata": '{"set_id": 1}'}
    for checkpoint in objective_rules.review_checkpoints(framework):
        for state in ("agreed", "reviewed"):
            yield (
                "objectives_review_modal",
                {
                    "view": views[state],
                    "metadata": f'{{"set_id": 1, "checkpoint": "{checkpoint.key}"}}',
                    "checkpoint": checkpoint.name,
                    "key": checkpoint.key,
                    "statuses": tuple(
                        s.value for s in objective_rules.statuses_at(framework, checkpoint.key)
                    ),
                },
            )
        yield (
            "objectives_reviewed",
            {"view": views["reviewed"], "checkpoint": checkpoint.name, "key": checkpoint.key},
        )
    yield (
        "objectives_nudge_write",
        {
            "year": YEAR.label,
            "agree_by": agree_by,
            "leadership": framework.leadership_objective.name,
        },
    )
    yield (
        "objectives_nudge_unagreed",
        {
            "year": YEAR.label,
            "closed": agree_by,
            "checkpoint": objective_rules.agreement_window(framework, YEAR).checkpoint.name,
            "written": _mentions(SHOWN),
            "unwritten": _mentions(SHOWN, 2000),
            "more_written": 60,
            "more_unwritten": 60,
        },
    )
    longest_review = max(
        objective_rules.review_windows(framework, YEAR), key=lambda w: len(w.checkpoint.name)
    )
    for closing in (False, True):
        yield (
            "objectives_nudge_review",
            {
                "checkpoint": longest_review.checkpoint.name,
                "closes": longest_review.closes,
                "closing": closing,
                "due": [
                    {"who": mention(p), "name": p.name, "set_id": p.id}
                    for p in (_staff(3000 + n) for n in range(SHOWN))
                ],
                "more": 30,
            },
        )
    holiday = max((h.name for h in framework.school_holidays), key=len, default="the holiday")
    yield (
        "objectives_nudge_praise",
        {"since": date(2026, 11, 2), "holiday": holiday, "unpraised": _mentions(SHOWN), "more": 30},
    )
    yield (
        "home_follow_up_modal",
        {"school": lists_for(_facts(framework, 600, 5000), SCHOOL)},
    )
    yield "home_training_modal", {"today": now.date().isoformat()}
    yield "report_ready", {"state": "coming"}
    yield "report_ready", {"state": "here", "name": _staff(1).name, "year": YEAR.label}


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


def _empty(node: Any, where: str = "") -> Iterator[str]:
    """What slack_sdk lets through and Slack refuses ("must be more than 0 characters", "must
    provide at least 1 items"): a text object with no text, a list of options or elements
    with nothing in it."""
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and not str(node.get("text", "")).strip():
            yield f"{where}: empty text"
        for key, value in node.items():
            if key in ("options", "initial_options", "option_groups", "elements") and value == []:
                yield f"{where}.{key}: empty"
            yield from _empty(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _empty(value, f"{where}[{index}]")


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
        assert list(_empty(output.get("blocks"), "blocks")) == [], template
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
