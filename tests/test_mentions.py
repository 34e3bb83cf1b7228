"""Reading slash-command text as Slack sends it with should_escape: true."""

from __future__ import annotations

import pytest

from bot.core.mentions import parse_command_text


@pytest.mark.parametrize(
    ("text", "users", "others", "message"),
    [
        ("<@U012AB|bob> thanks", ["U012AB"], [], "thanks"),
        ("<@U012AB> thanks", ["U012AB"], [], "thanks"),
        ("<@U1|a><@U2|b>  <@U1|a> well done", ["U1", "U2"], [], "well done"),
        ("<@W0ENT|ent> hi", ["W0ENT"], [], "hi"),
        ("<#C012|staff> <@U1> hi", ["U1"], ["#staff"], "hi"),
        ("<!subteam^S12|@maths> hi", [], ["@maths"], "hi"),
        ("<!here> hi", [], ["@here"], "hi"),
        ("thanks <@U2|carol> for the help", [], [], "thanks @carol for the help"),
        ("thanks <@U2> for the help", [], [], "thanks @U2 for the help"),
        ("<@U1> \u202ereversed", ["U1"], [], "reversed"),
        ("<@U1> \u200b\u200b ", ["U1"], [], ""),
        ("<@U1> see <#C9|trips> &amp; <!channel>", ["U1"], [], "see #trips & @channel"),
        ("<@U1> a &lt;b&gt; c", ["U1"], [], "a <b> c"),
        ("<@U1>", ["U1"], [], ""),
        ("", [], [], ""),
    ],
)
def test_parse_command_text(text, users, others, message):
    parsed = parse_command_text(text)
    assert parsed.users == users
    assert parsed.others == others
    assert parsed.message == message
