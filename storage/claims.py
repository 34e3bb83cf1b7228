"""Claims that die with their owner, on PostgreSQL: a session-level advisory lock per
outbox row, taken on a connection the sender keeps for its whole run. The database
releases the lock when that connection ends, so a sender that is killed (or loses
the database) lets go of every row it held, at once, on any host.

On SQLite, which has no such lock, claims are leases (`outbox.lease_until`).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# The first half of each advisory lock's key says "a row of this schema's outbox" (the row id
# is the second half): advisory locks are per database, and a database may hold several
# staffroom schemas (a test run each, or two trusts), whose row ids must not collide.
LOCK_SPACE = "SELECT hashtext('staffroom outbox ' || current_schema())"


class ClaimLocks(Protocol):
    """Locks on outbox rows held by one delivery run."""

    held_by_database: bool  # True: a claim is held by the lock, not by a lease

    def acquire(self, message_id: int) -> bool: ...

    def release(self, message_id: int) -> None: ...

    def holds(self, message_id: int) -> bool: ...

    def close(self) -> None: ...


class NoLocks:
    """SQLite: claims are leases, renewed by the sender and checked by everyone else."""

    held_by_database = False

    def acquire(self, message_id: int) -> bool:
        return True

    def release(self, message_id: int) -> None:
        pass

    def holds(self, message_id: int) -> bool:
        return True

    def close(self) -> None:
        pass


class AdvisoryLocks:
    """PostgreSQL: `pg_try_advisory_lock(space, id)` on a connection of the run's own."""

    held_by_database = True

    def __init__(self, engine: Engine) -> None:
        self._connection: Connection = engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        )
        self.space = int(self._connection.execute(text(LOCK_SPACE)).scalar_one())

    def acquire(self, message_id: int) -> bool:
        return bool(
            self._connection.execute(
                text("SELECT pg_try_advisory_lock(:space, :id)"),
                {"space": self.space, "id": message_id},
            ).scalar()
        )

    def release(self, message_id: int) -> None:
        self._connection.execute(
            text("SELECT pg_advisory_unlock(:space, :id)"),
            {"space": self.space, "id": message_id},
        )

    def holds(self, message_id: int) -> bool:
        """Whether this connection still holds the row's lock (False, or an error, once
        the connection has gone: then someone else may have taken the row over)."""
        return bool(
            self._connection.execute(
                text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                    " AND classid = (:space)::oid AND objid = :id AND objsubid = 2"
                    " AND pid = pg_backend_pid() AND granted)"
                ),
                {"space": self.space, "id": message_id},
            ).scalar()
        )

    def close(self) -> None:
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
        except Exception:
            self._connection.invalidate()  # never back to the pool with locks on it
        finally:
            self._connection.close()


def claim_locks(engine: Engine) -> ClaimLocks:
    if engine.dialect.name == "postgresql":
        return AdvisoryLocks(engine)
    return NoLocks()
