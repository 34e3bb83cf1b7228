"""The ragging sheet's colour rule and level reached, on the seed's own sheets
(levels 1-5 have 5, 4, 6, 6 and 11 statements; levels 6, 7 and 8 have 13, 15, 15)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ladder.rules import Gap, Sheet, sheet_from_answers, standing
from bot.ladder.windows import next_window, open_window

COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]


def all_true(levels: int) -> list[list[bool]]:
    return [[True] * n for n in COUNTS[:levels]]


def flat(colours):
    return [c for row in colours for c in row]


def test_every_statement_true_is_all_green_and_level_8(framework):
    sheet = sheet_from_answers(all_true(8))
    assert sheet.gap is None
    assert sheet.level_reached == 8
    assert set(flat(sheet.colours(framework))) == {"green"}


def test_first_statement_false_is_blank_then_all_amber(framework):
    sheet = sheet_from_answers([[False, True, True, True, True]])
    colours = sheet.colours(framework)
    assert colours[0] == ["blank", "amber", "amber", "amber", "amber"]
    assert set(flat(colours[1:])) == {"amber"}
    assert sheet.level_reached == 0


def test_a_gap_in_level_3_turns_later_ticks_amber(framework):
    # The example: levels 1-2 all true, level 3 statements 1-3 true, 4 not, 5 true.
    sheet = sheet_from_answers([*all_true(2), [True, True, True, False, True, False]])
    colours = sheet.colours(framework)
    assert colours[0] == ["green"] * 5 and colours[1] == ["green"] * 4
    assert colours[2] == ["green", "green", "green", "blank", "amber", "amber"]
    assert set(flat(colours[3:])) == {"amber"}
    assert sheet.gap == Gap(3, 4)
    assert sheet.level_reached == 2


def test_exactly_the_last_statement_of_level_5_false(framework):
    sheet = sheet_from_answers([*all_true(4), [True] * 10 + [False]])
    colours = sheet.colours(framework)
    assert colours[4] == ["green"] * 10 + ["blank"]
    assert set(flat(colours[5:])) == {"amber"}
    assert sheet.level_reached == 4


@pytest.mark.parametrize(("gap_level", "reached"), [(6, 5), (7, 6), (8, 7)])
def test_levels_6_to_8(framework, gap_level, reached):
    answers = [
        *all_true(gap_level - 1),
        [True] * 3 + [False] + [True] * (COUNTS[gap_level - 1] - 4),
    ]
    sheet = sheet_from_answers(answers)
    assert sheet.level_reached == reached
    colours = sheet.colours(framework)
    assert colours[gap_level - 1][:5] == ["green", "green", "green", "blank", "amber"]
    assert len(flat(colours)) == 75


def test_stopping_after_a_full_level_counts_the_next_as_not_met(framework):
    # Answers for levels 1-3 only, all true: the sheet's gap is level 4's first statement.
    sheet = sheet_from_answers(all_true(3))
    assert sheet.gap == Gap(4, 1)
    assert sheet.level_reached == 3


def test_a_sheet_is_described_by_its_gap(framework):
    assert Sheet(Gap(3, 4)).colours(framework) == sheet_from_answers(
        [*all_true(2), [True, True, True, False, False, False]]
    ).colours(framework)


@pytest.mark.parametrize(
    ("reached", "expected", "result"),
    [(2, 3, "below"), (3, 3, "at"), (5, 3, "beyond"), (0, 1, "below"), (4, None, None)],
)
def test_standing(reached, expected, result):
    assert standing(reached, expected) == result


@pytest.mark.parametrize(
    ("today", "open_key", "next_key", "next_opens"),
    [
        (date(2026, 9, 1), "sep", "mid", date(2027, 2, 1)),
        (date(2026, 10, 15), "sep", "mid", date(2027, 2, 1)),
        (date(2026, 10, 16), None, "mid", date(2027, 2, 1)),
        (date(2027, 3, 15), "mid", "jul", date(2027, 7, 1)),
        (date(2027, 7, 20), "jul", "sep", date(2027, 9, 1)),
        (date(2027, 8, 10), None, "sep", date(2027, 9, 1)),
    ],
)
def test_checkpoint_windows(framework, today, open_key, next_key, next_opens):
    window = open_window(framework, today)
    assert (window.checkpoint.key if window else None) == open_key
    upcoming = next_window(framework, today)
    assert (upcoming.checkpoint.key, upcoming.opens) == (next_key, next_opens)
