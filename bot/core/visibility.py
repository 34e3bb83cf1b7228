"""Who may see a record about a person (SHARE MAT's QA policy §3.1).

A record is seen only by its subject, its author, the subject's appraiser and
the leaders of the subject's school (school leaders) or of the whole trust
(trust leaders). Every use-case that shows a record to someone asks here.
"""

from __future__ import annotations

from storage.models import LeaderScope, Staff


def can_see(viewer: Staff, subject: Staff, author_id: int | None = None) -> bool:
    if not viewer.active or viewer.id is None:
        return False
    if viewer.id in (subject.id, author_id):
        return True
    if subject.appraiser_id is not None and subject.appraiser_id == viewer.id:
        return True
    if viewer.leader is LeaderScope.TRUST:
        return True
    return viewer.leader is LeaderScope.SCHOOL and viewer.school == subject.school
