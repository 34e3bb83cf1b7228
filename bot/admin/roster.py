"""The staff roster: reading the trust's CSV and applying it, then finding people in Slack.

Either the whole file is valid and applied in one transaction, or nothing is and
every bad line is reported with its number. Slack user ids are found afterwards
(`resolve_slack_ids`), page by page of the workspace's directory and saved as
they are found, so an interrupted import keeps what it learned.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.core.errors import RosterError
from bot.core.framework import Framework
from storage.db import Database
from storage.models import LeaderScope, Role, Staff
from storage.staff import all_staff, assign_slack_ids, emails_without_slack_id

HEADER = ["email", "name", "school", "role", "grade", "appraiser_email", "leader"]
STANDARDS = "standards"  # optional last column: the person's standard set, overriding grade/role
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")

# Given an email, the Slack user id it belongs to, or None when Slack knows no such person.
SlackLookup = Callable[[str], str | None]


class SlackDirectory(Protocol):
    """Where Slack user ids come from (bot.admin.slack_directory reads Slack's)."""

    def pages(self) -> Iterator[dict[str, str]]:
        """The workspace's people a page at a time: email (lower case) -> user id."""
        ...

    def lookup(self, email: str) -> str | None:
        """One person by email (for those the pages did not list); None if unknown."""
        ...


class ResolveProgress(Protocol):
    def page(self, *, number: int, listed: int, found: int, wanted: int) -> None: ...
    def looked_up(self, *, done: int, total: int, found: int) -> None: ...


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    name: str
    school: str
    role: Role
    grade: str
    appraiser_email: str | None
    leader: LeaderScope | None
    standards: str | None = None


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    warnings: list[str]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    email: str
    what: str  # "school Saltash -> Looe; grade M3 -> M4" for an update, the row for an addition


@dataclass(frozen=True)
class RosterChanges:
    """What applying a roster does to the people already on it."""

    added: list[Change]
    updated: list[Change]
    deactivated: list[str]
    unchanged: int


@dataclass
class ResolveReport:
    pages: int = 0
    listed: int = 0  # people the directory listed
    found_listed: int = 0
    looked_up: int = 0
    found_by_lookup: int = 0
    unresolved: list[str] = field(default_factory=list)


def parse_roster(text: str, framework: Framework) -> ParsedRoster:
    """Validate the CSV; raise RosterError listing every problem with its line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header not in (HEADER, [*HEADER, STANDARDS]):
        raise RosterError(
            [f"line 1: the header must be {','.join(HEADER)} (then, optionally, {STANDARDS})"]
        )

    problems: list[str] = []
    warnings: list[str] = []
    rows: list[RosterRow] = []
    first_line: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"line {line}: expected {len(header)} columns, found {len(cells)}")
            continue
        row, row_problems = _read_row(line, [cell.strip() for cell in cells], framework)
        problems += row_problems
        if row is None:
            continue
        if row.email in first_line:
            problems.append(
                f"line {line}: duplicate email {row.email} (first on line {first_line[row.email]})"
            )
            continue
        first_line[row.email] = line
        if row.grade and framework.has_ladder and framework.expected_level(row.grade) is None:
            warnings.append(
                f"line {line}: grade {row.grade!r} is not in the framework's grade table, "
                "so no expected ladder level is shown for this person"
            )
        rows.append(row)

    if not rows and not problems:
        problems.append("the file lists nobody: at least one staff row is needed")
    problems += _appraiser_problems(rows, first_line)
    if problems:
        raise RosterError(problems)
    return ParsedRoster(rows=rows, warnings=warnings)


def _read_row(
    line: int, cells: list[str], framework: Framework
) -> tuple[RosterRow | None, list[str]]:
    email, name, school, role, grade, appraiser, leader = cells[: len(HEADER)]
    standards = cells[len(HEADER)] if len(cells) > len(HEADER) else ""
    problems = []
    email = email.lower()
    appraiser = appraiser.lower()
    if not _EMAIL.match(email):
        problems.append(f"line {line}: {email!r} is not an email address")
    if appraiser and not _EMAIL.match(appraiser):
        problems.append(f"line {line}: appraiser {appraiser!r} is not an email address")
    if not name:
        problems.append(f"line {line}: name is empty")
    if not school:
        problems.append(f"line {line}: school is empty")
    if role.lower() not in {r.value for r in Role}:
        problems.append(
            f"line {line}: role {role!r} must be one of {', '.join(r.value for r in Role)}"
        )
    if leader.lower() not in {"", *(scope.value for scope in LeaderScope)}:
        problems.append(f"line {line}: leader {leader!r} must be empty, school or trust")
    if standards and standards not in framework.standard_sets:
        problems.append(
            f"line {line}: standards {standards!r} must be one of the framework's standard "
            f"sets: {', '.join(framework.standard_sets)}"
        )
    if problems:
        return None, problems
    return (
        RosterRow(
            line=line,
            email=email,
            name=name,
            school=school,
            role=Role(role.lower()),
            grade=grade,
            appraiser_email=appraiser or None,
            leader=LeaderScope(leader.lower()) if leader else None,
            standards=standards or None,
        ),
        [],
    )


def _appraiser_problems(rows: list[RosterRow], line_of: dict[str, int]) -> list[str]:
    problems = []
    appraiser_of = {row.email: row.appraiser_email for row in rows if row.appraiser_email}
    for row in rows:
        if row.appraiser_email is None:
            continue
        if row.appraiser_email == row.email:
            problems.append(f"line {row.line}: {row.email} is their own appraiser")
        elif row.appraiser_email not in line_of:
            problems.append(
                f"line {row.line}: appraiser {row.appraiser_email} is not in the roster"
            )
    reported: set[str] = set()
    for row in rows:
        chain = [row.email]
        current = appraiser_of.get(row.email)
        while current is not None and current in line_of and current != row.email:
            if current in chain:
                break  # a loop that does not pass through this row: reported from its members
            chain.append(current)
            current = appraiser_of.get(current)
        if current == row.email and len(chain) > 1 and not reported.intersection(chain):
            reported.update(chain)
            path = " -> ".join([*chain, row.email])
            problems.append(f"line {row.line}: appraiser loop: {path}")
    return problems


def plan_roster(*, existing: Iterable[Staff], roster: ParsedRoster) -> RosterChanges:
    """What `apply_roster` would change, person by person (for --dry-run and the report)."""
    people = {person.email: person for person in existing}
    email_of = {person.id: person.email for person in people.values()}
    listed = {row.email for row in roster.rows}
    added: list[Change] = []
    updated: list[Change] = []
    unchanged = 0
    for row in roster.rows:
        person = people.get(row.email)
        if person is None:
            added.append(Change(row.email, f"{row.name}, {row.school}, {row.role.value}"))
            continue
        differences = _differences(person, row, email_of.get(person.appraiser_id))
        if differences:
            updated.append(Change(row.email, "; ".join(differences)))
        else:
            unchanged += 1
    deactivated = [p.email for p in people.values() if p.email not in listed and p.active]
    return RosterChanges(added, updated, deactivated, unchanged)


def apply_roster(*, db: Database, roster: ParsedRoster, now: datetime) -> ImportReport:
    """Add and update people, mark the absent inactive, in one transaction.

    Slack identities already known are kept; `resolve_slack_ids` finds the rest.
    """
    report = ImportReport(warnings=list(roster.warnings))
    with db.session() as session:
        existing = {person.email: person for person in all_staff(session=session)}
        changes = plan_roster(existing=existing.values(), roster=roster)
        changed = {change.email for change in changes.updated}
        for email in changes.deactivated:
            existing[email].active = False
            existing[email].updated_at = now
        people: dict[str, Staff] = {}
        for row in roster.rows:
            person = existing.get(row.email)
            if person is None:
                person = Staff(email=row.email, name=row.name, school=row.school, role=row.role)
                _update(person, row)
                person.created_at = person.updated_at = now
                session.add(person)
            elif row.email in changed:
                _update(person, row)
                person.active = True
                person.updated_at = now
            people[row.email] = person
        session.flush()
        for row in roster.rows:
            appraiser = people[row.appraiser_email] if row.appraiser_email else None
            people[row.email].appraiser_id = appraiser.id if appraiser else None
    report.created = len(changes.added)
    report.updated = len(changes.updated)
    report.unchanged = changes.unchanged
    report.deactivated = len(changes.deactivated)
    return report


def resolve_slack_ids(
    *, db: Database, directory: SlackDirectory, progress: ResolveProgress | None = None
) -> ResolveReport:
    """Find the Slack user id of everyone active who has none yet, saving each page's finds.

    The directory is read page by page (and no further once everyone is found);
    only the emails it did not list are looked up one by one.
    """
    report = ResolveReport()
    with db.read_session() as session:
        wanted = set(emails_without_slack_id(session=session))
    total = len(wanted)
    if not wanted:
        return report
    for page in directory.pages():
        report.pages += 1
        report.listed += len(page)
        found = {email: page[email] for email in wanted.intersection(page)}
        if found:
            with db.session() as session:
                assign_slack_ids(session=session, ids=found)
            wanted.difference_update(found)
            report.found_listed += len(found)
        if progress is not None:
            progress.page(
                number=report.pages, listed=report.listed, found=total - len(wanted), wanted=total
            )
        if not wanted:
            return report
    remaining = sorted(wanted)
    report.looked_up = len(remaining)
    for done, email in enumerate(remaining, start=1):
        user_id = directory.lookup(email)
        if user_id is None:
            report.unresolved.append(email)
        else:
            with db.session() as session:
                assign_slack_ids(session=session, ids={email: user_id})
            report.found_by_lookup += 1
        if progress is not None:
            progress.looked_up(done=done, total=len(remaining), found=report.found_by_lookup)
    return report


class LookupOnly:
    """A directory that lists nobody and looks people up one at a time with `lookup`."""

    def __init__(self, lookup: SlackLookup) -> None:
        self.lookup = lookup

    def pages(self) -> Iterator[dict[str, str]]:
        return iter(())


def import_roster(
    *, db: Database, roster: ParsedRoster, lookup: SlackLookup, now: datetime
) -> ImportReport:
    """Apply a roster and look up, one by one, whoever Slack has not resolved yet."""
    report = apply_roster(db=db, roster=roster, now=now)
    resolved = resolve_slack_ids(db=db, directory=LookupOnly(lookup))
    report.unresolved = resolved.unresolved
    return report


def _fields(row: RosterRow) -> dict[str, object]:
    return {
        "name": row.name,
        "school": row.school,
        "role": row.role,
        "grade": row.grade,
        "leader": row.leader,
        "standards": row.standards,
    }


def _update(person: Staff, row: RosterRow) -> None:
    for name, value in _fields(row).items():
        setattr(person, name, value)


def _differences(person: Staff, row: RosterRow, appraiser_email: str | None) -> list[str]:
    differences = [
        f"{name} {_shown(getattr(person, name))} -> {_shown(value)}"
        for name, value in _fields(row).items()
        if getattr(person, name) != value
    ]
    if appraiser_email != row.appraiser_email:
        differences.append(f"appraiser {_shown(appraiser_email)} -> {_shown(row.appraiser_email)}")
    if not person.active:
        differences.append("active again")
    return differences


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    return str(getattr(value, "value", value))
