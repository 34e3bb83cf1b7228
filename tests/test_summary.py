"""Leader summaries: each aggregate on a small hand-made data set with known answers,
this week and the week before."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.commend.give import Commend, CommendRequest
from bot.feedback import form as fb
from bot.feedback import visits
from bot.star import measure as star_measure
from bot.summary.figures import summarise, top
from storage.ladder import save_sheet
from storage.models import LeaderScope
from tests.conftest import LONDON
from tests.factories import add_staff, held_up_to, person, start_star_project

NOW = datetime(2026, 9, 30, 10, 0, tzinfo=LONDON)  # a Wednesday; the September window is open
DAY = timedelta(days=1)


def _commend(deps, author, recipients, value, public, at):
    Commend(
        db=deps.db,
        framework=deps.framework,
        now=at,
        is_bot=lambda _: False,
        author=person(deps.db, author),
        request=CommendRequest(recipients, "Thank you!", value=value, public=public),
    )()


def _feedback(deps, observer, observee, standards, ratings, at):
    fb.RecordFeedback(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        now=at,
        is_bot=lambda _: False,
        request=fb.FeedbackRequest(
            subject=fb.Subject(person(deps.db, observer), observee, at.date(), "lesson"),
            standards=standards,
            ratings=ratings,
            strengths="Private words",
        ),
    )()


@pytest.fixture
def week(deps, school, fake_slack):
    """Saltash Primary (the school fixture) and Looe Primary, with a fortnight of records."""
    looe_head = add_staff(
        deps.db, "Otto", slack_user_id="UOTTO", school="Looe Primary", leader=LeaderScope.SCHOOL
    )
    add_staff(deps.db, "Lily", slack_user_id="ULILY", school="Looe Primary", appraiser=looe_head)
    add_staff(
        deps.db, "Tara", slack_user_id="UTRUST", school="Trust office", leader=LeaderScope.TRUST
    )
    # Last week (before 23 Sep 10:00)
    _commend(deps, "UAMIR", ["UALICE"], "Q", False, NOW - 8 * DAY)
    # This week
    _commend(deps, "UALICE", ["UBOB"], "P", True, NOW - 2 * DAY)
    _commend(deps, "UALICE", ["UBOB", "UCAROL"], "P", False, NOW - DAY)
    _commend(deps, "UCAROL", ["ULILY"], "E", True, NOW - DAY)
    _feedback(deps, "UCAROL", "UBOB", ["ES1", "QC3"], {"ES1": "G*"}, NOW - 3 * DAY)
    _feedback(deps, "UAMIR", "UALICE", ["ES1"], {"ES1": "A"}, NOW - DAY)
    for observee, day in (("UBOB", "2026-09-14"), ("UALICE", "2026-09-24")):
        visits.log_visit(
            db=deps.db,
            calendar=deps.calendar,
            observer=person(deps.db, "UAMIR"),
            observee_slack_id=observee,
            visit_date=day,
            now=NOW - DAY,
            is_bot=lambda _: False,
        )
    for owner, later in (("UBOB", "12"), ("UALICE", "8")):
        start_star_project(deps, owner, date(2026, 9, 1), date(2026, 12, 1), NOW - 20 * DAY)
        for value, kind in (("10", None), (later, "interim")):
            star_measure.Measure(
                db=deps.db,
                calendar=deps.calendar,
                owner=person(deps.db, owner),
                reading=star_measure.Reading(value, kind, same_way=False),
                now=NOW - DAY,
            )()
    with deps.db.session() as session:
        for staff_id, reached in ((4, 1), (3, 3)):  # Bob (M3) below his expected 3, Alice at it
            save_sheet(
                session=session,
                staff_id=staff_id,
                academic_year="2026-27",
                checkpoint="sep",
                held=held_up_to(reached),
                level_reached=reached,
                target_level=None,
                now=NOW - DAY,
            )


@pytest.mark.usefixtures("week")
def test_a_school_leaders_summary(deps):
    summary = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=NOW,
    )
    (saltash,) = summary.schools
    this, last = saltash.this_week, saltash.last_week
    assert (this.commendations, this.people_praised, this.values) == (2, 2, {"P": 2})
    assert (last.commendations, last.people_praised, last.values) == (1, 1, {"Q": 1})
    assert (this.feedback, this.visits, this.overdue_written) == (2, 1, 1)
    assert top(this.standards) == [("ES1", 2), ("QC3", 1)]
    assert this.ratings == {"G*": 1, "A": 1}
    assert (this.kpis_measured, this.kpis_improved) == (2, 1)
    assert (this.staff, this.ladder_filled, this.ladder_percent, this.below_expected) == (
        5,
        2,
        40,
        1,
    )
    assert (last.feedback, last.kpis_measured, last.ladder_filled) == (0, 0, 2)
    assert saltash.star_stages == {1: 2}
    assert [(p.author, p.recipients) for p in saltash.public] == [("<@UALICE>", ["<@UBOB>"])]
    assert summary.checkpoint == "September"
    assert summary.weeks[-1][1:] == (2, 2) and summary.weeks[-2][1:] == (1, 0)
    assert len(summary.weeks) == 8


@pytest.mark.usefixtures("week")
def test_a_trust_leaders_summary_goes_school_by_school(deps):
    summary = summarise(
        db=deps.db, framework=deps.framework, calendar=deps.calendar, school=None, now=NOW
    )
    by_school = {s.school: s for s in summary.schools}
    assert list(by_school) == ["Looe Primary", "Saltash Primary", "Trust office"]
    assert by_school["Looe Primary"].this_week.commendations == 1
    assert by_school["Looe Primary"].this_week.values == {"E": 1}
    assert by_school["Saltash Primary"].this_week.commendations == 2
    assert by_school["Trust office"].this_week.quiet
    assert summary.weeks[-1][1:] == (3, 2)  # the whole trust


def test_a_quiet_week(deps, school):
    summary = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=NOW,
    )
    assert summary.quiet
    assert summary.schools[0].this_week.staff == 5


@pytest.mark.usefixtures("week")
def test_the_post_shows_counts_and_never_private_details(deps):
    """With a trust's threshold for small groups at 1 (the default is 5: see below)."""
    import json

    from bot.summary.post import post_context
    from messages import render
    from messages.limits import message_problems

    summary = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=NOW,
    )
    every_group = deps.framework.model_copy(update={"small_group": 1})
    post = render("summary", **post_context(summary, every_group))
    assert message_problems(post) == []
    section = post["blocks"][2]["text"]["text"]
    assert section.splitlines() == [
        "*Praise:* 2 (+1 on the week before) commendations, 2 (+1 on the week before) people "
        "praised; most tagged: Praise positive 2.",
        "*Feedback:* 2 (+2 on the week before) informal, 1 (+1 on the week before) lesson visits; "
        "most observed: ES1 2, QC3 1. RAGG* ratings: G* 1, A 1. Written feedback overdue: 1 (+1 "
        "on the week before).",
        "*STAR projects:* 2 at stage 1. KPIs measured: 2 (+2 on the week before), improved: 1 "
        "(+1 on the week before).",
        "*Ladder (September checkpoint, open):* 40% of staff have filled in their sheet; below "
        "the level expected for their grade: 1.",
    ]
    assert post["blocks"][1]["elements"][0]["text"].endswith(
        "with the change on the week before in brackets. "
        "Counts only: each person's feedback and ratings stay private."
    )
    text = json.dumps(post)
    assert "Private words" not in text  # feedback text never reaches a channel
    # Bob is below his expected level and owed overdue written feedback: he is never named,
    # and mentioned only in the praise its author chose to make public.
    assert "Bob" not in text
    assert text.count("<@UBOB>") == 1
    assert ":star2: <@UALICE> praised <@UBOB>: Thank you!" in text
    assert "G*" not in text.replace("RAGG* ratings: G* 1", "")  # ratings only as counts


