"""The Staff Appraisal Report as a PDF in the requester's DM: `/staffroom report [@a]`
(handlers.staffroom) and the Report buttons on the Home tab and in a record."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.report.upload import upload_to_dm
from bot.report.year import report_seen_by
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster
from handlers.forms import record_id
from messages import render
from messages.ids import HomeIds
from messages.report import report_pdf
from storage.models import Staff


def register(app: App) -> None:
    app.action(HomeIds.REPORT.value, middleware=[on_roster])(listener(report_clicked))


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
    report = report_seen_by(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer=requester,
        now=deps.clock(),
        subject_id=subject_id,
        subject_slack_id=subject_slack_id,
    )
    pdf = report_pdf(report=report, trust=deps.framework.trust)
    said = render("report_ready", name=report.name, year=report.year, state="here")
    upload_to_dm(
        client,
        user_id=requester.slack_user_id or "",
        pdf=pdf,
        filename=f"staff-appraisal-report-{_slug(report.name)}-{report.year}.pdf",
        title=f"Staff Appraisal Report {report.year}: {report.name}",
        comment=said["text"],
    )


def _slug(name: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in name.lower().split())
