"""The audit log (issue #13): every view of a confidential record by someone other than
its subject and every admin command, with who, what, whose and when; `staffroom audit`
prints it as JSON lines; it never holds what a record says."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.admin import audit
from bot.cli import main
from tests.conftest import LONDON
from tests.factories import person
from tests.faults import writes_fail

pytestmark = pytest.mark.usefixtures("school")


@pytest.fixture
def staffroom(monkeypatch, capsys, deps):
    """`staffroom …` run as the IT admin would; returns (exit status, stdout lines)."""
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", deps.settings.slack_api_url)

    def run(*argv: str) -> tuple[int, list[str]]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert code == 0, err
        return code, out.splitlines()

    return run


def _log(staffroom, *options: str) -> list[dict]:
    _code, lines = staffroom("audit", *options)
    return [json.loads(line) for line in lines]


def _when(entry: dict) -> datetime:
    return datetime.fromisoformat(entry["at"])


@pytest.mark.parametrize(
    ("viewer", "who"), [("UAMIR", "amir@school.example"), ("UHEAD", "hannah@school.example")]
)
def test_a_sheet_shown_to_an_appraiser_or_leader_is_logged(slack, staffroom, clock, viewer, who):
    slack.command("/ladder", "<@UALICE|alice>", user_id=viewer)
    slack.drain()
    (entry,) = _log(staffroom)
    assert entry == {
        "at": clock.now.astimezone(UTC).isoformat(),
        "who": who,
        "action": "view.ladder",
        "whose": "alice@school.example",
        "detail": "",
    }


def test_your_own_sheet_and_a_refused_one_are_not_logged(slack, fake_slack, staffroom):
    slack.command("/ladder", "<@UALICE|alice>", user_id="UALICE")  # her own
    slack.drain()  # the two are answered in turn, so the last reply is the peer's
    slack.command("/ladder", "<@UALICE|alice>", user_id="UBOB")  # a peer: refused
    slack.drain()
    assert "only" in fake_slack.responses()[-1]["text"].lower()
    assert _log(staffroom) == []


def test_a_view_that_cannot_be_logged_is_not_shown(slack, fake_slack, deps):
    with writes_fail(deps.db, ["audit_event"]):
        slack.command("/ladder", "<@UALICE|alice>", user_id="UAMIR")
        slack.drain()
    (reply,) = fake_slack.responses()
    assert reply["text"].startswith("Sorry, something went wrong on our side")
    assert "blocks" not in reply  # no sheet


def test_export_erase_and_import_are_logged_with_the_account_that_ran_them(
    staffroom, tmp_path, fake_slack, deps
):
    staffroom("export", "--email", "alice@school.example")
    staffroom("erase", "--email", "carol@school.example", "--yes")
    roster = tmp_path / "staff.csv"
    roster.write_text(
        "email,name,school,role,grade,appraiser_email,leader\n"
        "hannah@school.example,Hannah,Saltash Primary,leader,Head,,school\n"
        "alice@school.example,Alice,Saltash Primary,teacher,M3,hannah@school.example,\n",
        encoding="utf-8",
    )
    staffroom("import-staff", str(roster))

    entries = _log(staffroom)
    operator = audit.command_line_user()
    assert [(e["who"], e["action"], e["whose"]) for e in entries] == [
        (operator, "admin.export", "alice@school.example"),
        (operator, "admin.erase", "carol@school.example"),
        (operator, "admin.import-staff", None),
    ]
    assert entries[1]["detail"] == "0 commendations, 0 feedback, 0 STAR projects, 0 messages"
    assert entries[2]["detail"] == "2 rows: 0 new, 1 updated, 2 marked inactive"
    assert _when(entries[0]) <= _when(entries[1]) <= _when(entries[2])


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_backup_and_restore_are_logged(staffroom, tmp_path):
    copy = tmp_path / "copy.db"
    staffroom("backup", str(copy))
    staffroom("restore", str(copy), "--yes")
    # The restored database holds the log as it was at the backup, then the restore.
    assert [e["action"] for e in _log(staffroom)] == ["admin.restore"]


def test_erasing_someone_renames_them_in_the_log_but_the_erasure_keeps_its_email(slack, staffroom):
    slack.command("/ladder", "<@UALICE|alice>", user_id="UAMIR")
    slack.drain()
    staffroom("erase", "--email", "alice@school.example", "--yes")
    view, erasure = _log(staffroom)
    assert view["whose"] == "erased-3@erased.invalid"
    assert (erasure["action"], erasure["whose"]) == ("admin.erase", "alice@school.example")


def test_the_log_for_one_person_and_since_a_day(slack, staffroom, clock, deps):
    slack.command("/ladder", "<@UALICE|alice>", user_id="UAMIR")
    slack.drain()
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
    slack.command("/ladder", "<@UBOB|bob>", user_id="UHEAD")
    slack.drain()
    audit.viewed(
        db=deps.db,
        viewer=person(deps.db, "UBOB"),
        subject=person(deps.db, "UCAROL"),
        record="report",
        now=clock.now,
    )

    about_bob = _log(staffroom, "--email", "BOB@school.example")
    assert [(e["who"], e["action"], e["whose"]) for e in about_bob] == [
        ("hannah@school.example", "view.ladder", "bob@school.example"),
        ("bob@school.example", "view.report", "carol@school.example"),
    ]
    assert [e["whose"] for e in _log(staffroom, "--since", "2026-11-30")] == [
        "bob@school.example",
        "carol@school.example",
    ]
    assert [e["whose"] for e in _log(staffroom, "--since", "2026-11-24")] == [
        "bob@school.example",
        "carol@school.example",
    ]
    assert len(_log(staffroom, "--since", "2026-11-23")) == 3


def test_a_malformed_since_is_one_line(staffroom, capsys):
    assert main(["audit", "--since", "30/11/2026x"]) == 2
    assert capsys.readouterr().err == (
        "staffroom: --since '30/11/2026x' is not a date: write YYYY-MM-DD\n"
    )
