"""Templates: escaping, splitting, a golden message, and Slack's limits on every
message and view the app renders, filled to the largest input the app accepts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.feedback.records import FeedbackRecord, StandardView
from messages import render, slack_escape
from messages.limits import message_problems, view_problems
from messages.render import chunks

TEN = [f"<@U{i:09d}>" for i in range(10)]
LONGEST = "&<>" * 1000  # 3,000 typed characters, each escaping to several


def test_escape_shows_what_was_typed_and_pings_nobody():
    assert slack_escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert slack_escape("hi <@U123ABC> and <!channel> <#C1|x> <https://x.y|z>") == (
        "hi &lt;@U123ABC&gt; and &lt;!channel&gt; &lt;#C1|x&gt; &lt;https://x.y|z&gt;"
    )
    assert slack_escape("<@U1|name>") == "&lt;@U1|name&gt;"


@pytest.mark.parametrize("size", [12, 50, 3000])
def test_chunks_never_split_an_entity_or_mention(size):
    text = slack_escape("ab&cd <@U12345> " * 400)
    pieces = chunks(text, size)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    for piece in pieces:
        assert len(piece) <= size
        assert piece.count("&") == piece.count(";")
        assert piece.count("<") == piece.count(">")


def test_commend_received_golden():
    message = render(
        "commend_received",
        author="<@UALICE>",
        others=["<@UCAROL>"],
        message="Thanks for covering my duty & more",
        value_name="Praise positive",
        values_name="EQUIP",  # what the framework calls its values
        public=False,
        channel="#celebrations",
    )
    # Every mrkdwn text is verbatim: Slack links nothing in it that the template did not write.
    assert message == {
        "text": "<@UALICE> commended you and <@UCAROL>: Thanks for covering my duty &amp; more",
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":tada: *<@UALICE> commended you and <@UCAROL>*",
                    "verbatim": True,
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Thanks for covering my duty &amp; more",
                    "verbatim": True,
                },
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "EQUIP value: *Praise positive*", "verbatim": True},
                    {
                        "type": "mrkdwn",
                        "text": "Private: seen by you, your appraiser and your school's leaders.",
                        "verbatim": True,
                    },
                ],
            },
        ],
    }


COMMON = {
    "author": "<@UALICE>",
    "message": LONGEST,
    "value_name": "x" * 75,
    "channel": "#celebrations",
}


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize(
    ("template", "extra"),
    [
        ("commend_received", {"others": TEN[1:]}),
        ("commend_copy", {"appraisees": TEN}),
        ("commend_confirmation", {"recipients": TEN}),
        ("commend_public", {"recipients": TEN}),
    ],
)
def test_every_commend_message_is_within_limits_at_its_largest(template, extra, public):
    message = render(template, **COMMON, **extra, public=public)
    assert message_problems(message) == []
    assert "&amp;&lt;&gt;" in message["text"]  # the fallback is escaped too


@pytest.mark.parametrize("value_name", [None, "Inspire learning"])
def test_public_post_without_a_value_is_valid(value_name):
    message = render(
        "commend_public",
        **{**COMMON, "message": "short", "value_name": value_name},
        recipients=["<@UB>"],
        public=True,
    )
    assert message_problems(message) == []


def test_views_and_notices_are_within_limits(framework):
    modal = render(
        "commend_modal",
        values=framework.values,
        channel="#" + "c" * 80,
        max_recipients=10,
        max_message=3000,
    )
    assert view_problems(modal) == []
    # The App Home at its extremes is checked in tests/test_home.py, drawn from real data.
    assert view_problems(render("home", trust=framework.trust * 5, on_roster=False)) == []
    assert message_problems(render("notice", text="Nope", warning=True)) == []
    assert render("not_on_roster", trust="A & B")["text"].startswith(
        "You are not on the staff roster for A &amp; B"
    )
    assert render("unexpected_error")["text"]


def test_limits_checker_catches_what_slack_would_refuse():
    too_many = {"text": "x", "blocks": [{"type": "divider"}] * 51}
    assert "51 blocks (> 50)" in message_problems(too_many)
    assert "message has no plain-text fallback `text`" in message_problems({"blocks": []})
    long_section = {
        "text": "x",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}],
    }
    # The wording is slack_sdk's own (its models validate Block Kit): one problem, this one.
    assert message_problems(long_section) == [
        "block 0 (section): text attribute cannot exceed 3000 characters"
    ]
    eleven = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title that is far too long"},
        "blocks": [
            {
                "type": "input",
                "block_id": "b",
                "element": {
                    "type": "checkboxes",
                    "action_id": "a",
                    "options": [
                        {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)}
                        for i in range(11)
                    ],
                },
            }
        ],
    }
    problems = view_problems(eleven)
    assert "block 0 (input): input without a label" in problems
    assert any("11 options (> 10)" in p for p in problems)
    assert any("title" in p for p in problems)
    long_label = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "t"},
        "blocks": [
            {
                "type": "input",
                "block_id": "b",
                "label": {"type": "plain_text", "text": "l" * 2001},
                "element": {
                    "type": "static_select",
                    "action_id": "a",
                    "option_groups": [
                        {
                            "label": {"type": "plain_text", "text": "g"},
                            "options": [
                                {"text": {"type": "plain_text", "text": "o"}, "value": "v" * 76}
                            ],
                        }
                    ],
                },
            }
        ],
    }
    # slack_sdk's models stop at a block's first problem: the label here.
    assert view_problems(long_label) == [
        "block 0 (input): label attribute cannot exceed 2000 characters"
    ]


def test_local_date_uses_the_trust_time_zone():
    from messages.render import local_date

    late_evening_utc = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
    assert local_date(late_evening_utc, "Europe/London") == "1 July 2026"


BIGGEST_FEEDBACK = FeedbackRecord(
    feedback_id=1,
    observer="<@UA>",
    observee="<@UB>",
    observed_on=date(2026, 11, 23),
    context="other",
    context_detail="d" * 200,
    standards=[
        StandardView(code=f"QE{n}", name="n" * 200, rating="G*", rating_name="Gold")
        for n in range(1, 5)
    ],
    strengths=LONGEST,
    development=LONGEST,
    next_steps=LONGEST,
    created_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
)


@pytest.mark.parametrize(
    "template", ["feedback_received", "feedback_copy", "feedback_confirmation"]
)
@pytest.mark.parametrize("completes_visit", [True, False])
def test_feedback_messages_are_within_limits_at_their_largest(template, completes_visit):
    message = render(template, feedback=BIGGEST_FEEDBACK, completes_visit=completes_visit)
    assert message_problems(message) == []


def test_feedback_modals_are_within_limits_for_every_standard_set(framework):
    from bot.core.framework import load_framework
    from bot.feedback.form import StandardGroup, standard_groups

    assert (
        view_problems(
            render(
                "feedback_subject_modal", observee="UB", observed_on="2026-11-23", max_detail=200
            )
        )
        == []
    )
    summary = {
        "name": "N" * 200,
        "context": "other",
        "detail": "d" * 200,
        "observed_on": date(2026, 11, 23),
    }
    for trust in (framework, load_framework("share")):
        for standard_set in trust.standard_sets.values():
            for groups in (
                standard_groups(standard_set),
                [StandardGroup("x" * 100, standard_set.standards)],
            ):
                view = render(
                    "feedback_standards_modal",
                    metadata="{}",
                    subject=summary,
                    standard_set=standard_set,
                    max_standards=4,
                    groups=groups,
                )
                assert view_problems(view) == []
            longest = sorted(
                standard_set.standards,
                key=lambda s: len(s.outstanding + s.below + "".join(s.guidance)),
            )[-4:]
            view = render(
                "feedback_write_modal",
                metadata="{}",
                subject=summary,
                standards=longest,
                standard_set=standard_set,
                ratings=trust.ratings,
                rating_scale=trust.rating_scale,
                max_text=3000,
            )
            assert view_problems(view) == []


@pytest.mark.parametrize("verbal_given", [True, False])
@pytest.mark.parametrize("written", [True, False])
def test_visit_message_is_valid_in_every_state(verbal_given, written):
    message = render(
        "visit_logged",
        visit_id=7,
        observee="<@UB>",
        visited_on=date(2026, 12, 17),
        verbal_due=date(2027, 1, 7),
        written_due=date(2027, 1, 14),
        verbal_given=verbal_given,
        written=written,
    )
    assert message_problems(message) == []
    buttons = [
        b for block in message["blocks"] if block["type"] == "actions" for b in block["elements"]
    ]
    assert len(buttons) == (not verbal_given) + (not written)


# --- the ladder ------------------------------------------------------------------


def _full_grid(framework, band="red", expected=4):
    from bot.ladder.grid import Grid, GridRow, beyond_the_sheet, statements
    from bot.ladder.rules import Sheet

    counts = [len(level.statements) for level in framework.sheet]
    sheet = Sheet.of([[False] * n for n in counts], counts)  # every statement a blank
    colours = sheet.colours()
    return Grid(
        person="<@UUMA>",
        year="2026-27",
        checkpoints=[
            ("sep", "Sep", "September"),
            ("mid", "Mid", "Mid-year"),
            ("jul", "Jul", "July"),
        ],
        rows=[
            GridRow(
                level=n,
                name=framework.ladder[n - 1].name,
                title=framework.ladder[n - 1].title,
                cells={"sep": colours[n - 1], "mid": colours[n - 1], "jul": colours[n - 1]},
            )
            for n in range(1, 9)
        ],
        reached={"sep": 2, "mid": 2, "jul": 2},
        target=3,
        expected=expected,
        band=band,
        latest="July",
        next_points=statements(framework, [p for p in sheet.development_points if p.level == 7]),
        other_points=60,
        beyond=beyond_the_sheet(framework),
    )


def _level_names(framework):
    return {level.level: level.name for level in framework.ladder}


@pytest.mark.parametrize("offer_higher", [True, False])
def test_every_ladder_level_form_is_within_limits(framework, offer_higher):
    for level in framework.sheet:
        view = render(
            "ladder_level_modal",
            metadata=json.dumps(
                {"cp": "sep", "year": "2026-27", "answers": ["1" * 15] * 7, "prev": ["1" * 15] * 8}
            ),
            level=level,
            last_level=8,
            offer_higher=offer_higher,
            previous=[True] * len(level.statements),
            checkpoint="n" * 60,
            year="2026-27",
        )
        assert view_problems(view) == [], level.level
        inputs = sum(b["type"] == "input" for b in view["blocks"])
        assert inputs == len(level.statements) + offer_higher


@pytest.mark.parametrize("ask_target", [True, False])
@pytest.mark.parametrize("blank_level", [1, 7, None])
def test_ladder_finish_form_is_within_limits(framework, ask_target, blank_level):
    from bot.ladder.grid import beyond_the_sheet
    from bot.ladder.rules import Sheet
    from bot.ladder.sheets import preview

    counts = [len(level.statements) for level in framework.sheet]
    answers = [[level != blank_level] * n for level, n in enumerate(counts, 1)]
    sheet = Sheet.of(answers, counts)
    view = render(
        "ladder_finish_modal",
        metadata="{}",
        preview=preview(framework=framework, person=_Person("AH"), sheet=sheet),
        colours=sheet.colours(),
        ask_target=ask_target,
        level_names=_level_names(framework),
        beyond=beyond_the_sheet(framework),
    )
    assert view_problems(view) == []


class _Person:
    def __init__(self, grade):
        self.grade = grade


@pytest.mark.parametrize("band", ["red", "new_to_role", "expected", "beyond"])
def test_ladder_messages_are_within_limits_with_every_checkpoint_filled(framework, band):
    grid = _full_grid(framework, band)
    names = _level_names(framework)
    for message in (
        render("ladder_saved", grid=grid, checkpoint="September", reached=2, level_names=names),
        render("ladder_appraiser", grid=grid, checkpoint="September", reached=2, level_names=names),
        render(
            "ladder_view",
            grid=grid,
            intro="No ladder checkpoint is open now.",
            you=False,
            level_names=names,
        ),
        render(
            "ladder_view",
            grid=_full_grid(framework, None, None),
            intro="",
            you=True,
            level_names=names,
        ),
    ):
        assert message_problems(message) == []
    assert view_problems(render("notice_modal", text="closed")) == []
    assert message_problems(render("ladder_closed", intro="x")) == []


# --- STAR projects -----------------------------------------------------------------


def _biggest_status(stage=5, evaluated=False):
    from bot.star.rules import kpi_change
    from bot.star.view import MeasurementView, NoteView, Status

    return Status(
        project_id=1,
        owner="<@UB>",
        title="t" * 150,
        academic_year="2026-27",
        stage=stage,
        kpi_name="k" * 150,
        kpi_unit="u" * 30,
        higher_is_better=False,
        kpi_method="&" * 1000,
        measurements=[MeasurementView("baseline", 1e12, date(2026, 11, 23))]
        + [MeasurementView("interim", -1e12 / 3, date(2026, 11, 23))] * 30,
        change=kpi_change(1e12, -1e12 / 3, higher_is_better=False),
        evaluation_submitted=True,
        evaluated=evaluated,
        learned=LONGEST,
        would_share=True,
        notes=[NoteView(5, LONGEST, date(2026, 11, 23))] * 3,
    )


@pytest.mark.parametrize("stage", range(1, 7))
@pytest.mark.parametrize("intro", [None, "started", "measured", "noted", "evaluated"])
def test_star_messages_are_within_limits(stage, intro):
    status = _biggest_status(stage)
    assert message_problems(render("star_status", status=status, intro=intro)) == []
    assert message_problems(render("star_started", status=status)) == []
    for evaluated in (True, False):
        message = render("star_evaluation_request", status=_biggest_status(stage, evaluated))
        assert message_problems(message) == []


def test_star_forms_are_within_limits():
    status = _biggest_status()
    for day, month in (("SMART day", 2), (None, None)):
        new = render("star_new_modal", today="2026-11-23", sharing_day=day, sharing_month=month)
        assert view_problems(new) == []
    assert "perhaps share it at SMART day in February." in json.dumps(
        render("star_new_modal", today="2026-11-23", sharing_day="SMART day", sharing_month=2)
    )
    assert view_problems(render("star_note_modal", metadata='{"project_id": 1}')) == []
    evaluate = render("star_evaluate_modal", metadata='{"project_id": 1}', status=status)
    assert view_problems(evaluate) == []
    assert view_problems(render("star_measure_modal", status=status, metadata="{}")) == []
    question = render("star_confirm_final", value=9e29, method="&" * 1000, payload="{}")
    assert message_problems(question) == []


# --- nudges and help ------------------------------------------------------------------


@pytest.mark.parametrize("closed", [True, False])
def test_nudge_messages_are_within_limits(closed):
    common = {"name": "n" * 60, "closes": date(2026, 10, 15), "year": "2026-27"}
    many = [f"<@U{n:09d}>" for n in range(300)]  # an appraiser of a whole school
    messages = [
        render("nudge_checkpoint_open", **common),
        render("nudge_checkpoint_closing", **common),
        render("nudge_appraisees", **common, closed=closed, appraisees=many),
        render(
            "nudge_written_due",
            visit_id=1,
            observee="<@UB>",
            observer="<@UA>",
            written_due=date(2026, 11, 5),
        ),
        render(
            "nudge_written_overdue",
            visit_id=1,
            observee="<@UB>",
            observer="<@UA>",
            written_due=date(2026, 11, 5),
            to_manager=closed,
        ),
    ] + [
        render("nudge_star", need=need, project_id=1, owner="<@UB>", to_appraiser=closed)
        for need in ("baseline", "final", "evaluation")
    ]
    for message in messages:
        assert message_problems(message) == []


@pytest.mark.parametrize("muted", [True, False])
def test_help_is_within_limits_with_everything_pending(muted):
    from bot.home.pending import Pending, VisitOwed

    pending = Pending(
        reminders_muted=muted,
        ladder_closes=date(2026, 10, 15),
        ladder_checkpoint="September",
        visits=[VisitOwed("<@UB>", date(2026, 9, 14), date(2026, 9, 21), date(2026, 9, 28), True)]
        * 60,
        star_missing=False,
        star_needs=["baseline", "final", "evaluation"],
        evaluations_to_confirm=["<@UC>"] * 40,
    )
    assert message_problems(render("staffroom_help", pending=pending, trust="T" * 200)) == []


def test_a_trust_summary_at_its_largest_is_within_limits():
    from bot.summary.figures import PublicPraise
    from bot.summary.post import Figure, SchoolView, prepare

    big = Figure(10_000, 9_999)
    school = SchoolView(
        school="S" * 200,
        quiet=False,
        commendations=big,
        people_praised=big,
        top_values=[("v" * 75, 99)] * 3,
        feedback=big,
        visits=big,
        top_standards=[("ES1", 99)] * 3,
        ratings=[("G*", 9), ("G", 9), ("A", 9), ("R", 9)],
        overdue_written=big,
        star_stages=[(n, 999) for n in range(1, 7)],
        kpis_measured=big,
        kpis_improved=big,
        ladder_percent=100,
        below_expected=big,
        public=[PublicPraise("<@UA>", [f"<@U{n:08d}>" for n in range(10)], LONGEST)] * 3,
    )
    post = render(
        "summary",
        **prepare(
            [school] * 60,
            small_group=5,
            scope="T" * 200,
            start=datetime(2026, 9, 1, tzinfo=UTC),
            end=datetime(2026, 9, 8, tzinfo=UTC),
            zone="Europe/London",
            checkpoint="September",
            commendations=600_000,
            feedback=600_000,
        ),
    )
    assert message_problems(post) == []
    assert sum(b["type"] == "context" for b in post["blocks"]) == 1 + 10 + 1