@pytest.mark.usefixtures("week")
def test_figures_about_fewer_than_five_people_are_not_shown(deps):
    """One person rated, two observers owing feedback, two sheets filled: each figure would
    point at someone, so the post says so instead of showing it."""
    from bot.summary.post import post_context
    from messages import render

    summary = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=NOW,
    )
    post = render("summary", **post_context(summary, deps.framework))
    lines = post["blocks"][2]["text"]["text"].splitlines()
    assert lines[1].endswith(
        "RAGG* ratings: not shown, as fewer than 5 people were rated. Written feedback overdue: "
        "not shown, as it is about fewer than 5 people."
    )
    assert lines[3] == (
        "*Ladder (September checkpoint, open):* 40% of staff have filled in their sheet; below "
        "the level expected for their grade: not shown, as it is about fewer than 5 people."
    )
    assert "G* 1" not in str(post)


@pytest.mark.usefixtures("week")
def test_a_closed_checkpoint_is_named_as_closed(deps):
    """In November the ladder figures are still September's: the post says that checkpoint
    has closed, and how many filled in their sheet by then."""
    from dataclasses import replace

    from bot.summary.post import post_context
    from messages import render

    november = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=datetime(2026, 11, 11, 10, 0, tzinfo=LONDON),
    )
    assert (november.checkpoint, november.checkpoint_closed) == ("September", True)
    assert november.schools[0].this_week.ladder_filled == 2  # September's sheets still count
    in_the_window = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=NOW,
    )
    assert not in_the_window.checkpoint_closed
    # this week's activity (November's is a quiet week) with the checkpoint as November sees it
    post = render(
        "summary", **post_context(replace(in_the_window, checkpoint_closed=True), deps.framework)
    )
    assert (
        post["blocks"][2]["text"]["text"]
        .splitlines()[3]
        .startswith("*Ladder (September checkpoint, closed):* 40% of staff filled in their sheet; ")
    )


