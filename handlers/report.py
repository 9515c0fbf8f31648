"""Indexing reports and failures in the Danish a person reads (command line and admins)."""

from __future__ import annotations

from handlers import texts
from handlers.clock import local_time
from knowledge.errors import IndexingFailed, IndexUnavailable, SyncFailed
from knowledge.index.build import FileResult, IndexReport

# Files named one by one in the chat's report of an index run; a longer list would pass what
# a channel carries in one message, and the command line prints them all.
CHAT_FILE_LINES = 40


def file_reason(result: FileResult) -> str:
    reason = texts.DOCUMENT_ERRORS.get(result.code, result.code)
    # replace, not format: the detail is text from the file and may hold braces.
    reason = reason.replace("{detail}", result.detail)
    if result.status == "kept_previous":
        reason = f"{reason}; {texts.KEPT_PREVIOUS}"
    return reason


def file_line(result: FileResult) -> str:
    """How one file was read: by its structure, as text only, skipped or failed, and why."""
    if result.status == "skipped":
        return texts.FILE_SKIPPED.format(name=result.name, reason=file_reason(result))
    if result.status in ("failed", "kept_previous"):
        return texts.FILE_FAILED.format(name=result.name, reason=file_reason(result))
    if result.mode == "text":
        reason = file_reason(result) if result.code else texts.DOCUMENT_ERRORS["no_items"]
        return texts.FILE_TEXT.format(
            name=result.name, entries=texts.counted(result.items, texts.ENTRIES), reason=reason,
        )
    items = texts.counted(result.items, texts.ITEMS)
    if result.code:
        return texts.FILE_ITEMS_NOTE.format(name=result.name, items=items, reason=file_reason(result))
    return texts.FILE_ITEMS.format(name=result.name, items=items)


def by_structure_without_note(result: FileResult) -> bool:
    return result.status in ("indexed", "unchanged") and result.mode != "text" and not result.code


def file_lines(report: IndexReport, limit: int | None = None) -> list[str]:
    """The report's per-file lines. With a `limit` (a chat message), the files read by their
    structure without remarks are counted in one line and the rest listed up to `limit`."""
    if limit is None:
        return [texts.INDEX_FILES, *(file_line(result) for result in report.files)]
    plain = [result for result in report.files if by_structure_without_note(result)]
    others = [result for result in report.files if not by_structure_without_note(result)]
    lines = [texts.INDEX_FILES]
    if plain:
        lines.append(texts.FILES_BY_STRUCTURE.format(files=texts.counted(len(plain), texts.FILES)))
    lines += [file_line(result) for result in others[:limit]]
    if len(others) > limit:
        lines.append(texts.FILES_MORE.format(count=len(others) - limit))
    return lines


def index_summary(report: IndexReport, seconds: float | None = None) -> str:
    """The report of an index run, for both its readers. The command line's says what the
    index now holds and names every file; the chat's (`seconds`: how long the run took)
    counts the files read by their structure in one line and names at most
    CHAT_FILE_LINES others, so it fits a message."""
    if seconds is None:
        lines = [texts.INDEX_SUMMARY.format(files=len(report.files), meetings=report.meetings, items=report.items,
                                            decisions=report.decisions, closed=report.closed)]
    else:
        lines = [texts.REINDEX_DONE.format(seconds=f"{seconds:.1f}".replace(".", ",")),
                 texts.REINDEX_FILES.format(files=len(report.files), meetings=report.meetings, items=report.items)]
    lines.append(texts.INDEX_CHANGES.format(new=report.new, changed=report.changed, removed=report.removed))
    if report.files:
        lines += file_lines(report, limit=None if seconds is None else CHAT_FILE_LINES)
    return "\n".join(lines)


def failure_reason(error: IndexingFailed) -> str:
    """Why an indexing run failed, as a clause: "referatmappen findes ikke: …"."""
    template = texts.INDEXING_ERRORS.get(error.code, texts.INDEXING_ERRORS["crashed"])
    return template.format(detail=error.detail)


def indexing_failed(error: IndexingFailed) -> str:
    return texts.INDEX_FAILED.format(reason=failure_reason(error))


def index_unavailable(error: IndexUnavailable) -> str:
    return texts.INDEX_UNAVAILABLE.get(error.code, texts.INDEX_UNAVAILABLE["corrupt"])


def sync_failed(error: SyncFailed) -> str:
    template = texts.SYNC_ERRORS.get(error.code, "{detail}")
    return texts.SYNC_FAILED.format(reason=template.format(detail=error.detail))


def sync_summary(report) -> str:
    """A sync's outcome (`knowledge.sync.SyncReport`): what was fetched, then the indexing."""
    fetch = report.fetch
    lines = [texts.SYNC_SUMMARY.format(
        portal=fetch.portal, fetched=fetch.fetched, listed=fetch.listed, requests=fetch.requests,
        seconds=f"{fetch.seconds:.1f}".replace(".", ","),
    )]
    if fetch.missing:
        lines.append(texts.SYNC_MISSING.format(missing=fetch.missing))
    if fetch.skipped:
        lines.append(skipped_meetings(fetch.skipped))
    lines.append(index_summary(report.index) if report.index is not None else texts.SYNC_NOTHING_NEW)
    return "\n".join(lines)


def sync_status(run: dict | None) -> str:
    """The status line for the last sync (`knowledge.sync.last_sync`)."""
    if not run:
        return texts.STATUS_NO_SYNC
    result = run.get("result", "")
    if result.startswith("failed"):
        code = result.split(":", 1)[-1].strip()
        template = texts.SYNC_ERRORS.get(code, "{detail}")
        result = template.format(detail=run.get("detail", "")) if code in texts.SYNC_ERRORS else result
    else:
        result = texts.STATUS_SYNC_OK
    line = texts.STATUS_LAST_SYNC.format(
        portal=run.get("portal", ""), when=local_time(run["when"]) if run.get("when") else "-", result=result,
        fetched=run.get("fetched", 0), listed=run.get("listed", 0),
    )
    skipped = run.get("skipped")
    return f"{line}\n{skipped_meetings(skipped)}" if skipped and isinstance(skipped, list) else line


def skipped_meetings(skipped: list) -> str:
    """The meetings a sync left out, each as "body date (id)"."""
    named = [" ".join(part for part in (str(meeting.get("body") or ""), str(meeting.get("date") or ""),
                                          f"(id {meeting.get('id', '')})") if part)
             for meeting in skipped[:10] if isinstance(meeting, dict)]
    more = f" og {len(skipped) - 10} flere" if len(skipped) > 10 else ""
    return texts.SYNC_SKIPPED.format(meetings="; ".join(named) + more)
