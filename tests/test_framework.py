"""The trust framework files: the built-in SMART and SHARE files checked against the
trusts' own documents (tests/seeds holds copies of ../shared/seeds), and broken files
that must name their fault."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from bot.core.errors import FrameworkError
from bot.core.framework import builtin_framework_path, framework_source, load_framework

SEEDS = Path(__file__).resolve().parent / "seeds"
# ../shared/seeds beside the repository (a worktree may sit one folder deeper).
SHARED = next(
    (
        up / "shared" / "seeds"
        for up in Path(__file__).resolve().parents[2:4]
        if (up / "shared" / "seeds").is_dir()
    ),
    Path("/nonexistent"),
)
SMART_STANDARDS = "000_22215f3216011093.txt"  # SMART Expected Standards, ladder, ragging sheets
SHARE_POLICY = "001_0fdbcfa29ca8588d.txt"  # SHARE MAT Quality Assurance Policy
SMART_PLAN = "003_aa1c1ebe52dd047c.txt"  # SMART Trust Strategic Plan 2022-2027
CODES = [f"{p}{n}" for p in ("ES", "QE", "QC", "UR", "IE", "PT") for n in range(1, 5)]
INLINE_TAGS = re.compile(r"</?(b|i|a|span)\b[^>]*>")


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def norm(text: str) -> str:
    """Text as words: no markup, bullets or emphasis; spacing and brackets evened out."""
    text = INLINE_TAGS.sub("", html.unescape(text))
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "").replace("•", " ")
    text = re.sub(r"[\s()]+", " ", text)
    return re.sub(r" ([.,;:!?])", r"\1", text).strip()


def section(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


@pytest.fixture(scope="module")
def smart():
    return load_framework("smart")


@pytest.fixture(scope="module")
def share():
    return load_framework("share")


@pytest.mark.skipif(not SHARED.exists(), reason="the shared seed documents are not beside the repo")
@pytest.mark.parametrize("name", [SMART_STANDARDS, SHARE_POLICY, SMART_PLAN])
def test_the_copies_of_the_seeds_are_the_seeds(name):
    assert seed(name) == (SHARED / name).read_text(encoding="utf-8")


# --- SMART against its Expected Standards --------------------------------------------------


def _sheet_rows(text: str) -> list[tuple[int, str]]:
    """Every ragging-sheet statement of the seed, with its level, in sheet order."""
    rows: list[tuple[int, str]] = []
    for start, end in [
        ("## Leadership Ladder ragging sheet 1-5", "## Leadership Ladder ragging sheet Level 6"),
        (
            "## Leadership Ladder ragging sheet Level 6",
            "## Leadership Ladder ragging sheet Level 7",
        ),
        (
            "## Leadership Ladder ragging sheet Level 7",
            "## Leadership Ladder ragging sheet Level 8",
        ),
        ("## Leadership Ladder ragging sheet Level 8", "# Appendix 1"),
    ]:
        level = 0
        for line in section(text, start, end).splitlines():
            cells = line.split("\t")
            if len(cells) < 3 or cells[1] == "Minimum standard":
                continue
            first = norm(cells[0])
            level = int(first) if first.isdigit() else level
            rows.append((level, norm(cells[1])))
    return rows


def test_every_ragging_sheet_statement_is_the_seeds_in_its_order(smart):
    seeded = _sheet_rows(seed(SMART_STANDARDS))
    assert [len([r for r in seeded if r[0] == n]) for n in range(1, 9)] == [
        5,
        4,
        6,
        6,
        11,
        13,
        15,
        15,
    ]  # 5, 4, 6, 6 and 11 on the first sheet, then the level 6, 7, 8 sheets
    ours = [(level.level, norm(s)) for level in smart.ladder for s in level.statements]
    assert ours == seeded


def test_ladder_levels_names_and_summaries(smart):
    text = norm(seed(SMART_STANDARDS))
    assert [level.name for level in smart.ladder] == [
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
    for level in smart.ladder:
        assert f"{level.level}. {level.name}" in text
        assert norm(level.title) in text, level.level
        assert level.criteria, f"level {level.level} has no summary"
        for line in level.criteria:
            assert norm(line) in text, f"level {level.level}: {line}"
        for part in re.split(r"(?<=\.) ", level.description):
            assert norm(part) in text, f"level {level.level}: {part}"
    assert not smart.ladder[8].statements and smart.ladder[8].description
    assert not smart.ladder[9].statements and smart.ladder[9].description


def _standards_table(text: str) -> dict[str, tuple[str, str, str]]:
    """code -> (shorthand name, outstanding, below minimum), as the seed's table has them."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("\t")]
        for position, cell in enumerate(cells):
            match = re.match(r"^([A-Z]{2}\d)\s*[-\N{EN DASH}]\s*(.+)$", cell)
            if match:
                rest = [*cells[position + 1 :], "", ""]
                rows[match[1]] = (norm(match[2]), norm(rest[0]), norm(rest[1]))
                break
    return rows


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("teacher", "## Teacher Classroom Standards", "## Teaching Assistants"),
        ("ta", "## Teaching Assistants (TA) Classroom Practice", "## A general set"),
        ("support", "## A general set of standards", "# National Headteacher Standards"),
        ("meetings", "## EQUIP Standards in Relation to", "# EQUIP Professional Meeting"),
    ],
)
def test_every_standard_and_descriptor_is_the_seeds(smart, key, start, end):
    table = _standards_table(section(seed(SMART_STANDARDS), start, end))
    standards = smart.standard_sets[key].standards
    assert [s.code for s in standards] == CODES == list(table)
    for standard in standards:
        assert (norm(standard.name), norm(standard.outstanding), norm(standard.below)) == table[
            standard.code
        ], f"{key} {standard.code}"
        value = smart.value(standard.code[0])
        assert standard.heading.startswith(value.name if key != "support" else value.name[:10])


