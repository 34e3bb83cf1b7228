"""Logging for every command: plain lines, or one JSON object per line (LOG_FORMAT=json).

Whatever the format, Slack tokens are masked, and lines that only repeat what
the start-up line says (the scheduler's jobs, Alembic's dialect, Bolt's note
that the client's token wins) are left out.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Literal

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_TOKEN = re.compile(r"\bx(?:ox[abprse]|app)-[A-Za-z0-9-]+")
_NOISE = (
    ("slack_bolt", "As you gave `client` as well, `token` will be unused."),
    ("apscheduler.scheduler", "Adding job tentatively"),
    ("apscheduler.scheduler", "Added job "),
    ("alembic.runtime.migration", "Context impl "),
    ("alembic.runtime.migration", "Will assume "),
)


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(lambda m: m.group(0).split("-", 1)[0] + "-***", text)


class _Filter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for logger, start in _NOISE:
            if record.name == logger and message.startswith(start):
                return False
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and error, with its trace)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = mask_tokens(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def formatException(self, ei: object) -> str:
        return mask_tokens(super().formatException(ei))  # type: ignore[arg-type]


def configure_logging(log_format: Literal["text", "json"], *, level: int = logging.INFO) -> None:
    """Send every log record to stderr in `log_format`; safe to call more than once."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "staffroom", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.staffroom = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else _TextFormatter(TEXT_FORMAT))
    handler.addFilter(_Filter())
    root.addHandler(handler)
    root.setLevel(level)
    # A one-shot command reports Slack's failures itself, in one line; serve logs them all.
    logging.getLogger("slack_sdk").setLevel(
        logging.NOTSET if level <= logging.INFO else logging.CRITICAL
    )
    # The executor logs every run of every job ("Running job", "executed successfully"),
    # each two minutes; the tick logs what it did, and the executor's errors still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
