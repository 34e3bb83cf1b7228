"""The Staff Appraisal Report as a PDF in the requester's DM: `/staffroom report [@a]`
(handlers.staffroom) and the Report buttons on the Home tab and in a record."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.runtime.deps import Deps
from handlers.context import after_ack, on_roster
from handlers.forms import record_id
from messages.ids import HomeIds
from storage.models import Staff


def register(app: App) -> None:
    app.action(HomeIds.REPORT.value, middleware=[on_roster])(report_clicked)


def report_clicked(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    subject = record_id(action)
    after_ack(context, lambda: send_report(deps, client, person, subject_id=subject))


def send_report(
    deps: Deps,
    client: WebClient,
    requester: Staff,
    *,
    subject_id: int | None = None,
    subject_slack_id: str | None = None,
) -> None:
    """Make the report and upload it to the requester's DM (refused, with nothing made,
    for anyone who may not see it)."""
    raise NotImplementedError