def test_support_staff_headings_and_key_are_the_seeds(smart):
    text = norm(section(seed(SMART_STANDARDS), "## A general set of standards", "# National"))
    text = re.sub(r"\b([A-Z]) ([a-z])", r"\1\2", text)  # the table's "<b>E</b> xpect the best"
    support = smart.standard_sets["support"]
    assert norm(support.key) in text and norm(support.about) in text
    headings = list(dict.fromkeys(s.heading for s in support.standards))
    assert len(headings) == 6
    for heading in headings:
        for part in heading.split(": "):
            assert norm(part) in text, heading


def test_headteacher_standards_are_the_seeds_ethics_and_ten_domains(smart):
    text = seed(SMART_STANDARDS)
    body = norm(section(text, "## **Section 1: Ethics", "## Links to other National"))
    heads = smart.standard_sets["headteacher"]
    assert [s.code for s in heads.standards] == ["ETH", *(f"D{n}" for n in range(1, 11))]
    numbered = [line for s in heads.standards for line in s.guidance if re.match(r"^\d+\. ", line)]
    assert [int(line.split(".")[0]) for line in numbered] == list(range(1, 49))
    for standard in heads.standards:
        assert norm(standard.name) in body
        for line in standard.guidance:
            assert norm(line) in body, line


def test_values_and_ratings(smart, share):
    assert smart.values_name == "EQUIP"
    assert [(v.code, v.name) for v in smart.values] == [
        ("E", "Expect the best"),
        ("Q", "Question deeply"),
        ("U", "Understand goals"),
        ("I", "Inspire learning"),
        ("P", "Praise positive"),
    ]
    policy = norm(seed(SHARE_POLICY))
    for framework in (smart, share):
        assert [r.code for r in framework.ratings] == ["G*", "G", "A", "R"]
        for rating in framework.ratings:
            name = "Gold" if rating.code == "G*" else rating.name  # SMART's G* is not "Gold"
            assert f"{name} {rating.code} \N{EN DASH} {rating.meaning}" in policy
    # SMART's ladder calls the expected level "the Gold expected standard", below the green
    # beyond it: its G*, above Green, must not be called Gold too (SHARE's may: no ladder).
    assert "Gold expected standard" in norm(seed(SMART_STANDARDS))
    assert [r.name for r in smart.ratings] == ["Exceptional", "Green", "Amber", "Red"]
    assert not any("gold" in f"{r.name} {r.meaning}".lower() for r in smart.ratings)
    assert share.ratings[0].name == "Gold"
    assert share.rating_scale == "SHARE RAGG* Ratings" and share.rating_scale in policy
    assert smart.rating_scale == "RAGG* ratings"  # SMART's documents do not claim the wording
    assert share.values == []  # the policy names no values


