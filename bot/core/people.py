"""People on the roster: who is acting, who they chose, who appraises them, how they are named."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, Protocol

from sqlmodel import Session

from bot.core.errors import InvalidInput, NotOnRoster, Problem, invalid, problem
from messages import slack_escape
from storage.db import Database
from storage.models import Staff
from storage.staff import staff_by_ids, staff_by_slack_id, staff_by_slack_ids

# Whether a Slack user id that is not on the roster belongs to a bot.
IsBot = Callable[[str], bool]
# Why a colleague is being chosen (the refusals word it: "commended", "visited" ...).
Purpose = Literal["commend", "feedback", "visit"]


def no_bots(_slack_id: str) -> bool:
    return False


class Named(Protocol):
    """Anything that names a person: a roster row, or the scheduler's lighter entry."""

    @property
    def name(self) -> str: ...

    @property
    def slack_user_id(self) -> str | None: ...


def mention(person: Named) -> str:
    """How a message names a person: a Slack mention, or their escaped name."""
    return f"<@{person.slack_user_id}>" if person.slack_user_id else slack_escape(person.name)


def on_roster(session: Session, slack_user_id: str) -> Staff | None:
    """The active roster entry of a Slack user, or None."""
    person = staff_by_slack_id(session=session, slack_user_id=slack_user_id)
    return person if person is not None and person.id is not None and person.active else None


def acting_person(session: Session, slack_user_id: str) -> Staff:
    """The active roster entry of the person using the app, or NotOnRoster."""
    person = on_roster(session, slack_user_id)
    if person is None:
        raise NotOnRoster()
    return person


def refreshed(session: Session, person: Staff) -> Staff:
    """`person` as the database has them now, in this transaction; NotOnRoster if gone."""
    current = session.get(Staff, person.id) if person.id is not None else None
    if current is None or not current.active:
        raise NotOnRoster()
    return current


def person_by_slack_id(db: Database, slack_user_id: str) -> Staff | None:
    """The active roster entry of a Slack user, read without waiting for any writer."""
    with db.read_session() as session:
        return on_roster(session, slack_user_id)


def outsiders(db: Database, slack_ids: Iterable[str]) -> list[str]:
    """Which of these Slack users are not active on the roster."""
    wanted = list(dict.fromkeys(slack_ids))
    with db.read_session() as session:
        found = staff_by_slack_ids(session=session, slack_user_ids=wanted)
    return [uid for uid in wanted if uid not in found or not found[uid].active]


def active_appraiser(session: Session, person: Staff) -> Staff | None:
    """The person's appraiser, if they have one who is still on the roster."""
    if person.appraiser_id is None:
        return None
    appraiser = staff_by_ids(session=session, ids=[person.appraiser_id]).get(person.appraiser_id)
    return appraiser if appraiser is not None and appraiser.active else None


def set_reminders_muted(db: Database, actor: Staff, muted: bool) -> None:
    """Turn a person's optional reminders off or on (deadlines owed to others stay on)."""
    with db.session() as session:
        person = refreshed(session, actor)
        person.mute_nudges = muted
        session.add(person)


def outsider_problem(slack_id: str, is_bot: IsBot, purpose: Purpose) -> Problem:
    """Why `slack_id`, who is not on the roster, cannot be chosen."""
    code = "people.is_bot" if is_bot(slack_id) else "people.not_on_roster"
    return problem(code, slack_id=slack_id, purpose=purpose)


def colleague(
    session: Session,
    slack_id: str | None,
    actor: Staff,
    is_bot: IsBot,
    *,
    field: str,
    purpose: Purpose,
) -> Staff:
    """The active colleague `slack_id` names, or InvalidInput on `field` saying why not."""
    if not slack_id:
        raise invalid(field, "people.none_chosen")
    if slack_id == actor.slack_user_id:
        raise invalid(field, "people.yourself", purpose=purpose)
    person = on_roster(session, slack_id)
    if person is None:
        raise InvalidInput({field: outsider_problem(slack_id, is_bot, purpose)})
    return person
