"""Who holds an outbox claim, and whether that process is still alive.

A claim records the host, the process id and the process's start time (so a
reused process id is not mistaken for the original). On the same host a dead
claimant is seen at once; on another host its claim is trusted until its lease
runs out.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None if there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


@cache
def current() -> str:
    fields = _stat(os.getpid())
    started = fields[19] if fields else ""
    return f"{socket.gethostname()}:{os.getpid()}:{started}"


def is_dead(claimant: str | None) -> bool:
    """True only when the claim was made on this host by a process that has ended."""
    if not claimant:
        return False
    try:
        host, pid_text, started = claimant.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return False
    fields = _stat(pid)
    if fields is None:
        return True  # no such process
    state, start_time = fields[0], fields[19]
    return state in ("Z", "X") or (bool(started) and start_time != started)
