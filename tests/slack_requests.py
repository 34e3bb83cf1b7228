"""The tests' name for the Slack request signer, which lives in the package
(bot.localslack.signer) so that `staffroom demo` and the tests share it."""

from bot.localslack.signer import (
    SIGNING_SECRET,
    SlackSender,
    TrackingExecutor,
    command_payload,
    signed_headers,
)

__all__ = ["SIGNING_SECRET", "SlackSender", "TrackingExecutor", "command_payload", "signed_headers"]
