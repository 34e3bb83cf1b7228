"""The staff roster: reading the trust's CSV (PRODUCT §3.4) and applying it.

Either the whole file is valid and imported in one transaction, or nothing is
and every bad line is reported with its number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.errors import RosterError
from bot.core.framework import Framework
from storage.db import Database
from storage.models import LeaderScope, Role, Staff
from storage.staff import all_staff

HEADER = ["email", "name", "school", "role", "grade", "appraiser_email", "leader"]
STANDARDS = "standards"  # optional last column: the person's standard set, overriding grade/role
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")

# Given an email, the Slack user id it belongs to, or None when Slack knows no such person.
SlackLookup = Callable[[str], str | None]


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


def import_roster(
    *, db: Database, roster: ParsedRoster, lookup: SlackLookup, now: datetime
) -> ImportReport:
    """Apply a validated roster: add and update people, mark the absent inactive.

    Slack is asked only about people it has not yet resolved, before the one
    transaction that writes everything.
    """
    report = ImportReport(warnings=list(roster.warnings))
    with db.session() as session:
        known = {person.email: person.slack_user_id for person in all_staff(session=session)}
    resolved: dict[str, str | None] = {}
    for row in roster.rows:
        resolved[row.email] = known.get(row.email) or lookup(row.email)
        if resolved[row.email] is None:
            report.unresolved.append(row.email)

    with db.session() as session:
        existing = {person.email: person for person in all_staff(session=session)}
        email_of = {person.id: person.email for person in existing.values()}
        holders = {p.slack_user_id: p for p in existing.values() if p.slack_user_id}
        listed = {row.email for row in roster.rows}
        for person in existing.values():
            if person.email not in listed and person.active:
                person.active = False
                person.updated_at = now
                report.deactivated += 1

        people: dict[str, Staff] = {}
        for row in roster.rows:
            slack_id = resolved[row.email]
            holder = holders.get(slack_id) if slack_id else None
            if holder is not None and holder.email != row.email:
                holder.slack_user_id = None  # that Slack account now answers to this email
                session.flush()
            known_person = existing.get(row.email)
            if known_person is None:
                person = Staff(
                    email=row.email,
                    name=row.name,
                    school=row.school,
                    role=row.role,
                    grade=row.grade,
                    leader=row.leader,
                    standards=row.standards,
                    created_at=now,
                    updated_at=now,
                )
                report.created += 1
            elif _changed(known_person, row, slack_id, email_of.get(known_person.appraiser_id)):
                person = known_person
                for name, value in _fields(row).items():
                    setattr(person, name, value)
                person.active = True
                person.updated_at = now
                report.updated += 1
            else:
                person = known_person
                report.unchanged += 1
            person.slack_user_id = slack_id
            session.add(person)
            people[row.email] = person
        session.flush()
        for row in roster.rows:
            appraiser = people[row.appraiser_email] if row.appraiser_email else None
            people[row.email].appraiser_id = appraiser.id if appraiser else None
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


def _changed(
    person: Staff, row: RosterRow, slack_id: str | None, appraiser_email: str | None
) -> bool:
    return (
        any(getattr(person, name) != value for name, value in _fields(row).items())
        or person.slack_user_id != slack_id
        or appraiser_email != row.appraiser_email
        or not person.active
    )