# --- /summary end to end -----------------------------------------------------------------


@pytest.fixture
def at_now(clock):
    clock.now = NOW
    return clock


@pytest.mark.usefixtures("week", "at_now")
def test_a_school_leader_posts_the_summary_with_its_chart(slack, fake_slack):
    from messages.limits import message_problems

    response = slack.command("/summary", "", user_id="UHEAD", channel_id="C0STAFF")
    slack.drain()

    assert response.status_code == 200
    (post,) = fake_slack.messages_to("C0STAFF")
    assert message_problems(post) == []
    assert post["text"] == (
        "Appraisal this week: Saltash Primary. 2 commendations and 2 pieces of feedback."
    )
    (upload_url,) = fake_slack.calls_to("files.getUploadURLExternal")
    assert upload_url.params["filename"] == "staffroom-summary.png"
    (upload,) = fake_slack.calls_to("upload")
    assert upload.params["bytes"].startswith(b"\x89PNG")
    (complete,) = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0STAFF"
    (posted,) = fake_slack.calls_to("chat.postMessage")
    assert complete.params["thread_ts"] == posted.answer["ts"]  # the chart sits under the post
    assert fake_slack.responses() == []


@pytest.mark.usefixtures("week", "at_now")
def test_a_trust_leader_posts_school_by_school(slack, fake_slack):
    slack.command("/summary", "", user_id="UTRUST", channel_id="C0TRUST")
    slack.drain()
    (post,) = fake_slack.messages_to("C0TRUST")
    sections = [b["text"]["text"] for b in post["blocks"] if b["type"] == "section"]
    assert [s.split("\n")[0] for s in sections] == ["*Saltash Primary*", "*Looe Primary*"]
    assert post["blocks"][-1]["elements"][0]["text"] == "2 of 3 schools had activity this week."


@pytest.mark.usefixtures("week", "at_now")
@pytest.mark.parametrize(
    ("user", "channel", "reply"),
    [
        ("UBOB", "C0STAFF", "Only school and trust leaders can post summaries."),
        ("UVISITOR", "C0STAFF", "You are not on the staff roster"),
        ("UHEAD", "D0DM", "Summaries are posted in a channel"),
    ],
)
def test_summary_refusals_post_nothing(slack, fake_slack, user, channel, reply):
    slack.command("/summary", "", user_id=user, channel_id=channel)
    slack.drain()
    assert fake_slack.calls_to("chat.postMessage") == []
    (answer,) = fake_slack.responses()
    assert answer["response_type"] == "ephemeral" and reply in answer["text"]


