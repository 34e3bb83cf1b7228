"""The roster CSV: every invalid-row case, re-import, deactivation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.admin.roster import (
    apply_roster,
    import_roster,
    parse_roster,
    plan_roster,
    resolve_slack_ids,
)
from bot.admin.slack_directory import SlackPeople
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


# --- finding people in Slack --------------------------------------------------


class Directory:
    """Slack's directory as a list of pages, recording what was asked."""

    def __init__(self, pages: list[dict[str, str]], lookups: dict[str, str] | None = None):
        self._pages = pages
        self._lookups = lookups or {}
        self.pages_read = 0
        self.looked_up: list[str] = []

    def pages(self):
        for page in self._pages:
            self.pages_read += 1
            yield page

    def lookup(self, email):
        self.looked_up.append(email)
        return self._lookups.get(email)


def test_the_directory_is_read_until_everyone_is_found(database, framework):
    apply_roster(db=database, roster=parse_roster(GOOD, framework), now=NOW)
    directory = Directory(
        [
            {"someone@else.org": "UX", "head@saltash.sch.uk": "UHEAD"},
            {"amir@saltash.sch.uk": "UAMIR", "bob@saltash.sch.uk": "UBOB"},
            {"carol@saltash.sch.uk": "UCAROL"},
            {"never@read.org": "UNEVER"},
        ]
    )

    report = resolve_slack_ids(db=database, directory=directory)

    assert directory.pages_read == 3 and directory.looked_up == []
    assert (report.pages, report.listed, report.found_listed, report.unresolved) == (3, 5, 4, [])
    assert {p.email: p.slack_user_id for p in _people(database).values()} == {
        "head@saltash.sch.uk": "UHEAD",
        "amir@saltash.sch.uk": "UAMIR",
        "bob@saltash.sch.uk": "UBOB",
        "carol@saltash.sch.uk": "UCAROL",
    }


def test_only_emails_the_directory_did_not_list_are_looked_up(database, framework):
    apply_roster(db=database, roster=parse_roster(GOOD, framework), now=NOW)
    directory = Directory(
        [{"head@saltash.sch.uk": "UHEAD", "amir@saltash.sch.uk": "UAMIR"}],
        lookups={"carol@saltash.sch.uk": "UCAROL"},  # e.g. a guest the directory leaves out
    )

    report = resolve_slack_ids(db=database, directory=directory)

    assert directory.looked_up == ["bob@saltash.sch.uk", "carol@saltash.sch.uk"]
    assert (report.found_listed, report.found_by_lookup) == (2, 1)
    assert report.unresolved == ["bob@saltash.sch.uk"]
    assert _people(database)["carol@saltash.sch.uk"].slack_user_id == "UCAROL"


def test_what_was_found_is_kept_when_reading_stops_half_way(database, framework):
    apply_roster(db=database, roster=parse_roster(GOOD, framework), now=NOW)

    class Broken(Directory):
        def pages(self):
            yield {"head@saltash.sch.uk": "UHEAD"}
            raise RuntimeError("connection reset")

    with pytest.raises(RuntimeError):
        resolve_slack_ids(db=database, directory=Broken([]))

    assert _people(database)["head@saltash.sch.uk"].slack_user_id == "UHEAD"
    report = resolve_slack_ids(db=database, directory=Directory([{"amir@saltash.sch.uk": "UAMIR"}]))
    assert report.found_listed == 1 and sorted(report.unresolved) == [
        "bob@saltash.sch.uk",
        "carol@saltash.sch.uk",
    ]


def test_a_slack_account_now_answering_to_another_email_moves(database, framework):
    import_roster(
        db=database,
        roster=parse_roster(GOOD, framework),
        lookup=_lookup({"bob@saltash.sch.uk": "UBOB"}),
        now=NOW,
    )
    renamed = GOOD.replace("Bob@Saltash.sch.uk,Bob Jones", "robert@saltash.sch.uk,Robert Jones")
    apply_roster(db=database, roster=parse_roster(renamed, framework), now=LATER)

    resolve_slack_ids(db=database, directory=Directory([{"robert@saltash.sch.uk": "UBOB"}]))

    people = _people(database)
    assert people["robert@saltash.sch.uk"].slack_user_id == "UBOB"
    assert (
        people["bob@saltash.sch.uk"].slack_user_id is None
        and not people["bob@saltash.sch.uk"].active
    )


