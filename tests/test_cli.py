"""The `staffroom` command line, run as an IT admin would, against the fake Slack."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

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


def test_import_staff_finds_people_in_slacks_directory(env, tmp_path, capsys, fake_slack, database):
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")

    code, out, err = _run(capsys, "import-staff", str(roster))

    assert code == 0, err
    assert "imported 5 staff: 5 new, 0 updated, 0 unchanged, 0 marked inactive" in out
    assert (
        "found in Slack: 4 in its directory (1 page(s), 4 people listed), 0 of 1 looked up" in out
    )
    assert (
        "1 not found in Slack (imported; tried again next import):\n  newbie@saltash.sch.uk" in out
    )
    assert err.splitlines() == [
        "Slack directory page 1: 4 people read, 4 of 5 found",
        "looked up 1 of 1 by email, 0 found",
    ]
    assert [c.params["email"] for c in fake_slack.calls_to("users.lookupByEmail")] == [
        "newbie@saltash.sch.uk"
    ]
    with database.session() as session:
        ids = {p.email: p.slack_user_id for p in all_staff(session=session)}
    assert ids["alice@saltash.sch.uk"] == "UALICE" and ids["newbie@saltash.sch.uk"] is None

    fake_slack.add_user("UNEWBIE", "newbie@saltash.sch.uk")
    code, out, _ = _run(capsys, "import-staff", str(roster))
    assert code == 0 and "0 new, 0 updated, 5 unchanged" in out
    assert "found in Slack: 1 in its directory" in out
    with database.session() as session:
        assert {p.email: p.slack_user_id for p in all_staff(session=session)}[
            "newbie@saltash.sch.uk"
        ] == "UNEWBIE"

    calls = len(fake_slack.calls)
    code, out, _ = _run(capsys, "import-staff", str(roster))
    assert code == 0 and "found in Slack" not in out
    assert [c.method for c in fake_slack.calls[calls:]] == ["auth.test"]  # nobody left to find


def test_dry_run_says_what_would_change_and_writes_nothing(env, tmp_path, capsys, database):
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert _run(capsys, "import-staff", str(roster))[0] == 0
    changed = ROSTER.replace("Bob Jones,Saltash Primary,teacher,M3", "Bob Jones,Looe,teacher,M4")
    changed = changed.replace("alice@saltash.sch.uk,Alice Smith", "alicia@saltash.sch.uk,Alicia")
    roster.write_text(changed, encoding="utf-8")
    env.delenv("SLACK_BOT_TOKEN")  # a dry run needs no Slack

    code, out, err = _run(capsys, "import-staff", str(roster), "--dry-run")

    assert code == 0, err
    assert out.splitlines() == [
        f"dry run against {database.url}: nothing was written",
        "would add 1, update 1, mark 1 inactive, leave 3 unchanged",
        "  add       alicia@saltash.sch.uk (Alicia, Saltash Primary, teacher)",
        "  update    bob@saltash.sch.uk: school Saltash Primary -> Looe; grade M3 -> M4",
        "  inactive  alice@saltash.sch.uk",
        "2 would be looked for in Slack",
    ]
    with database.session() as session:
        people = {p.email: p for p in all_staff(session=session)}
    assert "alicia@saltash.sch.uk" not in people and people["alice@saltash.sch.uk"].active
    assert people["bob@saltash.sch.uk"].grade == "M3"


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
    fake_slack.script("auth.test", error="token_revoked")

    code, _, err = _run(capsys, "import-staff", str(roster))

    assert code == 2
    assert err == (
        "staffroom: Slack refused SLACK_BOT_TOKEN (token_revoked): copy the Bot User OAuth "
        "Token again from your app's OAuth & Permissions page\n"
    )
    with database.session() as session:
        assert all_staff(session=session) == []


def test_slack_refusing_the_directory_keeps_the_roster(env, tmp_path, capsys, fake_slack, database):
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    fake_slack.script("users.list", error="missing_scope")

    code, out, err = _run(capsys, "import-staff", str(roster))

    assert code == 2 and "imported 5 staff" in out
    assert err == (
        "staffroom: Slack refused users.list: missing_scope (reinstall the app from its "
        "manifest) (the roster was imported and those found so far saved: run import-staff "
        "again to find the rest)\n"
    )


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
        "0 queued, 1 sent, 0 failed and will be retried, 1 failed for good, 0 dropped (no longer "
        "true), 0 skipped (no Slack account); waiting now: 0 until working hours, 0 to retry"
    )
    assert "failed: k1: channel_not_found" in out
    code, out, _ = _run(capsys, "tick", "--at", "2026-11-23T09:06")
    assert out.splitlines() == [
        "0 queued, 0 sent, 0 failed and will be retried, 0 failed for good, 0 dropped (no longer "
        "true), 0 skipped (no Slack account); waiting now: 0 until working hours, 0 to retry"
    ]


def test_check_framework(env, capsys, tmp_path):
    code, out, err = _run(
        capsys, "check-framework", "bot/frameworks/smart.yml", "--on", "2026-11-30"
    )
    assert code == 0
    assert out == (
        "bot/frameworks/smart.yml: OK (SMART: 5 values, 5 standard sets, 75 ladder statements)\n"
    )
    assert err == ""  # 2026-27 and 2027-28 are covered
    code, out, _ = _run(capsys, "check-framework", "share", "--on", "2026-11-30")
    assert (code, out) == (0, "share: OK (SHARE: 0 values, 1 standard sets, 0 ladder statements)\n")
    bad = tmp_path / "bad.yml"
    bad.write_text("name: X\n", encoding="utf-8")
    code, _, err = _run(capsys, "check-framework", str(bad))
    assert code == 2 and err.startswith(f"staffroom: {bad}: ") and "Field required" in err


@pytest.mark.parametrize(
    ("on", "warning"),
    [
        ("2026-11-30", ""),
        (
            "2027-09-01",
            "warning: the school holidays in the framework end on 31 August 2028, so they do "
            "not cover 2028-29: half terms would count as working days; add 2028-29's term dates "
            "to school_holidays\n",
        ),
    ],
)
def test_check_framework_warns_when_the_holidays_run_out(env, capsys, on, warning):
    code, _, err = _run(capsys, "check-framework", "smart", "--on", on)
    assert (code, err) == (0, warning)


def test_check_framework_warns_when_no_holidays_are_listed(env, capsys, tmp_path):
    """The whole school_holidays section removed: OK, but one line says which year is bare."""
    import yaml

    from bot.core.framework import builtin_framework_path

    data = yaml.safe_load(builtin_framework_path().read_text(encoding="utf-8"))
    del data["school_holidays"]
    bare = tmp_path / "bare.yml"
    bare.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, err = _run(capsys, "check-framework", str(bare), "--on", "2026-11-30")
    assert code == 0 and out.endswith("ladder statements)\n")
    assert err == (
        "warning: the framework lists no school holidays, so they do not cover 2026-27: half "
        "terms would count as working days; add 2026-27's term dates to school_holidays\n"
    )


# --- export (docs/export.md) -------------------------------------------------


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
        "objectives",
        "leadership_training",
        "messages",
        "summary_subscriptions",
        "audit",
    ]
    assert record["staff"] == {
        "email": "bob@school.example",
        "name": "Bob",
        "school": "Saltash Primary",
        "role": "teacher",
        "grade": "M3",
        "appraiser_email": "amir@school.example",
        "slack_user_id": "UBOB",
        "standards": None,
        "leader": None,
        "active": True,
        "reminders_muted": False,
        "created_at": "2026-09-01T08:00:00+00:00",
        "updated_at": "2026-09-01T08:00:00+00:00",
    }
    (received,) = record["commendations_received"]
    assert received["from"] == "alice@school.example"
    assert received["message"] == "thanks for covering my duty"
    assert received["value"] is None and received["public"] is False
    assert received["created_at"] == "2026-11-23T10:30:00+00:00"
    (given,) = record["commendations_given"]
    assert given["to"] == "alice@school.example" and given["message"] == "you're welcome & thanks"
    for name in (
        "feedback_given",
        "feedback_received",
        "visits",
        "star_projects",
        "ladder",
        "objectives",
        "leadership_training",
    ):
        assert record[name] == []


# --- erase ------------------------------------------------------------------


@pytest.mark.usefixtures("school")
def test_erase_blanks_the_person_and_their_commendations_keeping_counts(env, capsys, slack, deps):
    from storage.commendations import commendations_given
    from storage.outbox import count_by_status

    # One after the other, as a person types them (each command's work runs on its own).
    slack.command("/commend", "<@UBOB> thanks for covering my duty", user_id="UALICE")
    slack.drain()
    slack.command("/commend", "<@UCAROL> lovely assembly", user_id="UALICE")
    slack.drain()

    code, out, _ = _run(capsys, "erase", "--email", "bob@school.example", "--yes")

    assert code == 0
    assert out == (
        "erased bob@school.example: 1 commendation(s), 0 piece(s) of feedback and 0 STAR "
        "project(s) blanked, and their objectives (with the review comments and "
        '"let\'s talk first" notes on them) and leadership training write-ups; 3 message(s) '
        "removed. Remove them "
        "from the roster CSV too, or the next import adds them again.\n"
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
    from tests.factories import person
    from tests.test_feedback import _complete

    _complete(slack, fake_slack, user_id="UCAROL", strengths="Bob's calm start")
    slack.command("/feedback", "visit <@UBOB>", user_id="UAMIR")
    slack.drain()
    project = star_projects.StartProject(
        db=deps.db,
        calendar=deps.calendar,
        now=deps.clock(),
        owner=person(deps.db, "UBOB"),
        request=star_projects.NewProject(
            title="Bob's reading club",
            kpi_name="books read",
            higher_is_better=True,
            kpi_method="count",
            planned_start=datetime(2026, 11, 23).date(),
            planned_end=datetime(2027, 2, 1).date(),
        ),
    )()
    star_projects.AddNote(
        db=deps.db,
        calendar=deps.calendar,
        owner=person(deps.db, "UBOB"),
        project_id=project.status.project_id,
        text="Read about reading for pleasure",
        now=deps.clock(),
    )()

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


# --- one line for every failure an IT admin met --------------------------------


def test_staffroom_alone_prints_help_and_version_is_known(capsys):
    code, out, _ = _run(capsys)
    assert code == 0 and out.startswith("usage: staffroom")
    for command in ("serve", "import-staff", "backup", "restore", "manifest", "export"):
        assert f"    {command}" in out
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert re.fullmatch(r"staffroom \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_serve_help_describes_the_environment(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "STAFFROOM_DATA_DIR",
        "STAFFROOM_FRAMEWORK",
        "HOST, PORT",
        "LOG_FORMAT",
        ".env",
    ):
        assert name in out


def test_no_help_text_points_outside_the_repository(capsys):
    for command in ("serve", "import-staff", "tick", "export", "erase", "backup", "restore"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert "PRODUCT" not in out and "§" not in out and "seed" not in out


@pytest.mark.parametrize(
    "argv",
    [["export", "--email", "a@b.uk"], ["tick"], ["backup", "x.db"], ["purge"], ["audit"]],
)
def test_commands_that_read_records_never_create_a_database(monkeypatch, tmp_path, capsys, argv):
    """Run from another folder, without serve's settings: say which database is missing."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("STAFFROOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.chdir(tmp_path)

    code, out, err = _run(capsys, *argv)

    assert code == 2 and out == ""
    assert err == (
        f"staffroom: no staffroom database at {tmp_path}/data/staffroom.db: set DATABASE_URL "
        "or STAFFROOM_DATA_DIR as `staffroom serve` has them (or run this from the folder "
        "with its .env)\n"
    )
    assert not (tmp_path / "data").exists()


