"""The ragging sheet's colour rule, level reached, development points and bands, on the
trust's own sheets (levels 1-5 have 5, 4, 6, 6 and 11 statements; 6, 7 and 8 have 13,
15 and 15) and in the sheet's own words (SMART's Expected Standards, "Leadership Ladder
ragging sheet 1-5"):

  "Start with the first line and if true colour the box green then progress to the
  next line down. When you get to one that is not true leave it blank. [...] Fill in
  amber rather than green for all those boxes after the one you left a blank."

The boxes after the blank that are filled are the lines that are true; a line that is
not true is left blank wherever it is, and each blank is a development point (the
level 6-8 sheets are "to identify development points").
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ladder.rules import (
    Point,
    Sheet,
    asks_higher_levels,
    band,
    encode_answers,
    parse_answers,
)
from bot.ladder.windows import next_window, open_window

COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]
T, F = True, False


def all_true(levels: int) -> list[list[bool]]:
    return [[T] * n for n in COUNTS[:levels]]


def sheet(*levels: list[bool | None]) -> Sheet:
    return Sheet.of(list(levels), COUNTS)


def flat(colours):
    return [c for row in colours for c in row]


def test_the_rule_is_the_sheets_own_words(framework):
    """The seed's instruction, line for line, on one level: true lines before the first
    blank are green; the first untrue line is blank; after it, true lines are amber
    ("amber rather than green") and untrue ones stay blank."""
    colours = sheet([T, T, F, T, F]).colours()
    assert colours[0] == ["green", "green", "blank", "amber", "blank"]


def test_every_statement_true_is_all_green_and_level_8():
    full = sheet(*all_true(8))
    assert full.level_reached == 8
    assert set(flat(full.colours())) == {"green"}
    assert full.development_points == [] and full.next_points == []


def test_the_issue_example_bob_first_gap_at_level_3():
    # Levels 1-2 held; level 3 statements 1, 2, 3 and 5 held, 4 and 6 not; levels 4-5 not.
    bob = sheet(*all_true(2), [T, T, T, F, T, F], [F] * 6, [F] * 11)
    colours = bob.colours()
    assert colours[0] == ["green"] * 5 and colours[1] == ["green"] * 4
    assert colours[2] == ["green", "green", "green", "blank", "amber", "blank"]
    assert colours[3] == ["blank"] * 6 and colours[4] == ["blank"] * 11
    assert colours[5:] == [["blank"] * n for n in COUNTS[5:]]  # not asked: blank too
    assert bob.level_reached == 2
    assert bob.next_points == [Point(3, 4), Point(3, 6)]
    assert len(bob.development_points) == 2 + 6 + 11


def test_a_first_gap_at_level_2_with_true_and_untrue_lines_after_it():
    """One gap at level 2 is not a novice: what they do after it shows as amber, and only
    what they do not do is a development point."""
    gap_at_2 = sheet(
        [T] * 5,
        [T, F, T, T],
        [T, T, F, T, T, T],
        [T] * 6,
        [T] * 10 + [F],
    )
    colours = gap_at_2.colours()
    assert colours[1] == ["green", "blank", "amber", "amber"]
    assert colours[2] == ["amber", "amber", "blank", "amber", "amber", "amber"]
    assert colours[3] == ["amber"] * 6
    assert colours[4] == ["amber"] * 10 + ["blank"]
    assert gap_at_2.level_reached == 1
    assert gap_at_2.next_points == [Point(2, 2)]
    assert gap_at_2.development_points == [Point(2, 2), Point(3, 3), Point(5, 11)]


def test_the_first_statement_untrue():
    first = sheet([F, T, T, T, T], *all_true(5)[1:])
    colours = first.colours()
    assert colours[0] == ["blank", "amber", "amber", "amber", "amber"]
    assert set(flat(colours[1:5])) == {"amber"}
    assert first.level_reached == 0
    assert first.next_points == [Point(1, 1)]


def test_levels_6_to_8_not_asked_leave_level_5_reached():
    five = sheet(*all_true(5))
    assert five.level_reached == 5
    assert not five.asked(6) and five.asked(5)
    assert five.next_points == []  # nothing known to work on until the higher sheets are asked
    assert five.colours()[5] == ["blank"] * 13


@pytest.mark.parametrize(("gap_level", "reached"), [(6, 5), (7, 6), (8, 7)])
def test_levels_6_to_8(gap_level, reached):
    answers = [*all_true(gap_level - 1), [T] * 3 + [F] + [T] * (COUNTS[gap_level - 1] - 4)]
    higher = sheet(*answers)
    assert higher.level_reached == reached
    assert higher.colours()[gap_level - 1][:5] == ["green", "green", "green", "blank", "amber"]
    assert higher.next_points == [Point(gap_level, 4)]


def test_a_sheet_from_the_old_form_keeps_what_is_known():
    """Migrated sheets: true to the gap, the gap untrue, nothing known after it."""
    old = sheet(*all_true(2), [T, T, T, F, None, None])
    assert old.colours()[2] == ["green", "green", "green", "blank", "blank", "blank"]
    assert old.level_reached == 2
    assert old.next_points == [Point(3, 4)]


@given(
    st.tuples(
        *(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n) for n in COUNTS)
    )
)
def test_the_rule_for_any_answers(answers):
    any_sheet = sheet(*answers)
    colours = flat(any_sheet.colours())
    held = [h for level in answers for h in level]
    first_gap = next((i for i, h in enumerate(held) if h is not True), len(held))
    for i, (h, colour) in enumerate(zip(held, colours, strict=True)):
        if h is not True:
            assert colour == "blank"
        else:
            assert colour == ("green" if i < first_gap else "amber")
    reached = 0
    for level in answers:
        if not all(h is True for h in level):
            break
        reached += 1
    assert any_sheet.level_reached == reached
    assert all(any_sheet.held[p.level - 1][p.index - 1] is False for p in any_sheet.next_points)


@given(st.lists(st.sampled_from([True, False, None]), max_size=20))
def test_answers_survive_the_form(answers):
    assert parse_answers(encode_answers(answers)) == answers


@pytest.mark.parametrize("garbage", ["1x0", "2", "true"])
def test_answers_not_from_the_form_are_refused(garbage):
    with pytest.raises(ValueError):
        parse_answers(garbage)


@pytest.mark.parametrize(
    ("reached", "expected", "result"),
    [
        (5, 4, "beyond"),
        (4, 4, "expected"),
        (3, 4, "new_to_role"),  # the light brown band: one level below, as someone new may be
        (2, 4, "red"),  # the red area: support to rapidly improve
        (0, 2, "red"),
        (4, None, None),
    ],
)
def test_bands_of_the_charts_key(reached, expected, result):
    assert band(reached, expected, new_to_role_levels=1) == result


def test_a_wider_new_to_role_band():
    assert band(2, 4, new_to_role_levels=2) == "new_to_role"


@pytest.mark.parametrize(
    ("expected", "target", "asked"),
    [(4, None, False), (4, 5, False), (6, None, True), (4, 6, True), (None, None, False)],
)
def test_levels_6_to_8_are_asked_for_an_expected_or_target_level_of_6(expected, target, asked):
    assert asks_higher_levels(expected, target) is asked


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
