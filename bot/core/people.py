"""Checks shared by every feature that names a colleague: on the roster, not a bot, not you."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from bot.core.errors import InvalidInput, NotOnRoster
from messages import slack_escape
from storage.db import Database
from storage.models import Staff
from storage.staff import staff_by_ids, staff_by_slack_id

# Whether a Slack user id that is not on the roster belongs to a bot (asked only then).
IsBot = Callable[[str], bool]


def mention(person: Staff) -> str:
    """How a message names a person: a Slack mention, or their escaped name."""
    return f"<@{person.slack_user_id}>" if person.slack_user_id else slack_escape(person.name)


def active_appraiser(session: Session, person: Staff) -> Staff | None:
    """The person's appraiser, if they have one who is still on the roster."""
    if person.appraiser_id is None:
        return None
    appraiser = staff_by_ids(session=session, ids=[person.appraiser_id]).get(person.appraiser_id)
    return appraiser if appraiser is not None and appraiser.active else None


def ensure_on_roster(db: Database, slack_user_id: str) -> None:
    """Raise NotOnRoster unless the person is active on the roster (before opening a form)."""
    with db.read_session() as session:
        acting_person(session, slack_user_id)


def set_reminders_muted(db: Database, slack_user_id: str, muted: bool) -> None:
    """Turn a person's optional reminders off or on (deadlines owed to others stay on)."""
    with db.session() as session:
        person = acting_person(session, slack_user_id)
        person.mute_nudges = muted
        session.add(person)


def acting_person(session: Session, slack_user_id: str) -> Staff:
    """The active roster entry of the person using the app, or NotOnRoster."""
    person = staff_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None or person.id is None or not person.active:
        raise NotOnRoster()
    return person


def not_on_roster_reason(slack_id: str, is_bot: IsBot, verb: str) -> str:
    """Why `slack_id` cannot be chosen, e.g. verb='commended'."""
    if is_bot(slack_id):
        return f"<@{slack_id}> is a bot: only colleagues on the staff roster can be {verb}."
    return f"<@{slack_id}> is not on the staff roster, so they can't be {verb} yet."


def colleague(
    session: Session, slack_id: str | None, actor: Staff, is_bot: IsBot, *, field: str, verb: str
) -> Staff:
    """The active colleague `slack_id` names, or InvalidInput on `field` saying why not."""
    if not slack_id:
        raise InvalidInput({field: "Choose a colleague."})
    if slack_id == actor.slack_user_id:
        raise InvalidInput({field: f"You can't choose yourself: only a colleague can be {verb}."})
    person = staff_by_slack_id(session=session, slack_user_id=slack_id)
    if person is None or not person.active:
        raise InvalidInput({field: not_on_roster_reason(slack_id, is_bot, verb)})
    return person