def test_plan_names_each_change(database, framework):
    apply_roster(db=database, roster=parse_roster(GOOD, framework), now=NOW)
    changed = GOOD.replace(
        "Amir Khan,Saltash Primary,teacher,TLR2,head@saltash.sch.uk,",
        "Amir Khan,Saltash Primary,leader,TLR2,,",
    )
    with database.session() as session:
        plan = plan_roster(
            existing=all_staff(session=session), roster=parse_roster(changed, framework)
        )
    assert [(c.email, c.what) for c in plan.updated] == [
        ("amir@saltash.sch.uk", "role teacher -> leader; appraiser head@saltash.sch.uk -> (none)")
    ]
    assert plan.added == [] and plan.deactivated == [] and plan.unchanged == 3


# --- a whole trust against Slack's documented rate limits ------------------------

TRUST = 5000


def _trust_roster() -> str:
    lines = [HEADER.strip()]
    for n in range(TRUST):
        appraiser = "" if n < 20 else f"staff{n % 20}@trust.sch.uk"
        lines.append(f"staff{n}@trust.sch.uk,Staff {n},School {n % 20},teacher,M3,{appraiser},")
    return "\n".join(lines) + "\n"


class Waits:
    def __init__(self):
        self.seconds: list[float] = []

    def waiting(self, *, method, seconds):
        self.seconds.append(seconds)


def test_a_trust_of_5000_is_found_in_a_few_pages_despite_429s(database, framework, fake_slack):
    from slack_sdk import WebClient

    for n in range(TRUST):
        if n != 4321:
            fake_slack.add_user(f"U{n:05d}", f"Staff{n}@Trust.sch.uk")
    fake_slack.add_user("UGUEST", "staff4321@trust.sch.uk")  # found only by lookup
    fake_slack.users["UGUEST"]["in_directory"] = False
    for n in range(300):  # others in the workspace: pupils' clubs, governors' guests, bots
        fake_slack.add_user(f"UOTHER{n}", f"other{n}@elsewhere.org", is_bot=n % 10 == 0)
    fake_slack.limit_to_tiers(speed=2)  # a page every 1.5 s: the next page comes sooner
    report = apply_roster(db=database, roster=parse_roster(_trust_roster(), framework), now=NOW)
    assert report.created == TRUST

    waits = Waits()
    client = WebClient(token="xoxb-test", base_url=fake_slack.api_url)
    found = resolve_slack_ids(db=database, directory=SlackPeople(client, listener=waits, pace={}))

    listed = fake_slack.calls_to("users.list")
    pages = [c for c in listed if c.accepted]
    assert len(pages) == 6 and all(c.params["limit"] == "1000" for c in pages)
    # Slack answered 429 between pages; the same page was asked for again, not skipped.
    refused = [c for c in listed if not c.accepted]
    assert refused and waits.seconds and all(s >= 1 for s in waits.seconds)
    for call in refused:
        following = listed[listed.index(call) + 1]
        assert following.params.get("cursor") == call.params.get("cursor")
    assert [c.params["email"] for c in fake_slack.accepted("users.lookupByEmail")] == [
        "staff4321@trust.sch.uk"
    ]
    assert (found.found_listed, found.found_by_lookup, found.unresolved) == (TRUST - 1, 1, [])
    with database.read_session() as session:
        ids = {p.email: p.slack_user_id for p in all_staff(session=session)}
    assert ids["staff0@trust.sch.uk"] == "U00000" and ids["staff4321@trust.sch.uk"] == "UGUEST"
    assert None not in ids.values()
