"""``python -m bot``: check the configuration, migrate the database, connect to Slack and serve.

python -m bot                 Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on $PORT
python -m bot web             HTTP (gunicorn + uvicorn) on $PORT: /slack/events, /healthz, /l/… pages
python -m bot socket          Socket Mode
python -m bot export --letter ID --format text|csv|pdf|docx [--language en|es] [--output FILE]
                  [--columns auto|1|2] [--group none|type|state]   (pdf, docx: instead of the letter's layout)
python -m bot backup FILE     a consistent copy of the SQLite database, safe while the bot runs
python -m bot migrate         apply database migrations and exit
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from dotenv import load_dotenv
from slack_sdk.errors import SlackApiError

from bot.runtime import BotIdentity, Runtime, SingleWorkspaceTokens, make_client
from bot.settings import ConfigError, Settings, load_settings
from db.engine import Database

log = logging.getLogger("bot")


def fail(message: str) -> NoReturn:
    print(f"signon: {message}", file=sys.stderr)
    raise SystemExit(2)


def settings_or_exit(*, require_signing_secret: bool = True) -> Settings:
    try:
        return load_settings(require_signing_secret=require_signing_secret)
    except ConfigError as error:
        fail(f"configuration error: {error}")


def secrets_of(settings: Settings) -> list[str]:
    """Values the logs must never show."""
    values = [settings.bot_token, settings.signing_secret, settings.app_token]
    if settings.oauth is not None:
        values += [settings.oauth.client_secret, settings.oauth.state_secret]
    if settings.smtp is not None:
        values.append(settings.smtp.password)
    return [value for value in values if value]


def open_database(settings: Settings) -> Database:
    from db.migrate import upgrade

    database = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        upgrade(database)
    except Exception as error:
        reason = str(getattr(error, "orig", error)).splitlines()[0][:200]
        fail(
            f"cannot use the database at DATABASE_URL ({settings.database_label}): {reason}. "
            "Check that the path is writable or the server is reachable."
        )
    return database


def compile_catalogs() -> None:
    """Every language's catalog, compiled now: a broken translation file stops the start, naming the file."""
    from bot.messages.catalogs import CatalogError, compile_all

    try:
        languages = compile_all()
    except CatalogError as error:
        fail(f"a translation catalog cannot be read: {error}. Fix the .po file (see README, Languages).")
    log.info("languages: %s", ", ".join(languages))


def check_slack(settings: Settings) -> BotIdentity:
    """auth.test with the bot token: proves the token and SLACK_API_URL before we serve anything."""
    client = make_client(settings, settings.bot_token, rate_limit_retries=2)
    try:
        response = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        if code in ("invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"):
            fail(
                f"configuration error: SLACK_BOT_TOKEN was rejected by Slack ({code}). Copy the current Bot User "
                "OAuth Token (xoxb-…) from OAuth & Permissions, or reinstall the app to your workspace."
            )
        fail(f"Slack answered auth.test with {code}. Check SLACK_API_URL ({settings.slack_api_url}).")
    except Exception as error:
        fail(
            f"cannot reach Slack at SLACK_API_URL ({settings.slack_api_url}): {type(error).__name__}: {error}. "
            "Check the network, or unset SLACK_API_URL to use Slack's own."
        )
    return BotIdentity(
        team_id=response["team_id"],
        team_name=response.get("team", ""),
        bot_user_id=response["user_id"],
        bot_id=response.get("bot_id"),
        enterprise_id=response.get("enterprise_id"),
        url=response.get("url"),
    )


def start(mode: str) -> None:
    from bot.logsetup import configure_logging

    settings = settings_or_exit(require_signing_secret=mode != "socket")
    # Settings hold the secrets now; child processes and libraries reading the environment need not see them.
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_SECRET"):
        os.environ.pop(name, None)
    configure_logging(
        settings.log_level, [s for s in (settings.bot_token, settings.signing_secret, settings.app_token) if s]
    )
    compile_catalogs()
    if mode == "socket" and settings.app_token is None:
        fail(
            "configuration error: SLACK_APP_TOKEN is not set, and Socket Mode needs it. Create an app-level token "
            "with connections:write under Basic Information, or run `python -m bot web` for HTTP."
        )
    # Slack first: a token Slack refuses must not leave a new, empty database behind.
    identity = check_slack(settings) if settings.oauth is None else None
    database = open_database(settings)
    if settings.oauth is not None:
        if mode == "socket":
            fail(
                "configuration error: SLACK_CLIENT_ID turns on multi-workspace installs, which need the HTTP server. "
                "Run `python -m bot web`, or unset SLACK_CLIENT_ID for one workspace over Socket Mode."
            )
        log.info(
            "multi-workspace mode: workspaces install the app at %s; database %s",
            settings.oauth.install_url,
            settings.database_label,
        )
        database.dispose()
        announce_mode("web")
        run_web(settings, None)
        return
    assert identity is not None
    log.info(
        "connected to workspace %s (%s) as bot user %s; database %s",
        identity.team_name,
        identity.team_id,
        identity.bot_user_id,
        settings.database_label,
    )
    announce_mode(mode)
    if mode == "socket":
        run_socket(settings, identity, database)
    else:
        database.dispose()
        run_web(settings, identity)


