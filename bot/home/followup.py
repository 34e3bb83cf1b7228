"""The leaders' follow-up list (SMART's Expected Standards: leaders "monitor the QA
information to ensure ... follow up"): who needs following up, by name. Channel summaries
never show it: it is only on a leader's own App Home (and in a modal opened from it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.home.facts import Facts, Moment, gather
from bot.home.team import pages_of
from storage.home import active_staff
from storage.models import LeaderScope, Staff

SCHOOLS_PAGE = 6
BELOW_BY = 2  # "people two or more levels below expected" (the chart's red area)


@dataclass(frozen=True)
class SchoolList:
    school: str
    staff: int
    no_visit_or_feedback: list[str] = field(default_factory=list)
    written_overdue: list[str] = field(default_factory=list)  # observers, "<@U1> (2)"
    no_baseline: list[str] = field(default_factory=list)
    sheet_missing: list[str] = field(default_factory=list)
    below_expected: list[str] = field(default_factory=list)
    objectives_unagreed: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(
            self.no_visit_or_feedback
            or self.written_overdue
            or self.no_baseline
            or self.sheet_missing
            or self.below_expected
            or self.objectives_unagreed
        )


@dataclass(frozen=True)
class FollowUp:
    whole_trust: bool
    schools: list[SchoolList]  # this page's
    total_schools: int
    page: int
    pages: int
    ladder_checkpoint: str | None
    has_ladder: bool = True  # the trust has a leadership ladder: its items are listed


def scope_of(leader: Staff) -> str | None:
    """The school a leader follows up (None: the whole trust)."""
    return None if leader.leader is LeaderScope.TRUST else leader.school


def lists_for(facts: list[Facts], school: str, *, has_ladder: bool = True) -> SchoolList:
    """A school's lists; no ladder items when the trust has no leadership ladder, and
    "objectives not agreed" only for people with an appraiser to agree them."""
    return SchoolList(
        school=school,
        staff=len(facts),
        no_visit_or_feedback=[
            f.mention for f in facts if not f.visits_term and not f.feedback_term
        ],
        written_overdue=[f"{f.mention} ({f.written_overdue})" for f in facts if f.written_overdue],
        no_baseline=[f.mention for f in facts if "baseline" in f.overdue],
        sheet_missing=[f.mention for f in facts if not f.ladder_filled] if has_ladder else [],
        below_expected=[f.mention for f in facts if f.levels_below >= BELOW_BY]
        if has_ladder
        else [],
        objectives_unagreed=[
            f.mention
            for f in facts
            if f.objectives != "agreed" and f.person.appraiser_id is not None
        ],
    )


def led_by(leader: Staff, person: Staff) -> bool:
    """Whether `person` is one the leader follows up (within the leader's scope): not the
    leader, not the leader's own appraiser, and for a school leader not a trust leader."""
    if person.id == leader.id or person.id == leader.appraiser_id:
        return False
    return leader.leader is LeaderScope.TRUST or person.leader is not LeaderScope.TRUST


def _by_school(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    leader: Staff,
    moment: Moment,
    only: str | None = None,
) -> list[SchoolList]:
    scope = scope_of(leader)
    school = only if only is not None else scope
    people = [p for p in active_staff(session=session, school=school) if led_by(leader, p)]
    facts = gather(session, framework, calendar, people, moment, whole_trust=school is None)
    grouped: dict[str, list[Facts]] = {}
    for fact in facts:
        grouped.setdefault(fact.person.school, []).append(fact)
    return [
        lists_for(group, name, has_ladder=framework.has_ladder)
        for name, group in sorted(grouped.items())
    ]


def follow_up_for(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    leader: Staff,
    moment: Moment,
    page: int,
) -> FollowUp | None:
    """The follow-up list of a school or trust leader (None for anyone else)."""
    if leader.leader is None:
        return None
    schools = _by_school(session, framework, calendar, leader, moment)
    pages = pages_of(len(schools), SCHOOLS_PAGE)
    page = min(max(page, 0), pages - 1)
    return FollowUp(
        whole_trust=leader.leader is LeaderScope.TRUST,
        schools=schools[page * SCHOOLS_PAGE : (page + 1) * SCHOOLS_PAGE],
        total_schools=len(schools),
        page=page,
        pages=pages,
        ladder_checkpoint=moment.ladder_window.checkpoint.name if moment.ladder_window else None,
        has_ladder=framework.has_ladder,
    )


def school_list(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    leader: Staff,
    moment: Moment,
    school: str,
) -> SchoolList:
    """One school's whole list, for its leaders and the trust's only."""
    scope = scope_of(leader)
    if leader.leader is None or (scope is not None and scope != school):
        raise NotAllowed(problem("home.not_your_school"))
    found = _by_school(session, framework, calendar, leader, moment, only=school)
    return found[0] if found else SchoolList(school=school, staff=0)
