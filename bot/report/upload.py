"""Putting a report in the requester's direct messages with staffroom."""

from __future__ import annotations

from slack_sdk import WebClient


def upload_to_dm(
    client: WebClient, *, user_id: str, pdf: bytes, filename: str, title: str, comment: str
) -> None:
    """Upload the PDF into the person's DM with the app (files_upload_v2 needs the DM's
    channel id, which conversations.open gives)."""
    opened = client.conversations_open(users=user_id)
    channel = opened["channel"]["id"]
    client.files_upload_v2(
        channel=channel, content=pdf, filename=filename, title=title, initial_comment=comment
    )
