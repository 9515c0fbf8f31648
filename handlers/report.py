"""Indexing reports and failures in the Danish a person reads (command line and admins)."""

from __future__ import annotations

from handlers import texts
from knowledge.errors import IndexUnavailable, IndexingFailed
from knowledge.indexer import FileResult, IndexReport


def file_reason(result: FileResult) -> str:
    reason = texts.DOCUMENT_ERRORS.get(result.code, result.code)
    if result.status == "kept_previous":
        reason = f"{reason}; {texts.KEPT_PREVIOUS}"
    return reason


def index_summary(report: IndexReport) -> str:
    lines = [
        texts.INDEX_SUMMARY.format(
            files=len(report.files), meetings=report.meetings, items=report.items,
            decisions=report.decisions, closed=report.closed,
        ),
        texts.INDEX_CHANGES.format(new=report.new, changed=report.changed, removed=report.removed),
    ]
    if report.warnings:
        lines.append(texts.INDEX_WARNINGS)
        lines += [
            texts.INDEX_WARNING_LINE.format(name=result.name, reason=file_reason(result))
            for result in report.warnings
        ]
    return "\n".join(lines)


def failure_reason(error: IndexingFailed) -> str:
    """Why an indexing run failed, as a clause: "referatmappen findes ikke: …"."""
    template = texts.INDEXING_ERRORS.get(error.code, texts.INDEXING_ERRORS["crashed"])
    return template.format(detail=error.detail)


def indexing_failed(error: IndexingFailed) -> str:
    return texts.INDEX_FAILED.format(reason=failure_reason(error))


def index_unavailable(error: IndexUnavailable) -> str:
    return texts.INDEX_UNAVAILABLE.get(error.code, texts.INDEX_UNAVAILABLE["corrupt"])
