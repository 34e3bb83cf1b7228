"""Playing a script (bot.demo.script) against a running demo, writing its transcript.

Whatever goes wrong in a step (an unknown person, a button or field that is not
there, a field error from the app) is written into the transcript as such, and
the script goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.demo import script
from bot.demo.sample import Person, sample
from bot.demo.transcript import Transcript
from bot.demo.world import Demo
from bot.localslack.client import ClientError, SlackClient

log = logging.getLogger(__name__)
MOMENT = "%A %-d %B %Y, %H:%M"


class Player:
    def __init__(self, demo: Demo, write: Callable[[str], None]) -> None:
        assert demo.client is not None
        self.demo = demo
        self.client: SlackClient = demo.client
        self.transcript = Transcript(demo, write)
        self.actor: Person | None = None

    def play(self, text: str) -> None:
        self.transcript.line(f"The demo's clock: {self.demo.clock().strftime(MOMENT)}.")
        for number, step in script.parse(text):
            try:
                self.step(number, step)
            except Exception as error:  # the transcript says so, and the script goes on
                log.debug("step failed", exc_info=error)
                self.transcript.problem(f"line {number}: the demo could not do this: {error}")
                self.transcript.skip_to_now()

    def step(self, number: int, step: script.Step) -> None:
        t = self.transcript
        if isinstance(step, script.Bad):
            t.problem(f"line {number}: {step.text!r} is not understood: {step.reason}")
            return
        if isinstance(step, script.As):
            self._become(number, step.name)
            return
        if isinstance(step, script.Time):
            moment = step.moment.replace(tzinfo=self.demo.framework.zone)
            t.line("")
            t.line(f"⏰ {moment.strftime(MOMENT)}")
            report = self.demo.move_time(moment)
            t.line(
                f"  The scheduler ran: {report.queued} queued, {report.sent} sent, "
                f"{report.held} waiting to go later (working hours, or a retry)."
            )
            t.changes(self.actor)
            return
        actor = self.actor
        if actor is None:
            t.problem(f"line {number}: say who acts first, with a line like: as Alice")
            return
        user = actor.slack_user_id
        if isinstance(step, script.Command):
            channel = self.demo.home_channel(actor)
            where = self.demo.workspace.channel_name(channel)
            t.line(f"▶ {actor.first_name} in {where}: {step.text}")
            self.client.command(user, channel, step.text)
        elif isinstance(step, script.Press):
            button = self.client.find_button(user, step.button)
            if button is None:
                t.problem(
                    f"line {number}: no button {step.button!r} is shown to {actor.first_name}"
                )
                self._list(
                    "buttons they can see", [f"[{b.text}]" for b in self.client.buttons(user)]
                )
                return
            place = {"modal": "in the form", "home": "on the App Home"}.get(
                button.surface, "in " + self._place(button.channel or "")
            )
            t.line(f"▶ {actor.first_name} presses [{button.text}] {place}")
            self.client.press(user, button)
        elif isinstance(step, script.Fill):
            if not self._form_open(number, actor):
                return
            block = self.client.find_input(user, step.label)
            if block is None:
                t.problem(f"line {number}: the form has no field {step.label!r}")
                labels = [str(b["label"]["text"]) for b in self.client.inputs(user)]
                self._list("its fields", labels)
                return
            try:
                self.client.fill(user, block, step.value)
            except ClientError as error:
                t.problem(f"line {number}: {error}")
                return
            t.line(f"▶ {actor.first_name} fills in {block['label']['text']!r}: {step.value}")
            return
        elif isinstance(step, script.Submit):
            if not self._form_open(number, actor):
                return
            modal = self.demo.workspace.top_modal(user)
            assert modal is not None
            title = modal.get("title", {}).get("text", "")
            label = (modal.get("submit") or {}).get("text", "Submit")
            t.line(f"▶ {actor.first_name} submits {title!r} [{label}]")
            outcome = self.client.submit(user)
            self.demo.settle()
            t.changes(actor)
            named = {b.get("block_id"): b["label"]["text"] for b in self.client.inputs(user)}
            for block_id, refusal in outcome.errors.items():
                t.problem(f"the form was not accepted: {named.get(block_id, block_id)}: {refusal}")
            if outcome.failure:
                t.problem(outcome.failure)
            return
        elif isinstance(step, script.OpenHome):
            t.line(f"▶ {actor.first_name} opens staffroom's App Home")
            self.client.open_home(user)
        self.demo.settle()
        t.changes(actor)

    def _become(self, number: int, name: str) -> None:
        person = self.demo.person(name)
        if person is None:
            some = ", ".join(p.first_name for p in sample().people[:8])
            self.transcript.problem(
                f"line {number}: nobody called {name!r} is in the sample trust (try {some} …)"
            )
            return
        self.actor = person
        self.transcript.line("")
        self.transcript.line(f"— as {person.name} ({person.job}, {person.school}) —")

    def _form_open(self, number: int, actor: Person) -> bool:
        if self.demo.workspace.top_modal(actor.slack_user_id) is None:
            self.transcript.problem(f"line {number}: no form is open for {actor.first_name}")
            return False
        return True

    def _place(self, channel: str) -> str:
        if channel.startswith("D"):
            return "a direct message"
        return self.demo.workspace.channel_name(channel)

    def _list(self, what: str, items: list[str]) -> None:
        unique = list(dict.fromkeys(items))
        shown = ", ".join(unique[:12]) + (" …" if len(unique) > 12 else "")
        self.transcript.line(f"    ({what}: {shown or 'none'})")