@pytest.mark.usefixtures("week", "at_now")
def test_a_channel_the_app_is_not_in(slack, fake_slack):
    fake_slack.script("chat.postMessage", error="not_in_channel")
    slack.command("/summary", "", user_id="UHEAD", channel_id="C0PRIVATE")
    slack.drain()
    assert "Add me with `/invite @staffroom`" in fake_slack.responses()[0]["text"]
    assert fake_slack.calls_to("files.getUploadURLExternal") == []


@pytest.mark.usefixtures("week", "at_now")
def test_the_summary_posts_even_when_the_chart_upload_fails(slack, fake_slack):
    fake_slack.script("files.getUploadURLExternal", error="internal_error")
    slack.command("/summary", "", user_id="UHEAD", channel_id="C0STAFF")
    slack.drain()
    assert len(fake_slack.messages_to("C0STAFF")) == 1
    assert fake_slack.calls_to("files.completeUploadExternal") == []


@pytest.mark.usefixtures("at_now")
def test_a_quiet_week_is_a_short_post(slack, fake_slack, school):
    slack.command("/summary", "", user_id="UHEAD", channel_id="C0STAFF")
    slack.drain()
    (post,) = fake_slack.messages_to("C0STAFF")
    assert post["text"] == "Appraisal this week: Saltash Primary: a quiet week."


@pytest.mark.usefixtures("week", "at_now")
def test_weekly_summary_is_posted_once_a_week_however_many_ticks(slack, fake_slack, deps):
    from bot.runtime.slack_client import make_client
    from bot.runtime.tick import tick

    for expected in ("every Friday at 15:00", "already gets the summary every Friday"):
        slack.command("/summary", "weekly", user_id="UHEAD", channel_id="C0STAFF")
        slack.drain()
        assert expected in fake_slack.responses()[-1]["text"]
    client = make_client(deps.settings, paced=True)

    def run(at):
        return tick(
            db=deps.db, framework=deps.framework, calendar=deps.calendar, client=client, now=at
        )

    run(datetime(2026, 10, 2, 14, 55, tzinfo=LONDON))  # Friday, before 15:00
    assert fake_slack.messages_to("C0STAFF") == []
    run(datetime(2026, 10, 2, 15, 5, tzinfo=LONDON))
    run(datetime(2026, 10, 2, 15, 7, tzinfo=LONDON))
    (post,) = fake_slack.messages_to("C0STAFF")
    assert post["text"].startswith("Appraisal this week: Saltash Primary")
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    run(datetime(2026, 10, 9, 15, 5, tzinfo=LONDON))  # the next Friday: the next post
    assert len(fake_slack.messages_to("C0STAFF")) == 2

    slack.command("/summary", "off", user_id="UHEAD", channel_id="C0STAFF")
    slack.drain()
    assert "no longer get the weekly summary" in fake_slack.responses()[-1]["text"]
    run(datetime(2026, 10, 16, 15, 5, tzinfo=LONDON))
    assert len(fake_slack.messages_to("C0STAFF")) == 2


@pytest.mark.usefixtures("week", "at_now")
def test_a_subscription_is_changed_only_by_a_leader_whose_scope_covers_it(slack, fake_slack):
    def say(user, words, channel="C0STAFF"):
        slack.command("/summary", words, user_id=user, channel_id=channel)
        slack.drain()
        return fake_slack.responses()[-1]["text"]

    assert "will get the summary every Friday" in say("UTRUST", "weekly")  # the whole trust
    refused = "only a leader of the trust can change it"
    assert refused in say("UHEAD", "weekly")  # a school leader cannot narrow it to a school
    assert refused in say("UOTTO", "off")  # nor stop it
    assert "will get the summary every Friday" in say("UHEAD", "weekly", "C0SALTASH")
    assert "only a leader of Saltash Primary can change it" in say("UOTTO", "off", "C0SALTASH")
    assert "no longer get the weekly summary" in say("UTRUST", "off", "C0SALTASH")
    assert "no longer get the weekly summary" in say("UTRUST", "off")
