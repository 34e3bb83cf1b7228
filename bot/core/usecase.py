"""How a use-case runs: validated and written in one transaction, or validated only.

A form must hear about bad input in its ack, before anything is stored, so every
use-case behind a form can run in a validate-only mode: the same checks, in a
read-only transaction that never waits for a writer, and nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from storage.db import Database


@contextmanager
def unit_of_work(db: Database, *, validate_only: bool) -> Iterator[Session]:
    """One write transaction, or (validate_only) a read-only one."""
    with db.read_session() if validate_only else db.session() as session:
        yield session