def test_a_database_without_staffroom_tables_is_refused_not_filled(monkeypatch, tmp_path, capsys):
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{other}")
    code, _, err = _run(capsys, "export", "--email", "a@b.uk")
    assert code == 2
    assert err == (
        f"staffroom: sqlite:///{other} holds no staffroom database: check DATABASE_URL "
        "(or run this from the folder with serve's .env)\n"
    )
    assert other.stat().st_size == 0


def test_export_reads_the_database_named_in_the_folders_dot_env(env, tmp_path, capsys, database):
    env.delenv("DATABASE_URL")
    (tmp_path / ".env").write_text(f"DATABASE_URL={database.url}\n", encoding="utf-8")
    env.chdir(tmp_path)
    code, _, err = _run(capsys, "export", "--email", "nobody@x.uk")
    assert code == 2 and err == "staffroom: nobody with email nobody@x.uk is on the roster\n"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATABASE_URL",
            "foo",
            "staffroom: invalid setting DATABASE_URL: 'foo' is not a database URL: use "
            "sqlite:///PATH/staffroom.db or postgresql://USER:PASSWORD@HOST/DATABASE\n",
        ),
        (
            "DATABASE_URL",
            "postgres://staffroom:hunter2@127.0.0.1:1/staffroom",
            "staffroom: cannot open the database at postgresql://staffroom:***@127.0.0.1:1/"
            "staffroom: ",
        ),
        (
            "SLACK_API_URL",
            "notaurl",
            "staffroom: invalid setting SLACK_API_URL: 'notaurl' is not an http(s) URL, "
            "e.g. https://slack.com/api/\n",
        ),
    ],
)
def test_malformed_settings_are_one_line(env, capsys, variable, value, message):
    env.setenv(variable, value)
    code, out, err = _run(capsys, "migrate")
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1
    assert "hunter2" not in err


