"""Commend a colleague (PRODUCT §2.2, seed 001 §2.7).

`commend` validates a commendation, records it, and queues the messages it
owes (recipients, their appraisers, the author, and the celebrations channel
when the author chose to share) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.errors import InvalidInput
from bot.core.framework import Framework
from bot.core.people import IsBot, acting_person, mention, not_on_roster_reason
from bot.outbox.queue import Delivery, enqueue
from storage.commendations import add_commendation, count_received, recent_received
from storage.db import Database
from storage.models import Commendation, Staff
from storage.staff import staff_by_ids, staff_by_slack_id, staff_by_slack_ids

MAX_RECIPIENTS = 10
MAX_MESSAGE = 3000

RECIPIENTS = "recipients"
MESSAGE = "message"
VALUE = "value"


@dataclass(frozen=True)
class CommendRequest:
    author_slack_id: str
    recipient_slack_ids: list[str]
    message: str
    value: str | None = None
    public: bool = False
    other_mentions: tuple[str, ...] = ()  # channels or groups named where people were expected


@dataclass(frozen=True)
class CommendOutcome:
    commendation_id: int
    outbox_ids: list[int]


def check(*, db: Database, framework: Framework, request: CommendRequest, is_bot: IsBot) -> None:
    """Raise what `commend` would refuse, reading only (for answering a form at once)."""
    with db.read_session() as session:
        _checked(session, framework, request, is_bot)


def commend(
    *, db: Database, framework: Framework, request: CommendRequest, now: datetime, is_bot: IsBot
) -> CommendOutcome:
    """Validate, record and queue the messages, all in one transaction."""
    with db.session() as session:
        author, recipients = _checked(session, framework, request, is_bot)
        assert author.id is not None
        commendation = add_commendation(
            session=session,
            commendation=Commendation(
                author_id=author.id,
                message=request.message.strip(),
                value=request.value,
                public=request.public,
                created_at=now,
            ),
            recipient_ids=[r.id for r in recipients if r.id is not None],
        )
        assert commendation.id is not None
        appraisers = staff_by_ids(
            session=session, ids=[r.appraiser_id for r in recipients if r.appraiser_id]
        )
        deliveries = _deliveries(commendation, author, recipients, appraisers, framework)
        outbox_ids = enqueue(session=session, deliveries=deliveries, now=now)
        return CommendOutcome(commendation_id=commendation.id, outbox_ids=outbox_ids)


def _checked(
    session: Session, framework: Framework, request: CommendRequest, is_bot: IsBot
) -> tuple[Staff, list[Staff]]:
    author = acting_person(session, request.author_slack_id)
    found = staff_by_slack_ids(session=session, slack_user_ids=request.recipient_slack_ids)
    return author, _validate(request, framework, author, found, is_bot)


def _validate(
    request: CommendRequest,
    framework: Framework,
    author: Staff,
    found: dict[str, Staff],
    is_bot: IsBot,
) -> list[Staff]:
    errors: dict[str, str] = {}
    ids = list(dict.fromkeys(request.recipient_slack_ids))
    if request.other_mentions:
        named = ", ".join(request.other_mentions)
        errors[RECIPIENTS] = f"Commend people, not channels or groups ({named})."
    elif not ids:
        errors[RECIPIENTS] = "Choose at least one colleague to commend."
    elif len(ids) > MAX_RECIPIENTS:
        errors[RECIPIENTS] = (
            f"You can commend up to {MAX_RECIPIENTS} people at once; you chose {len(ids)}."
        )
    elif request.author_slack_id in ids:
        errors[RECIPIENTS] = "You can't commend yourself, but a colleague can!"
    else:
        outsiders = [uid for uid in ids if uid not in found or not found[uid].active]
        if outsiders:
            errors[RECIPIENTS] = not_on_roster_reason(outsiders[0], is_bot, "commended")

    message = request.message.strip()
    if not message:
        errors[MESSAGE] = "Write a message to go with your commendation."
    elif len(message) > MAX_MESSAGE:
        errors[MESSAGE] = (
            f"Your message is {len(message)} characters; please keep it to {MAX_MESSAGE}."
        )
    if request.value is not None and framework.value(request.value) is None:
        errors[VALUE] = f"{request.value!r} is not one of the trust's values."
    if errors:
        raise InvalidInput(errors)
    return [found[uid] for uid in ids]


def _deliveries(
    commendation: Commendation,
    author: Staff,
    recipients: list[Staff],
    appraisers: dict[int, Staff],
    framework: Framework,
) -> list[Delivery]:
    key = f"commend:{commendation.id}"
    value = framework.value(commendation.value) if commendation.value else None
    common = {
        "author": mention(author),
        "message": commendation.message,
        "value_name": value.name if value else None,
        "public": commendation.public,
        "channel": framework.celebrations_channel,
    }
    mentions = [mention(r) for r in recipients]
    deliveries = []
    for recipient, named in zip(recipients, mentions, strict=True):
        if recipient.slack_user_id:
            others = [m for m in mentions if m != named]
            deliveries.append(
                Delivery(
                    key=f"{key}:to:{recipient.id}",
                    channel=recipient.slack_user_id,
                    template="commend_received",
                    context={**common, "others": others},
                )
            )
    for appraiser_id, appraisees in _by_appraiser(recipients).items():
        appraiser = appraisers.get(appraiser_id)
        if appraiser and appraiser.active and appraiser.slack_user_id and appraiser.id != author.id:
            deliveries.append(
                Delivery(
                    key=f"{key}:copy:{appraiser.id}",
                    channel=appraiser.slack_user_id,
                    template="commend_copy",
                    context={**common, "appraisees": [mention(s) for s in appraisees]},
                )
            )
    if author.slack_user_id:
        deliveries.append(
            Delivery(
                key=f"{key}:confirm",
                channel=author.slack_user_id,
                template="commend_confirmation",
                context={**common, "recipients": mentions},
            )
        )
    if commendation.public:
        deliveries.append(
            Delivery(
                key=f"{key}:public",
                channel=framework.celebrations_channel,
                template="commend_public",
                context={**common, "recipients": mentions},
            )
        )
    return deliveries


def _by_appraiser(recipients: list[Staff]) -> dict[int, list[Staff]]:
    groups: dict[int, list[Staff]] = {}
    for person in recipients:
        if person.appraiser_id is not None:
            groups.setdefault(person.appraiser_id, []).append(person)
    return groups


@dataclass(frozen=True)
class ReceivedPraise:
    author: str  # a Slack mention
    message: str
    created_at: datetime


@dataclass(frozen=True)
class PraiseSummary:
    on_roster: bool
    received_count: int = 0
    recent: tuple[ReceivedPraise, ...] = ()


def praise_for(*, db: Database, slack_user_id: str, limit: int = 5) -> PraiseSummary:
    """What the App Home shows a person about the praise they have received."""
    with db.read_session() as session:
        person = staff_by_slack_id(session=session, slack_user_id=slack_user_id)
        if person is None or person.id is None or not person.active:
            return PraiseSummary(on_roster=False)
        rows = recent_received(session=session, staff_id=person.id, limit=limit)
        return PraiseSummary(
            on_roster=True,
            received_count=count_received(session=session, staff_id=person.id),
            recent=tuple(
                ReceivedPraise(
                    author=f"<@{author}>" if author else "A colleague",
                    message=item.message,
                    created_at=item.created_at,
                )
                for item, author in rows
            ),
        )
