"""A person's whole record (docs/export.md; its shape is bot.admin.export_model): the answer
to a data-subject access request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from bot.admin import export_model as model
from bot.core.errors import StaffroomError
from bot.core.framework import Framework
from bot.ladder.grid import sheet_of
from bot.objectives.rules import LEADERSHIP
from bot.objectives.view import target_of
from storage.audience import record_of_key
from storage.audit import events
from storage.commendations import commendations_given, commendations_received, recipient_ids_of
from storage.db import Database
from storage.feedback import (
    feedback_by_ids,
    feedback_given,
    feedback_received,
    standards_of,
    visits_involving,
)
from storage.ladder import sheets_of
from storage.models import (
    Commendation,
    Feedback,
    FeedbackStandard,
    LadderSheet,
    OutboxMessage,
    Staff,
    StarProject,
    Visit,
)
from storage.objectives import all_objective_sets, objectives_in, reviews_in, training_of
from storage.outbox import messages_to
from storage.staff import staff_by_email, staff_by_ids
from storage.star import measurements_of, notes_of, projects_of
from storage.subscriptions import subscriptions_by


def export_person(*, db: Database, framework: Framework, email: str) -> model.PersonExport:
    with db.read_session() as session:
        person = staff_by_email(session=session, email=email)
        if person is None or person.id is None:
            raise StaffroomError(f"nobody with email {email.strip().lower()} is on the roster")
        return _Export(session, framework, person).record()


class _Export:
    """Reads everything about one person once, then shapes it as the contract says."""

    def __init__(self, session: Session, framework: Framework, person: Staff) -> None:
        assert person.id is not None
        self.framework = framework
        self.person = person
        self.given = commendations_given(session=session, staff_id=person.id)
        self.received = commendations_received(session=session, staff_id=person.id)
        self.recipients = recipient_ids_of(
            session=session, commendation_ids=[c.id for c in self.given if c.id]
        )
        self.feedback_given = feedback_given(session=session, staff_id=person.id)
        self.feedback_received = feedback_received(session=session, staff_id=person.id)
        feedback = [*self.feedback_given, *self.feedback_received]
        self.standards = standards_of(
            session=session, feedback_ids=[f.id for f in feedback if f.id]
        )
        self.visits = visits_involving(session=session, staff_id=person.id)
        written = feedback_by_ids(
            session=session,
            ids=[v.written_feedback_id for v in self.visits if v.written_feedback_id],
        )
        self.written_at = {fid: f.created_at for fid, f in written.items()}
        self.sheets = sheets_of(session=session, staff_id=person.id)
        self.projects = projects_of(session=session, owner_id=person.id)
        self.measurements = measurements_of(
            session=session, project_ids=[p.id for p in self.projects if p.id]
        )
        self.objectives = objectives_export(session, person)
        self.training = training_export(session, person)
        self.kept = _Kept(session, person)
        self.people = staff_by_ids(session=session, ids=self._people_named(feedback))

    def _people_named(self, feedback: Iterable[Feedback]) -> list[int]:
        ids = [self.person.appraiser_id or 0]
        ids += [c.author_id for c in self.received]
        ids += [sid for recipients in self.recipients.values() for sid in recipients]
        ids += [i for f in feedback for i in (f.observer_id, f.observee_id)]
        ids += [i for v in self.visits for i in (v.observer_id, v.observee_id)]
        ids += [p.evaluated_by for p in self.projects if p.evaluated_by]
        return ids

    def email_of(self, staff_id: int | None) -> str | None:
        return self.people[staff_id].email if staff_id in self.people else None

    def record(self) -> model.PersonExport:
        person = self.person
        return model.PersonExport(
            staff=model.StaffRecord(
                email=person.email,
                name=person.name,
                school=person.school,
                role=person.role.value,
                grade=person.grade,
                appraiser_email=self.email_of(person.appraiser_id),
                slack_user_id=person.slack_user_id,
                standards=person.standards,
                **_person_details(person),
            ),
            commendations_given=[
                model.CommendationGiven(to=self.email_of(to), **self._commendation(c))
                for c in self.given
                for to in self.recipients[c.id or 0]
            ],
            commendations_received=[
                model.CommendationReceived(
                    from_=self.email_of(c.author_id), **self._commendation(c)
                )
                for c in self.received
            ],
            feedback_given=[
                model.FeedbackGiven(observee=self.email_of(f.observee_id), **self._feedback(f))
                for f in self.feedback_given
            ],
            feedback_received=[
                model.FeedbackReceived(observer=self.email_of(f.observer_id), **self._feedback(f))
                for f in self.feedback_received
            ],
            visits=[self._visit(v) for v in self.visits],
            star_projects=[self._project(p) for p in self.projects],
            ladder=[self._sheet(s) for s in self.sheets],
            objectives=self.objectives,
            leadership_training=self.training,
            **self.kept.records(),
        )

    def _commendation(self, c: Commendation) -> dict[str, Any]:
        value = self.framework.value(c.value) if c.value else None
        return {
            "message": c.message,
            "value": value.name if value else c.value,
            "public": c.public,
            "created_at": c.created_at,
        }

    def _feedback(self, f: Feedback) -> dict[str, Any]:
        rows: list[FeedbackStandard] = self.standards[f.id or 0]
        return {
            "observed_on": f.observed_on,
            "context": f.context.value,
            "context_detail": f.context_detail,
            "standard_set": f.standard_set,
            "standards": [row.code for row in rows],
            "ratings": {row.code: row.rating for row in rows if row.rating},
            "strengths": f.strengths,
            "development": f.development,
            "next_steps": f.next_steps,
            "created_at": f.created_at,
        }

    def _visit(self, v: Visit) -> model.VisitRecord:
        return model.VisitRecord(
            observer=self.email_of(v.observer_id),
            observee=self.email_of(v.observee_id),
            visited_on=v.visited_on,
            verbal_due=v.verbal_due,
            written_due=v.written_due,
            verbal_given_at=v.verbal_given_at,
            written_feedback_at=self.written_at.get(v.written_feedback_id or 0),
            created_at=v.created_at,
        )

    def _project(self, project: StarProject) -> model.StarProjectRecord:
        return model.StarProjectRecord(
            academic_year=project.academic_year,
            title=project.title,
            stage=project.stage,
            kpi=model.Kpi(
                name=project.kpi_name,
                unit=project.kpi_unit,
                higher_is_better=project.higher_is_better,
                method=project.kpi_method,
            ),
            measurements=[
                model.Measurement(
                    kind=m.kind.value,
                    value=m.value,
                    measured_on=m.measured_on,
                    recorded_at=m.created_at,
                )
                for m in self.measurements[project.id or 0]
            ],
            evaluated=project.evaluated_at is not None,
            notes=self.kept.notes_of(project),
            evaluated_by=self.email_of(project.evaluated_by),
            **_project_details(project),
        )

    def _sheet(self, row: LadderSheet) -> model.LadderRecord:
        sheet = sheet_of(self.framework, row)
        colours = sheet.colours()
        return model.LadderRecord(
            academic_year=row.academic_year,
            checkpoint=row.checkpoint,
            target_level=row.target_level,
            level_reached=row.level_reached,
            expected_level=self.framework.expected_level(self.person.grade),
            statements=[
                model.Statement(
                    level=level.level,
                    index=index,
                    text=text,
                    held=sheet.held[level.level - 1][index - 1],
                    rag=colours[level.level - 1][index - 1],
                )
                for level in self.framework.sheet
                for index, text in enumerate(level.statements, 1)
            ],
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


def objectives_export(session: Session, person: Staff) -> list[model.ObjectiveRecord]:
    """Every year's objectives of the person, with their appraiser's reviews."""
    assert person.id is not None
    sets = all_objective_sets(session=session, staff_id=person.id)
    ids = [s.id for s in sets if s.id is not None]
    objectives = objectives_in(session=session, set_ids=ids)
    reviews = reviews_in(session=session, set_ids=ids)
    named = [s.agreed_by for s in sets if s.agreed_by] + [
        r.reviewed_by for rows in reviews.values() for r in rows
    ]
    emails = {sid: p.email for sid, p in staff_by_ids(session=session, ids=named).items()}
    return [
        model.ObjectiveRecord(
            academic_year=found.academic_year,
            number=objective.number,
            text=objective.text,
            standards=list(objective.standards),
            target_level=(
                target_of(session, person, found.academic_year, found)
                if objective.number == LEADERSHIP
                else None
            ),
            agreed_at=found.agreed_at,
            agreed_by=emails.get(found.agreed_by or 0),
            talk_comment=found.talk_comment,
            talk_requested_at=found.talk_requested_at,
            created_at=found.created_at,
            updated_at=found.updated_at,
            reviews=[
                model.ObjectiveReviewRecord(
                    checkpoint=r.checkpoint,
                    status=r.status.value,
                    comment=r.comment,
                    reviewed_by=emails.get(r.reviewed_by),
                    reviewed_at=r.reviewed_at,
                )
                for r in reviews[found.id or 0]
                if r.number == objective.number
            ],
        )
        for found in sets
        for objective in objectives[found.id or 0]
    ]


def training_export(session: Session, person: Staff) -> list[model.LeadershipTrainingRecord]:
    assert person.id is not None
    return [
        model.LeadershipTrainingRecord(
            title=t.title, taken_on=t.taken_on, learned=t.learned, created_at=t.created_at
        )
        for t in training_of(session=session, staff_id=person.id)
    ]


def _person_details(person: Staff) -> dict[str, Any]:
    """The roster's other fields about the person."""
    return {
        "leader": person.leader.value if person.leader else None,
        "active": person.active,
        "reminders_muted": person.mute_nudges,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def _project_details(project: StarProject) -> dict[str, Any]:
    """A STAR project's words, plans and evaluation."""
    return {
        "question": project.question,
        "beneficiaries": project.beneficiaries,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "learned": project.learned,
        "would_share": project.would_share,
        "evaluation_submitted_at": project.evaluation_submitted_at,
        "evaluated_at": project.evaluated_at,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }


class _Kept:
    """What else is kept about the person: their STAR notes, the copies of messages to
    them, the channels they subscribed to the weekly summary, and the audit log's
    entries by or about them."""

    def __init__(self, session: Session, person: Staff) -> None:
        assert person.id is not None
        projects = projects_of(session=session, owner_id=person.id)
        self.notes = {p.id: notes_of(session=session, project_id=p.id) for p in projects if p.id}
        self.messages = [
            (message, _about_someone_else(session, message, person))
            for message in (
                messages_to(session=session, channel=person.slack_user_id)
                if person.slack_user_id
                else []
            )
        ]
        self.subscriptions = subscriptions_by(session=session, staff_id=person.id)
        self.audit = events(session=session, email=person.email)

    def notes_of(self, project: StarProject) -> list[model.StarNoteRecord]:
        return [
            model.StarNoteRecord(stage=n.stage, text=n.text, created_at=n.created_at)
            for n in self.notes.get(project.id or 0, [])
        ]

    def records(self) -> dict[str, Any]:
        return {
            "messages": [_message(m, withheld) for m, withheld in self.messages],
            "summary_subscriptions": [
                model.SubscriptionRecord(
                    channel_id=s.channel_id, school=s.school, created_at=s.created_at
                )
                for s in self.subscriptions
            ],
            "audit": [
                model.AuditRecord(
                    at=e.at, who=e.actor, action=e.action, whose=e.subject, detail=e.detail
                )
                for e in self.audit
            ],
        }


def _about_someone_else(session: Session, message: OutboxMessage, person: Staff) -> bool:
    if not message.payload:  # sent or dropped: no words to withhold, nothing to look up
        return False
    record = record_of_key(session, message.key)
    return record is not None and record[0].id != person.id


def _message(message: OutboxMessage, withheld: bool) -> model.MessageCopy:
    payload = {} if withheld else (message.payload or {})
    text, blocks = payload.get("text"), payload.get("blocks")
    return model.MessageCopy(
        key=message.key,
        channel=message.channel,
        status=message.status.value,
        text=text if isinstance(text, str) else None,
        blocks=blocks if isinstance(blocks, list) else None,
        attempts=message.attempts,
        last_error=message.last_error,
        created_at=message.created_at,
        sent_at=message.sent_at,
        slack_ts=message.slack_ts,
    )