def announce_mode(mode: str) -> None:
    """Which way Slack must deliver requests: a Slack app talks either HTTP or Socket Mode, never both, and one set
    the other way delivers nothing, silently."""
    if mode == "socket":
        log.info(
            "Socket Mode: in the Slack app's settings Socket Mode must be on (socket_mode_enabled: true, as "
            "manifest.yml is written); requests arrive over the WebSocket, no public URL needed"
        )
    else:
        log.info(
            "HTTP mode (SLACK_APP_TOKEN is not set, or `python -m bot web`): in the Slack app's settings Socket Mode "
            "must be off (socket_mode_enabled: false) and the slash command, interactivity and event request URLs "
            "must be https://YOUR-HOST/slack/events; manifest.yml as written enables Socket Mode (see its header)"
        )


def run_socket(settings: Settings, identity: BotIdentity, database: Database) -> None:
    from bot.app import build_app
    from bot.scheduler import start_scheduler
    from bot.server import run_socket_mode

    assert settings.bot_token is not None and settings.app_token is not None
    runtime = Runtime(settings, database, SingleWorkspaceTokens(settings.bot_token, identity.team_id), identity)
    app = build_app(runtime)
    start_scheduler(runtime)
    try:
        run_socket_mode(app, runtime, settings.app_token)
    except SlackApiError as error:
        fail(
            f"configuration error: SLACK_APP_TOKEN was rejected ({error.response.get('error')}). Create an app-level "
            "token with the connections:write scope under Basic Information."
        )


def run_web(settings: Settings, identity: BotIdentity | None) -> None:
    from bot.web.serving import GunicornServer, gunicorn_options

    def load_worker_app() -> Any:
        # In each gunicorn worker, after the fork: fresh connections, its own scheduler.
        from bot.app import build_app
        from bot.logsetup import configure_logging
        from bot.scheduler import start_scheduler
        from bot.web.app import build_web_app

        configure_logging(settings.log_level, secrets_of(settings), json_lines=settings.log_json)
        database = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        if identity is None:
            from bot.oauth import InstallationTokens, oauth_settings

            oauth, store = oauth_settings(settings, database)
            runtime = Runtime(settings, database, InstallationTokens(store))
            app = build_app(runtime, oauth_settings=oauth, installation_store=store)
        else:
            assert settings.bot_token is not None
            tokens = SingleWorkspaceTokens(settings.bot_token, identity.team_id)
            runtime = Runtime(settings, database, tokens, identity)
            app = build_app(runtime)
        start_scheduler(runtime)
        return build_web_app(app, runtime, settings.web_threads)

    # The app's modules are imported once here, before the fork, so every worker starts with them loaded instead
    # of importing them again (seconds of CPU per worker). Importing them opens no connection and starts no
    # thread; what does (the database, the scheduler) is still built in each worker, above.
    import bot.app
    import bot.scheduler
    import bot.web.app  # noqa: F401

    log.info(
        "serving HTTP on 0.0.0.0:%d (POST /slack/events, GET /healthz, /l/…) with %d worker(s) x %d request threads",
        settings.port,
        settings.web_concurrency,
        settings.web_threads,
    )
    GunicornServer(load_worker_app, gunicorn_options(settings.port, settings.web_concurrency, settings.log_level)).run()


# --group on the command line: the stored grouping each word stands for.
GROUP_CHOICES = {"none": "none", "type": "org_type", "state": "state"}


