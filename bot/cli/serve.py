"""`staffroom serve`: the app over HTTP or Socket Mode, with its scheduler."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.cli.common import safe_url, start
from bot.cli.schema import warn_about_holidays
from bot.runtime.config import ENVIRONMENT_HELP, Mode
from bot.runtime.deps import Deps


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the Slack app (HTTP, or Socket Mode)",
        description=(
            "Run the Slack app: HTTP at POST /slack/events (with GET /healthz and GET /metrics), "
            "or Socket Mode when SLACK_APP_TOKEN is set; the scheduler runs inside it. "
            "The database is created or upgraded on start."
        ),
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not upgrade the database schema at start (run `staffroom migrate` first)",
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="answer Slack only: leave reminders and retries to other instances",
    )
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli import staffroom_version
    from bot.runtime.app import create_app
    from bot.runtime.scheduler import start_scheduler
    from bot.runtime.server import serve_http, serve_socket_mode
    from bot.runtime.slack_client import make_client
    from bot.runtime.startup import check_token, log, startup_line

    settings, framework, db = start(Mode.SERVE, migrate=not args.no_migrate)
    slack = check_token(make_client(settings))
    log.info(
        startup_line(
            version=staffroom_version(),
            settings=settings,
            framework=framework,
            database=safe_url(settings.database),
            slack=slack,
        )
    )
    warn_about_holidays(framework, datetime.now(framework.zone).date())
    deps = Deps(settings=settings, framework=framework, db=db)
    app = create_app(deps)
    scheduler = (
        None if args.no_scheduler else start_scheduler(deps, make_client(settings, paced=True))
    )
    try:
        if settings.slack_app_token is not None:
            serve_socket_mode(app, settings.slack_app_token.get_secret_value())
        else:
            assert settings.slack_signing_secret is not None  # required for HTTP (settings.require)
            secret = settings.slack_signing_secret.get_secret_value()
            serve_http(app, db, settings.host, settings.port, signing_secret=secret)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0
