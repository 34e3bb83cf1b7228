"""`staffroom demo --script`: the real app, the Slack stand-in and the sample trust,
driven by a script and read back as a transcript."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.demo import script

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EVERY_COMMAND = """\
# Every command, a button, a form with a field error, the App Home and a nudge.
as Bob
/commend @alice Thank you for the reading ideas.
/commend
fill Who are you commending?: Bob
fill Your message: Thank you for running the book swap: every child in Year 4 found a book.
submit
fill Who are you commending?: Alice
submit
/feedback @alice
fill Which class: Year 4 reading
submit
fill Which standards: ES1 Consistent approach, QE2
submit
fill Rating for ES1: G
fill Strengths: Every child was reading.
submit
/feedback visit @alice 2027-01-28
press Verbal feedback given
/star new
fill Title: Phonics catch-up
fill KPI: Pupils reading 20 words a minute
fill Unit: %
fill Which way is better?: Higher is better
fill How will you measure it?: A one-minute reading check
fill Planned end: 2027-05-21
submit
/star measure 30
press Move on to Research
/staffroom
open home
as Carol
/summary
time 2027-02-01 08:30
as Alice
press Fill in my sheet
fill 1: True of me now
fill 2: True of me now
fill 3: True of me now
fill 4: True of me now
fill 5: True of me now
submit
fill 1: True of me now
submit
submit
submit
submit
submit
"""


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> str:
    path = tmp_path / "script.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["demo", "--script", str(path)]) == 0
    return capsys.readouterr().out


def _after(transcript: str, marker: str) -> str:
    assert marker in transcript, f"{marker!r} not in transcript"
    return transcript.split(marker, 1)[1]


def test_a_script_through_every_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/never")  # never used
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    out = _run(tmp_path, capsys, EVERY_COMMAND)

    assert out.startswith("The demo's clock: Friday 29 January 2027, 14:00.")
    quick = _after(out, "▶ Bob in #saltash-staff: /commend @alice Thank you for the reading ideas.")
    assert "  staffroom to Alice Ashworth:\n    🎉 @Bob Hocking commended you" in quick
    assert "  staffroom to Carol Penrose:\n    📋 @Bob Hocking commended @Alice Ashworth" in quick

    # The form's own error from the app, shown under its field; then it goes through.
    modal = _after(out, "▶ Bob submits 'Commend a colleague' [Send]")
    refused = modal.split("▶")[0]
    assert "      ! You can't commend yourself, but a colleague can!" in refused  # under the field
    assert "! the form was not accepted: Who are you commending?:" in refused
    sent = _after(modal, "▶ Bob fills in 'Who are you commending?': Alice")
    assert "✅ You commended @Alice Ashworth" in sent.split("▶ Bob in")[0]

    feedback = _after(out, "▶ Bob submits 'Give feedback' [Send]")
    assert "📝 @Bob Hocking gave you feedback on your lesson (Year 4 reading)" in feedback
    assert "• ES1 Consistent approach: G Green" in feedback

    visit = _after(out, "/feedback visit @alice 2027-01-28")
    assert "Written feedback due by 11 February 2027" in visit
    pressed = _after(visit, "▶ Bob presses [Verbal feedback given] in a direct message")
    assert "staffroom updated its message to you, direct message:" in pressed.split("▶")[0]

    star = _after(out, "▶ Bob submits 'New STAR project' [Start]")
    assert "Phonics catch-up" in star.split("▶")[0]
    measured = _after(out, "▶ Bob in #saltash-staff: /star measure 30")
    assert "• Baseline: 30 % on 29 January 2027" in measured.split("▶")[0]
    moved = _after(out, "▶ Bob presses [Move on to Research]")
    assert "Stage 2 of 6: Research" in moved.split("▶")[0]

    helped = _after(out, "▶ Bob in #saltash-staff: /staffroom").split("▶")[0]
    assert "only visible to you" in helped and "[Turn optional reminders off]" in helped
    home = _after(out, "▶ Bob opens staffroom's App Home").split("—")[0]
    assert "App Home:" in home and "Praise you received" in home

    summary = _after(out, "▶ Carol in #saltash-staff: /summary").split("⏰")[0]
    assert "APPRAISAL THIS WEEK: SALTASH PRIMARY" in summary
    assert "[file: Saltash Primary: commendations and feedback, last 8 weeks" in summary

    nudged = _after(out, "⏰ Monday 1 February 2027, 08:30")
    assert "The Mid-year checkpoint is open" in nudged.split("— as Alice")[0]

    sheet = _after(out, "▶ Alice presses [Fill in my sheet] in a direct message")
    assert "LEVEL 1: SELF-LED RELIABILITY" in sheet
    assert "LEVEL 2: RELIABLE TEAM ROLE" in _after(
        sheet, "▶ Alice submits 'Leadership ladder' [Next]"
    )
    saved = _after(sheet, "▶ Alice submits 'Leadership ladder' [Save]")
    assert "🪜 Your Mid-year ladder sheet for 2026-27 is saved." in saved
    assert "  ! line" not in out  # every line of the script was understood and done


def test_the_example_week_shows_what_the_readme_promises(capsys):
    assert main(["demo", "--script", str(EXAMPLES / "week.txt")]) == 0
    out = capsys.readouterr().out
    steps = [line for line in (EXAMPLES / "week.txt").read_text().splitlines() if line.strip()]
    assert len(steps) <= 25
    assert "🎉 @Alice Ashworth commended you" in out  # a commendation
    assert "📝 @Bob Hocking gave you feedback" in out  # a feedback form
    assert "📏 Measurement recorded." in out  # a STAR measurement
    assert "🪜 Your Mid-year ladder sheet for 2026-27 is saved." in out  # a ladder sheet
    assert "The Mid-year checkpoint is open" in out  # a scheduled nudge
    friday = _after(out, "⏰ Friday 5 February 2027, 15:00")  # the weekly summary, by itself
    assert "APPRAISAL THIS WEEK: SALTASH PRIMARY" in friday
    assert "(staffroom-summary.png)]" in friday  # with its chart named
    assert "  ! line" not in out


def test_what_a_script_cannot_do_is_said_and_the_script_goes_on(tmp_path, capsys):
    out = _run(
        tmp_path,
        capsys,
        "/staffroom\nas Nobody\nas alice\nwave at bob\npress Launch rockets\nfill Title: x\n"
        "time 2027-02-30 09:00\n/teleport @bob\n/commend\nfill Favourite colour: blue\n"
        "fill Which EQUIP value did they show?: Kindness\n/staffroom\n",
    )
    lines = out.splitlines()
    assert "  ! line 1: say who acts first, with a line like: as Alice" in lines
    assert any(
        x.startswith("  ! line 2: nobody called 'Nobody' is in the sample trust") for x in lines
    )
    hint = next(x for x in lines if x.startswith("  ! line 4:"))
    assert "'wave at bob' is not understood" in hint and "press <button text>" in hint
    assert "  ! line 5: no button 'Launch rockets' is shown to Alice" in lines
    assert "  ! line 6: no form is open for Alice" in lines
    assert any(x.startswith("  ! line 7: 'time 2027-02-30 09:00' is not understood") for x in lines)
    assert "    /teleport is not a valid command." in out
    assert "  ! line 10: the form has no field 'Favourite colour'" in lines
    assert any(x.startswith("  ! line 11: 'Kindness' is not one of the choices") for x in lines)
    assert "▶ Alice in #saltash-staff: /staffroom" in lines  # the last line still ran


def test_a_port_in_use_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["demo", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    said = f"staffroom: port {port} is in use: stop what is using it or choose another with --port"
    assert err == said + "\n"


def test_a_kept_database_is_used_again(tmp_path, capsys):
    database = tmp_path / "demo.db"
    _run(tmp_path, capsys, "as Alice\n/commend @bob Thanks for Friday.\n")
    assert not database.exists()
    path = tmp_path / "s.txt"
    path.write_text("as Alice\n/commend @bob Thanks for Friday.\n")
    assert main(["demo", "--script", str(path), "--database", str(database)]) == 0
    assert main(["demo", "--script", str(path), "--database", str(database)]) == 0
    capsys.readouterr()
    home = tmp_path / "h.txt"
    home.write_text("as Bob\nopen home\n")
    assert main(["demo", "--script", str(home), "--database", str(database)]) == 0
    shown = capsys.readouterr().out  # both runs' praise, kept in the database between them
    assert shown.count("@Alice Ashworth: Thanks for Friday.") == 2


# --- the script language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "step"),
    [
        ("as Alice", script.As("Alice")),
        ("  /commend @bob Thanks  ", script.Command("/commend @bob Thanks")),
        ("press Move on to Research", script.Press("Move on to Research")),
        ("fill When?: 2027-02-01", script.Fill("When?", "2027-02-01")),
        ("fill Note: a: b", script.Fill("Note", "a: b")),
        ("SUBMIT", script.Submit()),
        ("open   home", script.OpenHome()),
        ("time 2027-02-01 8:30", script.Time(script.datetime(2027, 2, 1, 8, 30))),
        ("# a comment", None),
        ("", None),
    ],
)
def test_lines_parse(line, step):
    assert script.parse_line(line) == step


@given(st.text())
def test_any_line_is_a_step_nothing_or_a_hint(line):
    step = script.parse_line(line)
    assert step is None or isinstance(step, script.Step)
    if isinstance(step, script.Bad):
        assert script.HINT in step.reason and "\n" not in step.reason


@given(st.datetimes(min_value=script.datetime(2000, 1, 1), max_value=script.datetime(2099, 12, 31)))
def test_time_lines_round_trip(moment):
    minute = moment.replace(second=0, microsecond=0)
    assert script.parse_line(f"time {minute:%Y-%m-%d %H:%M}") == script.Time(minute)


@given(
    st.text(min_size=1).filter(
        lambda s: s.strip() and ":" not in s and "\n" not in s and "\r" not in s
    )
)
def test_fill_without_a_colon_is_a_hint(label):
    step = script.parse_line(f"fill {label}")
    assert isinstance(step, script.Bad)


def test_the_page_draws_every_emoji_the_app_sends():
    root = Path(__file__).resolve().parents[1]
    page = (root / "bot" / "demo" / "static" / "demo.js").read_text(encoding="utf-8")
    table = page[page.index("const EMOJI = {") : page.index("};", page.index("const EMOJI"))]
    drawn = set(re.findall(r"([a-z0-9_+-]+):", table))
    sent = {
        code
        for template in (root / "messages" / "templates").glob("*.j2")
        for code in re.findall(r":([a-z0-9_+-]+):", template.read_text(encoding="utf-8"))
    }
    assert sent - drawn == set()


def test_the_demo_runs_on_the_framework_staffroom_framework_names(monkeypatch, capsys):
    """SHARE MAT's framework has no leadership ladder: the sample trust is seeded without
    ladder sheets and the example week runs to its end (its SMART-only lines said, as any
    line the demo cannot do), with SHARE's standards and what needs a ladder saying so."""
    monkeypatch.setenv("STAFFROOM_FRAMEWORK", "share")
    assert main(["demo", "--script", str(EXAMPLES / "week.txt")]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "Traceback" not in out + captured.err and "Error" not in out
    assert "SHARE MAT has no leadership ladder in its framework" in out  # /ladder
    assert "🎉 @Alice Ashworth commended you" in out
    assert "From the SHARE 12 Teacher and Middle Leader Standards" in out  # its standards
    assert "'ES1' is not one of the choices: 1 Secure high standards" in out  # SMART's code
    assert "ladder sheet for 2026-27 is saved" not in out
    friday = _after(out, "⏰ Friday 5 February 2027, 15:00")
    assert "APPRAISAL THIS WEEK: SALTASH PRIMARY" in friday
    assert "(staffroom-summary.png)]" in friday  # the script's last step ran
    assert "Ladder" not in friday  # no ladder, no ladder line


def test_framework_option_wins_and_a_bad_name_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("STAFFROOM_FRAMEWORK", "share")
    out = _run(tmp_path, capsys, "as Alice\n/ladder\n")
    assert "SHARE MAT has no leadership ladder" in out
    path = tmp_path / "ladder.txt"
    path.write_text("as Alice\n/ladder\n", encoding="utf-8")
    assert main(["demo", "--script", str(path), "--framework", "smart"]) == 0
    assert "no leadership ladder" not in capsys.readouterr().out
    assert main(["demo", "--script", str(path), "--framework", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("staffroom: --framework: nope: no such file") and err.count("\n") == 1
    monkeypatch.setenv("STAFFROOM_FRAMEWORK", "nope")
    assert main(["demo", "--script", str(path)]) == 2
    assert capsys.readouterr().err.startswith("staffroom: STAFFROOM_FRAMEWORK: nope: no such file")


def test_a_framework_without_a_ladder_seeds_no_ladder_sheets():
    from bot.core.framework import load_framework
    from bot.demo.world import Demo

    demo = Demo(port=0, page=False, running_clock=False, framework=load_framework("share"))
    try:
        demo.start()
        assert demo.history is not None
        assert demo.history.sheets == 0
        assert demo.history.commendations > 0 and demo.history.feedback > 0
    finally:
        demo.stop()
