"""The `staffroom` command line, run as an IT admin would, against the fake Slack."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from bot.cli import main
from bot.outbox.queue import Delivery, enqueue
from storage.staff import all_staff
from tests.conftest import LONDON

ROSTER = (
    "email,name,school,role,grade,appraiser_email,leader\n"
    "hannah@saltash.sch.uk,Hannah Head,Saltash Primary,leader,Head,,school\n"
    "amir@saltash.sch.uk,Amir Khan,Saltash Primary,teacher,TLR2,hannah@saltash.sch.uk,\n"
    "alice@saltash.sch.uk,Alice Smith,Saltash Primary,teacher,M2,amir@saltash.sch.uk,\n"
    "bob@saltash.sch.uk,Bob Jones,Saltash Primary,teacher,M3,amir@saltash.sch.uk,\n"
    "newbie@saltash.sch.uk,New Starter,Saltash Primary,support,B,amir@saltash.sch.uk,\n"
)


@pytest.fixture
def env(monkeypatch, database, fake_slack):
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT", "STAFFROOM_FRAMEWORK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("DATABASE_URL", database.url)
    for user_id, email in [
        ("UHANNAH", "hannah@saltash.sch.uk"),
        ("UAMIR", "amir@saltash.sch.uk"),
        ("UALICE", "Alice@Saltash.sch.uk"),
        ("UBOB", "bob@saltash.sch.uk"),
    ]:
        fake_slack.add_user(user_id, email)
    return monkeypatch


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_staff_resolves_slack_users_by_email(env, tmp_path, capsys, fake_slack, database):
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")

    code, out, err = _run(capsys, "import-staff", str(roster))

    assert code == 0, err
    assert "imported 5 staff: 5 new, 0 updated, 0 unchanged, 0 marked inactive" in out
    assert (
        "1 not found in Slack (imported; tried again next import):\n  newbie@saltash.sch.uk" in out
    )
    asked = [c.params["email"] for c in fake_slack.calls_to("users.lookupByEmail")]
    assert sorted(asked) == sorted(line.split(",")[0] for line in ROSTER.splitlines()[1:])
    with database.session() as session:
        ids = {p.email: p.slack_user_id for p in all_staff(session=session)}
    assert ids["alice@saltash.sch.uk"] == "UALICE" and ids["newbie@saltash.sch.uk"] is None

    fake_slack.add_user("UNEWBIE", "newbie@saltash.sch.uk")
    code, out, _ = _run(capsys, "import-staff", str(roster))
    assert code == 0 and "0 new, 1 updated, 4 unchanged" in out
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 6  # only the unresolved one again


def test_invalid_roster_lists_lines_and_imports_nothing(env, tmp_path, capsys, database):
    roster = tmp_path / "staff.csv"
    roster.write_text(
        ROSTER + "bob@saltash.sch.uk,Bob Again,Saltash Primary,teacher,M3,,\n"
        "x@y.uk,X,S,teacher,M1,ghost@saltash.sch.uk,\n",
        encoding="utf-8",
    )

    code, out, err = _run(capsys, "import-staff", str(roster))

    assert code == 1 and out == ""
    assert err.splitlines() == [
        "line 7: duplicate email bob@saltash.sch.uk (first on line 5)",
        "line 8: appraiser ghost@saltash.sch.uk is not in the roster",
        "staffroom: 2 problem(s) in the roster; nothing was imported",
    ]
    with database.session() as session:
        assert all_staff(session=session) == []


def test_slack_refusing_the_token_stops_the_import(env, tmp_path, capsys, fake_slack, database):
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    fake_slack.script("users.lookupByEmail", error="invalid_auth")

    code, _, err = _run(capsys, "import-staff", str(roster))

    assert code == 2
    assert err == "staffroom: Slack refused users.lookupByEmail: invalid_auth\n"
    with database.session() as session:
        assert all_staff(session=session) == []


@pytest.mark.parametrize(
    ("argv", "unset", "message"),
    [
        (
            ["import-staff", "staff.csv"],
            "SLACK_BOT_TOKEN",
            "staffroom: missing required setting: SLACK_BOT_TOKEN\n",
        ),
        (["tick"], "SLACK_BOT_TOKEN", "staffroom: missing required setting: SLACK_BOT_TOKEN\n"),
        (
            ["serve"],
            "SLACK_SIGNING_SECRET",
            "staffroom: missing required setting: SLACK_SIGNING_SECRET\n",
        ),
        (
            ["import-staff", "/nowhere/staff.csv"],
            None,
            "staffroom: cannot read /nowhere/staff.csv: No such file or directory\n",
        ),
        (
            ["export", "--email", "nobody@x.uk"],
            None,
            "staffroom: nobody with email nobody@x.uk is on the roster\n",
        ),
        (
            ["tick", "--at", "next tuesday"],
            None,
            "staffroom: --at 'next tuesday' is not an ISO 8601 date-time\n",
        ),
    ],
)
def test_errors_are_one_line_and_non_zero(env, capsys, argv, unset, message):
    if unset:
        env.delenv(unset, raising=False)
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err == message


def test_unreachable_database_is_one_line_without_the_password(env, capsys):
    env.setenv("DATABASE_URL", "postgresql://staffroom:hunter2@127.0.0.1:1/staffroom")
    code, _, err = _run(capsys, "migrate")
    assert code == 2
    assert err.startswith(
        "staffroom: cannot open the database at postgresql://staffroom:***@127.0.0.1:1/staffroom: "
    )
    assert "hunter2" not in err and err.count("\n") == 1


def test_tick_delivers_what_could_not_be_sent(env, capsys, database, fake_slack):
    with database.session() as session:
        enqueue(
            session=session,
            now=datetime(2026, 11, 23, 9, 0, tzinfo=LONDON),
            deliveries=[
                Delivery("k1", "UBOB", "notice", {"text": "hi", "warning": False}),
                Delivery("k2", "#gone", "notice", {"text": "hi", "warning": False}),
            ],
        )
    fake_slack.script("chat.postMessage", error="channel_not_found")  # Slack refuses the first (k1)

    code, out, _ = _run(capsys, "tick", "--at", "2026-11-23T09:05")

    assert code == 0
    assert out.splitlines()[0] == (
        "queued 0, sent 1, held 0, retrying 0, failed 1, dropped 0, skipped 0 (no Slack account)"
    )
    assert "failed: k1: channel_not_found" in out
    code, out, _ = _run(capsys, "tick", "--at", "2026-11-23T09:06")
    assert out.splitlines() == [
        "queued 0, sent 0, held 0, retrying 0, failed 0, dropped 0, skipped 0 (no Slack account)"
    ]


def test_check_framework(env, capsys, tmp_path):
    code, out, _ = _run(capsys, "check-framework", "bot/frameworks/smart.yml")
    assert code == 0
    assert out == (
        "bot/frameworks/smart.yml: OK (SMART: 5 values, 4 standard sets, 75 ladder statements)\n"
    )
    bad = tmp_path / "bad.yml"
    bad.write_text("name: X\n", encoding="utf-8")
    code, _, err = _run(capsys, "check-framework", str(bad))
    assert code == 2 and err.startswith(f"staffroom: {bad}: ") and "Field required" in err


# --- export (PRODUCT §3.5) ---------------------------------------------------


@pytest.mark.usefixtures("school")
def test_export_lists_commendations_in_the_contract_shape(env, capsys, slack):
    slack.command("/commend", "<@UBOB> thanks for covering my duty", user_id="UALICE")
    slack.command("/commend", "<@UALICE> you're welcome &amp; thanks", user_id="UBOB")
    slack.drain()

    code, out, _ = _run(capsys, "export", "--email", "BOB@school.example")

    assert code == 0
    record = json.loads(out)
    assert list(record) == [
        "staff",
        "commendations_given",
        "commendations_received",
        "feedback_given",
        "feedback_received",
        "visits",
        "star_projects",
        "ladder",
    ]
    assert record["staff"] == {
        "email": "bob@school.example",
        "name": "Bob",
        "school": "Saltash Primary",
        "role": "teacher",
        "grade": "M3",
        "appraiser_email": "amir@school.example",
        "slack_user_id": "UBOB",
    }
    (received,) = record["commendations_received"]
    assert received["from"] == "alice@school.example"
    assert received["message"] == "thanks for covering my duty"
    assert received["value"] is None and received["public"] is False
    assert received["created_at"] == "2026-11-23T10:30:00+00:00"
    (given,) = record["commendations_given"]
    assert given["to"] == "alice@school.example" and given["message"] == "you're welcome & thanks"
    for name in ("feedback_given", "feedback_received", "visits", "star_projects", "ladder"):
        assert record[name] == []


# --- erase (PRODUCT §3.2) ----------------------------------------------------


@pytest.mark.usefixtures("school")
def test_erase_blanks_the_person_and_their_commendations_keeping_counts(env, capsys, slack, deps):
    from storage.commendations import commendations_given
    from storage.outbox import count_by_status

    slack.command("/commend", "<@UBOB> thanks for covering my duty", user_id="UALICE")
    slack.command("/commend", "<@UCAROL> lovely assembly", user_id="UALICE")
    slack.drain()

    code, out, _ = _run(capsys, "erase", "--email", "bob@school.example", "--yes")

    assert code == 0
    assert out.startswith(
        "erased bob@school.example: 1 commendation(s), 0 piece(s) of feedback and 0 STAR "
        "project(s) blanked, 3 message(s) removed"
    )
    code, _, err = _run(capsys, "export", "--email", "bob@school.example")
    assert code == 2 and "nobody with email bob@school.example" in err
    _, out, _ = _run(capsys, "export", "--email", "alice@school.example")
    given = json.loads(out)["commendations_given"]
    assert [(g["to"], g["message"]) for g in given] == [
        ("erased-4@erased.invalid", ""),
        ("carol@school.example", "lovely assembly"),
    ]
    with deps.db.session() as session:
        assert len(commendations_given(session=session, staff_id=3)) == 2  # counts stay
        assert count_by_status(session=session) == {"sent": 3}  # Carol's commendation only


@pytest.mark.usefixtures("school")
def test_erase_asks_for_confirmation(env, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("someone-else@school.example\n"))
    code, _, err = _run(capsys, "erase", "--email", "bob@school.example")
    assert code == 2 and err == "staffroom: not confirmed: nothing was erased\n"

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, as under cron or CI
    code, _, err = _run(capsys, "erase", "--email", "bob@school.example")
    assert code == 2 and "nothing was erased" in err

    monkeypatch.setattr("sys.stdin", io.StringIO("BOB@school.example\n"))
    code, out, _ = _run(capsys, "erase", "--email", "bob@school.example")
    assert code == 0 and "erased bob@school.example" in out


@pytest.mark.usefixtures("school")
def test_erase_covers_feedback_visits_star_and_every_message_naming_them(
    env, capsys, slack, fake_slack, deps
):
    from sqlmodel import select

    from bot.star import projects as star_projects
    from storage.models import OutboxMessage, StarNote, StarProject
    from tests.test_feedback import _complete

    _complete(slack, fake_slack, user_id="UCAROL", strengths="Bob's calm start")
    slack.command("/feedback", "visit <@UBOB>", user_id="UAMIR")
    slack.drain()
    project = star_projects.create(
        db=deps.db,
        calendar=deps.calendar,
        now=deps.clock(),
        request=star_projects.NewProject(
            owner_slack_id="UBOB",
            title="Bob's reading club",
            kpi_name="books read",
            higher_is_better=True,
            kpi_method="count",
            planned_start=datetime(2026, 11, 23).date(),
            planned_end=datetime(2027, 2, 1).date(),
        ),
    )
    star_projects.note(
        db=deps.db,
        slack_user_id="UBOB",
        project_id=project.status.project_id,
        text="Read about reading for pleasure",
        now=deps.clock(),
    )

    code, out, _ = _run(capsys, "erase", "--email", "bob@school.example", "--yes")

    assert code == 0
    assert "1 piece(s) of feedback and 1 STAR project(s) blanked" in out
    _, out, _ = _run(capsys, "export", "--email", "carol@school.example")
    (given,) = json.loads(out)["feedback_given"]
    assert given["observee"] == "erased-4@erased.invalid"
    assert (given["strengths"], given["next_steps"], given["standards"]) == ("", "", ["ES1", "QC3"])
    with deps.db.session() as session:
        payloads = [json.dumps(m.payload) for m in session.exec(select(OutboxMessage)).all()]
        projects = session.exec(select(StarProject)).all()
        notes = session.exec(select(StarNote)).all()
    assert not any("UBOB" in p or "Bob" in p for p in payloads)
    assert [(p.title, p.kpi_name, p.kpi_method) for p in projects] == [("(erased)", "(erased)", "")]
    assert notes == []
