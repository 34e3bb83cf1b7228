"""The roster CSV (PRODUCT §3.4): every invalid-row case, re-import, deactivation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.admin.roster import import_roster, parse_roster
from bot.core.errors import RosterError
from storage.models import LeaderScope, Role
from storage.staff import all_staff

HEADER = "email,name,school,role,grade,appraiser_email,leader\n"
GOOD = HEADER + (
    "head@saltash.sch.uk,Hannah Head,Saltash Primary,leader,Head,,school\n"
    "amir@saltash.sch.uk,Amir Khan,Saltash Primary,teacher,TLR2,head@saltash.sch.uk,\n"
    "Bob@Saltash.sch.uk,Bob Jones,Saltash Primary,teacher,M3,amir@saltash.sch.uk,\n"
    "carol@saltash.sch.uk,Carol Ray,Saltash Primary,ta,F,head@saltash.sch.uk,\n"
)
NOW = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _problems(text, framework) -> list[str]:
    with pytest.raises(RosterError) as error:
        parse_roster(text, framework)
    return error.value.problems


def test_valid_roster_parses(framework):
    roster = parse_roster("\ufeff" + GOOD, framework)
    assert [r.email for r in roster.rows] == [
        "head@saltash.sch.uk",
        "amir@saltash.sch.uk",
        "bob@saltash.sch.uk",
        "carol@saltash.sch.uk",
    ]
    assert roster.rows[0].leader is LeaderScope.SCHOOL and roster.rows[0].role is Role.LEADER
    assert roster.rows[2].appraiser_email == "amir@saltash.sch.uk"
    assert roster.warnings == []


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "bob.saltash.sch.uk,Bob,S,teacher,M3,,\n",
            ["line 2: 'bob.saltash.sch.uk' is not an email address"],
        ),
        (
            "a@s.uk,A,S,teacher,M3,,\nA@S.uk,A2,S,teacher,M3,,\n",
            ["line 3: duplicate email a@s.uk (first on line 2)"],
        ),
        (
            "a@s.uk,A,S,teacher,M3,ghost@s.uk,\n",
            ["line 2: appraiser ghost@s.uk is not in the roster"],
        ),
        (
            "a@s.uk,A,S,teacher,M3,not-an-email,\n",
            ["line 2: appraiser 'not-an-email' is not an email address"],
        ),
        ("a@s.uk,A,S,teacher,M3,a@s.uk,\n", ["line 2: a@s.uk is their own appraiser"]),
        (
            "a@s.uk,A,S,teacher,M3,b@s.uk,\nb@s.uk,B,S,teacher,M3,c@s.uk,\nc@s.uk,C,S,teacher,M3,a@s.uk,\n",
            ["line 2: appraiser loop: a@s.uk -> b@s.uk -> c@s.uk -> a@s.uk"],
        ),
        (
            "a@s.uk,A,S,cook,M3,,\n",
            ["line 2: role 'cook' must be one of teacher, ta, support, leader, governor"],
        ),
        ("a@s.uk,A,S,teacher,M3,,head\n", ["line 2: leader 'head' must be empty, school or trust"]),
        ("a@s.uk,,S,teacher,M3,,\n", ["line 2: name is empty"]),
        ("a@s.uk,A,,teacher,M3,,\n", ["line 2: school is empty"]),
        ("a@s.uk,A,S,teacher\n", ["line 2: expected 7 columns, found 4"]),
        ("", ["the file lists nobody: at least one staff row is needed"]),
    ],
)
def test_invalid_rows_are_reported_with_line_numbers(framework, rows, expected):
    assert _problems(HEADER + rows, framework) == expected


def test_every_problem_is_reported_at_once(framework):
    text = HEADER + "x,A,S,teacher,M3,,\n\nb@s.uk,B,S,chef,M3,nobody@s.uk,\n"
    assert _problems(text, framework) == [
        "line 2: 'x' is not an email address",
        "line 4: role 'chef' must be one of teacher, ta, support, leader, governor",
    ]


def test_wrong_header_is_refused(framework):
    assert _problems("email,name\nA,B\n", framework) == [
        "line 1: the header must be email,name,school,role,grade,appraiser_email,leader "
        "(then, optionally, standards)"
    ]


def test_an_optional_standards_column_chooses_a_persons_set(framework):
    header = HEADER.rstrip("\n") + ",standards\n"
    roster = parse_roster(
        header + "a@s.uk,A,S,support,G,,,ta\nb@s.uk,B,S,teacher,M3,,,\n", framework
    )
    assert [(r.email, r.standards) for r in roster.rows] == [("a@s.uk", "ta"), ("b@s.uk", None)]
    assert _problems(header + "a@s.uk,A,S,support,G,,,cooks\n", framework) == [
        "line 2: standards 'cooks' must be one of the framework's standard sets: teacher, ta, "
        "support, meetings, headteacher"
    ]
    assert _problems(header + "a@s.uk,A,S,support,G,,\n", framework) == [
        "line 2: expected 8 columns, found 7"
    ]


def test_the_standards_column_is_stored_and_changed(database, framework):
    header = HEADER.rstrip("\n") + ",standards\n"
    roster = parse_roster(header + "a@s.uk,A,S,support,G,,,ta\n", framework)
    import_roster(db=database, roster=roster, lookup=_lookup({}), now=NOW)
    assert _people(database)["a@s.uk"].standards == "ta"
    report = import_roster(
        db=database,
        roster=parse_roster(HEADER + "a@s.uk,A,S,support,G,,\n", framework),
        lookup=_lookup({}),
        now=LATER,
    )
    assert report.updated == 1 and _people(database)["a@s.uk"].standards is None


def test_a_trust_without_a_ladder_warns_about_no_grade():
    from bot.core.framework import load_framework

    roster = parse_roster(HEADER + "a@s.uk,A,S,teacher,Z9,,\n", load_framework("share"))
    assert roster.warnings == []


def test_unknown_grade_is_a_warning_not_an_error(framework):
    roster = parse_roster(HEADER + "a@s.uk,A,S,support,Z9,,\n", framework)
    assert len(roster.rows) == 1
    assert roster.warnings == [
        "line 2: grade 'Z9' is not in the framework's grade table, so no expected ladder level "
        "is shown for this person"
    ]


# --- applying a roster --------------------------------------------------------


def _lookup(known: dict[str, str], asked: list[str] | None = None):
    def lookup(email: str) -> str | None:
        if asked is not None:
            asked.append(email)
        return known.get(email)

    return lookup


def _people(db):
    with db.session() as session:
        return {p.email: p for p in all_staff(session=session)}


def test_import_creates_people_with_appraisers_and_slack_ids(database, framework):
    slack = {
        "head@saltash.sch.uk": "UHEAD",
        "amir@saltash.sch.uk": "UAMIR",
        "bob@saltash.sch.uk": "UBOB",
    }
    report = import_roster(
        db=database, roster=parse_roster(GOOD, framework), lookup=_lookup(slack), now=NOW
    )

    assert (report.created, report.updated, report.deactivated) == (4, 0, 0)
    assert report.unresolved == ["carol@saltash.sch.uk"]
    people = _people(database)
    assert people["bob@saltash.sch.uk"].appraiser_id == people["amir@saltash.sch.uk"].id
    assert people["bob@saltash.sch.uk"].slack_user_id == "UBOB"
    assert people["carol@saltash.sch.uk"].slack_user_id is None
    assert people["head@saltash.sch.uk"].leader is LeaderScope.SCHOOL
    assert all(p.active for p in people.values())


def test_reimport_updates_deactivates_and_resolves_only_the_unresolved(database, framework):
    import_roster(
        db=database,
        roster=parse_roster(GOOD, framework),
        lookup=_lookup(
            {
                "head@saltash.sch.uk": "UHEAD",
                "amir@saltash.sch.uk": "UAMIR",
                "bob@saltash.sch.uk": "UBOB",
            }
        ),
        now=NOW,
    )
    changed = HEADER + (
        "head@saltash.sch.uk,Hannah Head,Saltash Primary,leader,Head,,school\n"
        "amir@saltash.sch.uk,Amir Khan,Saltash Primary,teacher,TLR1,head@saltash.sch.uk,\n"
        "carol@saltash.sch.uk,Carol Ray,Saltash Primary,ta,F,amir@saltash.sch.uk,\n"
    )
    asked: list[str] = []
    report = import_roster(
        db=database,
        roster=parse_roster(changed, framework),
        lookup=_lookup({"carol@saltash.sch.uk": "UCAROL"}, asked),
        now=LATER,
    )

    assert asked == ["carol@saltash.sch.uk"]  # the others were resolved last time
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 2, 1, 1)
    assert report.unresolved == []
    people = _people(database)
    assert people["amir@saltash.sch.uk"].grade == "TLR1"
    assert people["carol@saltash.sch.uk"].slack_user_id == "UCAROL"
    assert people["carol@saltash.sch.uk"].appraiser_id == people["amir@saltash.sch.uk"].id
    bob = people["bob@saltash.sch.uk"]
    assert not bob.active and bob.slack_user_id == "UBOB"  # history and identity kept
    assert people["head@saltash.sch.uk"].updated_at == NOW  # unchanged rows are left alone

    report = import_roster(
        db=database, roster=parse_roster(GOOD, framework), lookup=_lookup({}), now=LATER
    )
    assert _people(database)["bob@saltash.sch.uk"].active  # listed again: active again
    assert report.deactivated == 0


def test_invalid_file_changes_nothing(database, framework):
    import_roster(db=database, roster=parse_roster(GOOD, framework), lookup=_lookup({}), now=NOW)
    with pytest.raises(RosterError):
        parse_roster(HEADER + "only@s.uk,Only,S,teacher,M3,ghost@s.uk,\n", framework)
    assert len(_people(database)) == 4
    assert all(p.active for p in _people(database).values())
