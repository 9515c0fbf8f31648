"""The admin's `status`: the index, the last reindex, subscribers and recent admin actions."""

from __future__ import annotations

from typing import Callable

from handlers import texts
from handlers.clock import local_time
from handlers.report import index_unavailable
from knowledge.dates import danish
from knowledge.errors import IndexUnavailable
from knowledge.index import Index
from knowledge.state import StateStore

AUDIT_SHOWN = 10


def status_text(index: Callable[[], Index], state: StateStore, reindexer=None) -> str:
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
        lines.append(texts.REINDEX_BUSY.format(who=running["by"], when=local_time(running["started"])))
    run = state.last_run()
    if run:
        lines.append(texts.STATUS_LAST_RUN.format(
            when=local_time(run["when"]), who=run["by"], result=run["result"],
            seconds=str(run.get("seconds", "?")).replace(".", ","),
        ))
    else:
        lines.append(texts.STATUS_NO_RUN)
    lines.append(texts.STATUS_SUBSCRIBERS.format(count=len(state.subscriptions())))
    audit = state.recent_audit(AUDIT_SHOWN)
    if audit:
        lines.append(texts.STATUS_AUDIT)
        lines += [
            texts.STATUS_AUDIT_LINE.format(when=local_time(entry["when"]), who=entry["who"],
                                           command=entry["command"], result=entry["result"])
            for entry in audit
        ]
    return "\n".join(lines)
