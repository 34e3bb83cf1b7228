"""What people type (bot.core.typed): numbers and dates as a UK member of staff writes
them, and text made safe to show. Examples first, then properties over any text."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import typed


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("12.5", 12.5),
        ("-3", -3),
        ("62%", 62),
        ("1,200", 1200),
        ("+4", 4),
        ("1,234,567.5", 1234567.5),
        (" 7 ", 7),
    ],
)
def test_numbers_as_staff_write_them(text, value):
    assert typed.number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "1,5",
        "7_1",
        "1e3",
        "inf",
        "NaN",
        "-inf",
        "Infinity",
        "12,34",
        "1,2345",
        "0x10",
        "١٢",
        "",
        "%",
        "1.",
        ".5",
        "1 200",
    ],
)
def test_what_is_not_a_number(text):
    assert typed.number(text) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-12-17", date(2026, 12, 17)),
        ("17/12/2026", date(2026, 12, 17)),
        ("1/9/2026", date(2026, 9, 1)),
    ],
)
def test_dates_as_staff_write_them(text, day):
    assert typed.day(text) == day


@pytest.mark.parametrize(
    "text", ["20261001", "2026-13-45", "31/02/2027", "12/17/2026", "tomorrow", "2026-1-5", ""]
)
def test_what_is_not_a_date(text):
    assert typed.day(text) is None


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("hello", "hello"),
        ("\u200b\u200c\u2060 ", ""),
        ("\ufeff", ""),
        ("a\u202eb", "ab"),
        ("\u2066x\u2069", "x"),
        ("👩\u200d🏫", "👩\u200d🏫"),
    ],
)
def test_clean_text(text, cleaned):
    assert typed.clean(text) == cleaned


@given(st.text())
def test_reading_any_text_never_fails(text):
    value = typed.number(text)
    assert value is None or math.isfinite(value)
    typed.day(text)
    cleaned = typed.clean(text)
    assert not any(c in cleaned for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert typed.clean(cleaned) == cleaned


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_every_whole_number_reads_back_with_or_without_thousands(n):
    assert typed.number(str(n)) == n
    assert typed.number(f"{n:,}") == n
