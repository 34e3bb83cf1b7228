"""The export's published JSON Schema is the model's, and real exports satisfy it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bot.admin.export_model import json_schema

SCHEMA = Path(__file__).parent.parent / "docs" / "export.schema.json"


def test_the_published_schema_is_the_models():
    published = json.loads(SCHEMA.read_text())
    assert published == json_schema(), (
        "docs/export.schema.json is out of date: "
        "python -m bot.admin.export_model > docs/export.schema.json"
    )


@pytest.mark.usefixtures("school")
def test_a_real_export_satisfies_the_schema(slack, fake_slack, export):
    from tests.test_feedback import _complete

    slack.command("/commend", "<@UBOB> thanks for the trip", user_id="UALICE")
    _complete(slack, fake_slack, user_id="UCAROL")
    slack.command("/feedback", "visit <@UBOB>", user_id="UAMIR")
    slack.drain()
    for email in ("bob@school.example", "alice@school.example", "carol@school.example"):
        jsonschema.validate(export(email), json.loads(SCHEMA.read_text()))


def test_the_schema_refuses_what_the_contract_does_not_allow():
    schema = json.loads(SCHEMA.read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"staff": {}}, schema)
