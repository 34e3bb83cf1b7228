"""STAR rules: the KPI change (both directions, negatives, zero baseline, rounding),
measurement parsing and the stage rules."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidInput
from bot.star.rules import kpi_change, next_stage, parse_measurement
from messages.render import number, signed


@pytest.mark.parametrize(
    ("baseline", "later", "higher", "absolute", "percent", "improved"),
    [
        (62, 71, True, 9, 14.5, True),  # the homework KPI: +9 (+14.5%)
        (62, 55, True, -7, -11.3, False),
        (40, 30, False, -10, -25.0, True),  # lower is better: fewer late marks
        (40, 44, False, 4, 10.0, False),
        (-10, -5, True, 5, 50.0, True),  # negative values: percent against the baseline's size
        (-10, -15, False, -5, -50.0, True),
        (0, 12, True, 12, None, True),  # a zero baseline: absolute change only
        (3, 3, True, 0, 0.0, False),
        (3, 4, True, 1, 33.3, True),  # rounding to one place
        (3, 5, True, 2, 66.7, True),
    ],
)
def test_kpi_change(baseline, later, higher, absolute, percent, improved):
    change = kpi_change(baseline, later, higher_is_better=higher)
    assert change.absolute == absolute
    assert change.percent == percent
    assert change.improved is improved
    assert change.unchanged is (absolute == 0)


@pytest.mark.parametrize(
    ("text", "value"),
    [("62", 62), (" 71.5 ", 71.5), ("-3", -3), ("1,200", 1200), ("0", 0), ("+4", 4), ("62%", 62)],
)
def test_parse_measurement(text, value):
    assert parse_measurement(text) == value


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "inf", "-inf", "Infinity", "sixty", "", "%", "1e999", "1e13"]
)
def test_parse_measurement_refuses_what_is_not_a_number(text):
    with pytest.raises(InvalidInput):
        parse_measurement(text)


def test_stage_rules():
    assert [next_stage(s, evaluated=False) for s in range(1, 5)] == [2, 3, 4, 5]
    with pytest.raises(InvalidInput, match="Evaluate the project with your appraiser"):
        next_stage(5, evaluated=False)
    assert next_stage(5, evaluated=True) == 6
    with pytest.raises(InvalidInput, match="last stage"):
        next_stage(6, evaluated=True)


def test_numbers_as_shown():
    assert [number(62), number(71.5), number(1 / 3), number(-3.0)] == ["62", "71.5", "0.33", "-3"]
    assert [signed(9), signed(-7), signed(0)] == ["+9", "-7", "0"]