def export(args: argparse.Namespace) -> None:
    from dataclasses import replace

    from bot.delivery import documents as letter_documents
    from bot.delivery.exports import late_text
    from bot.messages import words
    from bot.services import delivery as delivery_service
    from bot.services import export as export_service
    from bot.services.layout import DocumentLayout
    from db.models import Letter

    database = _database_only()
    with database.read() as session:
        letter = session.get(Letter, args.letter)
        if letter is None:
            fail(f"there is no letter {args.letter}. The letters are numbered as in `/signon list`.")
        data = export_service.load_export(session, letter)
        # A delivered letter: the delivered list, then the sign-ons added after it, in their own section.
        split = delivery_service.split_at_delivery(session, data, letter.id)
        if split:
            data = replace(data, rows=[*split.delivered.rows, *split.late.rows])
        # The letter's own layout, unless the command line says otherwise.
        chosen = letter_documents.letter_layout(letter)
        chosen = DocumentLayout.stored(
            args.columns or chosen.columns, GROUP_CHOICES.get(args.group or "", chosen.grouping)
        )
        document = (
            letter_documents.letter_document(session, letter, data, None, layout=chosen)
            if args.format in ("pdf", "docx")
            else None
        )
    w = words(args.language)
    output: str | bytes
    if document is not None:
        output = letter_documents.build(document, args.format)
    elif args.format == "text":
        output = (
            export_service.text_block(split.delivered) + late_text(w, split.late.rows)
            if split and split.late.rows
            else export_service.text_block(data)
        )
    else:  # the header and organization types in --language; the organizations' names are never translated
        added = (
            {r.signatory_id: letter_documents.signed_day(r).isoformat() for r in split.late.rows if r.signatory_id}
            if split
            else None
        )
        output = export_service.csv_text(data, w.csv_labels(), added, w.added_after_delivery_heading())
    if isinstance(output, str):
        output = output.encode("utf-8")
    if args.output:
        Path(args.output).write_bytes(output)
        print(f"signon: wrote {len(data.rows)} organizations to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(output)


def _database_only() -> Database:
    """export and backup need only DATABASE_URL, not Slack tokens."""
    from bot.settings import DEFAULT_DATABASE_URL, normalize_database_url

    url = normalize_database_url(os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL)
    database = Database(url)
    from db.migrate import upgrade

    try:
        upgrade(database)
    except Exception as error:
        fail(f"cannot use the database at DATABASE_URL: {str(getattr(error, 'orig', error)).splitlines()[0][:200]}")
    return database


def backup(args: argparse.Namespace) -> None:
    from db.backup import BackupError, backup_sqlite

    database = _database_only()
    try:
        pages = backup_sqlite(database, Path(args.file))
    except BackupError as error:
        fail(str(error))
    print(f"signon: backed up the database to {args.file} ({pages} pages, integrity check ok)", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    load_dotenv(override=False)
    parser = argparse.ArgumentParser(prog="python -m bot", description="signon: coalition sign-on letters in Slack")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("web", help="serve Slack's HTTP requests on $PORT")
    sub.add_parser("socket", help="connect over Socket Mode")
    sub.add_parser("migrate", help="apply database migrations")
    export_parser = sub.add_parser("export", help="write a letter's signatories from the database")
    export_parser.add_argument("--letter", type=int, required=True, help="the letter's number")
    export_parser.add_argument("--format", choices=("text", "csv", "pdf", "docx"), default="text")
    export_parser.add_argument("--language", choices=("en", "es"), default="en", help="language of the CSV's words")
    export_parser.add_argument("--output", help="file to write (default: standard output)")
    export_parser.add_argument(
        "--columns", choices=("auto", "1", "2"), help="pdf, docx: signatory columns (default: the letter's choice)"
    )
    export_parser.add_argument(
        "--group", choices=tuple(GROUP_CHOICES), help="pdf, docx: group the signatories (default: the letter's choice)"
    )
    backup_parser = sub.add_parser("backup", help="copy the SQLite database consistently while the bot runs")
    backup_parser.add_argument("file", help="where to write the copy")
    args = parser.parse_args(argv)

    if args.command == "export":
        export(args)
    elif args.command == "backup":
        backup(args)
    elif args.command == "migrate":
        _database_only()
        print("signon: database is up to date", file=sys.stderr)
    elif args.command in ("web", "socket"):
        start(args.command)
    else:
        start("socket" if os.environ.get("SLACK_APP_TOKEN", "").strip() else "web")


if __name__ == "__main__":
    main()
