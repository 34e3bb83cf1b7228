"""Commend a colleague (SHARE MAT's QA policy §2.7).

`Commend` validates a commendation, records it, and queues the messages it owes
(recipients, their appraisers, the author, and the celebrations channel when the
author chose to share) in one transaction; or, `.validate()`, only validates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.errors import InvalidInput, Problem, problem
from bot.core.framework import Framework
from bot.core.people import IsBot, mention, outsider_problem, refreshed
from bot.core.usecase import UseCase
from bot.outbox.queue import Delivery, enqueue
from storage.commendations import add_commendation
from storage.db import Database
from storage.models import Commendation, Staff
from storage.staff import staff_by_ids, staff_by_slack_ids

MAX_RECIPIENTS = 10
MAX_MESSAGE = 3000

RECIPIENTS = "recipients"
MESSAGE = "message"
VALUE = "value"


@dataclass(frozen=True)
class CommendRequest:
    recipient_slack_ids: list[str]
    message: str
    value: str | None = None
    public: bool = False
    other_mentions: tuple[str, ...] = ()  # channels or groups named where people were expected


@dataclass(frozen=True)
class CommendOutcome:
    commendation_id: int
    outbox_ids: list[int]


@dataclass(frozen=True)
class Commend(UseCase[CommendOutcome]):
    """Validate, record and queue the messages, all in one transaction."""

    db: Database
    framework: Framework
    author: Staff
    request: CommendRequest
    now: datetime
    is_bot: IsBot

    def run(self, session: Session, *, write: bool) -> CommendOutcome | None:
        author = refreshed(session, self.author)
        request = self.request
        found = staff_by_slack_ids(session=session, slack_user_ids=request.recipient_slack_ids)
        recipients = _validated(request, self.framework, author, found, self.is_bot)
        if not write:
            return None
        assert author.id is not None
        commendation = add_commendation(
            session=session,
            commendation=Commendation(
                author_id=author.id,
                message=request.message.strip(),
                value=request.value,
                public=request.public,
                created_at=self.now,
            ),
            recipient_ids=[r.id for r in recipients if r.id is not None],
        )
        assert commendation.id is not None
        appraisers = staff_by_ids(
            session=session, ids=[r.appraiser_id for r in recipients if r.appraiser_id]
        )
        deliveries = _deliveries(commendation, author, recipients, appraisers, self.framework)
        outbox_ids = enqueue(session=session, deliveries=deliveries, now=self.now)
        return CommendOutcome(commendation_id=commendation.id, outbox_ids=outbox_ids)


def _validated(
    request: CommendRequest,
    framework: Framework,
    author: Staff,
    found: dict[str, Staff],
    is_bot: IsBot,
) -> list[Staff]:
    errors: dict[str, Problem] = {}
    ids = list(dict.fromkeys(request.recipient_slack_ids))
    if request.other_mentions:
        errors[RECIPIENTS] = problem("commend.not_people", named=list(request.other_mentions))
    elif not ids:
        errors[RECIPIENTS] = problem("commend.no_recipients")
    elif len(ids) > MAX_RECIPIENTS:
        errors[RECIPIENTS] = problem("commend.too_many", limit=MAX_RECIPIENTS, chosen=len(ids))
    elif author.slack_user_id in ids:
        errors[RECIPIENTS] = problem("commend.yourself")
    else:
        outsiders = [uid for uid in ids if uid not in found or not found[uid].active]
        if outsiders:
            errors[RECIPIENTS] = outsider_problem(outsiders[0], is_bot, "commend")

    message = request.message.strip()
    if not message:
        errors[MESSAGE] = problem("commend.no_message")
    elif len(message) > MAX_MESSAGE:
        errors[MESSAGE] = problem("commend.too_long", length=len(message), limit=MAX_MESSAGE)
    if request.value is not None and framework.value(request.value) is None:
        errors[VALUE] = problem("commend.unknown_value", value=request.value)
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
        "values_name": framework.values_name,
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
    copies = 0
    copied_for: list[str] = []  # recipients whose appraiser (not the author) has a copy
    for appraiser_id, appraisees in _by_appraiser(recipients).items():
        appraiser = appraisers.get(appraiser_id)
        if appraiser and appraiser.active and appraiser.slack_user_id and appraiser.id != author.id:
            copies += 1
            copied_for += [mention(s) for s in appraisees]
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
                context={
                    **common,
                    "recipients": mentions,
                    "copies": copies,
                    "copied_for": [m for m in mentions if m in copied_for],
                },
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
