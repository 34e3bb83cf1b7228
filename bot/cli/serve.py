"""`staffroom serve`: the app over HTTP or Socket Mode, with its scheduler."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.cli.common import start
from bot.cli.schema import warn_about_holidays
from bot.runtime.config import Mode
from bot.runtime.deps import Deps


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the Slack app (HTTP, or Socket Mode)")
    serve.set_defaults(run=run)


def run(_args: argparse.Namespace) -> int:
    from bot.runtime.app import create_app
    from bot.runtime.scheduler import start_scheduler
    from bot.runtime.server import serve_http, serve_socket_mode
    from bot.runtime.slack_client import make_client

    settings, framework, db = start(Mode.SERVE)
    warn_about_holidays(framework, datetime.now(framework.zone).date())
    deps = Deps(settings=settings, framework=framework, db=db)
    app = create_app(deps)
    scheduler = start_scheduler(deps, make_client(settings, paced=True))
    try:
        if settings.slack_app_token is not None:
            serve_socket_mode(app, settings.slack_app_token.get_secret_value())
        else:
            serve_http(app, db, settings.port)
    finally:
        scheduler.shutdown(wait=False)
    return 0
