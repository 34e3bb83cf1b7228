"""How a use-case runs: validated and written in one transaction, or validated only.

A form must hear about bad input in its ack, before anything is stored, so an action
behind a form is a `UseCase`: `validate()` runs its checks in a read-only transaction
that never waits for a writer and writes nothing; calling it runs the same checks and
does the work in one write transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Generic, TypeVar

from sqlmodel import Session

from storage.db import Database
from storage.requests import first_time

Result = TypeVar("Result", covariant=True)


class UseCase(ABC, Generic[Result]):
    """An action as a value: what it needs is its fields, `run` is what it does."""

    db: Database

    @abstractmethod
    def run(self, session: Session, *, write: bool) -> Result | None:
        """Validate (raising refusals); then, only when `write`, act and say what happened."""

    def validate(self) -> None:
        with self.db.read_session() as session:
            self.run(session, write=False)

    def __call__(self) -> Result:
        with self.db.session() as session:
            result = self.run(session, write=True)
        assert result is not None, f"{type(self).__name__}.run wrote nothing"
        return result

    def once(self, key: str, now: datetime) -> Result | None:
        """Do it unless a request with this key was done already (None then): a form
        submitted twice, or a command Slack delivered twice, is stored once."""
        with self.db.session() as session:
            if not first_time(session=session, key=key, now=now):
                return None
            result = self.run(session, write=True)
        assert result is not None, f"{type(self).__name__}.run wrote nothing"
        return result
