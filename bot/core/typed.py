"""What people type, read as a UK member of staff means it, and made safe to show.

Text: right-to-left and other direction overrides are removed (they can make a message
read differently from what was stored), and text with nothing visible in it (only
spaces and zero-width characters) counts as empty. Numbers: `12`, `12.5`, `-3`,
`1,200`, `62%`; never `1,5` (a decimal comma), `7_1`, `1e3`, `inf` or `NaN`. Dates:
`2026-12-17` or `17/12/2026`; never `20261217`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

# Embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069); control
# characters other than tab and line breaks (NUL cannot be stored in PostgreSQL's text),
# and halves of surrogate pairs, which no text can hold.
_REMOVED = re.compile(
    "[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)


def clean(text: str) -> str:
    """Typed text without direction overrides or control characters; "" when nothing in
    it would be visible."""
    text = _REMOVED.sub("", text)
    return text if any(_visible(character) for character in text) else ""


def _visible(character: str) -> bool:
    # Format (Cf: zero-width spaces and joiners, marks), separators (Z*) and other
    # controls (Cc) show nothing on their own.
    return not unicodedata.category(character).startswith(("Z", "C"))


def number(text: str) -> float | None:
    """A number as typed (`62`, `71.5`, `-3`, `1,200`, `62%`), or None if it is not one."""
    cleaned = text.strip().removesuffix("%").strip()
    if not _NUMBER.fullmatch(cleaned):
        return None
    value = float(cleaned.replace(",", ""))
    return value if math.isfinite(value) else None


def day(text: str) -> date | None:
    """A date as typed (`2026-12-17` or `17/12/2026`), or None if it is not one."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day_of_month = (int(part) for part in match.groups())
    elif match := _UK_DATE.fullmatch(text):
        day_of_month, month, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day_of_month)
    except ValueError:
        return None
