"""The Staff Appraisal Report: `/staffroom report [@a]` and the Report buttons put a PDF
of the year in the requester's DM, for the person, their appraiser and their leaders
only. The PDF is opened with a PDF library, its text checked against the export, and
its first page drawn as a PNG with pdftoppm to prove it renders."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from messages.ids import HomeIds
from tests.conftest import LONDON  # noqa: F401  (the calendar the data is written in)
from tests.year_data import LEADERSHIP, MAIN_ROLE, MARCH, full_year

try:  # WeasyPrint needs Pango from the system (.ci/run installs it)
    import weasyprint  # noqa: F401

    NO_PDF = ""
except OSError as error:  # pragma: no cover - only where Pango is missing
    NO_PDF = f"WeasyPrint cannot load Pango: {error}"

needs_pdf = pytest.mark.skipif(bool(NO_PDF), reason=NO_PDF or "-")
A4 = (595.3, 841.9)  # points

pytestmark = pytest.mark.usefixtures("school")


@pytest.fixture
def year(deps, clock, school):
    set_id = full_year(deps)
    clock.now = MARCH
    return set_id


def uploaded(fake_slack) -> list[tuple[str, bytes, str]]:
    """Each file uploaded: (the DM it went to, its bytes, its title)."""
    uploads = [c.params["bytes"] for c in fake_slack.calls_to("upload")]
    completed = fake_slack.calls_to("files.completeUploadExternal")
    return [
        (c.params["channel_id"], data, c.params["files"][0]["title"])
        for c, data in zip(completed, uploads, strict=True)
    ]


def flat(text: str) -> str:
    return " ".join(text.split())


class PdfText:
    """A PDF's text, searched without regard to spaces: text extraction puts spaces where
    a font kerns ("T ake") and drops them at line ends, differently from one pypdf to the
    next; the words and their order are what the report shows."""

    def __init__(self, text: str) -> None:
        self.squashed = "".join(text.split())

    def __contains__(self, needle: str) -> bool:
        return "".join(needle.split()) in self.squashed


@needs_pdf
@pytest.mark.usefixtures("year")
def test_the_report_of_a_full_year_opens_fits_a4_and_matches_the_export(
    slack, fake_slack, export, tmp_path, framework
):
    response = slack.command("/staffroom", "report", user_id="UALICE")
    slack.drain()
    assert response.status_code == 200
    assert fake_slack.responses()[-1]["text"].startswith("Making the Staff Appraisal Report")
    ((channel, pdf, title),) = uploaded(fake_slack)
    assert channel == "DUALICE"
    assert title == "Staff Appraisal Report 2026-27: Alice"
    completed = fake_slack.calls_to("files.completeUploadExternal")[0].params
    assert completed["initial_comment"].startswith(
        "The Staff Appraisal Report of Alice for 2026-27."
    )

    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 8
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == A4
    text = PdfText(" ".join(page.extract_text() for page in reader.pages))

    record = export("alice@school.example")
    objectives = record["objectives"]
    assert [o["text"] for o in objectives] == [MAIN_ROLE, objectives[1]["text"], LEADERSHIP]
    for objective in objectives:
        assert flat(objective["text"]) in text
    assert "Agreed by Amir on 25 September 2026." in text
    mid = {o["number"]: o["reviews"][0] for o in objectives}
    assert mid[1]["status"] == "on_track" and mid[2]["status"] == "needs_support"
    assert "Mid-year On track Books show it working." in text
    assert "Mid-year Needs support Take the final measurement in May." in text
    assert f"Target ladder level by July: {objectives[2]['target_level']}" in text

    (project,) = record["star_projects"]
    values = [m["value"] for m in project["measurements"]]
    assert values == [62.0, 71.5]
    assert "Baseline 5 October 2026 62" in text and "Final 22 February 2027 71.5" in text
    assert "Change since the baseline: +9.5 (+15.3%): improved." in text

    sheets = {s["checkpoint"]: s["level_reached"] for s in record["ladder"]}
    assert sheets == {"sep": 2, "mid": 3}
    assert "Level reached: September: level 2, Mid-year: level 3. Target by July: 4." in text
    expected = framework.expected_level("M3")  # the trust's table decides (Alice is on M3)
    assert f"Expected for the grade: {expected} (" in text

    (feedback,) = record["feedback_received"]
    assert feedback["ratings"] == {"ES1": "G*", "QC3": "A"}
    assert "Carol" in text and "ES1 G* QC3 A" in text and "Calm start to the lesson" in text
    assert (
        "20 January 2027 Amir Not given, overdue (due 27 January 2027) "
        "Not given, overdue (due 3 February 2027)"
    ) in text
    (praise,) = record["commendations_received"]
    assert flat(praise["message"]) in text
    (training,) = record["leadership_training"]
    assert f"{training['title']} · 14 January 2027" in text
    assert training["learned"] in text

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the page was not drawn")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    image = png.read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert abs(height / width - A4[1] / A4[0]) < 0.01  # portrait A4
    assert len(image) > 5_000  # a drawn page, not a blank one


@needs_pdf
@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("viewer", ["UAMIR", "UHEAD"])
def test_the_appraiser_and_the_schools_leader_get_the_report(slack, fake_slack, viewer):
    slack.command("/staffroom", "report <@UALICE|alice>", user_id=viewer)
    slack.drain()
    ((channel, pdf, title),) = uploaded(fake_slack)
    assert channel == f"D{viewer}" and title == "Staff Appraisal Report 2026-27: Alice"
    assert MAIN_ROLE.split(" so")[0] in flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


@needs_pdf
@pytest.mark.usefixtures("year")
def test_the_report_button_in_a_record(slack, fake_slack, deps):
    from tests.factories import person

    slack.click(HomeIds.REPORT, str(person(deps.db, "UALICE").id), user_id="UAMIR")
    slack.drain()
    ((channel, _pdf, _title),) = uploaded(fake_slack)
    assert channel == "DUAMIR"


@pytest.mark.usefixtures("year")
@pytest.mark.parametrize(
    ("viewer", "text", "refusal"),
    [
        (
            "UBOB",
            "report <@UALICE>",
            "A Staff Appraisal Report is seen only by the person, their appraiser and their "
            "school's leaders.",
        ),
        ("UAMIR", "report <@UVISITOR>", "<@UVISITOR> is not on the staff roster."),
        ("UAMIR", "report <@UALICE> <@UBOB>", "Use `/staffroom report` for your own"),
    ],
)
def test_the_report_is_refused_otherwise(slack, fake_slack, viewer, text, refusal):
    slack.command("/staffroom", text, user_id=viewer)
    slack.drain()
    # The refusal comes alone: nothing promised the report first.
    assert [r["text"] for r in fake_slack.responses() if r["text"].startswith(refusal)]
    assert not any("Making the Staff Appraisal Report" in r["text"] for r in fake_slack.responses())
    assert fake_slack.calls_to("files.completeUploadExternal") == []
    assert fake_slack.calls_to("upload") == []


@pytest.mark.usefixtures("year")
def test_the_report_button_is_refused_to_a_colleague(slack, fake_slack, deps):
    from tests.factories import person

    slack.click(HomeIds.REPORT, str(person(deps.db, "UALICE").id), user_id="UBOB")
    slack.drain()
    assert fake_slack.responses()[-1]["text"].startswith("A Staff Appraisal Report is seen only")
    assert fake_slack.calls_to("upload") == []
