"""The demo's page in a real browser: headless Chromium, driven by Playwright.

A teacher commends a colleague with a typed slash command; switching to that
colleague shows the DM; a form opens, refuses an empty field, and is submitted.
The screenshot the README shows is taken here: set STAFFROOM_SCREENSHOT=docs/demo.png to
refresh it (otherwise it goes to the test's temporary folder, leaving the checkout clean).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium package)")


@pytest.fixture
def demo_url() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--port", str(port)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.strip() == f"staffroom demo: http://127.0.0.1:{port}", (
            first + process.stderr.read() if process.stderr else first
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_teacher_commends_a_colleague_in_the_page(demo_url, tmp_path):
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python")
    expect = sync_api.expect
    screenshot = Path(os.environ.get("STAFFROOM_SCREENSHOT") or tmp_path / "demo.png")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",  # a fresh --user-data-dir
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 800},
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(demo_url)

        # Alice, a teacher, types a slash command with a completed mention.
        expect(page.locator("#person")).to_have_value("UALICE")
        composer = page.locator("#composer-input")
        composer.click()
        composer.press_sequentially("/commend @bo")
        expect(page.locator("#completions")).to_contain_text("Bob Hocking")
        composer.press("Tab")
        expect(composer).to_have_value("/commend @bob ")
        composer.press_sequentially("Thank you for covering my class on Friday.")
        composer.press("Enter")
        messages = page.locator("#messages")
        expect(messages).to_contain_text("You commended @Bob Hocking", timeout=15000)

        # Bob sees it in his DM with the app.
        page.select_option("#person", "UBOB")
        expect(page.locator("#conversation-title")).to_have_text("staffroom")
        expect(messages).to_contain_text("@Alice Ashworth commended you", timeout=15000)
        expect(messages).to_contain_text("Thank you for covering my class on Friday.")

        # Bob opens the form and fills it in (the README's screenshot), empties the
        # message and is told it is required, then writes it again and sends it.
        composer.fill("/commend ")
        composer.press("Enter")
        modal = page.locator("#modal")
        expect(modal).to_be_visible(timeout=15000)
        expect(page.locator("#modal-title")).to_have_text("Commend a colleague")
        page.select_option("#in-commend_recipients", "UALICE")
        message = page.locator("#in-commend_message")
        message.fill("Thank you for sharing your reading corner ideas.")
        page.select_option("#in-commend_value", label="Inspire learning")
        page.screenshot(path=str(screenshot))
        message.fill("")
        page.locator("#modal-submit").click()
        expect(modal).to_contain_text("Please complete this required field.")
        message.fill("Thank you for sharing your reading corner ideas.")
        page.locator("#modal-submit").click()
        expect(modal).to_be_hidden(timeout=15000)
        expect(messages).to_contain_text("You commended @Alice Ashworth", timeout=15000)
        expect(messages).to_contain_text("EQUIP value: Inspire learning")

        # And Alice has it, unread in her sidebar until she looks.
        page.select_option("#person", "UALICE")
        expect(messages).to_contain_text("Thank you for sharing your reading corner ideas.")
        assert errors == []
        browser.close()
    assert screenshot.stat().st_size > 10_000 and time.time() - screenshot.stat().st_mtime < 600