def test_smart_goals_are_the_strategic_plans(smart):
    plan = norm(seed(SMART_PLAN))
    objectives = [o for goal in smart.goals for o in goal.objectives]
    assert [o.split(":")[0] for o in objectives] == [f"TSP{n}" for n in range(1, 9)]
    for goal in smart.goals:
        assert norm(goal.name) in plan
        for objective in goal.objectives:
            assert norm(objective) in plan


# --- the expected level by grade: the chart, and the ladder's own sentences -------------


def _chart(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = line.split("\t")
        for name in ("Teaching", "Non-Teaching", "Governance"):
            if len(cells) == 9 and cells[1].strip() == f"{name} →":
                rows[name] = [cell.strip() for cell in cells[2:]]
    return rows


# How the chart's cells read as labels (a cell may hold two, e.g. "UPS1 TLR3").
LABELS = {
    "UNQ 1": ["UNQ 1"],
    "UNQ 2+ M1-6": ["UNQ 2+", "M1-6"],
    "UPS1 TLR3": ["UPS1", "TLR3"],
    "UPS2-3 TLR2": ["UPS2-3", "TLR2"],
    "DH Head": ["DH", "Head"],
    "VC /TB": ["VC /TB", "VC", "TB"],
}


def test_every_label_of_the_chart_resolves_to_levels_2_to_8(smart):
    chart = _chart(seed(SMART_STANDARDS))
    assert set(chart) == {"Teaching", "Non-Teaching", "Governance"}
    for row, cells in chart.items():
        assert len(cells) == 7
        for column, cell in enumerate(cells):
            for label in LABELS.get(cell, [cell]):
                assert smart.expected_level(label) == column + 2, f"{row}: {label}"


@pytest.mark.parametrize(
    ("grades", "sentence"),
    [
        (["VC", "Trustee", "TB"], "the Vice Chair role of an LGC"),
        (["VC", "Trustee", "TB"], "be a Trustee in which case your"),
        (["Chair"], "this would be taking on the role of Chair of an LGC"),
        (["VTB", "VC TB"], "a minimum requirement for the Vice Chair of the Trust Board"),
        (["TB Chair"], "a minimum requirement for the Chair of the Trust Board"),
        (["Head", "DH"], "L8 is the expected goal of all members of TSLT"),
        (["UPS1", "TLR3"], "Leads a PLC (Professional Learning Community)"),
    ],
)
def test_expected_levels_follow_the_ladders_own_sentences(smart, grades, sentence):
    """The level whose text holds the sentence is the level expected of that role."""
    text = seed(SMART_STANDARDS)
    at = text.index(sentence)
    headings = [
        (match.start(), int(match[1]))
        for match in re.finditer(r"Leadership [Ll]evel (\d+)[.,]", text)
        if match.start() < at
    ]
    level = max(headings)[1]
    if "L8" in sentence:
        level = 8
    for grade in grades:
        assert smart.expected_level(grade) == level, grade


@pytest.mark.parametrize(
    ("grade", "level"),
    [
        ("UNQ1", 2),
        ("M1", 3),
        ("m6", 3),
        ("UNQ2", 3),
        ("UPS1", 4),
        ("TLR3", 4),
        ("UPS3", 5),
        ("TLR2", 5),
        ("TLR1", 6),
        ("AH", 7),
        ("DH", 8),
        ("Head", 8),
        ("A", 2),
        ("F", 3),
        ("G", 4),
        ("I", 5),
        ("K", 6),
        ("M", 7),
        ("N", 8),
        ("LGC", 2),
        ("+Link", 3),
        ("tb chair", 7),
        ("TBChair", 7),
        ("NLG", 8),
        ("XYZ", None),
        ("", None),
    ],
)
def test_expected_level_by_grade(smart, grade, level):
    assert smart.expected_level(grade) == level


def test_standard_sets_by_role_grade_and_roster(smart):
    assert smart.standard_set_key("teacher", "M3") == "teacher"
    assert smart.standard_set_key("teacher", "DH") == "headteacher"  # a deputy, by grade
    assert smart.standard_set_key("leader", "Head") == "headteacher"
    assert smart.standard_set_key("ta", "F") == "ta"
    assert smart.standard_set_key("teacher", "M3", override="support") == "support"
    assert smart.standard_set_key("teacher", "M3", override="nope") == "teacher"
    assert smart.meeting_standard_set == "meetings"


def test_a_set_the_trust_writes_itself_is_chosen_on_the_roster(smart):
    """The document's "Support Staff Standards (Blank to write your own)": a trust adds a
    set to its file and gives it to people with the roster's `standards` column."""
    from bot.admin.roster import parse_roster
    from bot.core.framework_parts import Standard, StandardSet

    site = StandardSet(
        name="Site team standards",
        standards=[Standard(code="ES1", name="Keeps the site safe", heading="Expect the best")],
    )
    trust = smart.model_copy(update={"standard_sets": {**smart.standard_sets, "site": site}})
    roster = parse_roster(
        "email,name,school,role,grade,appraiser_email,leader,standards\n"
        "sam@s.uk,Sam,S,support,G,,,site\n",
        trust,
    )
    assert roster.rows[0].standards == "site"
    assert trust.standard_set_key("support", "G", override="site") == "site"


def test_calendar_defaults(smart):
    assert smart.timezone == "Europe/London"
    assert (smart.working_hours.start.hour, smart.working_hours.end.hour) == (8, 17)
    windows = {c.key: (c.opens.on(2026), c.closes.on(2026)) for c in smart.checkpoints}
    assert str(windows["sep"][0]) == "2026-09-01" and str(windows["sep"][1]) == "2026-10-15"
    assert str(windows["mid"][0]) == "2026-02-01" and str(windows["mid"][1]) == "2026-03-15"
    assert str(windows["jul"][0]) == "2026-07-01" and str(windows["jul"][1]) == "2026-07-20"
    assert smart.celebrations_channel == "#celebrations"
    assert any(h.name == "Christmas 2026" for h in smart.school_holidays)
    assert any(h.name == "Summer 2028" for h in smart.school_holidays)
    assert smart.star.sharing_day is not None
    assert (smart.star.sharing_day.name, smart.star.sharing_day.month) == ("SMART day", 2)
    assert "SMART day happens in February" in seed(SMART_STANDARDS)


# --- SHARE against its QA policy -------------------------------------------------------------


def test_share_standards_and_guidance_are_the_policys(share):
    policy = seed(SHARE_POLICY)
    rows: dict[str, list[str]] = {}
    last = ""
    for line in section(
        policy, "5. The Teacher Standards", "6. The Quality Assurance"
    ).splitlines():
        cells = line.split("\t")
        match = re.match(r"^(\d{1,2})\.$", cells[0].strip())
        if match and len(cells) >= 3:
            last = match[1]
            rows[last] = [norm(cells[1]), norm(cells[2])]
        elif line.startswith("\t\t<ul") and last:
            rows[last][1] += " " + norm(cells[2])
    standards = share.standard_sets["share"].standards
    assert [s.code for s in standards] == [str(n) for n in range(1, 13)] == list(rows)
    for standard in standards:
        name, guidance = rows[standard.code]
        assert norm(standard.name) == name, standard.code
        assert norm(" ".join(standard.guidance)) == guidance, standard.code
    assert share.standard_sets["share"].name == "SHARE 12 Teacher and Middle Leader Standards"
    assert share.standard_sets["share"].name in policy


def test_share_goals_are_the_policys_five_goals_and_their_objectives(share):
    policy = seed(SHARE_POLICY)
    lines = policy.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Overcome disadvantage"))
    goals = lines[at].split("\t")
    objectives = [
        [norm(item) for item in re.split(r"\s*\d+\.\s+", norm(cell)) if item]
        for cell in lines[at + 1].split("\t")
    ]
    assert [g.name for g in share.goals] == goals
    assert [[norm(o) for o in g.objectives] for g in share.goals] == objectives
    assert [len(g.objectives) for g in share.goals] == [4, 4, 3, 5, 4]  # 20 in all


def test_share_checkpoints_visits_and_no_ladder(share):
    policy = norm(seed(SHARE_POLICY))
    assert not share.has_ladder and share.expected_levels == []
    assert {c.key: c.optional for c in share.checkpoints} == {
        "sep": False,
        "jan": True,
        "mid": False,
        "may": True,
        "jul": False,
    }
    assert "optional PDP check point meetings in January and May" in policy
    assert (share.visits.verbal_working_days, share.visits.written_working_days) == (5, 10)
    assert "no later than 5 working days" in policy and "within 10 working days" in policy
    assert share.meeting_standard_set is None
    assert {share.standard_set_key(role, "") for role in share.standard_set_for_role} == {"share"}


def test_built_in_names_and_paths(tmp_path):
    assert framework_source(None) == builtin_framework_path("smart")
    assert framework_source("share") == builtin_framework_path("share")
    assert framework_source(" SHARE ") == builtin_framework_path("share")
    assert framework_source(str(tmp_path / "mine.yml")) == tmp_path / "mine.yml"
    assert load_framework("share").name == "SHARE"


# --- broken files -----------------------------------------------------------


def _write(tmp_path: Path, mutate, name: str = "smart") -> Path:
    data = yaml.safe_load(builtin_framework_path(name).read_text(encoding="utf-8"))
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
            lambda d: d["standard_set_for_grade"].update(AH="deputies"),
            "standard_set_for_grade.AH: no standard set 'deputies'",
        ),
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
        (lambda d: d.update(admin_email="it admin"), "admin_email: 'it admin' is not an email"),
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted"),
        (
            lambda d: d["working_hours"].update(start="18:00"),
            "working_hours: end must be after start",
        ),
        (
            lambda d: d["checkpoints"].pop(1),
            "checkpoints: the appraisal year needs checkpoints mid",
        ),
        (
            lambda d: d["checkpoints"][1].update(optional=True),
            "checkpoints: the appraisal year needs checkpoints mid (not optional)",
        ),
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
        (
            lambda d: d["visits"].update(written_working_days=3),
            "written feedback cannot be due before verbal feedback",
        ),
        (lambda d: d.update(ladder=[]), "expected_levels: the framework has no ladder"),
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
    with pytest.raises(FrameworkError, match=r"absent.yml: no such file .* \(smart, share\)"):
        load_framework(tmp_path / "absent.yml")


def test_docs_framework_md_describes_every_key():
    """Each key of the framework file has its row in docs/framework.md, and each key of a
    nested part (a value, a standard, a checkpoint ...) is named in its key's row."""
    import typing

    from pydantic import BaseModel

    from bot.core.framework import Framework
    from bot.core.framework_parts import MonthDay

    page = (Path(__file__).resolve().parents[1] / "docs" / "framework.md").read_text("utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]

    def models(annotation: object) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [] if annotation is MonthDay else [annotation]  # MonthDay is written MM-DD
        return [m for arg in typing.get_args(annotation) for m in models(arg)]

    def keys(model: type[BaseModel]) -> list[str]:
        return [field.alias or name for name, field in model.model_fields.items()]

    missing = []
    for key, field in Framework.model_fields.items():
        own = [row for row in rows if row.startswith(f"| `{key}`") or row.startswith(f"| `{key}.")]
        if not own:
            missing.append(key)
        stack = models(field.annotation)
        while stack:
            part = stack.pop()
            for name in keys(part):
                if not any(re.search(rf"\b{name}\b", row) for row in own):
                    missing.append(f"{key}: {name}")
            stack += [m for f in part.model_fields.values() for m in models(f.annotation)]
    assert missing == []
