"""The `beslutningsbot` command line: one entry point, one subcommand per job.

    beslutningsbot index [PATH ...]     build the index (default: the minutes folder or samples)
    beslutningsbot sync [URL]           fetch new meetings from the agenda portal, then index them
    beslutningsbot ask "QUESTION"       answer one question, as text or --json
    beslutningsbot chat                 a console chat over the same handlers as Teams and Webex
    beslutningsbot digest --preview     the weekly digest, printed here
    beslutningsbot serve                the server for Teams and Webex
    beslutningsbot bench                the search benchmark
    beslutningsbot teams-package        build the Teams app package (zip) for upload to Teams
    beslutningsbot webex-register       point the Webex bot's webhooks at this server (or --remove)
    beslutningsbot loadtest             many concurrent conversations against the server, in figures
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from importlib.metadata import entry_points
from pathlib import Path

from bot.settings import Settings, SettingsError
from handlers import texts
from handlers.answer import answer_reply
from handlers.report import index_summary, index_unavailable, indexing_failed
from knowledge import open_index
from knowledge.errors import IndexingFailed, IndexUnavailable
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.links import Links

log = logging.getLogger("beslutningsbot")

# Subcommands that live outside the running bot (the operator's tools) plug in here.
COMMANDS_GROUP = "beslutningsbot.commands"


def _settings() -> Settings:
    try:
        return Settings.load()
    except SettingsError as error:
        print(f"Fejl i indstillingerne: {error}", file=sys.stderr)
        raise SystemExit(2) from error


def _open(settings: Settings) -> Index:
    try:
        return open_index(settings.store_path, sources=settings.sources)
    except IndexingFailed as error:
        print(indexing_failed(error), file=sys.stderr)
        raise SystemExit(1) from error
    except IndexUnavailable as error:
        print(index_unavailable(error), file=sys.stderr)
        raise SystemExit(1) from error


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    settings = _settings()
    paths = [Path(p) for p in args.paths] or settings.sources
    bar = tqdm(total=0, unit="fil", file=sys.stderr, disable=args.quiet or None)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.set_postfix_str(name[:40])
        bar.update(done - bar.n)

    try:
        report = build_index(paths, settings.store_path, progress=progress)
    except IndexingFailed as error:
        bar.close()
        print(indexing_failed(error), file=sys.stderr)
        return 1
    bar.close()
    print(index_summary(report))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    import asyncio

    from tqdm import tqdm

    from handlers import texts
    from handlers.report import sync_failed, sync_summary
    from knowledge.errors import SyncFailed
    from knowledge.sync import sync_portal

    settings = _settings()
    url = args.url or settings.portal_url
    if not url:
        print(texts.SYNC_NO_PORTAL, file=sys.stderr)
        return 2
    bar = tqdm(total=0, unit="møde", file=sys.stderr, disable=args.quiet or None)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        report = asyncio.run(sync_portal(
            url, settings.sync_dir, settings.store_path, sources=[settings.sync_dir],
            progress=progress, full=args.full,
        ))
    except SyncFailed as error:
        bar.close()
        print(sync_failed(error), file=sys.stderr)
        return 1
    except IndexingFailed as error:
        bar.close()
        print(indexing_failed(error), file=sys.stderr)
        return 1
    bar.close()
    print(sync_summary(report))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    settings = _settings()
    index = _open(settings)
    question = " ".join(args.question)
    if args.json:
        hits = index.search(question, limit=args.limit)
        print(json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2))
        return 0
    if not index.items:
        print(texts.INDEX_EMPTY)
        return 0
    links = Links(index.meetings, settings.minutes_url)
    print(answer_reply(index.answer(question, limit=args.limit), link=links.for_hit).text)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import run_console

    return run_console(_settings())


def cmd_digest(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta, timezone

    from handlers import texts
    from handlers.digests import digest_reply
    from knowledge.new_decisions import build_digest

    settings = _settings()
    index = _open(settings)
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            print(f"--since skal være en dato som 2026-11-01, ikke {args.since!r}", file=sys.stderr)
            return 2
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    else:
        since = datetime.now(timezone.utc) - timedelta(days=7)
    digest = build_digest(index, since.isoformat(timespec="seconds"), args.topic)
    print(texts.DIGEST_EMPTY_PREVIEW if digest.empty else digest_reply(digest, args.topic).full_text)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.logs import configure
    from bot.server import DataFolderInUse, run
    from handlers import texts

    settings = _settings()
    configure(settings)
    try:
        run(settings)
    except DataFolderInUse as error:
        print(texts.SERVER_ALREADY_RUNNING.format(folder=error.folder), file=sys.stderr)
        return 1
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """Write the stored feedback as a question file for `bench --questions`."""
    import json

    from handlers.state.feedback_log import FEEDBACK_FILE, FeedbackLog, export

    log = FeedbackLog(_settings().state_path.with_name(FEEDBACK_FILE))
    questions = export(log.rows)
    args.export.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    right, wrong = log.counts()
    print(f"{len(questions)} questions written to {args.export} (from {right} right and {wrong} wrong answers)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="beslutningsbot", description="Slå direktionens beslutninger op.")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build the index from minutes files")
    index.add_argument("paths", nargs="*", help="folders or files (default: BESLUTNINGSBOT_MINUTES_DIR or the samples)")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.set_defaults(run=cmd_index)

    sync = commands.add_parser("sync", help="fetch new and changed meetings from the agenda portal, then index")
    sync.add_argument("url", nargs="?", help="the portal, e.g. https://dagsordener.greve.dk (default: BESLUTNINGSBOT_PORTAL_URL)")
    sync.add_argument("--full", action="store_true", help="fetch every meeting again, changed or not")
    sync.add_argument("--quiet", action="store_true", help="no progress bar")
    sync.set_defaults(run=cmd_sync)

    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--json", action="store_true", help="print the ranked hits as JSON")
    ask.add_argument("--limit", type=int, default=5)
    ask.set_defaults(run=cmd_ask)

    chat = commands.add_parser("chat", help="chat with the bot in the console")
    chat.set_defaults(run=cmd_chat)

    digest = commands.add_parser("digest", help="print the weekly digest")
    digest.add_argument("--preview", action="store_true", required=True, help="print it here; nothing is sent")
    digest.add_argument("--since", help="decisions indexed after this date (default: the last 7 days)")
    digest.add_argument("--topic", help="only decisions about this topic")
    digest.set_defaults(run=cmd_digest)

    feedback = commands.add_parser("feedback", help="export the answers people rated as a bench question file")
    feedback.add_argument("--export", type=Path, required=True, metavar="FILE",
                          help="write the questions here (read by bench --questions FILE)")
    feedback.set_defaults(run=cmd_feedback)

    serve = commands.add_parser("serve", help="run the Teams and Webex server")
    serve.set_defaults(run=cmd_serve)

    for entry in entry_points(group=COMMANDS_GROUP):
        entry.load()(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