def test_postgresql_without_its_driver_names_the_install_command(tmp_path):
    """As after the one-command install, which leaves the [postgres] extra out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env["DATABASE_URL"] = "postgresql://staffroom:pw@127.0.0.1/staffroom"
    without_psycopg = (
        "import sys; sys.modules['psycopg'] = None; from bot.cli import main; "
        "sys.exit(main(['migrate']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", without_psycopg],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "staffroom: invalid setting DATABASE_URL: PostgreSQL needs its driver, which is not "
        "installed: pip install 'staffroom[postgres]'\n"
    )


def test_a_framework_file_saved_by_notepad_as_ansi_gets_the_utf8_advice(env, capsys, tmp_path):
    text = Path("bot/frameworks/smart.yml").read_text(encoding="utf-8")
    ansi = tmp_path / "trust.yml"
    ansi.write_bytes(
        text.replace("Cornwall", "Cornwall \N{EN DASH} Kernow \N{POUND SIGN}").encode("cp1252")
    )

    code, out, err = _run(capsys, "check-framework", str(ansi))
    assert code == 2 and out == ""
    assert err == (
        f"staffroom: {ansi} is not UTF-8 text: save it as UTF-8 "
        "(in Notepad: Save As, Encoding UTF-8)\n"
    )
    env.setenv("STAFFROOM_FRAMEWORK", str(ansi))
    code, _, err = _run(capsys, "export", "--email", "a@b.uk")
    assert code == 2 and err.count("\n") == 1 and "is not UTF-8 text" in err


def test_a_roster_saved_as_ansi_gets_the_same_advice(env, capsys, tmp_path):
    roster = tmp_path / "staff.csv"
    roster.write_bytes(ROSTER.replace("Amir Khan", "Amír Khän").encode("cp1252"))
    code, _, err = _run(capsys, "import-staff", str(roster))
    assert code == 2
    assert err == (
        f"staffroom: {roster} is not UTF-8 text: save it as UTF-8 (in Excel: Save As, CSV UTF-8)\n"
    )


def test_tick_says_what_it_sent_by_kind(env, tmp_path, capsys):
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert _run(capsys, "import-staff", str(roster))[0] == 0

    code, out, _ = _run(capsys, "tick", "--at", "2026-09-01T09:00")  # the ladder opens

    assert code == 0
    lines = out.splitlines()
    assert lines == [
        "6 queued, 6 sent, 0 failed and will be retried, 0 failed for good, 0 dropped (no longer "
        "true), 1 skipped (no Slack account); waiting now: 0 until working hours, 0 to retry",
        "  sent     4  ladder checkpoint opened",  # the newbie has no Slack account yet
        "  sent     2  appraisers: appraisees yet to fill in the ladder",  # Hannah and Amir
    ]


def test_output_cut_short_by_its_reader_ends_quietly(database, tmp_path):
    """`staffroom outbox | head -1`: no traceback, as any other command in a pipe."""
    with database.session() as session:
        enqueue(
            session=session,
            now=datetime(2026, 11, 23, 9, 0, tzinfo=LONDON),
            deliveries=[
                Delivery(f"k{n:05d}-{'x' * 80}", "UBOB", "notice", {"text": "hi", "warning": False})
                for n in range(3000)  # far more than a pipe holds
            ],
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env["DATABASE_URL"] = database.url
    staffroom = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "outbox"],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert staffroom.stdout is not None and staffroom.stderr is not None
    head = subprocess.run(
        ["head", "-1"], stdin=staffroom.stdout, capture_output=True, text=True, timeout=60
    )
    staffroom.stdout.close()  # head alone reads the pipe, as in a shell
    errors = staffroom.stderr.read().decode()
    assert staffroom.wait(timeout=60) == 1
    assert head.stdout == "3000 pending, 0 sending, 0 failed (0 sent, 0 dropped)\n"
    assert errors == ""


def test_a_framework_setting_that_names_no_file_says_so_with_the_built_ins(
    env, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    env.setenv("STAFFROOM_FRAMEWORK", "nope")
    code, out, err = _run(capsys, "migrate")
    assert code == 2 and out == ""
    assert err == (
        f"staffroom: STAFFROOM_FRAMEWORK: nope: no such file ({tmp_path / 'nope'}) and not a "
        "built-in framework (smart, share)\n"
    )
    assert not (tmp_path / "new.db").exists()
    code, _, err = _run(capsys, "check-framework", "nope")
    assert code == 2 and err.startswith("staffroom: nope: no such file (")


def test_the_roster_can_come_from_standard_input(env, capsys, monkeypatch, database):
    """`import-staff - < staff.csv`: from a container, or as the service's user."""
    windows = ROSTER.replace("\n", "\r\n").encode("utf-8-sig")  # Excel's CSV UTF-8
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(windows), encoding="utf-8"))
    code, out, err = _run(capsys, "import-staff", "-", "--dry-run")
    assert code == 0, err
    assert "would add 5, update 0, mark 0 inactive, leave 0 unchanged" in out

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(windows), encoding="utf-8"))
    code, out, err = _run(capsys, "import-staff", "-")
    assert code == 0, err
    assert "imported 5 staff: 5 new" in out
    with database.session() as session:
        assert len(all_staff(session=session)) == 5

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xe9\n"), encoding="utf-8"))
    code, _, err = _run(capsys, "import-staff", "-")
    assert code == 2 and err.startswith("staffroom: standard input is not UTF-8 text")
