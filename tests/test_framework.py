"""The trust framework file: the built-in SMART file, checked against the seed
documents themselves, and broken files that must name their fault."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from bot.core.errors import FrameworkError
from bot.core.framework import builtin_framework_path, load_framework

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_22215f3216011093.txt"
CODES = [f"{p}{n}" for p in ("ES", "QE", "QC", "UR", "IE", "PT") for n in range(1, 5)]


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html.unescape(text))
    return re.sub(r"[\s()]+", " ", text).replace(" ,", ",").strip()


def test_builtin_ladder_has_every_ragging_sheet_statement(framework):
    counts = [len(level.statements) for level in framework.ladder]
    assert counts == [5, 4, 6, 6, 11, 13, 15, 15, 0, 0]  # PRODUCT §2.5: 5, 4, 6, 6, 11, then 6-8
    assert [level.name for level in framework.ladder] == [
        "Self-led reliability",
        "Reliable team role",
        "Develops ideas",
        "Develops others",
        "Responsibility for a team",
        "Multiple team building",
        "Whole school change",
        "MAT wide change",
        "Build strategic capacity",
        "System leadership",
    ]
    assert framework.ladder[0].statements[0] == (
        "Take personal responsibility for meeting deadlines. Responding in time so chasing is "
        "never urgent. Apologies, always sent for non-attendance"
    )
    assert framework.ladder[4].statements[-1].startswith("Reflective, intelligent use of data")
    assert framework.ladder[7].statements[-1].startswith("Stakeholders. Has an expectation/vision")
    assert framework.ladder[8].description and framework.ladder[9].description


@pytest.mark.skipif(not SEED.exists(), reason="seed documents are not beside the repository")
def test_every_statement_and_standard_is_worded_as_in_the_seed(framework):
    seed = _normalise(SEED.read_text(encoding="utf-8"))
    for level in framework.ladder[:8]:
        for index, statement in enumerate(level.statements, 1):
            assert _normalise(statement) in seed, f"level {level.level} statement {index}"
    for key, standard_set in framework.standard_sets.items():
        for standard in standard_set.standards:
            assert _normalise(standard.name) in seed, f"{key} {standard.code}"
            if standard.outstanding:
                assert _normalise(standard.outstanding) in seed, f"{key} {standard.code}"


def test_builtin_values_ratings_and_standard_sets(framework):
    assert [(v.code, v.name) for v in framework.values] == [
        ("E", "Expect the best"),
        ("Q", "Question deeply"),
        ("U", "Understand goals"),
        ("I", "Inspire learning"),
        ("P", "Praise positive"),
    ]
    assert [r.code for r in framework.ratings] == ["G*", "G", "A", "R"]
    assert set(framework.standard_sets) == {"teacher", "ta", "support", "meetings"}
    for standard_set in framework.standard_sets.values():
        assert [s.code for s in standard_set.standards] == CODES
    assert framework.standard_sets["teacher"].get("QC3").name == "Developing higher order thinking"
    assert framework.standard_set_for_role["ta"] == "ta"
    assert framework.meeting_standard_set == "meetings"


@pytest.mark.parametrize(
    ("grade", "level"),
    [
        ("UNQ1", 1),
        ("M1", 2),
        ("m6", 2),
        ("UNQ2", 2),
        ("UPS1", 3),
        ("TLR3", 3),
        ("UPS3", 4),
        ("TLR2", 4),
        ("TLR1", 5),
        ("AH", 6),
        ("DH", 7),
        ("Head", 7),
        ("A", 1),
        ("F", 2),
        ("G", 3),
        ("I", 4),
        ("K", 5),
        ("M", 6),
        ("N", 7),
        ("LGC", 1),
        ("tb chair", 6),
        ("TBChair", 6),
        ("NLG", 7),
        ("XYZ", None),
        ("", None),
    ],
)
def test_expected_level_by_grade(framework, grade, level):
    assert framework.expected_level(grade) == level


def test_calendar_defaults(framework):
    assert framework.timezone == "Europe/London"
    assert (framework.working_hours.start.hour, framework.working_hours.end.hour) == (8, 17)
    windows = {c.key: (c.opens.on(2026), c.closes.on(2026)) for c in framework.checkpoints}
    assert str(windows["sep"][0]) == "2026-09-01" and str(windows["sep"][1]) == "2026-10-15"
    assert str(windows["mid"][0]) == "2026-02-01" and str(windows["mid"][1]) == "2026-03-15"
    assert str(windows["jul"][0]) == "2026-07-01" and str(windows["jul"][1]) == "2026-07-20"
    assert framework.celebrations_channel == "#celebrations"
    assert any(h.name == "Christmas 2026" for h in framework.school_holidays)


# --- broken files -----------------------------------------------------------


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(builtin_framework_path().read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "trust.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "fault"),
    [
        (lambda d: d.pop("timezone"), "timezone: Field required"),
        (lambda d: d.update(timezone="Europe/Atlantis"), "timezone: unknown time zone"),
        (lambda d: d["ladder"].pop(3), "ladder: must list levels 1 to 10 in order"),
        (
            lambda d: d["ladder"][2]["statements"].__setitem__(1, "  "),
            "ladder.2.statements: statement 2 is empty",
        ),
        (
            lambda d: d["ladder"][6].update(statements=[]),
            "level 7 needs its ragging-sheet statements",
        ),
        (
            lambda d: d["checkpoints"][0].update(opens="13-01"),
            "checkpoints.0.opens: '13-01' is not a day",
        ),
        (
            lambda d: d["checkpoints"][1].update(closes="1 March"),
            "checkpoints.1.closes: must be MM-DD",
        ),
        (
            lambda d: d["standard_set_for_role"].update(ta="assistants"),
            "standard_set_for_role.ta: no standard set 'assistants'",
        ),
        (lambda d: d["standard_set_for_role"].pop("governor"), "no standard set for ['governor']"),
        (
            lambda d: d["standard_sets"]["teacher"]["standards"].append(
                {"code": "ES1", "name": "again"}
            ),
            "standard_sets.teacher.standards: duplicate standard code 'ES1'",
        ),
        (
            lambda d: d["expected_levels"][1]["grades"].append("m3"),
            "expected_levels: duplicate grade 'M3'",
        ),
        (
            lambda d: d["school_holidays"][0].update(end="2026-10-01"),
            "school_holidays.0: ends (2026-10-01) before it starts",
        ),
        (
            lambda d: d.update(celebrations_channel="celebrations"),
            "celebrations_channel: must be a channel name",
        ),
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted"),
        (
            lambda d: d["working_hours"].update(start="18:00"),
            "working_hours: end must be after start",
        ),
        (lambda d: d["checkpoints"].pop(1), "checkpoints: the ladder needs checkpoints mid"),
        (
            lambda d: d["checkpoints"][2].update(opens="07-21", closes="07-01"),
            "jul closes before it opens",
        ),
        (
            lambda d: d["checkpoints"].append(
                {"key": "summer", "name": "S", "opens": "08-20", "closes": "09-05"}
            ),
            "summer closes before it opens",
        ),
        (
            lambda d: d["checkpoints"].append(
                {"key": "pdp", "name": "P", "opens": "03-01", "closes": "03-31", "optional": True}
            ),
            "mid and pdp overlap",
        ),
    ],
)
def test_broken_file_names_the_key_at_fault(tmp_path, mutate, fault):
    path = _write(tmp_path, mutate)
    with pytest.raises(FrameworkError) as error:
        load_framework(path)
    assert str(error.value).startswith(f"{path}: ")
    assert fault in str(error.value)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("name: SMART\nvalues: [\n  - oops: : :\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"bad.yml: line \d+ is not valid YAML"):
        load_framework(path)


def test_not_a_mapping_and_missing_file(tmp_path):
    path = tmp_path / "list.yml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="must be a mapping of keys, got list"):
        load_framework(path)
    with pytest.raises(FrameworkError, match="cannot read"):
        load_framework(tmp_path / "absent.yml")
