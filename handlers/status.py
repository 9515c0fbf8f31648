"""The admin's `status`: the index, the last reindex, subscribers and recent admin actions.

Names in the audit log and the reindex runs are display names people chose; they are shown
on one line each and as text, never as markup, so no name can forge a line of the report.
"""

from __future__ import annotations

from typing import Callable

from handlers import markup, texts
from handlers.clock import local_time
from handlers.feedback import status_lines
from handlers.messages import Reply
from handlers.reindex import Reindexer
from handlers.report import index_unavailable, sync_status
from handlers.state.feedback_log import FeedbackLog
from handlers.state.store import StateStore
from knowledge.dates import danish
from knowledge.errors import IndexUnavailable
from knowledge.index.loaded import Index

AUDIT_SHOWN = 10
NAME_LIMIT = 80


def status_reply(index: Callable[[], Index], state: StateStore, reindexer: Reindexer | None = None,
                 feedback: FeedbackLog | None = None) -> Reply:
    """The status report as text and as markdown; with `feedback` (a `FeedbackLog`) the
    ratings of answers too."""
    return Reply(_status(index, state, reindexer, markup.plain, feedback),
                 _status(index, state, reindexer, markup.markdown_line, feedback))


def status_text(index: Callable[[], Index], state: StateStore, reindexer: Reindexer | None = None) -> str:
    return status_reply(index, state, reindexer).text


def _status(index: Callable[[], Index], state: StateStore, reindexer: Reindexer | None,
            shown: Callable[[str, int], str], feedback: FeedbackLog | None = None) -> str:
    def name(value: object) -> str:
        return shown(str(value), NAME_LIMIT)

    lines = [texts.STATUS_HEADING]
    try:
        current = index()
        newest = current.newest_meeting()
        stats = current.stats()
        lines.append(texts.STATUS_INDEX.format(
            items=stats["items"], meetings=stats["meetings"],
            newest=danish(newest["date"]) if newest else "-",
        ))
    except IndexUnavailable as error:
        lines.append(texts.STATUS_NO_INDEX.format(reason=index_unavailable(error)))
    if reindexer is not None and reindexer.running is not None:
        running = reindexer.running
        lines.append(texts.REINDEX_BUSY.format(who=name(running.by), when=local_time(running.started)))
    if reindexer is not None and reindexer.disk_full_since is not None:
        free = reindexer.free_bytes()
        lines.append(texts.STATUS_DISK_FULL.format(
            when=local_time(reindexer.disk_full_since),
            free="?" if free is None else f"{free / 1_000_000:.1f} MB".replace(".", ",")))
    run = state.last_run()
    if run:
        lines.append(texts.STATUS_LAST_RUN.format(
            when=local_time(run["when"]), who=name(run["by"]), result=name(run["result"]),
            seconds=str(run.get("seconds", "?")).replace(".", ","),
        ))
    else:
        lines.append(texts.STATUS_NO_RUN)
    if reindexer is not None and reindexer.last_sync is not None:
        lines.append(shown(sync_status(reindexer.last_sync()), 400))
    damage = state.damage()
    if damage:
        lines.append(texts.STATUS_STATE_DAMAGED.format(
            kept=", ".join(damage["kept"]), recovered=texts.counted(damage["recovered"], texts.SUBSCRIPTIONS)))
    lines.append(texts.STATUS_SUBSCRIBERS.format(count=len(state.subscriptions())))
    if feedback is not None:
        lines += status_lines(feedback, shown)
    audit = state.recent_audit(AUDIT_SHOWN)
    if audit:
        lines.append(texts.STATUS_AUDIT)
        lines += [
            texts.STATUS_AUDIT_LINE.format(when=name(local_time(entry["when"])), who=name(entry["who"]),
                                           command=name(entry["command"]), result=name(entry["result"]))
            for entry in audit
        ]
    return "\n".join(lines)
